// SPDX-License-Identifier: GPL-2.0
/*
 * --summary: the kernel aggregates; the rows printed at the end must hold
 * the workload's exact counts and bytes, and histograms that account for
 * every operation.  -i prints (and resets) at each interval.
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"

static long long hist_sum(const struct fj_object *row)
{
	const struct fj_value *h = fj_get(row, "duration_hist_log2");
	long long sum = 0;
	const char *p;

	if (!h || h->kind != FJ_RAW)
		return -1;
	for (p = h->str + 1; *p && *p != ']';) {
		sum += strtoll(p, (char **)&p, 10);
		if (*p == ',')
			p++;
	}
	return sum;
}

static const struct fj_object *row(const struct events *evs, const char *ev,
				   long long pid, long long ino)
{
	int i;

	for (i = 0; i < evs->n; i++) {
		const struct fj_object *e = &evs->ev[i];
		const char *t = fj_str(e, "type"), *name = fj_str(e, "event");

		if (t && !strcmp(t, "summary") && name && !strcmp(name, ev) &&
		    fj_int(e, "pid") == pid && fj_int(e, "ino") == ino)
			return e;
	}
	return NULL;
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
	tap_plan(10);
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
		events += strcmp(fj_str(&t.events.ev[i], "type"), "summary") != 0;
	tap_is_int(events, 0, "--summary prints no per-event records");
	w_row = row(&t.events, "pipe_write", pid, ino);
	r_row = row(&t.events, "pipe_read", reader, ino);
	tap_ok(w_row && r_row, "one write row and one read row for the pipe");
	tap_is_int(w_row ? fj_int(w_row, "count") : -1, 150,
		   "the kernel counted 150 writes");
	tap_is_int(w_row ? fj_int(w_row, "bytes") : -1,
		   fact_int(&w, "write_bytes"), "and their bytes");
	tap_is_int(r_row ? fj_int(r_row, "count") : -1, fact_int(&w, "reads"),
		   "every read the reader made");
	tap_is_int(r_row ? fj_int(r_row, "bytes") : -1,
		   fact_int(&w, "read_bytes"), "and their bytes");
	tap_ok(w_row && fj_int(w_row, "errors") == 0 &&
	       r_row && fj_int(r_row, "errors") == 0, "no errors");
	tap_ok(w_row && hist_sum(w_row) == 150 && r_row &&
	       hist_sum(r_row) == fj_int(r_row, "count"),
	       "each histogram holds every operation once");
	tap_ok(w_row && fj_int(w_row, "duration_ns_max") > 0 &&
	       fj_int(w_row, "duration_ns_max") <=
	       fj_int(w_row, "duration_ns_total"),
	       "0 < max duration <= total duration");
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
		tap_ok(r.status == 0 && blocks >= 3,
		       "-i 0.3 -d 1.45: status 0, %d summary blocks (>= 3)",
		       blocks);
	}
	return tap_done();
}
