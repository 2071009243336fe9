// SPDX-License-Identifier: GPL-2.0
/*
 * --summary: the kernel aggregates; the rows printed at the end must hold
 * the workload's exact counts and bytes, and histograms that account for
 * every operation.  -i prints what each interval added (the kernel's
 * counters are never reset): summed over the intervals, the workload's
 * exact counts again, each operation in one interval only.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

/* The sum of a row's histogram buckets, or FJ_MISSING. */
static long long hist_sum(const struct fj_object *row)
{
	long long bucket[64], sum = 0;
	int i, n = fj_int_array(row, "duration_hist_log2", bucket, 64);

	if (n < 0) {
		tap_diag("  key \"duration_hist_log2\" is %s, not an array of integers",
			 fj_kind(row, "duration_hist_log2"));
		return FJ_MISSING;
	}
	for (i = 0; i < n; i++)
		sum += bucket[i];
	return sum;
}

static const struct fj_object *row(const struct events *evs, const char *ev,
				   long long pid, long long ino)
{
	int i;

	for (i = 0; i < evs->n; i++) {
		const struct fj_object *e = &evs->ev[i];
		if (event_is(e, "summary") && !strcmp(fj_str(e, "event"), ev) &&
		    fj_int(e, "pid") == pid && fj_int(e, "ino") == ino)
			return e;
	}
	return NULL;
}

/* Sum @key over every summary row of @ev, @pid; how many intervals
 * (distinct ts_ns) those rows came in goes to *intervals. */
static long long sum_rows(const struct events *evs, const char *ev,
			  long long pid, const char *key, int *intervals)
{
	long long sum = 0, last_ts = -1;
	int i;

	*intervals = 0;
	for (i = 0; i < evs->n; i++) {
		const struct fj_object *e = &evs->ev[i];
		const char *t = fj_str(e, "type"), *name = fj_str(e, "event");

		if (!t || strcmp(t, "summary") || !name || strcmp(name, ev) ||
		    fj_int(e, "pid") != pid)
			continue;
		sum += fj_int(e, key);
		if (fj_int(e, "ts_ns") != last_ts)
			(*intervals)++;
		last_ts = fj_int(e, "ts_ns");
	}
	return sum;
}

/*
 * Two workloads a second apart under -i 0.2: the first one's rows must
 * not come back in the intervals after it (deltas, not totals), and the
 * intervals must add up to each workload's exact counts.
 */
static void interval_deltas(void)
{
	const char *argv[] = { "pipe-workload", "rw", "150", NULL };
	struct workload w[2];
	struct tracer t;
	char arg[4][16];
	int i, n_w, n_r;
	long long writes, reads, w_bytes, r_bytes;

	for (i = 0; i < 2; i++) {
		workload_start(&w[i], argv);
		snprintf(arg[2 * i], sizeof(arg[0]), "%lld",
			 fact_int(&w[i], "pid"));
		snprintf(arg[2 * i + 1], sizeof(arg[0]), "%lld",
			 fact_int(&w[i], "reader"));
	}
	tracer_start(&t, (const char *[]){ "-t", "pipe", "--summary",
					  "-i", "0.2", "-p", arg[0],
					  "-p", arg[1], "-p", arg[2],
					  "-p", arg[3], NULL });
	workload_finish(&w[0]);
	usleep(1000 * 1000);
	workload_finish(&w[1]);
	usleep(500 * 1000);
	tracer_stop(&t);

	for (i = 0; i < 2; i++) {
		long long pid = fact_int(&w[i], "pid");
		long long reader = fact_int(&w[i], "reader");

		writes = sum_rows(&t.events, "pipe_write", pid, "count", &n_w);
		reads = sum_rows(&t.events, "pipe_read", reader, "count", &n_r);
		w_bytes = sum_rows(&t.events, "pipe_write", pid, "bytes", &n_w);
		r_bytes = sum_rows(&t.events, "pipe_read", reader, "bytes",
				   &n_r);
		/* a run the kernel skipped (a preempted program, 7.x) is
		 * missing from the counts, but must be reported */
		tap_is_int(writes, 150,
			   "-i 0.2, workload %d: intervals add up to its 150 writes",
			   i + 1);
		tap_is_int(reads, fact_int(&w[i], "reads"),
			   "-i 0.2, workload %d: and to its %lld reads", i + 1,
			   fact_int(&w[i], "reads"));
		tap_is_int(w_bytes, fact_int(&w[i], "write_bytes"),
			   "workload %d: its write bytes", i + 1);
		tap_is_int(r_bytes, fact_int(&w[i], "read_bytes"),
			   "workload %d: its read bytes", i + 1);
		tap_ok_strict((writes == 150 && reads == fact_int(&w[i], "reads")) ||
		       events_sum(&t.events, "missed", 0, 0, "count") +
		       events_sum(&t.events, "lost", 0, 0, "count") > 0,
		       "workload %d: exact, or skipped runs reported", i + 1);
		tap_ok(n_w <= 2,
		       "workload %d: writes in at most 2 of the intervals (%d), not repeated after",
		       i + 1, n_w);
		tap_ok(n_r <= 2,
		       "workload %d: reads in at most 2 of the intervals (%d), not repeated after",
		       i + 1, n_r);
	}
	tracer_free(&t);
	workload_free(&w[0]);
	workload_free(&w[1]);
}

int main(void)
{
	const char *argv[] = { "pipe-workload", "rw", "150", NULL };
	const struct fj_object *w_row, *r_row;
	long long pid, reader, ino;
	struct workload w;
	struct tracer t;
	char arg[2][16];
	int i, events = 0;

	require_root();
	tap_plan(29);
	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	reader = fact_int(&w, "reader");
	ino = fact_int(&w, "ino");
	snprintf(arg[0], sizeof(arg[0]), "%lld", pid);
	snprintf(arg[1], sizeof(arg[1]), "%lld", reader);
	tracer_start(&t, (const char *[]){ "-t", "pipe", "--summary", "-p",
					  arg[0], "-p", arg[1], NULL });
	workload_finish(&w);
	tracer_stop(&t);

	for (i = 0; i < t.events.n; i++)
		events += !event_is(&t.events.ev[i], "summary");
	tap_is_int(events, 0, "--summary prints no per-event records");
	w_row = row(&t.events, "pipe_write", pid, ino);
	r_row = row(&t.events, "pipe_read", reader, ino);
	tap_ok(w_row != NULL, "a write row for the writer on the pipe");
	tap_ok(r_row != NULL, "a read row for the reader on the pipe");
	tap_key_int(w_row, "count", 150, "the kernel counted 150 writes");
	tap_key_int(w_row, "bytes", fact_int(&w, "write_bytes"),
		    "and their bytes");
	tap_key_int(r_row, "count", fact_int(&w, "reads"),
		    "every read the reader made");
	tap_key_int(r_row, "bytes", fact_int(&w, "read_bytes"),
		    "and their bytes");
	tap_key_int(w_row, "errors", 0, "no write errors");
	tap_key_int(r_row, "errors", 0, "no read errors");
	tap_is_int(hist_sum(w_row), 150,
		   "the write histogram holds every write once");
	tap_is_int(hist_sum(r_row), fact_int(&w, "reads"),
		   "the read histogram holds every read once");
	tap_key_range(w_row, "duration_ns_max", 1, LLONG_MAX,
		      "the longest write took some time");
	tap_key_range(w_row, "duration_ns_total",
		      fj_int(w_row, "duration_ns_max"), LLONG_MAX,
		      "the total duration is at least the longest");
	tracer_free(&t);
	workload_free(&w);

	/* -i: a summary block per interval, in text */
	{
		const char *cmd[] = { ipcscope_bin(), "trace", "--probe",
				      probe_tier(), "-t", "pipe", "--summary",
				      "-i", "0.3", "-d", "1.45", "--ino", "1",
				      NULL };
		struct cmd_result r;
		int blocks = 0;
		const char *p;

		run_cmd(cmd, &r, 120);
		for (p = r.out; (p = strstr(p, " summary of ")); p++)
			blocks++;
		tap_is_int(r.status, 0, "-i 0.3 -d 1.45: status 0");
		tap_ok(blocks >= 3, "-i 0.3 -d 1.45: %d summary blocks (>= 3)",
		       blocks);
	}
	interval_deltas();
	return tap_done();
}
