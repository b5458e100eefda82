# libos/kvm/module.mk — the kvm target: `make TARGET=kvm` builds
# $(BUILD)/sluice.kvm, a PVH ELF for `qemu-system-x86_64 -kernel` (-M microvm
# or -M q35) and Firecracker.  The compile and link rules (kernel flags,
# stack protector, linker script) are shared with the xen image:
# mk/pvh_image.mk.
#
# Test: tests/kvm/run.sh (builds this target itself and boots it in QEMU).

# libos/pvh and switch/unikernel are shared with the xen image; libos/kvm,
# virtio/ and switch/kvm are this image's own.  os/stream.h is libos/net's
# (NET_STREAM_SRC, added by mk/pvh_image.mk), as on every unikernel image.
ifeq ($(TARGET),kvm)
IMG := kvm
IMG_C_SRC := $(sort $(wildcard libos/x86_64/*.c libos/pvh/*.c libos/kvm/*.c \
	libos/libc/src/*.c virtio/*.c switch/unikernel/*.c switch/kvm/*.c))
IMG_ASM_SRC := $(sort $(wildcard libos/x86_64/*.S))
include mk/pvh_image.mk
endif
