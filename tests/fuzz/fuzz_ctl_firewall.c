/*
 * fuzz_ctl_firewall.c — libFuzzer target for the firewall app's rules file
 * parser (controller/ctl_firewall_rules.c, ctl_firewall.h) and the
 * decisions made from the parsed list.
 *
 * Input: the rules file text (copied and NUL-terminated, as the app reads
 * it).  A rejected file must leave no rules behind (nothing to free) and a
 * "fuzz:LINE: reason" message of one line.  An accepted one has at most
 * CTL_FW_MAX_RULES rules with increasing line numbers; every rule is then
 * asked ctl_fw_deny_installable(), and every rule's match is used as a
 * packet key for ctl_fw_allows() (a rule always covers its own match, so
 * the deciding rule is that one or an earlier one).  The rules are freed:
 * LeakSanitizer reports anything left.  A violated property traps.
 * Built by tests/fuzz/run.sh (freestanding).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "controller/ctl_firewall.h"
#include "os/mem.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ctl_fw_rules r;
    char err[256];

    if (size > 65536)
        return 0;
    char *text = os_malloc(size + 1);
    FUZZ_CHECK(text);
    memcpy(text, data, size);
    text[size] = '\0';
    err[0] = '\0';
    int rc = ctl_fw_rules_parse(text, "fuzz", &r, err, sizeof err);
    if (rc != 0) {
        FUZZ_CHECK(rc == -EINVAL || rc == -ENOMEM);
        FUZZ_CHECK(!strncmp(err, "fuzz:", 5) && !strchr(err, '\n'));
        FUZZ_CHECK(r.rules == NULL && r.n == 0);
        os_free(text);
        return 0;
    }
    FUZZ_CHECK(r.n <= CTL_FW_MAX_RULES && (r.n == 0 || r.rules));
    for (size_t i = 0; i < r.n; i++) {
        int idx = -2;
        FUZZ_CHECK(i == 0 || r.rules[i].line > r.rules[i - 1].line);
        bool inst = ctl_fw_deny_installable(&r, i);
        FUZZ_CHECK(!inst || !r.rules[i].allow);
        bool allow = ctl_fw_allows(&r, &r.rules[i].match, &idx);
        FUZZ_CHECK(idx >= 0 && (size_t)idx <= i);
        FUZZ_CHECK(allow == r.rules[idx].allow);
        if (inst)
            FUZZ_CHECK(!allow); /* no earlier allow overlaps it */
    }
    FUZZ_CHECK(!ctl_fw_deny_installable(&r, r.n));
    ctl_fw_rules_free(&r);
    FUZZ_CHECK(r.rules == NULL && r.n == 0);
    os_free(text);
    return 0;
}
