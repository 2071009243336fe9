// SPDX-License-Identifier: GPL-2.0
/*
 * trace --peers: woken_by names the task that made a sleeping call
 * runnable.  A reader asleep on an empty pipe until the workload's parent
 * writes; a P asleep until the parent's V; a P that sleeps until its
 * timeout (a timer: woken_by null); a P with IPC_NOWAIT and the parent's
 * write, which never sleep (no woken_by key).  One tracer for all four.
 */
#include <errno.h>
#include <string.h>
#include "harness.h"

static void pid_arg(char *buf, size_t len, long long pid)
{
	snprintf(buf, len, "%lld", pid);
}

int main(void)
{
	const char *pargv[] = { "pipe-workload", "block", "200", NULL };
	const char *sargv[] = { "sem-workload", "block", "200", NULL };
	const char *targv[] = { "sem-workload", "timeout", "150", NULL };
	char p_reader[16], p_writer[16], p_child[16], p_timed[16];
	struct workload pw, sw, tw;
	const struct fj_object *ev;
	struct fj_object by;
	long long reader, writer, child, parent, timed;
	struct tracer t;

	require_root();
	tap_plan(16);
	workload_start(&pw, pargv);
	workload_start(&sw, sargv);
	workload_start(&tw, targv);
	reader = fact_int(&pw, "reader");
	writer = fact_int(&pw, "pid");
	child = fact_int(&sw, "child");
	parent = fact_int(&sw, "pid");
	timed = fact_int(&tw, "pid");
	pid_arg(p_reader, sizeof(p_reader), reader);
	pid_arg(p_writer, sizeof(p_writer), writer);
	pid_arg(p_child, sizeof(p_child), child);
	pid_arg(p_timed, sizeof(p_timed), timed);
	tracer_start(&t, (const char *[]){ "--peers", "-t", "pipe,sem",
			"-p", p_reader, "-p", p_writer, "-p", p_child,
			"-p", p_timed, NULL });
	workload_finish(&pw);
	workload_finish(&sw);
	workload_finish(&tw);
	tracer_stop(&t);

	/* the reader slept until the parent's write */
	ev = events_nth(&t.events, "pipe_read", reader, 0, 0);
	tap_key_int(ev, "bytes", 10, "the blocked read returned 10 bytes");
	by = fj_child(ev, "woken_by");
	tap_key_int(&by, "pid", writer, "pipe read: woken_by.pid is the writer");
	tap_key_str(&by, "comm", "pipe-workload",
		    "pipe read: woken_by.comm is the writer's");
	/* the write did not sleep */
	ev = events_nth(&t.events, "pipe_write", writer, 0, 0);
	tap_key_int(ev, "bytes", 10, "the writer's write of 10 bytes");
	tap_key_absent(ev, "woken_by", "a write that did not sleep: no woken_by");

	/* the P slept until the parent's V */
	ev = events_nth(&t.events, "semop", child, 0, 0);
	tap_key_int(ev, "errno", 0, "the blocked P succeeded");
	tap_key_range(ev, "duration_ns", 200 * 1000000LL, LLONG_MAX,
		      "after the parent's 200 ms sleep");
	by = fj_child(ev, "woken_by");
	tap_key_int(&by, "pid", parent, "semop: woken_by.pid is the V's");
	tap_key_str(&by, "comm", "sem-workload",
		    "semop: woken_by.comm is the V's");

	/* IPC_NOWAIT: no sleep; the timed P: woken by a timer */
	tap_is_int(events_count(&t.events, "semop", timed, 0), 2,
		   "two semops from the timeout workload");
	ev = events_nth(&t.events, "semop", timed, 0, 0);
	tap_key_int(ev, "errno", EAGAIN, "IPC_NOWAIT: EAGAIN");
	tap_key_absent(ev, "woken_by", "IPC_NOWAIT did not sleep: no woken_by");
	ev = events_nth(&t.events, "semop", timed, 0, 1);
	tap_key_int(ev, "errno", EAGAIN, "the timed P timed out: EAGAIN");
	tap_key_range(ev, "duration_ns", 150 * 1000000LL, LLONG_MAX,
		      "after its 150 ms timeout");
	tap_key_null(ev, "woken_by", "woken by the timer: woken_by null");
	tap_is_int(events_count(&t.events, "lost", 0, 0), 0, "nothing lost");

	tracer_free(&t);
	workload_free(&pw);
	workload_free(&sw);
	workload_free(&tw);
	return tap_done();
}
