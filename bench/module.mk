# bench/module.mk — benchmark programs and `make bench`.
#
# Bench programs are hosted code linked against libsluice.a (except afpref,
# the independent AF_PACKET forwarder, which links plain libc only).  They are in
# BENCH_PROGRAMS, not PROGRAMS, so `make` and `make test` stay fast.
# `make bench` builds the release tree (OPT -O2, no SAN) and runs
# bench/run.sh, which writes tables, CSV and PNG plots under bench/results/.

BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_PROGRAMS := $(BUILD)/bench/dpbench $(BUILD)/bench/ofbench $(BUILD)/bench/afpfwd \
	$(BUILD)/bench/afpref

$(call obj,$(BENCH_SRC)): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOSTED_CFLAGS) -c $< -o $@

$(BUILD)/bench/dpbench: $(call obj,bench/dpbench.c bench/dpbench_scen.c bench/bench_memdev.c) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_$(TARGET))

$(BUILD)/bench/ofbench: $(call obj,bench/ofbench.c bench/ofbench_conn.c) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_$(TARGET))

$(BUILD)/bench/afpfwd: $(call obj,bench/afpfwd.c) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_$(TARGET))

# afpref is the independent AF_PACKET peer: plain libc, nothing from Sluice.
$(BUILD)/bench/afpref: $(call obj,bench/afpref.c)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^

.PHONY: bench bench-programs
# Named one by one: PROGRAMS is still growing while this file is read
# (tests/rig/module.mk adds sluice-rig after it), and prerequisites are
# expanded at once.
bench-programs: $(BENCH_PROGRAMS) $(BUILD)/sluice $(BUILD)/sluice-controller $(BUILD)/sluice-rig

bench:
	@$(MAKE) --no-print-directory SAN= OPT=-O2 bench-programs
	@bench/run.sh $(BUILDROOT)/$(TARGET)
