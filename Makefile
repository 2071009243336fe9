# SPDX-License-Identifier: GPL-2.0
#
# ipcscope top-level build.  Everything generated lands in $(OUTPUT).
#
#   make            the collector, build/ipcscope
#   make run        install what is missing, build, start the live tracer
#   make check      install what is missing, build, run every test
#   make deps       install the Debian packages the build and tests need
#   make install    PREFIX=/usr/local DESTDIR=
#   make vmlinux    regenerate bpf/vmlinux.h from this kernel's BTF

OUTPUT   ?= build
BUILD    := $(OUTPUT)
PREFIX   ?= /usr/local
DESTDIR  ?=

CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
ARCH     := x86

CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror
CPPFLAGS := -Iinclude -I$(OUTPUT) -Itools -D_FILE_OFFSET_BITS=64
# ncurses draws `ipcscope top`'s live view.
CURSES_LIBS := -lncursesw -ltinfo
LIBS     := -lbpf -lelf -lz $(CURSES_LIBS)
STATIC_LIBS := -lbpf -lelf -lz -lzstd

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ibpf -Iinclude \
	      -Wall -Werror

# One BPF object, skeleton and decoder per IPC family.
FAMILIES := pipe sem msg signal unix mq shm
# BPF objects that are not event families.
OTHER_BPF := pipes_iter syscalls sockets_iter sysv_iter peers shm_iter
BPF_OBJS := $(FAMILIES:%=$(OUTPUT)/bpf/%.bpf.o)
SKELS    := $(FAMILIES:%=$(OUTPUT)/%.skel.h) $(OTHER_BPF:%=$(OUTPUT)/%.skel.h)

TOOL_SRCS := tools/ipcscope.c tools/trace.c tools/probe_features.c tools/probe.c \
	     tools/error.c tools/output.c tools/writer.c tools/family.c tools/cli.c \
	     tools/pipes.c tools/pipes_bpf.c tools/pipes_debugfs.c tools/summary.c \
	     tools/syscalls.c tools/exporter.c tools/cgroup.c tools/sockets.c \
	     tools/shm_state.c tools/sysv_state.c tools/top.c tools/top_tui.c \
	     tools/msgpair.c tools/msgsender.c tools/peers.c tools/graph.c tools/payload.c \
	     $(FAMILIES:%=tools/%_decode.c) $(FAMILIES:%=tools/%_probe.c)
TOOL_OBJS := $(TOOL_SRCS:tools/%.c=$(OUTPUT)/tools/%.o)
# What the unit tests link: everything but main().
UNIT_LINK_OBJS := $(filter-out $(OUTPUT)/tools/ipcscope.o,$(TOOL_OBJS))

.PHONY: all static run check check-unit deps install man vmlinux clean tests
# Keep the generated objects and skeletons: deleting them as intermediates
# rebuilt every skeleton and every tool object at each make.
.SECONDARY:

all: $(OUTPUT)/ipcscope

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(wildcard include/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The skeleton embeds the object in the collector, whose pages libbpf reads
# at every run: link it first (bpftool's static linker keeps BTF and drops
# the DWARF, 900 KiB -> 180 KiB for pipe.bpf.o).
$(OUTPUT)/bpf/%.linked.o: $(OUTPUT)/bpf/%.bpf.o
	$(BPFTOOL) gen object $@ $<

$(OUTPUT)/%.skel.h: $(OUTPUT)/bpf/%.linked.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

$(OUTPUT)/tools/%.o: tools/%.c $(SKELS) $(wildcard tools/*.h) include/ipcscope.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(CPPFLAGS) -c $< -o $@

$(OUTPUT)/ipcscope: $(TOOL_OBJS)
	$(CC) $(CFLAGS) $^ $(LIBS) -lm -o $@

# The VM images carry a static collector: no shared libraries there.  It
# has no exporter: Debian's libmicrohttpd does not link statically (its
# gnutls does not), so `ipcscope exporter` says it is not built in.
# Its `top` has the live view when Debian's static ncurses is there
# (libncurses-dev ships libncursesw.a and libtinfo.a); else batch mode only.
STATIC_CURSES := $(wildcard $(shell $(CC) -print-file-name=libncursesw.a))
ifneq ($(STATIC_CURSES),)
STATIC_LIBS += $(CURSES_LIBS)
STATIC_TOP_TUI := $(OUTPUT)/tools/top_tui.o
else
STATIC_TOP_TUI := $(OUTPUT)/tools/top_tui-nocurses.o
endif
STATIC_OBJS := $(filter-out $(OUTPUT)/tools/ipcscope.o $(OUTPUT)/tools/exporter.o $(OUTPUT)/tools/top_tui.o,$(TOOL_OBJS)) \
	$(OUTPUT)/tools/ipcscope-noexporter.o $(STATIC_TOP_TUI)
static: $(OUTPUT)/ipcscope-static
$(OUTPUT)/tools/top_tui-nocurses.o: tools/top_tui.c $(wildcard tools/*.h) include/ipcscope.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(CPPFLAGS) -DIPCS_NO_CURSES -c $< -o $@
$(OUTPUT)/tools/ipcscope-noexporter.o: tools/ipcscope.c $(SKELS) $(wildcard tools/*.h) include/ipcscope.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(CPPFLAGS) -DIPCS_NO_EXPORTER -c $< -o $@
$(OUTPUT)/ipcscope-static: $(STATIC_OBJS)
	$(CC) $(CFLAGS) -static $^ $(STATIC_LIBS) -lm -o $@

run: deps all
	$(OUTPUT)/ipcscope trace

# ---- tests ---------------------------------------------------------------

TEST_LIB_SRCS := $(wildcard tests/lib/*.c)
UNIT_SRCS  := $(wildcard tests/unit/*.c)
INTEG_SRCS := $(wildcard tests/integration/*.c)
WORKLOAD_SRCS := $(wildcard tests/workload/*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(OUTPUT)/tests/unit/%)
INTEG_BINS := $(INTEG_SRCS:tests/integration/%.c=$(OUTPUT)/tests/t/%)
WORKLOAD_BINS := $(WORKLOAD_SRCS:tests/workload/%.c=$(OUTPUT)/tests/bin/%)
TEST_CPPFLAGS := $(CPPFLAGS) -Itests/lib
# The tests read ipcscope's JSON with a real JSON library (Debian's
# libjansson-dev, which has the static libjansson.a the VMs need).
TEST_LIBS := -ljansson

tests: $(UNIT_BINS) $(INTEG_BINS) $(WORKLOAD_BINS)

$(OUTPUT)/tests/unit/%: tests/unit/%.c $(UNIT_LINK_OBJS) $(TEST_LIB_SRCS) $(wildcard tests/lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(TEST_CPPFLAGS) $< $(TEST_LIB_SRCS) \
		$(UNIT_LINK_OBJS) $(LIBS) $(TEST_LIBS) -lm -o $@

# Integration tests and workloads are static: the same binaries run on the
# host and inside every VM of the matrix.
$(OUTPUT)/tests/t/%: tests/integration/%.c $(TEST_LIB_SRCS) $(wildcard tests/lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -static $(TEST_CPPFLAGS) $< $(TEST_LIB_SRCS) \
		$(TEST_LIBS) -lm -o $@

$(OUTPUT)/tests/bin/%: tests/workload/%.c $(wildcard tests/lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -static $(TEST_CPPFLAGS) $< -lpthread -o $@

check-unit: $(UNIT_BINS)
	prove $(UNIT_BINS)

# Unit tests first (fast), the matrix runner's own checks, the kernel
# module's style and its sparse/W=1 build, then the integration
# suite in every cell of the matrix: this host's tracepoint tier and the
# Debian kernels under QEMU.
check: deps
	$(MAKE) all static tests
	$(MAKE) check-unit
	$(MAKE) vm-selftest
	$(MAKE) checkpatch
	$(MAKE) kmod-lint
	$(MAKE) matrix

# ---- dependencies ----------------------------------------------------------

# Debian packages for building, testing (host and VMs) and the man page.
DEB_PACKAGES := clang gcc make libbpf-dev bpftool libelf-dev zlib1g-dev \
	libzstd-dev qemu-system-x86 busybox-static cpio python3-docutils \
	lsof jq strace stress-ng linux-source-6.1 libjansson-dev iproute2 util-linux \
	libmicrohttpd-dev prometheus prometheus-node-exporter debootstrap \
	libncurses-dev tmux sparse graphviz

# $(call apt_install_missing,PACKAGES): install those dpkg does not have,
# and nothing (not even apt-get update) when it has them all.
define apt_install_missing
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "$@: installing$$missing"; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_install_missing,$(DEB_PACKAGES))

# ---- docs, install ---------------------------------------------------------

# The family table of the man page comes from the collector's registry
# (`ipcscope features --events` prints it as an RST table); the pages are
# put together in $(OUTPUT)/doc, beside it.
DOC_SRCS := Documentation/ipcscope.rst $(wildcard Documentation/events-*.rst Documentation/overhead.rst) \
	Documentation/ipcscope-exporter.rst
man: $(OUTPUT)/ipcscope.8
$(OUTPUT)/doc/families.rst: $(OUTPUT)/ipcscope
	@mkdir -p $(@D)
	$(OUTPUT)/ipcscope features --events > $@.tmp && mv $@.tmp $@
$(OUTPUT)/ipcscope.8: $(DOC_SRCS) $(OUTPUT)/doc/families.rst
	cp $(DOC_SRCS) $(OUTPUT)/doc/
	rst2man --halt=warning $(OUTPUT)/doc/ipcscope.rst > $@

# systemd reads units below /usr/local/lib too; the unit's ExecStart is
# the sbin path installed here.
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system

install: all man
	install -D -m 0755 $(OUTPUT)/ipcscope $(DESTDIR)$(PREFIX)/sbin/ipcscope
	install -D -m 0644 $(OUTPUT)/ipcscope.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/ipcscope.8
	@mkdir -p $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' \
		Documentation/examples/ipcscope-exporter.service \
		> $(DESTDIR)$(SYSTEMD_UNIT_DIR)/ipcscope-exporter.service
	chmod 0644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/ipcscope-exporter.service
	install -D -m 0644 Documentation/examples/prometheus.yml \
		$(DESTDIR)$(PREFIX)/share/doc/ipcscope/examples/prometheus.yml

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > bpf/vmlinux.h.tmp
	mv bpf/vmlinux.h.tmp bpf/vmlinux.h

clean:
	rm -rf $(OUTPUT)/tools $(OUTPUT)/bpf $(OUTPUT)/tests $(OUTPUT)/*.skel.h \
		$(OUTPUT)/ipcscope $(OUTPUT)/ipcscope-static $(OUTPUT)/ipcscope.8

# The VM matrix and the kernel module bring their own rules.
-include tests/vm/vm.mk
-include kmod/kmod.mk
-include tests/bench/bench.mk
