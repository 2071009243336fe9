// SPDX-License-Identifier: GPL-2.0
/*
 * A reader asleep on an empty pipe's rd_wait for a known time: its read's
 * duration_ns covers the sleep.  And a crowd of 64 readers asleep at once
 * (more than a kretprobe's default 10 slots): every read is reported.
 */
#include <string.h>
#include "harness.h"

#define SLEEP_MS 300

int main(void)
{
	const char *argv[] = { "pipe-workload", "block", "300", NULL };
	const struct fj_object *rd;
	struct workload w;
	struct tracer t;
	char pid_arg[16];
	long long reader;

	require_root();
	tap_plan(9);
	workload_start(&w, argv);
	reader = fact_int(&w, "reader");
	snprintf(pid_arg, sizeof(pid_arg), "%lld", reader);
	tracer_start(&t, (const char *[]){ "-t", "pipe", "-p", pid_arg,
					  NULL });
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(events_count(&t.events, "pipe_read", reader, 0), 1,
		   "one read event from the blocked reader");
	rd = events_nth(&t.events, "pipe_read", reader, 0, 0);
	tap_key_int(rd, "bytes", 10, "it returned 10 bytes");
	tap_key_int(rd, "ino", fact_int(&w, "ino"), "on the workload's pipe");
	tap_key_range(rd, "duration_ns", SLEEP_MS * 1000000LL, LLONG_MAX,
		      "duration_ns >= the %d ms the writer slept", SLEEP_MS);
	/* an upper bound so a garbage duration fails; TCG VMs are slow */
	tap_key_range(rd, "duration_ns", 0,
		      (SLEEP_MS + 30000) * 1000000LL - 1,
		      "and not absurdly longer");
	tracer_free(&t);
	workload_free(&w);

	{
		const char *cargv[] = { "pipe-workload", "crowd", "64", NULL };
		char ino_arg[24];
		int i, ones = 0;
		long long lost = 0;

		workload_start(&w, cargv);
		snprintf(ino_arg, sizeof(ino_arg), "%lld",
			 fact_int(&w, "ino"));
		tracer_start(&t, (const char *[]){ "--ino", ino_arg, NULL });
		workload_finish(&w);
		tracer_stop(&t);
		for (i = 0; i < t.events.n; i++)
			ones += event_is(&t.events.ev[i], "pipe_read") &&
				fj_int(&t.events.ev[i], "bytes") == 1;
		lost = events_sum(&t.events, "lost", 0, 0, "count");
		tap_is_int(fact_int(&w, "fed"), 64,
			   "64 readers each got their byte");
		tap_is_int(ones, 64, "64 sleepers, 64 one-byte read events");
		/* what the kernel skipped is reported, never silent */
		tap_ok_strict(ones + events_sum(&t.events, "missed", 0, 0, "count") >=
		       64, "64 read events, or the gap reported as missed");
		tap_is_int(lost, 0, "none lost");
		tracer_free(&t);
		workload_free(&w);
	}
	return tap_done();
}
