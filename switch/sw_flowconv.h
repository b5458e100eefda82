/*
 * sw_flowconv.h — OpenFlow 1.0 (decoded) <-> datapath translation.
 *
 * The switch agent is the only place where OpenFlow's vocabulary (struct
 * of_match with OFPFW_* wildcards, OFPAT_* actions, OFPFC_* commands) meets
 * the datapath's (struct dp_match with a key and a mask, struct dp_action).
 * Translation validates what the datapath cannot check itself: output ports
 * must exist (or be a reserved port valid in that context), VLAN and PCP
 * values must be in range, and so on; a failure is reported as the exact
 * OpenFlow error (type, code) to send back.
 *
 * Round trip: sw_match_from_dp(sw_match_to_dp(m)) == m for every normalised
 * match (wildcarded fields zero, prefix wildcards >= 32 written as 32).
 *
 * Pure functions; callers are the agent and the flows-file loader.
 */
#ifndef SW_FLOWCONV_H
#define SW_FLOWCONV_H

#include <stdbool.h>
#include <stdint.h>

#include "datapath/dp_action.h"
#include "datapath/dp_key.h"
#include "datapath/dp_table.h"
#include "openflow/ofp_types.h"

/* An OpenFlow error to send back: type OFPET_*, code per type. */
struct sw_ofp_error {
    uint16_t type;
    uint16_t code;
};

/* Tells translation which physical ports exist: returns true when port_no
 * (1..OFPP_MAX) is a port of this switch. */
typedef bool sw_port_exists_fn(uint16_t port_no, void *arg);

/* Converts a decoded match to the datapath's key+mask form.  Returns
 * nothing; every of_match has a datapath form. */
void sw_match_to_dp(const struct of_match *m, struct dp_match *out);

/* Converts a datapath match back (for flow stats and flow_removed).
 * Returns nothing. */
void sw_match_from_dp(const struct dp_match *m, struct of_match *out);

/* Translates and validates an action list.  `packet_out` allows OFPP_TABLE
 * (only valid there).  Returns 0 and fills out[0..n) (out must hold n
 * entries), or -EINVAL with *err set (OFPET_BAD_ACTION / code). */
int sw_actions_to_dp(const struct of_action *a, unsigned n, bool packet_out,
                     sw_port_exists_fn *exists, void *arg, struct dp_action *out,
                     struct sw_ofp_error *err);

/* Converts datapath actions back to OpenFlow form.  Returns nothing. */
void sw_actions_from_dp(const struct dp_action *a, unsigned n, struct of_action *out);

/* Translates a flow_mod: the command, match, flags and actions (into
 * `acts`, which must hold fm->n_actions entries).  Returns 0, or -EINVAL
 * with *err set (OFPET_FLOW_MOD_FAILED/OFPFMFC_BAD_COMMAND, or an action
 * error). */
int sw_flow_mod_to_dp(const struct of_flow_mod *fm, sw_port_exists_fn *exists, void *arg,
                      struct dp_flow_mod *out, struct dp_action *acts,
                      struct sw_ofp_error *err);

/* Maps a dp_table_apply() result to the OpenFlow error to report.
 * Returns true and fills *err when rc is an error, false for rc == 0. */
bool sw_table_error(int rc, struct sw_ofp_error *err);

#endif /* SW_FLOWCONV_H */
