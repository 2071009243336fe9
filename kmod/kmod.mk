# SPDX-License-Identifier: GPL-2.0
#
# The kernel module's rules, included by the top-level Makefile.
#
#   make kmod        build/kmod/SERIES/ipcscope.ko for every VM kernel of
#                    tests/vm/kernels with headers (tests/vm/build-kmod)
#   make checkpatch  checkpatch.pl --strict --max-line-length=80 on kmod/,
#                    and kernel-doc -Werror on its comments; any error,
#                    warning or check fails
#   make kmod-lint   the module built against the 6.12 headers with sparse
#                    (C=2) and W=1; any warning in a kmod/ file fails
#   make tests       also builds tests/kmod/*.c into build/tests/t/
#
# checkpatch.pl and kernel-doc are not kept in the tree: they are unpacked into
# build/checkpatch/ from Debian's linux-source tarball, installed on demand.

BUILD ?= build
# Every VM kernel with headers in the archive (column 4 is not "-").
KMOD_SERIES := $(shell awk '!/^\#/ && NF >= 4 && $$4 != "-" { print $$1 }' tests/vm/kernels)
KMOD_SRCS := kmod/Makefile $(wildcard kmod/*.c kmod/*.h)
KMOD_KOS := $(KMOD_SERIES:%=$(BUILD)/kmod/%/ipcscope.ko)

.PHONY: kmod checkpatch kmod-lint

kmod: $(KMOD_KOS)

$(BUILD)/kmod/%/ipcscope.ko: $(KMOD_SRCS)
	@BUILD=$(abspath $(BUILD)) tests/vm/build-kmod $* $(abspath $(@D))

CHECKPATCH_DIR := $(BUILD)/checkpatch
CHECKPATCH := $(CHECKPATCH_DIR)/checkpatch.pl
KERNEL_DOC := $(CHECKPATCH_DIR)/kernel-doc
CHECKPATCH_SRC ?= linux-source-6.1

$(CHECKPATCH) $(KERNEL_DOC):
	@tarball=$$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | head -n 1); \
	if [ -z "$$tarball" ]; then \
		echo "checkpatch: installing $(CHECKPATCH_SRC) for scripts/checkpatch.pl"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $(CHECKPATCH_SRC) >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends \
			$(CHECKPATCH_SRC) >/dev/null; } || exit 1; \
		tarball=$$(ls /usr/src/linux-source-*.tar.xz | head -n 1); \
	fi; \
	mkdir -p $(CHECKPATCH_DIR) && \
	tar -xJf $$tarball -C $(CHECKPATCH_DIR) --strip-components=2 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' '*/scripts/kernel-doc'

# checkpatch.pl exits 0 on CHECK-only reports: judge by its totals.
checkpatch: $(CHECKPATCH) $(KERNEL_DOC)
	@out=$$(perl $(CHECKPATCH) --strict --no-tree --no-summary --terse \
		--show-types --max-line-length=80 -f kmod/*.c kmod/*.h 2>&1); \
	status=$$?; \
	if [ -n "$$out" ] || [ $$status -ne 0 ]; then \
		echo "$$out"; echo "checkpatch: kmod/ is not clean"; exit 1; \
	fi; \
	echo "checkpatch: kmod/*.c kmod/*.h clean (--strict)"; \
	perl $(KERNEL_DOC) -none -Werror kmod/*.c kmod/*.h || \
		{ echo "kernel-doc: kmod/ comments are not clean"; exit 1; }; \
	echo "kernel-doc: kmod/ clean (-Werror)"

# Every source is rebuilt (W=1 only warns when a file is compiled) and
# checked (C=2) in a directory of its own, so the real build is not touched.
# Warnings from the kernel's own headers are not ours: only lines naming a
# kmod/ file count.  A few seconds.
KMOD_LINT_SERIES ?= 6.12
KMOD_LINT_OUT := $(abspath $(BUILD))/kmod-lint/$(KMOD_LINT_SERIES)
kmod_empty :=
kmod_space := $(kmod_empty) $(kmod_empty)
KMOD_LINT_FILES := $(subst $(kmod_space),|,$(notdir $(wildcard kmod/*.c kmod/*.h)))

kmod-lint:
	@command -v sparse >/dev/null || \
		{ echo "kmod-lint: sparse is not installed (make deps)"; exit 1; }
	@assign=$$(BUILD=$(abspath $(BUILD)) tests/vm/fetch-kernel \
		$(KMOD_LINT_SERIES) $(abspath $(BUILD))/vm/kernels) || exit 1; \
	eval "$$assign"; \
	[ -n "$${KDIR:-}" ] || { echo "kmod-lint: no headers for $(KMOD_LINT_SERIES)"; exit 1; }; \
	rm -rf $(KMOD_LINT_OUT); mkdir -p $(KMOD_LINT_OUT); \
	log=$$($(MAKE) -s -C kmod KDIR="$$KDIR" OUT=$(KMOD_LINT_OUT) C=2 W=1 2>&1); \
	status=$$?; \
	warn=$$(printf '%s\n' "$$log" | \
		grep -E '(^|/)($(KMOD_LINT_FILES)):[0-9]+(:[0-9]+)?: ' ); \
	if [ $$status -ne 0 ] || [ -n "$$warn" ]; then \
		printf '%s\n' "$${warn:-$$log}"; \
		echo "kmod-lint: sparse/W=1 warnings in kmod/ ($(KMOD_LINT_SERIES) headers)"; \
		exit 1; \
	fi; \
	echo "kmod-lint: kmod/ clean under sparse (C=2) and W=1 ($(KMOD_LINT_SERIES) headers)"

# The module's tests are integration tests: static, run in every cell.
KMOD_TEST_SRCS := $(wildcard tests/kmod/*.c)
KMOD_TEST_BINS := $(KMOD_TEST_SRCS:tests/kmod/%.c=$(BUILD)/tests/t/%)

tests: $(KMOD_TEST_BINS)

$(BUILD)/tests/t/%: tests/kmod/%.c $(wildcard tests/lib/*.h) tests/kmod/kmod_test.h
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -static -Itests/lib $< -o $@
