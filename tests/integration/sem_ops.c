// SPDX-License-Identifier: GPL-2.0
/*
 * SysV semaphores: N V/P pairs give exactly N events of each for the
 * workload's pid and semid, half of them through semtimedop with its
 * timeout; a P that sleeps until another process's V lasts at least the
 * sleep; IPC_NOWAIT on a zero semaphore is EAGAIN; a P whose set is
 * removed is EIDRM; a 10-op call is cut to 8 ops and says so.
 */
#include <errno.h>
#include <string.h>
#include "harness.h"
#include "ipcscope.h"

#define PAIRS 100
#define SLEEP_MS 300

/* The first op of a semop event, or false when it has none. */
static bool first_op(const struct fj_object *e, struct fj_object *op)
{
	const struct fj_value *ops = fj_get(e, "ops");

	return ops && ops->kind == FJ_RAW && fj_array_objects(ops->str, op, 1) == 1;
}

static void pairs(void)
{
	const char *argv[] = { "sem-workload", "pv", "100", NULL };
	long long pid, semid, timeout;
	int i, v = 0, p = 0, other = 0, timed = 0, bad = 0;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	semid = fact_int(&w, "semid");
	timeout = fact_int(&w, "timeout_ns");
	tracer_start_family(&t, "sem", pid, 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "pv: workload ran to the end");
	tap_is_int(t.events.bad_lines, 0, "pv: every line is a JSON object");
	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		struct fj_object op;

		if (strcmp(fj_str(e, "type"), "semop") ||
		    fj_int(e, "pid") != pid || fj_int(e, "semid") != semid) {
			other++;
			continue;
		}
		if (!first_op(e, &op)) {
			bad++;
			continue;
		}
		v += fj_int(&op, "op") == 1;
		p += fj_int(&op, "op") == -1;
		bad += fj_int(e, "nsops") != 1 || fj_int(e, "errno") != 0 ||
		       fj_int(&op, "num") != 0 || fj_true(e, "ops_truncated");
		timed += fj_int(e, "timeout_ns") == timeout;
		fj_free(&op);
	}
	tap_is_int(v, PAIRS, "pv: exactly %d V (+1) events on semid %lld",
		   PAIRS, semid);
	tap_is_int(p, PAIRS, "pv: exactly %d P (-1) events", PAIRS);
	tap_is_int(timed, 2 * fact_int(&w, "timed_pairs"),
		   "pv: the semtimedop calls carry their 5 s timeout_ns");
	tap_is_int(bad, 0, "pv: nsops 1, sem 0, errno 0 everywhere");
	tap_is_int(other, 0, "pv: no event from another pid or set");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event says \"tier\":\"%s\"", probe_tier());
	tracer_free(&t);
	workload_free(&w);
}

static void block(void)
{
	const char *argv[] = { "sem-workload", "block", "300", NULL };
	const struct fj_object *e;
	struct workload w;
	struct tracer t;
	long long child;

	workload_start(&w, argv);
	child = fact_int(&w, "child");
	tracer_start_family(&t, "sem", fact_int(&w, "pid"), child);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "block: workload ran to the end");
	tap_is_int(events_count(&t.events, "semop", child, 0), 1,
		   "block: one semop event from the sleeping child");
	e = events_nth(&t.events, "semop", child, 0, 0);
	tap_is_int(e ? fj_int(e, "errno") : -1, 0, "block: the P succeeded");
	tap_ok(e && fj_int(e, "duration_ns") >= SLEEP_MS * 1000000LL,
	       "block: duration_ns %lld >= the %d ms before the V",
	       e ? fj_int(e, "duration_ns") : -1, SLEEP_MS);
	/* an upper bound so a garbage duration fails; TCG VMs are slow */
	tap_ok(e && fj_int(e, "duration_ns") < (SLEEP_MS + 30000) * 1000000LL,
	       "block: and not absurdly longer");
	tracer_free(&t);
	workload_free(&w);
}

static void errors(void)
{
	const char *argv[] = { "sem-workload", "errors", NULL };
	const struct fj_object *e, *many = NULL;
	struct fj_object ops[IPCSCOPE_SEM_MAX_OPS + 1];
	long long pid, child;
	struct workload w;
	struct tracer t;
	int i, n = -1;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	child = fact_int(&w, "child");
	tracer_start_family(&t, "sem", pid, child);
	workload_finish(&w);
	tracer_stop(&t);

	tap_ok(fact_int(&w, "eagain") == 1 && fact_int(&w, "eidrm") == 1,
	       "errors: the workload saw EAGAIN and EIDRM");
	e = events_nth(&t.events, "semop", pid, 0, 0);
	tap_is_int(e ? fj_int(e, "errno") : -1, EAGAIN,
		   "errors: IPC_NOWAIT P on a zero semaphore: errno EAGAIN");
	e = events_nth(&t.events, "semop", child, 0, 0);
	tap_is_int(e ? fj_int(e, "errno") : -1, EIDRM,
		   "errors: P on a set removed under it: errno EIDRM");
	for (i = 0; (e = events_nth(&t.events, "semop", pid, 0, i)); i++)
		if (fj_int(e, "nsops") == 10)
			many = e;
	if (many && fj_get(many, "ops"))
		n = fj_array_objects(fj_get(many, "ops")->str, ops,
				     IPCSCOPE_SEM_MAX_OPS + 1);
	tap_ok(many && n == IPCSCOPE_SEM_MAX_OPS && fj_true(many, "ops_truncated"),
	       "errors: 10 ops in one call: nsops 10, %d ops listed, truncated",
	       IPCSCOPE_SEM_MAX_OPS);
	tap_ok(n == IPCSCOPE_SEM_MAX_OPS && fj_int(&ops[7], "num") == 7 &&
	       fj_int(&ops[7], "op") == 8 && fj_int(&ops[7], "flg") == 0x1000,
	       "errors: the 8th op is num 7, op +8, flg SEM_UNDO");
	for (i = 0; i < n; i++)
		fj_free(&ops[i]);
	tracer_free(&t);
	workload_free(&w);
}

/*
 * Many tasks asleep in the traced function at once: a kretprobe has a
 * fixed number of return slots (maxactive) and drops the returns beyond
 * them; those must be counted as lost, never vanish.
 */
static void crowd(void)
{
	const char *argv[] = { "sem-workload", "crowd", "64", NULL };
	long long semid, lost = 0;
	int i, waits = 0;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	semid = fact_int(&w, "semid");
	/* the children are forked later: follow them by command name */
	tracer_start(&t, (const char *[]){ "-t", "sem", "-c", "sem-workload",
					  NULL });
	workload_finish(&w);
	tracer_stop(&t);

	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];

		if (!strcmp(fj_str(e, "type"), "lost"))
			lost += fj_int(e, "count");
		else if (!strcmp(fj_str(e, "type"), "semop") &&
			 fj_int(e, "semid") == semid && fj_int(e, "nsops") == 1 &&
			 fj_int(e, "errno") == 0 && fj_int(e, "pid") != fact_int(&w, "pid"))
			waits++;
	}
	tap_is_int(fact_int(&w, "released"), 64,
		   "crowd: 64 children slept in P together and were released");
	tap_ok(waits + lost == 64,
	       "crowd: %d P events + %lld lost = the 64 waits", waits, lost);
	tap_is_int(waits, 64, "crowd: all 64 P events there");
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	tap_plan(21);
	pairs();
	block();
	errors();
	crowd();
	return tap_done();
}
