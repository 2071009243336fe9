# SPDX-License-Identifier: GPL-2.0
#
# The kernel module's rules, included by the top-level Makefile.
#
#   make kmod        build/kmod/SERIES/ipcscope.ko for every VM kernel of
#                    tests/vm/kernels (headers from tests/vm/fetch-kernel)
#   make checkpatch  checkpatch.pl --strict --max-line-length=80 on kmod/;
#                    any error, warning or check fails
#   make tests       also builds tests/kmod/*.c into build/tests/t/
#
# checkpatch.pl is not kept in the tree: it is unpacked into
# build/checkpatch/ from Debian's linux-source tarball, installed on demand.

BUILD ?= build
KMOD_SERIES := $(shell awk '!/^\#/ && NF >= 2 && $$1 != "host" { print $$1 }' tests/vm/kernels)
KMOD_SRCS := kmod/Makefile $(wildcard kmod/*.c kmod/*.h)
KMOD_KOS := $(KMOD_SERIES:%=$(BUILD)/kmod/%/ipcscope.ko)

.PHONY: kmod checkpatch

kmod: $(KMOD_KOS)

$(BUILD)/kmod/%/ipcscope.ko: $(KMOD_SRCS)
	@eval "$$(tests/vm/fetch-kernel $*)" && \
		$(MAKE) -s -C kmod KDIR="$$KDIR" OUT=$(abspath $(@D))

CHECKPATCH_DIR := $(BUILD)/checkpatch
CHECKPATCH := $(CHECKPATCH_DIR)/checkpatch.pl
CHECKPATCH_SRC ?= linux-source-6.1

$(CHECKPATCH):
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
		'*/scripts/const_structs.checkpatch'

# checkpatch.pl exits 0 on CHECK-only reports: judge by its totals.
checkpatch: $(CHECKPATCH)
	@out=$$(perl $(CHECKPATCH) --strict --no-tree --no-summary --terse \
		--show-types --max-line-length=80 -f kmod/*.c kmod/*.h 2>&1); \
	status=$$?; \
	if [ -n "$$out" ] || [ $$status -ne 0 ]; then \
		echo "$$out"; echo "checkpatch: kmod/ is not clean"; exit 1; \
	fi; \
	echo "checkpatch: kmod/*.c kmod/*.h clean (--strict)"

# The module's tests are integration tests: static, run in every cell.
KMOD_TEST_SRCS := $(wildcard tests/kmod/*.c)
KMOD_TEST_BINS := $(KMOD_TEST_SRCS:tests/kmod/%.c=$(BUILD)/tests/t/%)

tests: $(KMOD_TEST_BINS)

$(BUILD)/tests/t/%: tests/kmod/%.c $(wildcard tests/lib/*.h) tests/kmod/kmod_test.h
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -static -Itests/lib $< -o $@
