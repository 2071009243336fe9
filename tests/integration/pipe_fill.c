// SPDX-License-Identifier: GPL-2.0
/*
 * A pipe filled to a known level, 1000 bytes a write, nobody reading:
 * after every write `buffered` is exactly what was written so far,
 * `capacity` is F_GETPIPE_SZ, and `slots_used` counts the pages.  A write
 * is merged into the last page only when all of it fits there, so each
 * 4096-byte page takes four 1000-byte writes: after write k, ceil(k/4)
 * slots are in use.  Again on a pipe grown with F_SETPIPE_SZ.
 */
#include <stdlib.h>
#include "harness.h"

static void check_fill(const char *bytes_arg, const char *size_arg)
{
	const char *argv[] = { "pipe-workload", "fill", bytes_arg, size_arg,
			       NULL };
	long long bytes = atoll(bytes_arg), pid, capacity, expect = 0;
	int i, nwrites = (bytes + 999) / 1000, bad_level = 0, bad_cap = 0;
	int bad_slots = 0;
	const struct fj_object *last;
	struct workload w;
	struct tracer t;
	char pid_arg[16];

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	capacity = fact_int(&w, "capacity");
	snprintf(pid_arg, sizeof(pid_arg), "%lld", pid);
	tracer_start(&t, (const char *[]){ "-t", "pipe", "-p", pid_arg,
					  NULL });
	workload_resume(&w);		/* writes, then holds the pipe full */
	tracer_stop(&t);
	workload_finish(&w);

	tap_is_int(events_count(&t.events, "pipe_write", pid, 0), nwrites,
		   "%d writes for %lld bytes", nwrites, bytes);
	for (i = 0; i < nwrites; i++) {
		const struct fj_object *e = events_nth(&t.events, "pipe_write",
						       pid, 0, i);

		expect += bytes - expect < 1000 ? bytes - expect : 1000;
		if (!e)
			break;
		bad_level += fj_int(e, "buffered") != expect;
		bad_cap += fj_int(e, "capacity") != capacity;
		bad_slots += fj_int(e, "slots_used") != (i + 1 + 3) / 4;
	}
	tap_is_int(bad_level, 0, "buffered after each write is the running total");
	tap_is_int(bad_cap, 0, "capacity is F_GETPIPE_SZ = %lld", capacity);
	tap_is_int(bad_slots, 0, "slots_used is ceil(writes/4): whole writes merge into a page");
	last = events_nth(&t.events, "pipe_write", pid, 0, nwrites - 1);
	tap_key_int(last, "buffered", bytes,
		    "the pipe holds %lld bytes at the end", bytes);
	tap_key_int(last, "slots", capacity / 4096,
		    "slots * page size is the capacity (%lld)", capacity);
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	tap_plan(12);
	check_fill("12345", NULL);
	check_fill("100000", "131072");
	return tap_done();
}
