# `make bench`: the overhead benchmark (issues 6, 10); not part of `make check`.
# Included by the top-level Makefile.  See tests/bench/run for what it
# measures and the knobs:
#
#   make bench                   full run (about 35 minutes)
#   make bench BENCH_QUICK=1     smoke run, every mode once (about 4 minutes)
#   make bench BENCH_PHASES=tiers  only the per-tier BPF cost (host, VMs)
#   make bench BENCH_PHASES=scrape  only the exporter scrape (10000 label sets)
#   make bench-exporter          the same, without the rest of the harness
#   make bench BENCH_REPS=5 BENCH_DURATION=2 BENCH_LOSSLESS_DURATION=60 \
#              BENCH_WORKLOADS="pipe-pingpong" BENCH_MODES="untraced stream-null"
#
# Results: $(OUTPUT)/bench/results.txt and results.json.

BENCH_SRCS := $(filter-out tests/bench/bench-run.c,$(wildcard tests/bench/*.c))
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(OUTPUT)/bench/bin/%) \
	      $(OUTPUT)/bench/bin/bench-run
BENCH_DEB_PACKAGES := strace bpftrace jq
BENCH_VARS := BENCH_QUICK BENCH_PHASES BENCH_REPS BENCH_DURATION BENCH_PLACEMENTS \
	      BENCH_SPIN_WORKLOADS BENCH_SPIN_MODES BENCH_PIN BENCH_TRACE_OPTS \
	      BENCH_STORM_RATE BENCH_LOSSLESS_DURATION BENCH_PROBE_DURATION \
	      BENCH_OVERFLOW_EVENTS BENCH_TIERS BENCH_TIER_REPS BENCH_TIER_OPS \
	      BENCH_VM_TIER_OPS BENCH_VM_KERNELS BENCH_WORKLOADS BENCH_MODES \
	      BENCH_QUIET_WAIT BENCH_NICE

.PHONY: bench bench-deps bench-bins bench-exporter

$(OUTPUT)/bench/bin/%: tests/bench/%.c tests/bench/bench.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $< -o $@

# For the per-tier cost in the test VMs (tests/bench/tier-cost, started by
# tests/bench/run through tests/vm/run): static, like the VMs' collector.
BENCH_VM_BINS := $(OUTPUT)/bench/static/bench-run \
		 $(OUTPUT)/bench/static/pipe-pingpong
$(OUTPUT)/bench/static/%: tests/bench/%.c tests/bench/bench.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -static $< -o $@

bench-bins: $(BENCH_BINS) $(BENCH_VM_BINS)

# Like `make deps`: install only what is missing.
bench-deps:
	$(call apt_install_missing,$(BENCH_DEB_PACKAGES))

bench: bench-deps
	$(MAKE) $(OUTPUT)/ipcscope $(OUTPUT)/ipcscope-static bench-bins
	$(foreach v,$(BENCH_VARS),$(if $($(v)),$(v)='$($(v))')) \
		BUILD='$(OUTPUT)' tests/bench/run

# The cost of one exporter scrape with 10000 label sets (issue 14), apart
# from the table above: BUILD/bench/exporter.txt.  tests/bench/exporter-scrape.
bench-exporter: $(OUTPUT)/ipcscope $(BENCH_BINS)
	BUILD='$(OUTPUT)' tests/bench/exporter-scrape
