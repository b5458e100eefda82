# tests/rig — the host test rig, build/<target>/sluice-rig (hosted Linux
# program on libnl-3 / libnl-route-3; unix target only).
ifeq ($(TARGET),unix)
RIG_SRC := $(sort $(wildcard tests/rig/*.c))
RIG_PKGS := libnl-3.0 libnl-route-3.0
RIG_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(RIG_PKGS) 2>/dev/null))
RIG_LIBS := $(or $(shell pkg-config --libs $(RIG_PKGS) 2>/dev/null),-lnl-route-3 -lnl-3)
PROGRAMS += $(BUILD)/sluice-rig

$(call obj,$(RIG_SRC)): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOSTED_CFLAGS) $(RIG_CFLAGS) -c $< -o $@

$(BUILD)/sluice-rig: $(call obj,$(RIG_SRC))
	$(CC) $(LDFLAGS) -o $@ $^ $(RIG_LIBS)
endif
