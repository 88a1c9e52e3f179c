# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# sipstat: make [all|test|unit|deps|deps-build|demo|bench|install|deb|clean|help] [V=1] [O=builddir]

O ?= build
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

# Packagers override CFLAGS/LDFLAGS; the warnings and defines we need ride
# in the separate SIPSTAT_* variables so an override cannot drop them.
CFLAGS ?= -O2 -g
SIPSTAT_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror \
	-Iinclude -Ilib -Icli -I$(O) -DSIPSTAT_VERSION='"$(VERSION)"' -MMD -MP
LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
# The live view (--top): ncursesw when available, else ncurses (libncurses-dev).
NCURSES_PC := $(shell $(PKG_CONFIG) --exists ncursesw 2>/dev/null && echo ncursesw || echo ncurses)
NCURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(NCURSES_PC) 2>/dev/null)
NCURSES_LIBS := $(shell $(PKG_CONFIG) --libs $(NCURSES_PC) 2>/dev/null || echo -lncurses)
# The metrics endpoint (--listen): libmicrohttpd (libmicrohttpd-dev).
MHD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
# Its TLS and basic authentication (--web-config): libyaml for the file
# (libyaml-dev), libcrypt's bcrypt for the passwords (libcrypt-dev).
YAML_CFLAGS := $(shell $(PKG_CONFIG) --cflags yaml-0.1 2>/dev/null)
MHD_LIBS += $(shell $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null || echo -lyaml) \
	$(shell $(PKG_CONFIG) --libs libcrypt 2>/dev/null || echo -lcrypt)
# Capture files (sipstat read): libpcap (libpcap-dev).
PCAP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpcap 2>/dev/null)
PCAP_LIBS := $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)
# --multiprog, libxdp's dispatcher (libxdp-dev): the command only.
XDP_LIBS := $(shell $(PKG_CONFIG) --libs libxdp 2>/dev/null || echo -lxdp)

# asm/types.h lives in the multiarch include directory on Debian.
MULTIARCH := $(shell $(CC) -dumpmachine 2>/dev/null)
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -Wall -Werror -D__TARGET_ARCH_$(ARCH) \
	-I/usr/include/$(MULTIARCH) \
	-Iinclude -Ibpf -MMD -MP

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all test unit deps deps-build demo bench bench-quick bench-view bench-alert install clean help

# lib/: the library (no main, no curses, no printing), libsipstat.a.
# cli/out/: the outputs (the report model, its series, every format),
# libsipstat-out.a.  cli/: the command, main.c on top of libsipstat-cli.a.
# Tests and benchmarks link the archives: the linker takes from each what
# they call, so what they exercise is what the command runs.
LIB_OBJS := $(patsubst lib/%.c,$(O)/lib/%.o,$(wildcard lib/*.c))
OUT_OBJS := $(patsubst cli/out/%.c,$(O)/cli/out/%.o,$(wildcard cli/out/*.c))
CLI_OBJS := $(patsubst cli/%.c,$(O)/cli/%.o,$(wildcard cli/*.c))
MAIN_OBJ := $(O)/cli/main.o
LIBSIPSTAT := $(O)/libsipstat.a
LIBOUT := $(O)/libsipstat-out.a
LIBCLI := $(O)/libsipstat-cli.a
BENCH_VIEW := $(O)/tests/bench_view

all: $(O)/sipstat $(O)/sipstat.bpf.o

$(O)/sipstat.bpf.o: bpf/sipstat.bpf.c | $(O)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/sipstat.skel.h: $(O)/sipstat.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# Everything that includes the skeleton must wait for it.
$(LIB_OBJS) $(OUT_OBJS) $(CLI_OBJS): $(O)/sipstat.skel.h

# Only the curses code sees the curses feature macros (-D_XOPEN_SOURCE=600).
$(O)/cli/top.o $(O)/tests/bench_view.o: SIPSTAT_CFLAGS += $(NCURSES_CFLAGS)
$(O)/lib/http.o: SIPSTAT_CFLAGS += $(MHD_CFLAGS)
$(O)/lib/webcfg.o: SIPSTAT_CFLAGS += $(YAML_CFLAGS)
$(O)/lib/capture.o: SIPSTAT_CFLAGS += $(PCAP_CFLAGS)
# Alerts to the journal (--alert-log journal): libsystemd when there is
# one (libsystemd-dev), else syslog(3).
SYSTEMD_LIBS := $(shell $(PKG_CONFIG) --exists libsystemd 2>/dev/null && $(PKG_CONFIG) --libs libsystemd)
$(O)/cli/alert.o: SIPSTAT_CFLAGS += $(if $(SYSTEMD_LIBS),-DHAVE_LIBSYSTEMD)

$(O)/lib/%.o: lib/%.c | $(O)/lib
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) $(LIBBPF_CFLAGS) -c $< -o $@

$(O)/cli/%.o: cli/%.c | $(O)/cli
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) $(LIBBPF_CFLAGS) -c $< -o $@

$(O)/cli/out/%.o: cli/out/%.c | $(O)/cli/out
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) $(LIBBPF_CFLAGS) -c $< -o $@

$(LIBSIPSTAT): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIBOUT): $(OUT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIBCLI): $(filter-out $(MAIN_OBJ),$(CLI_OBJS))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(O)/sipstat: $(MAIN_OBJ) $(LIBCLI) $(LIBOUT) $(LIBSIPSTAT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_LIBS) $(NCURSES_LIBS) $(MHD_LIBS) $(PCAP_LIBS) \
		$(SYSTEMD_LIBS) $(XDP_LIBS) -o $@

$(O) $(O)/lib $(O)/cli $(O)/cli/out $(O)/tests:
	$(Q)mkdir -p $@

# ---- Tests: make test, make unit --------------------------------------------
# tests/run.sh runs the test binaries (test_bpf and test_regress as root),
# then every tests/suite_*.sh: suite_export and suite_insight run
# test_export and test_insight beside their live checks, suite_read uses
# gen_captures.  Each binary links the archives it calls into.
TEST_UNIT := $(O)/tests/test_unit
TEST_VIEW := $(O)/tests/test_view
TEST_ALERTS := $(O)/tests/test_alerts
TEST_WEB := $(O)/tests/test_web
TEST_EXPORT := $(O)/tests/test_export
TEST_INSIGHT := $(O)/tests/test_insight
TEST_BPF := $(O)/tests/test_bpf
TEST_REGRESS := $(O)/tests/test_regress
GEN_CAPTURES := $(O)/tests/gen_captures
# Those that need no root (make unit), and every one (make test).
UNIT_BINS := $(TEST_UNIT) $(TEST_VIEW) $(TEST_ALERTS) $(TEST_WEB) $(TEST_EXPORT) $(TEST_INSIGHT)
TEST_BINS := $(UNIT_BINS) $(TEST_BPF) $(TEST_REGRESS)

$(O)/tests/%.o: tests/%.c | $(O)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) -Itests $(LIBBPF_CFLAGS) -c $< -o $@
$(O)/tests/test_bpf.o $(O)/tests/xdprun.o $(O)/tests/test_regress.o: $(O)/sipstat.skel.h

$(TEST_UNIT) $(TEST_VIEW): $(O)/tests/%: $(O)/tests/%.o $(LIBCLI) $(LIBOUT) $(LIBSIPSTAT)
$(TEST_EXPORT) $(TEST_INSIGHT): $(O)/tests/%: $(O)/tests/%.o $(LIBOUT) $(LIBSIPSTAT)
$(TEST_ALERTS) $(TEST_WEB): $(O)/tests/%: $(O)/tests/%.o $(LIBSIPSTAT)
$(TEST_BPF): $(O)/tests/test_bpf.o $(O)/tests/frames.o $(LIBSIPSTAT)
# Regression cases the fuzzer found (make fuzz), against the reference decoder.
$(TEST_REGRESS): $(O)/tests/test_regress.o $(O)/tests/xdprun.o $(O)/tests/frames.o \
		 $(O)/tests/fuzz/ref_decoder.o $(LIBSIPSTAT)
# Libraries beyond libbpf: the endpoint's, and libm for rates and KPIs.
$(TEST_UNIT) $(TEST_VIEW) $(TEST_EXPORT) $(TEST_WEB): TEST_LIBS = $(MHD_LIBS)
$(TEST_INSIGHT) $(TEST_ALERTS): TEST_LIBS = -lm
$(TEST_BINS):
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_LIBS) $(TEST_LIBS) -o $@

# The small captures of tests/data/ (tests/data/README.md).
$(GEN_CAPTURES): tests/data/gen_captures.c $(O)/tests/frames.o | $(O)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) -Itests $(PCAP_CFLAGS) $< $(O)/tests/frames.o \
		$(PCAP_LIBS) -o $@

# The README's test command: everything, one summary line at the end.  The
# fuzzer is built by tests/suite_fuzz.sh itself: a missing libFuzzer
# runtime fails that suite, not the whole make test.
test: all $(TEST_BINS) $(GEN_CAPTURES)
	$(Q)O=$(O) tests/run.sh

unit: $(UNIT_BINS)
	$(Q)for t in $^; do $$t || exit 1; done
# ---- end of tests -------------------------------------------------------------

# CPU time of one refresh of the live view with all 600 codes counting.
bench-view: $(BENCH_VIEW)
	$(Q)$(BENCH_VIEW)
$(BENCH_VIEW): $(O)/tests/bench_view.o $(LIBCLI) $(LIBOUT) $(LIBSIPSTAT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_LIBS) $(NCURSES_LIBS) -o $@

deps:
	$(Q)scripts/install-deps.sh

# What building (and make deb) needs, without the test tools: for a
# production host that builds sipstat itself.
deps-build:
	$(Q)scripts/install-deps.sh --build-only

# The README's first command: a SIP network in namespaces and the live report.
demo: all
	$(Q)O=$(O) scripts/demo.sh

# ---- Installation: make install|uninstall [PREFIX=/usr/local] [DESTDIR=] ----
# Debian's places, each directory overridable.  The BPF object is not
# installed: the skeleton embeds it in the binary.  systemd also reads
# units from /usr/local/lib/systemd/system; with PREFIX=/usr the unit goes
# where systemd.pc says (/lib/systemd/system on Debian 12).
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/sipstat
PKGDATADIR ?= $(DATADIR)/sipstat
EXAMPLEDIR ?= $(PKGDATADIR)
SYSCONFDIR ?= /etc
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),$(or $(shell $(PKG_CONFIG) \
	--variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system),$(PREFIX)/lib/systemd/system)
COMPLETIONDIR ?= $(or $(shell $(PKG_CONFIG) --define-variable=datadir=$(DATADIR) \
	--variable=completionsdir bash-completion 2>/dev/null),$(DATADIR)/bash-completion/completions)

# Files for users besides the command, man page, unit and completion: add
# to a list and both install and uninstall follow.
#   INSTALL_SCRIPTS  programs (exporters, hooks), to $(PKGDATADIR), 0755
#   INSTALL_EXAMPLES configuration examples (Prometheus, Telegraf, Grafana),
#                    to $(EXAMPLEDIR), 0644
#   INSTALL_DOCS     to $(DOCDIR), 0644
#   INSTALL_LICENSES to $(DOCDIR), 0644: the licences must ship with the
#                    binary; a package that carries them in its own
#                    copyright file sets INSTALL_LICENSES= (debian/rules)
INSTALL_SCRIPTS := scripts/export/sipstat-textfile scripts/export/sipstat-statsd \
	scripts/hooks/sipstat-webhook scripts/hooks/sipstat-logger
INSTALL_EXAMPLES := scripts/export/prometheus.yml scripts/export/sipstat-rules.yml \
	scripts/export/sipstat-rules.test.yml scripts/export/telegraf-sipstat.conf \
	scripts/export/grafana-sipstat.json
INSTALL_DOCS := README.md docs/sip-responses.md
INSTALL_LICENSES := LICENSE LICENSE.GPL-2.0-only LICENSE.BSD-2-Clause
INSTALLED = $(BINDIR)/sipstat $(MANDIR)/man8/sipstat.8.gz $(UNITDIR)/sipstat@.service \
	$(COMPLETIONDIR)/sipstat $(addprefix $(PKGDATADIR)/,$(notdir $(INSTALL_SCRIPTS))) \
	$(addprefix $(EXAMPLEDIR)/,$(notdir $(INSTALL_EXAMPLES))) \
	$(addprefix $(DOCDIR)/,$(notdir $(INSTALL_DOCS) $(INSTALL_LICENSES)))
# The operator's options file: installed only when absent, removed only
# when still the example (an edited one is kept, and said so).
DEFAULTS := $(SYSCONFDIR)/default/sipstat
# The tree's texts name the default places (/usr/local/sbin/sipstat,
# /usr/local/share/sipstat, /etc/default/sipstat): the installed unit,
# options file, man page, scripts and examples name the real ones.
INSTALL_SED := sed -e 's|/usr/local/sbin/sipstat|$(BINDIR)/sipstat|g' \
	-e 's|/usr/local/share/sipstat|$(PKGDATADIR)|g' -e 's|/etc/default/sipstat|$(DEFAULTS)|g'

# $(call install_file,MODE,SOURCE,DEST): SOURCE with the places edited.
define install_file
	$(call msg,INSTALL,$(3))
	$(Q)install -d $(dir $(3))
	$(Q)$(INSTALL_SED) $(2) >$(3)
	$(Q)chmod $(1) $(3)

endef

# $(call install_copy,MODE,SOURCE,DEST): SOURCE as it is.
define install_copy
	$(call msg,INSTALL,$(3))
	$(Q)install -D -m $(1) $(2) $(3)

endef

# $(call remove_file,PATH)
define remove_file
	$(call msg,REMOVE,$(1))
	$(Q)rm -f $(1)

endef

.PHONY: uninstall
install: all
	$(call install_copy,0755,$(O)/sipstat,$(DESTDIR)$(BINDIR)/sipstat)
	$(call msg,INSTALL,$(DESTDIR)$(MANDIR)/man8/sipstat.8.gz)
	$(Q)install -d $(DESTDIR)$(MANDIR)/man8
	$(Q)$(INSTALL_SED) docs/sipstat.8 | gzip -9 -n >$(DESTDIR)$(MANDIR)/man8/sipstat.8.gz
	$(Q)chmod 0644 $(DESTDIR)$(MANDIR)/man8/sipstat.8.gz
	$(call install_file,0644,scripts/systemd/sipstat@.service,$(DESTDIR)$(UNITDIR)/sipstat@.service)
	$(call install_copy,0644,scripts/completion/sipstat,$(DESTDIR)$(COMPLETIONDIR)/sipstat)
	$(foreach f,$(INSTALL_SCRIPTS),$(call install_file,0755,$(f),$(DESTDIR)$(PKGDATADIR)/$(notdir $(f))))
	$(foreach f,$(INSTALL_EXAMPLES),$(call install_file,0644,$(f),$(DESTDIR)$(EXAMPLEDIR)/$(notdir $(f))))
	$(foreach f,$(INSTALL_DOCS) $(INSTALL_LICENSES),$(call install_copy,0644,$(f),$(DESTDIR)$(DOCDIR)/$(notdir $(f))))
	$(Q)if [ -e $(DESTDIR)$(DEFAULTS) ]; then \
		printf '  %-8s %s\n' KEEP "$(DESTDIR)$(DEFAULTS) (exists)"; \
	else \
		printf '  %-8s %s\n' INSTALL "$(DESTDIR)$(DEFAULTS)"; \
		install -d $(dir $(DESTDIR)$(DEFAULTS)); \
		$(INSTALL_SED) scripts/systemd/sipstat.default >$(DESTDIR)$(DEFAULTS); \
		chmod 0644 $(DESTDIR)$(DEFAULTS); \
	fi

uninstall:
	$(foreach f,$(INSTALLED),$(call remove_file,$(DESTDIR)$(f)))
	$(Q)if $(INSTALL_SED) scripts/systemd/sipstat.default | cmp -s - $(DESTDIR)$(DEFAULTS); then \
		printf '  %-8s %s\n' REMOVE "$(DESTDIR)$(DEFAULTS)"; rm -f $(DESTDIR)$(DEFAULTS); \
	elif [ -e $(DESTDIR)$(DEFAULTS) ]; then \
		printf '  %-8s %s\n' KEEP "$(DESTDIR)$(DEFAULTS) (edited: remove it by hand)"; \
	fi
	$(Q)rmdir $(DESTDIR)$(EXAMPLEDIR) $(DESTDIR)$(PKGDATADIR) $(DESTDIR)$(DOCDIR) 2>/dev/null || true
	$(Q)for w in $(DESTDIR)$(SYSCONFDIR)/systemd/system/*.wants/sipstat@*.service; do \
		[ -e "$$w" ] || [ -L "$$w" ] || continue; \
		printf '  %-8s %s\n' NOTE "$$w: still enabled (systemctl disable it)"; \
	done
# ---- end of installation ----------------------------------------------------

# ---- Debian package: make deb -----------------------------------------------
# dpkg-buildpackage -b (debian/) on a copy of the tree in $(DEB_DIR): the
# tree gets none of debhelper's files, its parent none of the results, and
# $(O) keeps its own objects (the package builds in the copy's
# debian/build, with dpkg-buildflags' flags).  The .deb, .buildinfo and
# .changes land in $(DEB_DIR).  VERSION is the one place of the version:
# debian/changelog's top entry must carry it (debian/rules checks again).
DEB_DIR := $(O)/deb
DEB_SRC := $(DEB_DIR)/sipstat-$(VERSION)
# Left out of the copy: version control and build directories ($(O) when
# it lies inside the tree).
DEB_EXCLUDE := --exclude-vcs --exclude=./build --exclude='./build-*' --exclude=./debian/build \
	--exclude=./$(patsubst $(CURDIR)/%,%,$(abspath $(O)))
.PHONY: deb
deb:
	$(Q)v=$$(dpkg-parsechangelog -S Version) || exit 1; if [ "$$v" != "$(VERSION)" ]; then \
		echo "make deb: VERSION is $(VERSION) but debian/changelog is at $$v:" \
			"add an entry for $(VERSION) (dch -v $(VERSION))" >&2; exit 1; fi
	$(call msg,COPY,$(DEB_SRC))
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	$(Q)tar -cf - $(DEB_EXCLUDE) . | tar -xf - -C $(DEB_SRC)
	$(call msg,DEB,dpkg-buildpackage -us -uc -b in $(DEB_SRC))
	$(Q)cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b -J $(if $(V:0=),,>../build.log 2>&1) || \
		{ echo "make deb: dpkg-buildpackage failed: $(DEB_DIR)/build.log" >&2; exit 1; }
	$(Q)rm -rf $(DEB_SRC)
	$(Q)for f in $(DEB_DIR)/*.deb; do printf '  %-8s %s\n' DEB "$$f"; done
# ---- end of Debian package ---------------------------------------------------

clean:
	$(call msg,CLEAN,$(O))
	$(Q)rm -rf $(O)

help:
	@echo 'make            build $(O)/sipstat, $(O)/libsipstat.a and the BPF object'
	@echo 'make test       unit, BPF_PROG_TEST_RUN and veth/namespace tests (root for the last two)'
	@echo 'make unit       the unit tests that need no root (arguments, outputs, view, alerts, endpoint)'
	@echo 'make bench-view CPU time per refresh of sipstat --top (600 codes, no root)'
	@echo 'make bench      per-packet cost, veth rate and loss, tshark side by side (root; BENCHMARKS.md)'
	@echo 'make bench-quick per-frame cost of empty, minimal and sipstat in a few seconds (root)'
	@echo 'make bench-alert latency of an alert from the frame to an --alert-exec hook, p50 and p99 (root)'
	@echo 'make demo       sipp -> Kamailio -> sipp in namespaces, sipstat attached (root, Ctrl-C ends)'
	@echo 'make check      clang-tidy and cppcheck over lib/, cli/, tests/, bpf/; the BPF core built alone'
	@echo 'make asan       unit tests built with ASan+UBSan in $(O)-asan'
	@echo 'make fuzz       differential fuzzer of the XDP program, FUZZ_SECONDS=300 (root)'
	@echo 'make deps       install build and test dependencies with apt-get'
	@echo 'make deps-build install build dependencies only (a production host)'
	@echo 'make install    command, man page, systemd unit, completion into $$(DESTDIR)$$(PREFIX)'
	@echo 'make uninstall  remove what make install put there (same PREFIX and DESTDIR)'
	@echo 'make deb        Debian package $(O)/deb/sipstat_$(VERSION)_*.deb (dpkg-buildpackage)'
	@echo 'make clean      remove $(O)'
	@echo 'V=1 shows full commands; O=DIR builds elsewhere'

# ---- Benchmarks: make bench ------------------------------------------------
# Programs in tests/bench/, built into $(O)/bench/; tests/bench/run.sh runs
# them and writes $(O)/bench/results.{json,csv}.  Root; see BENCHMARKS.md.
BENCH_DIR := $(O)/bench
BENCH_BPF := $(BENCH_DIR)/empty.bpf.o $(BENCH_DIR)/minimal.bpf.o $(BENCH_DIR)/rxcpu.bpf.o
BENCH_BINS := $(BENCH_DIR)/bench_prog $(BENCH_DIR)/bench_report \
	$(BENCH_DIR)/bench_rx $(BENCH_DIR)/bench_frames

bench: all $(BENCH_BPF) $(BENCH_BINS)
	$(Q)O=$(O) tests/bench/run.sh

# A few seconds: empty, minimal and sipstat per frame, interleaved (root).
bench-quick: $(BENCH_BPF) $(BENCH_DIR)/bench_prog
	$(Q)$(BENCH_DIR)/bench_prog --quick -j $(BENCH_DIR)/prog.json -c $(BENCH_DIR)/prog.csv

$(BENCH_BPF): $(BENCH_DIR)/%.bpf.o: tests/bench/%.bpf.c | $(BENCH_DIR)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_BINS:=.o): $(BENCH_DIR)/%.o: tests/bench/%.c $(O)/sipstat.skel.h | $(BENCH_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) -Itests $(LIBBPF_CFLAGS) -c $< -o $@

$(BENCH_DIR)/bench_prog: $(BENCH_DIR)/bench_prog.o $(O)/tests/frames.o $(LIBSIPSTAT)
$(BENCH_DIR)/bench_frames: $(BENCH_DIR)/bench_frames.o $(O)/tests/frames.o
$(BENCH_DIR)/bench_rx: $(BENCH_DIR)/bench_rx.o $(LIBSIPSTAT)
$(BENCH_DIR)/bench_report: $(BENCH_DIR)/bench_report.o $(LIBOUT) $(LIBSIPSTAT)
$(BENCH_BINS):
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_LIBS) -o $@

$(BENCH_DIR):
	$(Q)mkdir -p $@

-include $(wildcard $(BENCH_DIR)/*.d)
# ---- end of benchmarks -----------------------------------------------------

# ---- Reliability and security of the data path -----------------------------
# Hardened build flags, the sanitizer build (make asan), static analysis
# (make check) and the differential fuzzer (make fuzz), whose regression
# cases test_regress runs.  Suites: tests/suite_{hardening,sanitizers,
# static,fuzz,faults}.sh.

# Sanitizer build: make O=build-asan SANITIZE=1 unit (make asan does that).
# _FORTIFY_SOURCE's checked wrappers would hide accesses from ASan: off here.
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HARDEN_FORTIFY :=
SIPSTAT_CFLAGS += $(SAN_FLAGS)
endif

# Hardened by default: stack protector, FORTIFY (needs -O), PIE, full RELRO.
# Packagers who bring their own flags (dpkg-buildflags) turn ours off with
#   make HARDEN_CFLAGS= HARDEN_LDFLAGS=
# FORTIFY is added only when CFLAGS optimises and does not set it already.
HARDEN_FORTIFY ?= $(if $(findstring _FORTIFY_SOURCE,$(CFLAGS)),,$(if \
	$(filter -O1 -O2 -O3 -Os -Og -Ofast,$(CFLAGS)),-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2))
HARDEN_CFLAGS ?= -fstack-protector-strong -fPIE $(HARDEN_FORTIFY)
HARDEN_LDFLAGS ?= -pie -Wl,-z,relro,-z,now
SIPSTAT_CFLAGS += $(HARDEN_CFLAGS)

HARDENED_BINS := $(O)/sipstat $(TEST_BINS)
$(HARDENED_BINS): override LDFLAGS += $(HARDEN_LDFLAGS) $(SAN_FLAGS)

.PHONY: asan check fuzz
ASAN_O ?= $(O)-asan
asan:
	$(Q)$(MAKE) --no-print-directory O=$(ASAN_O) SANITIZE=1 unit

# The reference decoder, for test_regress and the fuzzer's oracle.
$(O)/tests/fuzz/%.o: tests/fuzz/%.c | $(O)/tests/fuzz
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) -Itests -c $< -o $@
$(O)/tests/fuzz/reader.o: lib/reader.c | $(O)/tests/fuzz
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) $(LIBBPF_CFLAGS) -c $< -o $@
$(O)/tests/fuzz:
	$(Q)mkdir -p $@

# Differential fuzzer (libFuzzer, clang): make fuzz [FUZZ_SECONDS=300] [FUZZ_JOBS=2]
# Seeds are generated from tests/frames.c into $(O)/fuzz/seeds; the corpus
# grows in $(O)/fuzz/corpus, crash-* files land in $(O)/fuzz/.  Root.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_JOBS ?= 1
FUZZ_DIR := $(O)/fuzz
FUZZ_BIN := $(FUZZ_DIR)/fuzz_xdp
FUZZ_SRCS := tests/fuzz/fuzz_xdp.c tests/fuzz/ref_decoder.c tests/fuzz/structured.c \
	tests/xdprun.c tests/frames.c lib/reader.c
FUZZ_HDRS := tests/fuzz/ref_decoder.h tests/fuzz/structured.h tests/xdprun.h tests/frames.h tests/batch.h \
	include/sipstat.h bpf/consts.h lib/reader.h
FUZZ_CFLAGS := -g -O1 -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Itests -Itests/fuzz -I$(O)
FUZZ_ARGS ?= -max_len=1600 -dict=tests/fuzz/sip.dict -use_value_profile=1 \
	-artifact_prefix=$(FUZZ_DIR)/ -print_final_stats=1

$(FUZZ_BIN): $(FUZZ_SRCS) $(FUZZ_HDRS) $(O)/sipstat.skel.h | $(FUZZ_DIR)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(LIBBPF_CFLAGS) $(FUZZ_SRCS) $(LIBBPF_LIBS) -o $@
$(FUZZ_DIR)/gen_corpus: tests/fuzz/gen_corpus.c tests/frames.c tests/frames.h | $(FUZZ_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -std=gnu11 -Wall -Wextra -Werror -Itests \
		tests/fuzz/gen_corpus.c tests/frames.c -o $@
# The tshark oracle (tests/suite_oracle_tshark.sh builds it): fuzzer inputs
# through the program and through tshark's SIP dissector, compared frame by frame.
ORACLE_SRCS := tests/fuzz/oracle_tshark.c tests/fuzz/ref_decoder.c tests/fuzz/structured.c \
	tests/xdprun.c tests/frames.c lib/reader.c
$(FUZZ_DIR)/oracle_tshark: $(ORACLE_SRCS) $(FUZZ_HDRS) $(O)/sipstat.skel.h | $(FUZZ_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror -Iinclude \
		-Itests -Itests/fuzz -I$(O) $(LIBBPF_CFLAGS) $(ORACLE_SRCS) $(LIBBPF_LIBS) -o $@
$(FUZZ_DIR):
	$(Q)mkdir -p $@

fuzz: $(FUZZ_BIN) $(FUZZ_DIR)/gen_corpus $(TEST_REGRESS)
	$(Q)rm -rf $(FUZZ_DIR)/seeds && mkdir -p $(FUZZ_DIR)/seeds $(FUZZ_DIR)/corpus
	$(Q)printf '  SEEDS    %s seeds and %s regression frames in %s\n' \
		"$$($(FUZZ_DIR)/gen_corpus $(FUZZ_DIR)/seeds)" \
		"$$($(TEST_REGRESS) --write $(FUZZ_DIR)/seeds)" $(FUZZ_DIR)/seeds
	$(Q)$(FUZZ_BIN) $(FUZZ_ARGS) -max_total_time=$(FUZZ_SECONDS) \
		$(if $(filter-out 0 1,$(FUZZ_JOBS)),-fork=$(FUZZ_JOBS)) \
		$(FUZZ_DIR)/corpus $(FUZZ_DIR)/seeds

# Static analysis: make check.  clang-tidy (.clang-tidy, bpf/.clang-tidy:
# the checks on and off, with reasons) and cppcheck (tests/lint/: library
# file and suppressions).  Every finding fails, except in CHECK_PENDING:
# files under active work elsewhere, linted and shown but not fatal; take
# a file out of that list once it is clean.
TIDY ?= clang-tidy
CPPCHECK ?= cppcheck
CHECK_PENDING ?=
CHECK_C := $(filter-out $(CHECK_PENDING) %.bpf.c,\
	$(wildcard lib/*.c cli/*.c cli/out/*.c tests/*.c tests/fuzz/*.c tests/bench/*.c))
CHECK_BPF := $(filter-out $(CHECK_PENDING),$(wildcard bpf/*.bpf.c tests/bench/*.bpf.c))
CHECK_PENDING_C := $(filter-out %.bpf.c,$(CHECK_PENDING))
# analyzer_model.h: libbpf frees the skeleton in destroy (see the file).
TIDY_CFLAGS := -std=gnu11 -Iinclude -Ilib -Icli -Itests -I$(O) -DSIPSTAT_VERSION='"check"' \
	$(LIBBPF_CFLAGS) -include tests/lint/analyzer_model.h
TIDY_BPF_CFLAGS := -target bpf -mcpu=v3 -O2 -D__TARGET_ARCH_$(ARCH) \
	-I/usr/include/$(MULTIARCH) -Iinclude -Ibpf
CPPCHECK_FLAGS := --enable=warning,style,performance,portability --std=c11 --inline-suppr \
	--quiet --library=tests/lint/cppcheck.cfg \
	--suppressions-list=tests/lint/cppcheck-suppressions.txt \
	-Iinclude -Ilib -Icli -Itests -Ibpf -I$(O)/lint -D__x86_64__ -D__linux__

# The counting core compiled with an entry point per kind of context and
# nothing else: an undefined symbol in that object is a function the core
# calls but only sipstat.bpf.c defines.
NM ?= nm
CORE_ALONE := $(O)/lint/core_alone.bpf.o

# cppcheck reads the skeleton without the BPF object it embeds: tokenizing
# that string took minutes for every file that includes the skeleton.
$(O)/lint/sipstat.skel.h: $(O)/sipstat.skel.h
	$(Q)mkdir -p $(@D)
	$(Q)awk 'skip { if (/";$$/) skip = 0; next } \
		/return \(const void \*\)"\\$$/ { print "\treturn (const void *)\"\";"; skip = 1; next } \
		{ print }' $< >$@

check: $(O)/sipstat.skel.h $(O)/lint/sipstat.skel.h
	$(call msg,TIDY,$(words $(CHECK_C)) C files)
	$(Q)$(TIDY) --quiet $(CHECK_C) -- $(TIDY_CFLAGS)
	$(call msg,TIDY,$(words $(CHECK_BPF)) BPF files (-target bpf))
	$(Q)$(TIDY) --quiet $(CHECK_BPF) -- $(TIDY_BPF_CFLAGS)
	$(call msg,CPPCHECK,lib cli tests bpf)
	$(Q)$(CPPCHECK) $(CPPCHECK_FLAGS) --error-exitcode=1 $(addprefix -i,$(CHECK_PENDING)) \
		lib cli tests bpf
	$(call msg,CORE,bpf/count.h alone (tests/lint/core_alone.bpf.c))
	$(Q)$(CLANG) $(BPF_CFLAGS) -c tests/lint/core_alone.bpf.c -o $(CORE_ALONE)
	$(Q)undef=$$($(NM) -u $(CORE_ALONE)); if [ -n "$$undef" ]; then \
		echo "error: bpf/count.h calls what only the file including it defines:" $$undef; \
		exit 1; fi
	$(if $(CHECK_PENDING_C),$(call msg,PENDING,$(CHECK_PENDING_C)))
	$(if $(CHECK_PENDING_C),$(Q)-{ $(TIDY) --quiet --warnings-as-errors=-* $(CHECK_PENDING_C) \
		-- $(TIDY_CFLAGS) $(NCURSES_CFLAGS) 2>/dev/null; \
	  $(CPPCHECK) $(CPPCHECK_FLAGS) $(CHECK_PENDING_C) 2>&1; } | grep 'warning:\|\]$$' ; true)

-include $(wildcard $(O)/tests/fuzz/*.d)
# ---- end of reliability and security -----------------------------------------

# ---- Capture files (sipstat read) ------------------------------------------
# make bench: sipstat read's loop on one core (tests/bench/bench_read.c),
# beside tshark -r on the same capture (tests/bench/run.sh).
BENCH_READ := $(BENCH_DIR)/bench_read
$(BENCH_DIR)/bench_read.o: tests/bench/bench_read.c $(O)/sipstat.skel.h | $(BENCH_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) -Itests $(LIBBPF_CFLAGS) -c $< -o $@
$(BENCH_READ): $(BENCH_DIR)/bench_read.o $(LIBSIPSTAT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_LIBS) $(PCAP_LIBS) -o $@
bench: $(BENCH_READ) $(GEN_CAPTURES)
# ---- end of capture files ---------------------------------------------------

# ---- Alerts -----------------------------------------------------------------
# make bench: the latency of an alert from the frame to an --alert-exec
# hook, p50 and p99 (tests/bench/bench_alert.sh, root).
bench-alert: all
	$(Q)O=$(O) tests/bench/bench_alert.sh
bench: bench-alert
# ---- end of alerts ----------------------------------------------------------

-include $(wildcard $(O)/*.d $(O)/lib/*.d $(O)/cli/*.d $(O)/cli/out/*.d $(O)/tests/*.d)
