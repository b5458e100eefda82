# tests/xen — build/<target>/xprobe, the measuring tool the Xen bench runs in
# the rig's dom0 (tests/xen/dom0/xprobe.c; Debian's libxenctrl, which dom0
# has too).  Unsanitized builds only: dom0 has no ASan runtime.
# `make SAN= xprobe` (bench/xen.sh does).
ifeq ($(SAN),)
XPROBE := $(BUILD)/xprobe
.PHONY: xprobe
xprobe: $(XPROBE)

$(XPROBE): tests/xen/dom0/xprobe.c
	@mkdir -p $(@D)
	$(CC) $(HOSTED_CFLAGS) -o $@ $< -lxenctrl
endif
