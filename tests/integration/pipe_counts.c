// SPDX-License-Identifier: GPL-2.0
/*
 * N writes of known, varied sizes into a pipe drained by a child: the
 * tracer must report exactly N writes and every read the child made, with
 * the exact byte totals, on the inode fstat() gives.
 */
#include <string.h>
#include "harness.h"

#define WRITES 200

int main(void)
{
	const char *argv[] = { "pipe-workload", "rw", "200", NULL };
	struct workload w;
	struct tracer t;
	char pid_arg[2][16];
	long long pid, reader, ino;
	int i, bad_ino = 0, bad_kind = 0, bad_err = 0, short_writes = 0;

	require_root();
	tap_plan(12);
	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	reader = fact_int(&w, "reader");
	ino = fact_int(&w, "ino");
	snprintf(pid_arg[0], sizeof(pid_arg[0]), "%lld", pid);
	snprintf(pid_arg[1], sizeof(pid_arg[1]), "%lld", reader);
	/* pipes only: the workload's SIGCHLD is no pipe event */
	tracer_start(&t, (const char *[]){ "-t", "pipe", "-p", pid_arg[0],
					  "-p", pid_arg[1], NULL });
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "workload ran to the end");
	tap_is_int(t.status, 0, "tracer exited 0 on SIGINT");
	tap_is_int(t.events.bad_lines, 0, "every output line is a JSON object");
	tap_is_int(events_count(&t.events, "pipe_write", pid, 0), WRITES,
		   "exactly %d write events from the writer", WRITES);
	tap_is_int(events_sum(&t.events, "pipe_write", pid, 0, "bytes"),
		   fact_int(&w, "write_bytes"), "written bytes add up");
	tap_is_int(events_count(&t.events, "pipe_read", reader, 0),
		   fact_int(&w, "reads"),
		   "as many read events as the reader made reads (EOF too)");
	tap_is_int(events_sum(&t.events, "pipe_read", reader, 0, "bytes"),
		   fact_int(&w, "read_bytes"), "read bytes add up");
	tap_is_int(fact_int(&w, "read_bytes"), fact_int(&w, "write_bytes"),
		   "the reader got every byte written");
	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		const char *kind = fj_str(e, "pipe");

		bad_ino += fj_int(e, "ino") != ino;
		bad_kind += strcmp(kind, "anon") != 0;
		bad_err += fj_int(e, "errno") != 0;
		if (event_is(e, "pipe_write"))
			short_writes += !fj_is_int(e, "bytes") ||
					fj_int(e, "bytes") !=
					fj_int(e, "requested");
	}
	tap_is_int(bad_ino, 0, "every event is on inode %lld (fstat)", ino);
	tap_is_int(bad_kind, 0, "every event says \"pipe\":\"anon\"");
	tap_is_int(bad_err, 0, "no event carries an errno");
	tap_is_int(short_writes, 0, "every write moved what it requested");
	tracer_free(&t);
	workload_free(&w);
	return tap_done();
}
