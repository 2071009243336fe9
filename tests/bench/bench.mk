# `make bench`: the overhead benchmark (issue 6); not part of `make check`.
# Included by the top-level Makefile.  See tests/bench/run for what it
# measures and the knobs:
#
#   make bench                   full run (about 10 minutes)
#   make bench BENCH_QUICK=1     smoke run, every mode once (about 3 minutes)
#   make bench BENCH_REPS=5 BENCH_DURATION=2 BENCH_LOSSLESS_DURATION=60 \
#              BENCH_WORKLOADS="pipe-pingpong" BENCH_MODES="untraced stream-null"
#
# Results: $(OUTPUT)/bench/results.txt and results.json.

BENCH_SRCS := $(filter-out tests/bench/bench-run.c,$(wildcard tests/bench/*.c))
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(OUTPUT)/bench/bin/%) \
	      $(OUTPUT)/bench/bin/bench-run
BENCH_DEB_PACKAGES := strace bpftrace jq
BENCH_VARS := BENCH_QUICK BENCH_REPS BENCH_DURATION BENCH_LOSSLESS_DURATION \
	      BENCH_PROBE_DURATION BENCH_OVERFLOW_EVENTS BENCH_WORKLOADS \
	      BENCH_MODES BENCH_QUIET_WAIT BENCH_NICE BENCH_SPIN BENCH_PIN

.PHONY: bench bench-deps bench-bins

$(OUTPUT)/bench/bin/%: tests/bench/%.c tests/bench/bench.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $< -o $@

bench-bins: $(BENCH_BINS)

# Like `make deps`: install only what is missing.
bench-deps:
	$(call apt_install_missing,$(BENCH_DEB_PACKAGES))

bench: bench-deps
	$(MAKE) $(OUTPUT)/ipcscope bench-bins
	$(foreach v,$(BENCH_VARS),$(if $($(v)),$(v)='$($(v))')) \
		BUILD='$(OUTPUT)' tests/bench/run
