# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# sipstat: make [all|test|unit|deps|demo|bench|install|clean|help] [V=1] [O=builddir]

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
	-Iinclude -Iuser -I$(O) -DSIPSTAT_VERSION='"$(VERSION)"' -MMD -MP
LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
# The live view (--top): ncursesw when available, else ncurses (libncurses-dev).
NCURSES_PC := $(shell $(PKG_CONFIG) --exists ncursesw 2>/dev/null && echo ncursesw || echo ncurses)
NCURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(NCURSES_PC) 2>/dev/null)
NCURSES_LIBS := $(shell $(PKG_CONFIG) --libs $(NCURSES_PC) 2>/dev/null || echo -lncurses)

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
.PHONY: all test unit deps demo bench bench-view install clean help

USER_LIB_SRCS := user/codes.c user/snapshot.c user/report.c user/args.c user/view.c
USER_SRCS := $(USER_LIB_SRCS) user/top.c user/loader.c user/main.c
USER_LIB_OBJS := $(USER_LIB_SRCS:user/%.c=$(O)/user/%.o)
USER_OBJS := $(USER_SRCS:user/%.c=$(O)/user/%.o)

TEST_UNIT := $(O)/tests/test_unit
TEST_BPF := $(O)/tests/test_bpf
TEST_VIEW := $(O)/tests/test_view
TEST_BINS := $(TEST_UNIT) $(TEST_BPF) $(TEST_VIEW)
BENCH_VIEW := $(O)/tests/bench_view

all: $(O)/sipstat $(O)/sipstat.bpf.o

$(O)/sipstat.bpf.o: bpf/sipstat.bpf.c | $(O)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/sipstat.skel.h: $(O)/sipstat.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# Everything that includes the skeleton must wait for it.
$(USER_OBJS) $(O)/tests/test_bpf.o: $(O)/sipstat.skel.h

# Only the curses code sees the curses feature macros (-D_XOPEN_SOURCE=600).
$(O)/user/top.o $(O)/tests/bench_view.o: SIPSTAT_CFLAGS += $(NCURSES_CFLAGS)

$(O)/user/%.o: user/%.c | $(O)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) $(LIBBPF_CFLAGS) -c $< -o $@

$(O)/sipstat: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_LIBS) $(NCURSES_LIBS) -o $@

$(O)/tests/%.o: tests/%.c | $(O)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SIPSTAT_CFLAGS) -Itests $(LIBBPF_CFLAGS) -c $< -o $@

$(TEST_UNIT): $(O)/tests/test_unit.o $(USER_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@

$(TEST_VIEW): $(O)/tests/test_view.o $(USER_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@

$(BENCH_VIEW): $(O)/tests/bench_view.o $(O)/user/top.o $(USER_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(NCURSES_LIBS) -o $@

$(TEST_BPF): $(O)/tests/test_bpf.o $(O)/tests/frames.o $(O)/user/snapshot.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_LIBS) -o $@

$(O) $(O)/user $(O)/tests:
	$(Q)mkdir -p $@

# The README's test command: everything, one summary line at the end.
test: all $(TEST_BINS)
	$(Q)O=$(O) tests/run.sh

unit: $(TEST_UNIT) $(TEST_VIEW)
	$(Q)$(TEST_UNIT) && $(TEST_VIEW)

# CPU time of one refresh of the live view with all 600 codes counting.
bench-view: $(BENCH_VIEW)
	$(Q)$(BENCH_VIEW)

deps:
	$(Q)scripts/install-deps.sh

# The README's first command: a SIP network in namespaces and the live report.
demo: all
	$(Q)O=$(O) scripts/demo.sh

install: all
	install -D -m 0755 $(O)/sipstat $(DESTDIR)$(BINDIR)/sipstat

clean:
	$(call msg,CLEAN,$(O))
	$(Q)rm -rf $(O)

help:
	@echo 'make            build $(O)/sipstat and the BPF object'
	@echo 'make test       unit, BPF_PROG_TEST_RUN and veth/namespace tests (root for the last two)'
	@echo 'make unit       userspace unit tests only (no root)'
	@echo 'make bench-view CPU time per refresh of sipstat --top (600 codes, no root)'
	@echo 'make demo       sipp -> Kamailio -> sipp in namespaces, sipstat attached (root, Ctrl-C ends)'
	@echo 'make deps       install build and test dependencies with apt-get'
	@echo 'make install    install sipstat into $$(DESTDIR)$$(BINDIR)'
	@echo 'make clean      remove $(O)'
	@echo 'V=1 shows full commands; O=DIR builds elsewhere'

-include $(wildcard $(O)/*.d $(O)/user/*.d $(O)/tests/*.d)
