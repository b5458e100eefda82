# mk/pvh_image.mk — the rules shared by the PVH unikernel images (included
# by libos/kvm/module.mk for TARGET=kvm and libos/xen/module.mk for
# TARGET=xen, never by the top Makefile's module.mk wildcard).
#
# Inputs: IMG (the image's name: kvm, xen), IMG_C_SRC and IMG_ASM_SRC (the
# image's own sources beyond PORTABLE_SRC, which come from $(LIB), and
# NET_STREAM_SRC, which every image links).
# Output: $(BUILD)/sluice.$(IMG), a stripped PVH ELF; sluice.$(IMG).elf
# keeps the debug info.
#
# Every C file is compiled with PORTABLE_CFLAGS (-ffreestanding -nostdinc
# against libos/include and libos/libc/include) plus the kernel flags below.
# SSE stays enabled: boot.S sets CR0.MP/CR4.OSFXSR, and the kernel never
# saves vector state because it takes interrupts only while halted
# (libos/x86_64/apic.h on kvm, the event-channel upcall on xen) and
# exceptions are fatal, so the portable code keeps the compiler's full
# x86_64 ISA.  The stack protector (libos/x86_64/ssp.h) guards every
# function with a local array or an address-taken local, against one
# global canary drawn at boot.  Linked at
# 1 MiB (identity-mapped, so the default small code model) with
# libos/x86_64/kernel.ld, against libgcc only; nothing from the host libc.
# Every function and object has its own section and the link drops those
# nothing refers to (--gc-sections): an image carries only the parts of the
# shared code it calls (e.g. checksum completion without GSO on xen).

ifneq ($(SAN),)
$(error SAN=$(SAN): sanitizers need a host runtime; build TARGET=$(IMG) without SAN)
endif
PVH_LDSCRIPT := libos/x86_64/kernel.ld
PVH_KERNEL_FLAGS := -fno-pic -fno-pie -mno-red-zone \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -mcmodel=small \
	-ffunction-sections -fdata-sections
PORTABLE_CFLAGS += $(PVH_KERNEL_FLAGS)
PROGRAMS := $(BUILD)/sluice.$(IMG)
# os/stream.h is libos/net's on every image (NET_STREAM_SRC, compiled by the
# top Makefile's portable rule, linked outside libsluice.a).
IMG_OBJ := $(call obj,$(IMG_C_SRC) $(NET_STREAM_SRC)) \
	$(patsubst %.S,$(BUILD)/obj/%.o,$(IMG_ASM_SRC))
PVH_LIBGCC := $(shell $(CC) -print-libgcc-file-name)

$(call obj,$(IMG_C_SRC)): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(PORTABLE_CFLAGS) $(PVH_EXTRA_CFLAGS) -c $< -o $@

# The libc must not have its loops turned back into calls to itself.
$(call obj,$(wildcard libos/libc/src/*.c)): PVH_EXTRA_CFLAGS := -fno-builtin \
	-fno-tree-loop-distribute-patterns

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(PORTABLE_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/sluice.$(IMG).elf: $(IMG_OBJ) $(LIB) $(PVH_LDSCRIPT)
	$(CC) -nostdlib -static -no-pie -Wl,-T,$(PVH_LDSCRIPT) -Wl,--build-id=none \
		-Wl,-z,noexecstack -Wl,-z,max-page-size=4096 -Wl,--gc-sections \
		-o $@ $(IMG_OBJ) $(LIB) $(PVH_LIBGCC)

$(BUILD)/sluice.$(IMG): $(BUILD)/sluice.$(IMG).elf
	objcopy --strip-all $< $@
	@echo "sluice.$(IMG): $$(stat -c %s $@) bytes"
