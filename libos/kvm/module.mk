# libos/kvm/module.mk — the kvm target: `make TARGET=kvm` builds
# $(BUILD)/sluice.kvm, a PVH ELF for `qemu-system-x86_64 -kernel` (-M microvm
# or -M q35) and Firecracker.
#
# The portable folders (PORTABLE_SRC, via the top Makefile's rule) and the
# kernel's own sources are compiled with PORTABLE_CFLAGS (-ffreestanding
# -nostdinc against libos/include and libos/libc/include) plus the kernel
# flags below.  SSE stays enabled: boot.S sets CR0.MP/CR4.OSFXSR, and the
# kernel never saves vector state because it takes interrupts only while
# halted (libos/x86_64/apic.h) and exceptions are fatal, so the portable
# code keeps the compiler's full x86_64 ISA.
# Linked at 1 MiB (identity-mapped, so the default small code model) with
# libos/x86_64/kernel.ld, against libgcc only; nothing from the host libc.
# sluice.kvm.elf keeps debug info; sluice.kvm is stripped.
#
# Test: tests/kvm/run.sh (builds this target itself and boots it in QEMU).

# libos/pvh and switch/unikernel are shared with the xen image; libos/kvm,
# virtio/ and switch/kvm are this image's own.  os/stream.h is libos/net's
# (NET_STREAM_SRC, from the top Makefile), as on every unikernel image.
KVM_C_SRC := $(sort $(wildcard libos/x86_64/*.c libos/pvh/*.c libos/kvm/*.c \
	libos/libc/src/*.c virtio/*.c switch/unikernel/*.c switch/kvm/*.c))
KVM_ASM_SRC := $(sort $(wildcard libos/x86_64/*.S))
KVM_LDSCRIPT := libos/x86_64/kernel.ld
# The stack protector (libos/x86_64/ssp.h) guards every function with a local
# array or an address-taken local, against one global canary drawn at boot.
KVM_KERNEL_FLAGS := -fno-pic -fno-pie -mno-red-zone \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -mcmodel=small

ifeq ($(TARGET),kvm)
ifneq ($(SAN),)
$(error SAN=$(SAN): sanitizers need a host runtime; build TARGET=kvm without SAN)
endif
PORTABLE_CFLAGS += $(KVM_KERNEL_FLAGS)
PROGRAMS := $(BUILD)/sluice.kvm
KVM_OBJ := $(call obj,$(KVM_C_SRC) $(NET_STREAM_SRC)) $(patsubst %.S,$(BUILD)/obj/%.o,$(KVM_ASM_SRC))
KVM_LIBGCC := $(shell $(CC) -print-libgcc-file-name)

$(call obj,$(KVM_C_SRC)): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(PORTABLE_CFLAGS) $(KVM_EXTRA_CFLAGS) -c $< -o $@

# The libc must not have its loops turned back into calls to itself.
$(call obj,$(wildcard libos/libc/src/*.c)): KVM_EXTRA_CFLAGS := -fno-builtin \
	-fno-tree-loop-distribute-patterns

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(PORTABLE_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/sluice.kvm.elf: $(KVM_OBJ) $(LIB) $(KVM_LDSCRIPT)
	$(CC) -nostdlib -static -no-pie -Wl,-T,$(KVM_LDSCRIPT) -Wl,--build-id=none \
		-Wl,-z,noexecstack -Wl,-z,max-page-size=4096 -o $@ $(KVM_OBJ) $(LIB) $(KVM_LIBGCC)

$(BUILD)/sluice.kvm: $(BUILD)/sluice.kvm.elf
	objcopy --strip-all $< $@
	@echo "sluice.kvm: $$(stat -c %s $@) bytes"
endif
