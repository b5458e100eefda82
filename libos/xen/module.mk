# libos/xen/module.mk — the xen target: `make TARGET=xen` builds
# $(BUILD)/sluice.xen, a PVH ELF for a Xen domU (xl: type = "pvh",
# kernel = ".../sluice.xen"; see libos/xen/README.md).  The compile and link
# rules are shared with the kvm image: mk/pvh_image.mk.
#
# From libos/x86_64 the image takes the PVH entry (boot.S), the exceptions
# (trap.c, trap_entry.S, crash.c), the W^X page tables (paging.c), the
# stack protector (ssp.c) and the pvclock arithmetic (pvclock.c): time
# comes from Xen's pvclock (libos/xen/clock.c) instead of the TSC
# calibration (tsc.c), the idle path blocks on event channels instead of
# the local APIC timer (apic.c, ioapic.c), output goes to the PV console
# ring instead of the UART (serial.c), and there is no PCI.  libos/pvh and switch/unikernel are shared with the kvm image;
# libos/xen, netfront/ and switch/xen are this image's own.
#
# Tests: tests/xen/run.sh (boots the image on Xen in the rig);
# tests/unit/test_xen_*.c and test_netfront_*.c (host, no hypervisor).
ifeq ($(TARGET),xen)
IMG := xen
IMG_C_SRC := $(sort $(addprefix libos/x86_64/,trap.c crash.c paging.c ssp.c pvclock.c) \
	$(wildcard libos/pvh/*.c libos/xen/*.c libos/libc/src/*.c netfront/*.c \
	switch/unikernel/*.c switch/xen/*.c))
IMG_ASM_SRC := libos/x86_64/boot.S libos/x86_64/trap_entry.S $(sort $(wildcard libos/xen/*.S))
include mk/pvh_image.mk
endif

# Host unit test test_xen_abi links the ABI as Xen's own headers
# (libxen-dev) define it, measured in a file of its own because those
# headers clash with ours (tests/unit/xen/abi_facts.h).
XEN_ABI_REF := $(BUILD)/obj/tests/unit/xen/abi_ref.o
$(XEN_ABI_REF): tests/unit/xen/abi_ref.c tests/unit/xen/abi_facts.h
	@mkdir -p $(@D)
	$(CC) $(HOSTED_CFLAGS) -c $< -o $@
$(BUILD)/tests/test_xen_abi: $(XEN_ABI_REF)
