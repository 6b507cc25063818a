# rampart: one Makefile, no autotools.
#
#   make            build rampartd, rampart-worker and rampartctl into build/
#   make asan       the same with AddressSanitizer + UBSan into build-asan/
#   make check      install test dependencies, build both, run every test in both,
#                   then build the Debian package and test it installed (package-test)
#   make deb        the Debian package, into build/deb/ (packaging/debian/)
#   make demo       install build dependencies, build, run a demo server on 127.0.0.1:2222
#
# Sources are found by folder (DESIGN.md's layout): common/, crypto/ and policy/
# form one static library that every program links; monitor/, worker/ and tools/
# are the three programs.

BUILD      ?= build
SANITIZE   ?= 0
CC         ?= gcc
PYTHON     ?= /usr/bin/python3

MULTIARCH      := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
BORINGSSL_INC  ?= /usr/include/android
BORINGSSL_LIB  ?= /usr/lib/$(MULTIARCH)/android

# Where the installed daemon finds its worker when it is not next to rampartd.
LIBEXECDIR ?= /usr/lib/rampart
VERSION    := 0.1.0

WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CPPFLAGS := -I. -I$(BORINGSSL_INC) -D_GNU_SOURCE -DRAMPART_VERSION='"$(VERSION)"' \
            -DRAMPART_LIBEXECDIR='"$(LIBEXECDIR)"'
CFLAGS   := -std=gnu11 $(WARN) -g -fPIE -fstack-protector-strong -fno-strict-aliasing
LDFLAGS  := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack -L$(BORINGSSL_LIB) -Wl,-rpath,$(BORINGSSL_LIB)
LDLIBS   := -lcrypto -lseccomp -lcap -lcrypt -lz
# Only rampartctl (totp-enroll draws a QR code) and its tests need libqrencode.
LDLIBS_QR := -lqrencode

ifeq ($(FUZZ),1)
  # `make fuzz`: clang with libFuzzer instrumentation and the sanitizers.
  CFLAGS   += -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
  CPPFLAGS += -DRAMPART_SANITIZER_BUILD=1
  LDFLAGS  += -fsanitize=address,undefined
else ifeq ($(SANITIZE),1)
  # FORTIFY_SOURCE and ASan do not mix well; the sanitizers check more anyway.
  CFLAGS   += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  CPPFLAGS += -DRAMPART_SANITIZER_BUILD=1
  LDFLAGS  += -fsanitize=address,undefined
else
  CFLAGS   += -O2
  CPPFLAGS += -D_FORTIFY_SOURCE=3
endif

LIB_SRC     := $(sort $(wildcard common/*.c crypto/*.c policy/*.c))
MONITOR_SRC := $(sort $(wildcard monitor/*.c))
WORKER_SRC  := $(sort $(wildcard worker/*.c))
TOOLS_SRC   := $(sort $(wildcard tools/*.c))
UNIT_SRC    := $(sort $(wildcard tests/unit/*.c))
# The monitor without its main(), for the fuzz target.
MONITOR_LIB_SRC := $(filter-out monitor/main.c,$(MONITOR_SRC))
FUZZ_SECONDS ?= 60

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB      := $(BUILD)/librampart.a
PROGRAMS := $(BUILD)/rampartd $(BUILD)/rampart-worker $(BUILD)/rampartctl
# Test-only programs: a worker with the sandbox-probe hook compiled in, and a
# fake worker that speaks garbage to the monitor's IPC end.
TEST_PROGRAMS := $(BUILD)/tests/unit-tests $(BUILD)/tests/rampart-worker-probe \
                 $(BUILD)/tests/ipc-garbage-worker $(BUILD)/tests/fuzz-monitor-ipc
# rampart.conf(5) is made from docs/policy.md (see "installation" below).
MAN_PAGES := $(BUILD)/man/rampart.conf.5 packaging/man/rampartd.8 packaging/man/rampartctl.8

.PHONY: all asan check check-build unit integration demo deps-build deps-test clean \
        lint check-one fuzz fuzz-smoke man install deb package-test
all: $(PROGRAMS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/probe/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DRAMPART_TEST_HOOKS=1 $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(call obj,$(LIB_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/rampartd: $(call obj,$(MONITOR_SRC)) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/rampart-worker: $(call obj,$(WORKER_SRC)) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/rampartctl: $(call obj,$(TOOLS_SRC)) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(LDLIBS_QR)

# Unit tests may test monitor modules too (everything but its main()). The
# control suite runs the rampartctl next to them, so it is built first.
$(BUILD)/tests/unit-tests: $(call obj,$(UNIT_SRC) $(MONITOR_LIB_SRC)) $(LIB) | $(BUILD)/rampartctl
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(LDLIBS_QR) $$(pkg-config --libs check)

$(BUILD)/tests/rampart-worker-probe: $(patsubst %.c,$(BUILD)/obj/probe/%.o,$(WORKER_SRC)) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/ipc-garbage-worker: $(call obj,tests/harness/ipc_garbage_worker.c) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The monitor's IPC decoder as a fuzz target: replayed deterministically in
# `make check`, fuzzed for real with libFuzzer by `make fuzz`.
$(BUILD)/tests/fuzz-monitor-ipc: $(call obj,tests/fuzz/fuzz_monitor_ipc.c tests/fuzz/replay_main.c $(MONITOR_LIB_SRC)) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/fuzz-monitor-ipc-libfuzzer: $(call obj,tests/fuzz/fuzz_monitor_ipc.c $(MONITOR_LIB_SRC)) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

asan:
	$(MAKE) BUILD=build-asan SANITIZE=1 all $(subst $(BUILD)/,build-asan/,$(TEST_PROGRAMS))

# --- dependencies ----------------------------------------------------------
# The two README commands must work on a fresh Debian 12: they install what is
# missing with apt-get (and only what is missing, so a re-run is quick).
BUILD_DEPS := gcc make libc6-dev dpkg-dev android-libboringssl-dev libseccomp-dev libcap-dev \
              libcrypt-dev zlib1g-dev libqrencode-dev
TEST_DEPS  := check pkg-config openssh-client python3 python3-paramiko python3-asyncssh passwd \
              coreutils procps openssh-server openssh-sftp-server tmux xauth \
              ssh-audit logrotate util-linux man-db groff-base

deps-build:
	@build-aux/ensure-packages $(BUILD_DEPS)
deps-test: deps-build
	@build-aux/ensure-packages $(TEST_DEPS)

# --- tests -----------------------------------------------------------------
lint: $(BUILD)/man/rampart.conf.5
	@build-aux/check-layering
	@build-aux/check-man $(MAN_PAGES)

unit: $(BUILD)/tests/unit-tests
	CK_DEFAULT_TIMEOUT=60 $(BUILD)/tests/unit-tests

fuzz-smoke: $(BUILD)/tests/fuzz-monitor-ipc
	$(BUILD)/tests/fuzz-monitor-ipc 20000

# Real fuzzing (not part of check): FUZZ_SECONDS per target, corpus in build-fuzz/.
fuzz: deps-build
	@build-aux/ensure-packages clang
	$(MAKE) BUILD=build-fuzz CC=clang FUZZ=1 build-fuzz/tests/fuzz-monitor-ipc-libfuzzer \
	    build-fuzz/tests/fuzz-monitor-ipc
	mkdir -p build-fuzz/corpus-monitor-ipc
	build-fuzz/tests/fuzz-monitor-ipc 0 --write-seeds build-fuzz/corpus-monitor-ipc
	build-fuzz/tests/fuzz-monitor-ipc-libfuzzer -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=140000 build-fuzz/corpus-monitor-ipc

integration: $(PROGRAMS) $(BUILD)/tests/rampart-worker-probe $(BUILD)/tests/ipc-garbage-worker
	$(PYTHON) tests/integration/run.py --build $(BUILD)

# One build (normal or sanitizer) through every test.
check-one: lint unit fuzz-smoke integration

check: deps-test
	$(MAKE) check-one
	$(MAKE) BUILD=build-asan SANITIZE=1 check-one
	$(MAKE) package-test

# --- demo ------------------------------------------------------------------
demo: deps-build
	$(MAKE) all
	build-aux/demo $(BUILD)

# --- benchmark (not part of check) -----------------------------------------
# `sudo make bench`: OpenSSH's sshd, Dropbear and rampartd on loopback ports,
# driven by OpenSSH's client; prints one table and writes
# bench/results/latest.json (docs/bench.md). Options for the driver go in
# BENCH_ARGS, e.g. `make bench BENCH_ARGS="--only bulk --runs 5"`.
# `make bench-smoke` checks the harness in well under a minute.
BENCH_DEPS := openssh-server openssh-client dropbear-bin python3 procps passwd coreutils
BENCH_ARGS ?=
.PHONY: bench bench-smoke

# The raw single-core sealing speed the CPU-per-GB target is measured against.
$(BUILD)/tests/seal-speed: $(call obj,tests/bench/seal_speed.c) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench: deps-build
	@build-aux/ensure-packages $(BENCH_DEPS)
	$(MAKE) all $(BUILD)/tests/seal-speed
	$(PYTHON) tests/bench/run.py --build $(BUILD) $(BENCH_ARGS)

bench-smoke: deps-build
	@build-aux/ensure-packages $(BENCH_DEPS)
	$(MAKE) all $(BUILD)/tests/seal-speed
	$(PYTHON) tests/bench/run.py --build $(BUILD) --smoke $(BENCH_ARGS)

# --- installation and the Debian package -----------------------------------
# `make install DESTDIR=...` lays out what the package ships (packaging/).
PREFIX     ?= /usr
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR    ?=

# rampart.conf(5) is made from docs/policy.md, the one description of the
# policy language; the date comes from SOURCE_DATE_EPOCH when set
# (dpkg-buildpackage sets it), else from the file.
$(BUILD)/man/rampart.conf.5: docs/policy.md build-aux/md2man
	@mkdir -p $(dir $@)
	$(PYTHON) build-aux/md2man --name rampart.conf --section 5 \
	    --title "rampart policy language" docs/policy.md $@
man: $(MAN_PAGES)

install: all man
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(SYSCONFDIR)/rampart/policy.d
	install -m 0755 $(BUILD)/rampartd $(BUILD)/rampartctl $(DESTDIR)$(SBINDIR)/
	install -m 0755 $(BUILD)/rampart-worker $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 $(BUILD)/man/rampart.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 packaging/man/rampartd.8 packaging/man/rampartctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 packaging/rampart.conf packaging/moduli $(DESTDIR)$(SYSCONFDIR)/rampart/

# `sudo make deb`: rampart_VERSION_ARCH.deb (and its -dbgsym) in $(BUILD)/deb,
# built by dpkg-buildpackage from a clean copy of the tree, then lintian.
DEB_DEPS := dpkg-dev debhelper lintian python3 man-db
deb: deps-build
	@build-aux/ensure-packages $(DEB_DEPS)
	build-aux/make-deb $(BUILD)/deb

# Build the package, run lintian, install, use, reload, upgrade, remove and
# purge it on this machine (tests/package/run.py: root, no systemd needed).
package-test: deb
	$(PYTHON) tests/package/run.py --debs $(BUILD)/deb

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
