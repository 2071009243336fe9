# The multi-kernel test matrix (Documentation/testing.rst), included by the
# top-level Makefile.  The cells -- kernels and, per kernel, probe tiers --
# are listed in one place, tests/vm/kernels; the scripts read it from there.
#
#   make matrix                           every cell; `make check` runs it
#   make vmtest KERNEL=6.12 PROBE=kprobe  one cell (KERNEL=host: no VM)
#   make vm-kernels                       download the kernels (cached)
#   make vm-selftest                      test the runner's own parsing
#   make vm-debug                         build a 6.12 debug kernel (KASAN,
#                                         lockdep, ...; cached) and run the
#                                         suite in it: not part of check
#
# Uses BUILD (the build directory) and the top-level targets that build what
# the cells run: the host collector, the static one, the test programs.
# Timeouts: VM_TIMEOUT (one VM, 1200 s), VM_TEST_TIMEOUT (one program, 300 s).

BUILD ?= build
VM_TABLE := tests/vm/kernels
# Kernels with a VM, i.e. every line but "host".
VM_KERNELS := $(shell awk '!/^\#/ && NF >= 2 && $$1 != "host" { print $$1 }' $(VM_TABLE))
VM_CELLS := $(shell awk '!/^\#/ && NF >= 2 { n = split($$2, t, ","); \
	for (i = 1; i <= n; i++) print $$1 ":" t[i] }' $(VM_TABLE))
VM_PREREQS ?= $(BUILD)/ipcscope static tests
VM_ENV = BUILD=$(abspath $(BUILD))

.PHONY: matrix vmtest vm-kernels vm-selftest vm-debug

matrix: $(VM_PREREQS)
	$(VM_ENV) tests/matrix $(VM_CELLS)

vmtest: $(VM_PREREQS)
	@if [ -z "$(KERNEL)" ] || [ -z "$(PROBE)" ]; then \
		echo "usage: make vmtest KERNEL=<$(subst $(eval) ,|,host $(VM_KERNELS))> PROBE=<fentry|kprobe|tracepoint>" >&2; \
		exit 2; \
	fi
	$(VM_ENV) tests/matrix $(KERNEL):$(PROBE)

vm-kernels:
	@for k in $(VM_KERNELS); do tests/vm/fetch-kernel $$k $(abspath $(BUILD))/vm/kernels >/dev/null || exit 1; done

vm-selftest:
	tests/vm/selftest

# The debug kernel (tests/vm/build-debug-kernel, tests/vm/debug.config) and
# the suite in it, one cell per tier of VM_DEBUG_PROBES: the module's tests
# and the trace tests, and the kernel log judged by tests/vm/check-dmesg.
# KASAN and lockdep under TCG are slow: a long VM timeout, a shorter module
# stress test.  Results in build/check/debug-TIER/.
VM_DEBUG_PROBES ?= fentry
VM_DEBUG_TIMEOUT ?= 3600
VM_DEBUG_STRESS_SECONDS ?= 20
VM_DEBUG_START_TIMEOUT ?= 600
VM_DEBUG_TEST_TIMEOUT ?= 900

vm-debug: $(VM_PREREQS)
	tests/vm/build-debug-kernel $(abspath $(BUILD))/vm/kernels >/dev/null
	@status=0; for p in $(VM_DEBUG_PROBES); do \
		$(VM_ENV) VM_TIMEOUT=$(VM_DEBUG_TIMEOUT) \
		VM_TEST_TIMEOUT=$(VM_DEBUG_TEST_TIMEOUT) \
		IPCSCOPE_STRESS_SECONDS=$(VM_DEBUG_STRESS_SECONDS) \
		IPCSCOPE_START_TIMEOUT=$(VM_DEBUG_START_TIMEOUT) \
		tests/vm/cell debug $$p || status=1; \
	done; exit $$status
