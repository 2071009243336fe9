// SPDX-License-Identifier: GPL-2.0
/*
 * A pipe read and a pipe write interrupted by a signal whose handler has
 * no SA_RESTART: the caller sees EINTR, the kernel returned -ERESTARTSYS
 * (512), and the event says so the way sem and msg do: "errno":4 plus
 * "restart":512, with no bytes moved.  In every tier.
 */
#include <errno.h>
#include <string.h>
#include "harness.h"

static void check(const struct events *evs, const struct workload *w,
		  const char *type, const char *who, const char *ino_key)
{
	char key[32];
	long long pid = fact_int(w, who);
	const struct fj_object *e;

	snprintf(key, sizeof(key), "%s_errno", who);
	tap_is_int(fact_int(w, key), EINTR, "%s: the call failed with EINTR",
		   who);
	tap_is_int(events_count(evs, type, pid, fact_int(w, ino_key)), 1,
		   "%s: one %s event on its pipe", who, type);
	e = events_nth(evs, type, pid, fact_int(w, ino_key), 0);
	tap_key_int(e, "errno", EINTR, "%s: errno 4 (EINTR)", who);
	tap_key_int(e, "restart", 512, "%s: restart 512 (ERESTARTSYS)", who);
	tap_key_int(e, "bytes", 0, "%s: no bytes moved", who);
}

int main(void)
{
	const char *argv[] = { "pipe-workload", "eintr", NULL };
	struct workload w;
	struct tracer t;

	require_root();
	tap_plan(12);
	workload_start(&w, argv);
	tracer_start(&t, (const char *[]){ "-t", "pipe", "-c", "pipe-workload",
					  NULL });
	workload_finish(&w);
	tracer_stop(&t);
	check(&t.events, &w, "pipe_read", "reader", "empty_ino");
	check(&t.events, &w, "pipe_write", "writer", "full_ino");
	tap_is_int(events_sum(&t.events, "lost", 0, 0, "count"), 0,
		   "none lost");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
	tracer_free(&t);
	workload_free(&w);
	return tap_done();
}
