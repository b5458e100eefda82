/*
 * ctl_firewall.h — the `firewall=FILE` app: an ordered allow/deny list on
 * L2-L4 header fields with a default policy.
 *
 * Rules file, one rule per line; `#` starts a comment, blank lines skip:
 *
 *     # tenants 10.0.0.0/24 and 10.0.1.0/24 may not talk; no ssh; rest ok
 *     deny  tcp,tp_dst=22
 *     allow ip,nw_src=10.0.0.0/24,nw_dst=10.0.0.0/24
 *     deny  ip,nw_src=10.0.0.0/24
 *     default allow
 *
 * A rule is `allow MATCH` or `deny MATCH`, MATCH in ovs-ofctl match syntax
 * (ofp_parse.h: in_port, dl_src, dl_dst, dl_vlan, dl_type, nw_src/dst with
 * prefixes, nw_proto, nw_tos, tp_src, tp_dst, icmp_type/code, arp_*, the
 * shorthands ip tcp udp icmp arp ...; no actions, priority or timeouts).
 * An empty MATCH matches everything.  `default allow|deny` (at most once,
 * anywhere; allow when absent) decides what no rule matches.  The first
 * rule that matches a packet decides.  Errors are "FILE:LINE: reason".
 *
 * Enforcement, so denied traffic is dropped by the switch:
 *  - on join, every deny rule that no earlier allow rule overlaps is
 *    installed as a drop flow (no actions) at priority CTL_FW_PRIORITY - i
 *    (rule i, from 0), above every flow the learning app installs;
 *  - a packet_in that the list denies is dropped and an exact-match drop
 *    flow for it (all 12 fields, idle timeout CTL_FW_IDLE) is installed at
 *    CTL_FW_EXACT_PRIORITY, with the packet_in's buffer; the packet_in stops
 *    here (later apps never see it);
 *  - an allowed packet_in goes on to the next app.  When some decision
 *    cannot live in the datapath as drop flows (default deny, or a deny
 *    shadowed by an earlier allow), the firewall asks later apps for exact
 *    flows (ctl_pi_ctx.exact_flows) so that no flow they install lets
 *    through a packet the list denies;
 *  - a packet_in whose data the switch cut short before a field that some
 *    rule constrains (ctl_pkt.unseen) cannot be decided: it is dropped
 *    with no flow installed (fail closed; counted as denied).
 * Flows from other sources (static flows, --flows, ovs-ofctl) are not
 * filtered: the firewall decides what reaches the controller.
 */
#ifndef CTL_FIREWALL_H
#define CTL_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/ofp_types.h"

#define CTL_FW_MAX_RULES 1024
#define CTL_FW_PRIORITY 0xe000
#define CTL_FW_EXACT_PRIORITY 0xf000
#define CTL_FW_IDLE 60
#define CTL_FW_COOKIE 0xf1ae0000ull

struct ctl_fw_rule {
    bool allow;
    struct of_match match;
    unsigned line;
};

struct ctl_fw_rules {
    struct ctl_fw_rule *rules;     /* os_malloc'd, n entries */
    size_t n;
    bool default_allow;
};

/* Parses a rules file (`name` labels errors).  Returns 0 with *out filled
 * (free with ctl_fw_rules_free), or -EINVAL / -ENOMEM with the reason in err. */
int ctl_fw_rules_parse(const char *text, const char *name, struct ctl_fw_rules *out,
                       char *err, size_t errlen);

/* Frees the rules.  Returns nothing. */
void ctl_fw_rules_free(struct ctl_fw_rules *r);

/* Returns true when the list allows a packet with header fields `key`;
 * *rule_idx (may be NULL) is the deciding rule or -1 for the default. */
bool ctl_fw_allows(const struct ctl_fw_rules *r, const struct of_match *key, int *rule_idx);

/* Returns true when deny rule i is enforceable as a drop flow (no earlier
 * allow rule overlaps it). */
bool ctl_fw_deny_installable(const struct ctl_fw_rules *r, size_t i);

#endif /* CTL_FIREWALL_H */
