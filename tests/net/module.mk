# tests/net — the unikernel's TCP/IP stack built hosted: build/<target>/sluice-netpeer
# (libos/net + os/stream.h over it + a tap, tests/net/netpeer.c) for
# tests/net/run.sh and bench/netbench.sh.  unix target only.
ifeq ($(TARGET),unix)
NETPEER_SRC := tests/net/netpeer.c tests/net/fault_netdev.c
PROGRAMS += $(BUILD)/sluice-netpeer

$(call obj,$(NETPEER_SRC)): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOSTED_CFLAGS) -c $< -o $@

# net_stream.o before the library: its os_stream_* win over libos/unix/stream.c.
$(BUILD)/sluice-netpeer: $(call obj,$(NETPEER_SRC) $(NET_STREAM_SRC)) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_$(TARGET))
endif
