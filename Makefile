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

# Linked: needed by every event. Loaded with dlopen() when an event needs them: libkmod, libcrypto.
LINKED  := libudev libnl-route-3.0 libnl-genl-3.0 libnl-3.0 libconfig
DLOPEN  := libkmod libcrypto

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

SHARED_SRC := helper/shared/log.c helper/shared/util.c
CORE_SRC   := helper/conf.c helper/parse.c helper/policyfile.c helper/policycache.c helper/policy.c helper/sysfs.c helper/modload.c helper/mac.c \
	      helper/netlink.c helper/devlink.c helper/pfdevlink.c helper/netvf.c helper/lock.c helper/numvfs.c helper/inuse.c helper/apply.c helper/bind.c helper/vfdev.c helper/nvme.c helper/nvmevirt.c helper/convert.c helper/status.c helper/fleet.c helper/export.c helper/list.c helper/plan.c helper/inspect.c
SRC        := helper/main.c $(CORE_SRC) $(SHARED_SRC)
OBJ        := $(SRC:.c=.o)
HDR        := $(wildcard helper/*.h helper/shared/*.h)

UNIT_TESTS := $(patsubst %.c,%,$(wildcard tests/unit/test-*.c))

all: vio

# On Debian, the packages the build and the tests need (installed when run as root).
.deps-build: tests/deps.sh
	@tests/deps.sh build && touch $@
.deps-check: tests/deps.sh
	@tests/deps.sh build check && touch $@

$(OBJ): | .deps-build

vio: $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

%.o: %.c $(HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

tests/unit/test-%: tests/unit/test-%.c $(CORE_SRC:.c=.o) $(SHARED_SRC:.c=.o) tests/unit/test.h
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(CORE_SRC:.c=.o) $(SHARED_SRC:.c=.o) $(LDLIBS)

# A preload shim that makes chosen syscalls fail on chosen paths (tests/fault/fault.c).
tests/fault/libvio-fault.so: tests/fault/fault.c
	$(CC) $(filter-out -fsanitize=%,$(CFLAGS)) -Wno-unknown-warning-option -Wno-format-truncation \
		-shared -fPIC -o $@ $< -ldl

# The fast tier: unit tests, the real binary under umockdev, and the non-C files' linters.
check: .deps-check vio $(UNIT_TESTS) tests/fault/libvio-fault.so
	@tests/run.sh $(UNIT_TESTS)

# The policy loader under libFuzzer, ASan and UBSan (clang). CI runs it for a minute.
FUZZ_TIME ?= 600
FUZZ_SRC  := tests/fuzz/fuzz-policy.c helper/conf.c helper/parse.c helper/policyfile.c helper/policycache.c helper/policy.c \
	     helper/lock.c $(SHARED_SRC)
tests/fuzz/fuzz-policy: $(FUZZ_SRC) $(HDR)
	clang $(filter-out -O2 -Werror,$(CFLAGS)) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o $@ $(FUZZ_SRC) $(shell $(PKG_CONFIG) --libs libconfig)

fuzz: .deps-check tests/fuzz/fuzz-policy
	@tests/fuzz/run.sh $(FUZZ_TIME)

# The real-kernel tier: a QEMU guest with Debian's kernel and our installed files.
check-vm: vio
	@tests/vm/run.sh

demo: vio
	@tests/vm/run.sh --demo

bench: .deps-check vio
	@tests/bench.sh

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
	rm -f vio $(OBJ) $(UNIT_TESTS) tests/fault/libvio-fault.so tests/fuzz/fuzz-policy $(patsubst %,%.o,$(UNIT_TESTS)) .deps-build .deps-check

.PHONY: all check check-vm demo bench fuzz install clean
