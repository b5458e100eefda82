# Sluice — one non-recursive Makefile for every target.
#
#   make                 build the unix target into build/unix/
#   make run             build and boot the unikernel demo (TARGET=unix: the hosted one)
#   make test            build and run every test (unit tests under ASan+UBSan)
#   make TARGET=kvm      the unikernel image build/kvm/sluice.kvm (QEMU -kernel)
#   make SAN=asan        the same build with AddressSanitizer + UBSan, in build/unix-asan/
#
# Portable folders (openflow/ datapath/ controller/ switch/ libos/common/)
# are compiled -ffreestanding -nostdinc against libos/include and
# libos/libc/include only, on every target: if one of them includes a host
# header the build fails.  Per-target files are chosen here, never by #ifdef.
# Folders may add programs or objects in a module.mk fragment.

# `make run` boots the unikernel (the product) unless TARGET is given;
# `make run TARGET=unix` runs the hosted switch.  Everything else defaults
# to the unix target.
ifeq ($(MAKECMDGOALS),run)
ifeq ($(origin TARGET),undefined)
TARGET := kvm
endif
endif
TARGET ?= unix
SAN ?=
CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
BUILDROOT ?= build
BUILD := $(BUILDROOT)/$(TARGET)$(if $(SAN),-$(SAN))
PY := /usr/bin/python3

GCC_INC := $(shell $(CC) -print-file-name=include)
OPT ?= -O2
CFLAGS_BASE := -std=gnu11 -g $(OPT) -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wmissing-prototypes -Wstrict-prototypes -fno-strict-aliasing -MMD -MP -I.
LDLIBS_unix := -lpcap
ifeq ($(SAN),asan)
CFLAGS_BASE += -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -DSLUICE_DEBUG
LDFLAGS += -fsanitize=address,undefined
endif

PORTABLE_CFLAGS := $(CFLAGS_BASE) -ffreestanding -nostdinc -isystem $(GCC_INC) \
	-Ilibos/include -Ilibos/libc/include
HOSTED_CFLAGS := $(CFLAGS_BASE) -D_GNU_SOURCE -Ilibos/include

PORTABLE_DIRS := openflow datapath controller switch libos/common libos/net
# os/stream.h over libos/net (the unikernel images' streams): portable, but
# not in libsluice.a, where the unix target has libos/unix/stream.c; the
# image rules and the hosted tools that want it link it by name.
NET_STREAM_SRC := libos/net/net_stream.c
PORTABLE_SRC := $(filter-out $(NET_STREAM_SRC),$(sort $(wildcard $(addsuffix /*.c,$(PORTABLE_DIRS)))))
HOSTED_SRC_unix := $(sort $(wildcard libos/unix/*.c switch/unix/*.c))
MAIN_SRC := $(filter %_main.c,$(HOSTED_SRC_$(TARGET)))
LIB_SRC := $(PORTABLE_SRC) $(filter-out %_main.c,$(HOSTED_SRC_$(TARGET)))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB := $(BUILD)/libsluice.a
PROGRAMS := $(BUILD)/sluice $(BUILD)/sluice-controller

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_SUPPORT := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

# Fragments come before `all:`; without this their first rule would become
# the default goal.
.DEFAULT_GOAL := all
-include $(wildcard */module.mk */*/module.mk)

.PHONY: all deps run test unit pcap-tests check-freestanding clean help
all: $(PROGRAMS)

$(call obj,$(PORTABLE_SRC) $(NET_STREAM_SRC)): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(PORTABLE_CFLAGS) -c $< -o $@

$(call obj,$(HOSTED_SRC_$(TARGET))): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOSTED_CFLAGS) -c $< -o $@

$(LIB): $(call obj,$(LIB_SRC))
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/sluice: $(call obj,switch/unix/sluice_main.c) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_$(TARGET))

$(BUILD)/sluice-controller: $(call obj,switch/unix/sluice_controller_main.c) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_$(TARGET))

$(call obj,$(UNIT_SRC) $(UNIT_SUPPORT)): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOSTED_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(call obj,$(UNIT_SUPPORT)) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS_$(TARGET))

deps:
	@mk/deps.sh

# The embedded default (issue 4 replaces the pcap demo with the rig + learning app).
# TARGET=kvm boots the unikernel in QEMU instead (libos/kvm/run-demo.sh).
RUN_DEMO := $(if $(filter kvm,$(TARGET)),libos/kvm/run-demo.sh,mk/run-demo.sh)
run: deps
	@$(MAKE) --no-print-directory all
	@$(RUN_DEMO) $(BUILD)

unit: $(UNIT_BIN)

# Freestanding check: portable objects must build against libos headers only
# (they always do: -nostdinc), and must not reference host-only symbols.
check-freestanding: $(call obj,$(PORTABLE_SRC))
	@mk/check-freestanding.sh $(BUILD) $(PORTABLE_DIRS)

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory SAN=asan unit all check-freestanding
	@tests/run-all.sh $(BUILDROOT)/$(TARGET)-asan

clean:
	rm -rf build

help:
	@sed -n '2,13p' Makefile

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
