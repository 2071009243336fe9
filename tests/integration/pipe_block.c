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
	tap_plan(8);
	workload_start(&w, argv);
	reader = fact_int(&w, "reader");
	snprintf(pid_arg, sizeof(pid_arg), "%lld", reader);
	tracer_start(&t, (const char *[]){ "-p", pid_arg, NULL });
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(events_count(&t.events, "pipe_read", reader, 0), 1,
		   "one read event from the blocked reader");
	rd = events_nth(&t.events, "pipe_read", reader, 0, 0);
	tap_is_int(rd ? fj_int(rd, "bytes") : -1, 10, "it returned 10 bytes");
	tap_is_int(rd ? fj_int(rd, "ino") : -1, fact_int(&w, "ino"),
		   "on the workload's pipe");
	tap_ok(rd && fj_int(rd, "duration_ns") >= SLEEP_MS * 1000000LL,
	       "duration_ns %lld >= the %d ms the writer slept",
	       rd ? fj_int(rd, "duration_ns") : -1, SLEEP_MS);
	/* an upper bound so a garbage duration fails; TCG VMs are slow */
	tap_ok(rd && fj_int(rd, "duration_ns") < (SLEEP_MS + 30000) * 1000000LL,
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
		for (i = 0; i < t.events.n; i++) {
			const struct fj_object *e = &t.events.ev[i];

			if (!strcmp(fj_str(e, "type"), "lost"))
				lost += fj_int(e, "count");
			ones += !strcmp(fj_str(e, "type"), "pipe_read") &&
				fj_int(e, "bytes") == 1;
		}
		tap_is_int(fact_int(&w, "fed"), 64,
			   "64 readers each got their byte");
		tap_is_int(ones, 64, "64 sleepers, 64 one-byte read events");
		tap_is_int(lost, 0, "none lost");
		tracer_free(&t);
		workload_free(&w);
	}
	return tap_done();
}
