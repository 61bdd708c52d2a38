# SPDX-License-Identifier: GPL-2.0-or-later
VERSION    := 0.1
PREFIX     ?= /usr
SBINDIR    ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
MANDIR     ?= $(PREFIX)/share/man
POLICYDIR  ?= $(PREFIX)/lib/vio.d
DOCDIR     ?= $(PREFIX)/share/doc/vio
PKG_CONFIG ?= pkg-config
UDEVDIR    ?= $(or $(shell $(PKG_CONFIG) --variable=udevdir udev 2>/dev/null),$(PREFIX)/lib/udev)
SYSTEMDUNITDIR ?= $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null),$(PREFIX)/lib/systemd/system)
DRACUTDIR  ?= $(or $(shell $(PKG_CONFIG) --variable=dracutmodulesdir dracut 2>/dev/null),$(PREFIX)/lib/dracut/modules.d)
INITRAMFSTOOLSDIR ?= $(PREFIX)/share/initramfs-tools

# Linked: needed by every event. Loaded with dlopen() when an event needs them: libkmod,
# libcrypto, libnl (sys/nldl.h: most events send no netlink message).
LINKED  := libudev libconfig
DLOPEN  := libkmod libcrypto libnl-route-3.0 libnl-genl-3.0 libnl-3.0

CC      ?= cc
CFLAGS  ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wvla -Wwrite-strings -fno-common -Wno-format-nonliteral \
	-D_GNU_SOURCE -DSYSCONFDIR=\"$(SYSCONFDIR)\" -DVERSION=\"$(VERSION)\" -Ihelper \
	$(shell $(PKG_CONFIG) --cflags $(LINKED) $(DLOPEN))
LDLIBS  += $(shell $(PKG_CONFIG) --libs $(LINKED)) -ldl
ifeq ($(WERROR),1)
override CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
override CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
endif

# The helper's layers, highest first (tests/layers.py checks that each depends only downward).
LAYERS     := cmd apply core sys state shared
SHARED_SRC := $(wildcard helper/shared/*.c)
CORE_SRC   := $(foreach l,apply core sys state,$(wildcard helper/$(l)/*.c)) \
	      $(filter-out helper/cmd/main.c,$(wildcard helper/cmd/*.c))
SRC        := helper/cmd/main.c $(CORE_SRC) $(SHARED_SRC)
OBJ        := $(SRC:.c=.o)
HDR        := $(wildcard $(foreach l,$(LAYERS),helper/$(l)/*.h))

UNIT_TESTS := $(patsubst %.c,%,$(wildcard tests/unit/test-*.c))

# V=1 shows each command in full.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-7s %s\n'
endif

all: vio

# A plain make installs nothing: it says which Debian packages are missing. The README's
# make check and make demo (and the other test targets) install what they need, as root.
TEST_GOALS := check demo check-vm bench bench-vm fuzz
ifneq ($(filter $(TEST_GOALS),$(MAKECMDGOALS)),)
.deps-build: tests/deps.sh
	@tests/deps.sh build check && touch $@
else
.deps-build: tests/deps.sh
	@tests/deps.sh --report build && touch $@
endif
.deps-check: tests/deps.sh .deps-build
	@tests/deps.sh build check && touch $@

$(OBJ): | .deps-build

vio: $(OBJ)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Header dependencies from the compiler (-MMD): a changed header rebuilds what includes it.
%.o: %.c
	$(say) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<
-include $(OBJ:.o=.d)

tests/unit/test-%: tests/unit/test-%.c $(CORE_SRC:.c=.o) $(SHARED_SRC:.c=.o) tests/unit/test.h tests/unit/nlbuf.h
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(CORE_SRC:.c=.o) $(SHARED_SRC:.c=.o) $(LDLIBS)

# A preload shim that makes chosen syscalls fail on chosen paths (tests/fault/fault.c).
tests/fault/libvio-fault.so: tests/fault/fault.c
	$(say) CC $@
	$(Q)$(CC) $(filter-out -fsanitize=%,$(CFLAGS)) -Wno-unknown-warning-option -Wno-format-truncation \
		-shared -fPIC -o $@ $< -ldl

# The fast tier: unit tests, the real binary under umockdev, and the non-C files' linters.
check: .deps-check vio $(UNIT_TESTS) tests/fault/libvio-fault.so
	@tests/run.sh $(UNIT_TESTS)

# The policy loader under libFuzzer, ASan and UBSan (clang). CI runs it for a minute.
FUZZ_TIME ?= 600
FUZZ_SRC  := tests/fuzz/fuzz-policy.c $(addprefix helper/core/,conf.c parse.c value.c dlpolicy.c swcfg.c policyfile.c policycache.c policy.c policyset.c) \
	     helper/sys/eswitch.c helper/sys/pci_driver.c helper/state/lock.c helper/state/runtime.c \
	     $(SHARED_SRC)
tests/fuzz/fuzz-policy: $(FUZZ_SRC) $(HDR)
	clang $(filter-out -O2 -Werror,$(CFLAGS)) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o $@ $(FUZZ_SRC) $(shell $(PKG_CONFIG) --libs libconfig)

fuzz: .deps-check tests/fuzz/fuzz-policy
	@tests/fuzz/run.sh $(FUZZ_TIME)

# The real-kernel tier: a QEMU guest with Debian's kernel and our installed files
# (VIO_LAB_KERNEL=6.12: Debian 13's kernel instead of Debian 12's).
check-vm: vio
	@tests/vm/run.sh

demo: vio
	@tests/vm/run.sh --demo

bench: .deps-check vio
	@tests/bench.sh

# vio beside the kernel's floor, systemd .link files and per-VF shell rules, in QEMU guests
# (BENCH_RUNS=5 runs per method; tests/vm/bench.sh --readme also regenerates README's table).
bench-vm: vio
	@tests/vm/bench.sh

install: vio
	install -Dm0755 vio $(DESTDIR)$(SBINDIR)/vio
	install -d $(DESTDIR)$(UDEVDIR)/rules.d $(DESTDIR)$(UDEVDIR)/hwdb.d
	sed 's|@SBINDIR@|$(SBINDIR)|g' rules/60-vio.rules > $(DESTDIR)$(UDEVDIR)/rules.d/60-vio.rules
	chmod 0644 $(DESTDIR)$(UDEVDIR)/rules.d/60-vio.rules
	install -m0644 hwdb/60-vio.hwdb $(DESTDIR)$(UDEVDIR)/hwdb.d/60-vio.hwdb
	install -d -m0755 $(DESTDIR)$(SYSCONFDIR)/vio.d $(DESTDIR)$(POLICYDIR)
	install -Dm0644 -t $(DESTDIR)$(DOCDIR)/examples conf/*.conf
	install -Dm0644 man/vio.8 $(DESTDIR)$(MANDIR)/man8/vio.8
	install -Dm0644 man/vio.conf.5 $(DESTDIR)$(MANDIR)/man5/vio.conf.5
	install -Dm0755 dracut/90vio/module-setup.sh $(DESTDIR)$(DRACUTDIR)/90vio/module-setup.sh
	install -Dm0755 contrib/initramfs-tools/hooks/vio $(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks/vio
	install -Dm0644 systemd/vio-apply.path $(DESTDIR)$(SYSTEMDUNITDIR)/vio-apply.path
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in vio-apply.service vio-pf@.service vio-settle.service; do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/$$u > $(DESTDIR)$(SYSTEMDUNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	done

clean:
	rm -f vio $(OBJ) $(OBJ:.o=.d) $(UNIT_TESTS) tests/fault/libvio-fault.so tests/fuzz/fuzz-policy \
		$(patsubst %,%.o,$(UNIT_TESTS)) .deps-build .deps-check

.PHONY: all check check-vm demo bench bench-vm fuzz install clean
