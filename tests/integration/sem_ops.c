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
	return fj_array(e, "ops", op, 1) == 1;
}

static void pairs(void)
{
	const char *argv[] = { "sem-workload", "pv", "100", NULL };
	long long pid, semid, timeout;
	int i, v = 0, p = 0, other = 0, timed = 0, no_ops = 0;
	int bad_nsops = 0, bad_errno = 0, bad_num = 0, truncated = 0;
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

		if (!event_is(e, "semop") || fj_int(e, "pid") != pid ||
		    fj_int(e, "semid") != semid) {
			other++;
			continue;
		}
		if (!first_op(e, &op)) {
			no_ops++;
			continue;
		}
		v += fj_int(&op, "op") == 1;
		p += fj_int(&op, "op") == -1;
		bad_nsops += fj_int(e, "nsops") != 1;
		bad_errno += fj_int(e, "errno") != 0;
		bad_num += fj_int(&op, "num") != 0;
		truncated += !fj_false(e, "ops_truncated");
		timed += fj_int(e, "timeout_ns") == timeout;
		fj_free(&op);
	}
	tap_is_int(v, PAIRS, "pv: exactly %d V (+1) events on semid %lld",
		   PAIRS, semid);
	tap_is_int(p, PAIRS, "pv: exactly %d P (-1) events", PAIRS);
	tap_is_int(timed, 2 * fact_int(&w, "timed_pairs"),
		   "pv: the semtimedop calls carry their 5 s timeout_ns");
	tap_is_int(no_ops, 0, "pv: every semop lists its ops");
	tap_is_int(bad_nsops, 0, "pv: nsops 1 everywhere");
	tap_is_int(bad_num, 0, "pv: ops[0].num (the semaphore) 0 everywhere");
	tap_is_int(bad_errno, 0, "pv: errno 0 everywhere");
	tap_is_int(truncated, 0, "pv: ops_truncated false everywhere");
	tap_is_int(other, 0, "pv: no event from another pid or set");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
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
	tap_key_int(e, "errno", 0, "block: the P succeeded");
	tap_key_range(e, "duration_ns", SLEEP_MS * 1000000LL, LLONG_MAX,
		      "block: duration_ns >= the %d ms before the V",
		      SLEEP_MS);
	/* an upper bound so a garbage duration fails; TCG VMs are slow */
	tap_key_range(e, "duration_ns", 0, (SLEEP_MS + 30000) * 1000000LL - 1,
		      "block: and not absurdly longer");
	tracer_free(&t);
	workload_free(&w);
}

static void errors(void)
{
	const char *argv[] = { "sem-workload", "errors", NULL };
	const struct fj_object *e, *many = NULL, *op7;
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

	tap_is_int(fact_int(&w, "eagain"), 1, "errors: the workload saw EAGAIN");
	tap_is_int(fact_int(&w, "eidrm"), 1, "errors: the workload saw EIDRM");
	e = events_nth(&t.events, "semop", pid, 0, 0);
	tap_key_int(e, "errno", EAGAIN,
		    "errors: IPC_NOWAIT P on a zero semaphore: errno EAGAIN");
	e = events_nth(&t.events, "semop", child, 0, 0);
	tap_key_int(e, "errno", EIDRM,
		    "errors: P on a set removed under it: errno EIDRM");
	for (i = 0; (e = events_nth(&t.events, "semop", pid, 0, i)); i++)
		if (fj_int(e, "nsops") == 10)
			many = e;
	tap_ok(many != NULL, "errors: a semop event with nsops 10");
	n = fj_array(many, "ops", ops, IPCSCOPE_SEM_MAX_OPS + 1);
	tap_is_int(n, IPCSCOPE_SEM_MAX_OPS,
		   "errors: 10 ops in one call: %d ops listed",
		   IPCSCOPE_SEM_MAX_OPS);
	tap_key_true(many, "ops_truncated",
		     "errors: 10 ops in one call: ops_truncated true");
	op7 = n > 7 ? &ops[7] : NULL;
	tap_key_int(op7, "num", 7, "errors: the 8th op is num 7");
	tap_key_int(op7, "op", 8, "errors: the 8th op is op +8");
	tap_key_int(op7, "flg", 0x1000, "errors: the 8th op is flg SEM_UNDO");
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
	long long semid, lost;
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

		waits += event_is(e, "semop") && fj_int(e, "semid") == semid &&
			 fj_int(e, "nsops") == 1 && fj_int(e, "errno") == 0 &&
			 fj_int(e, "pid") != fact_int(&w, "pid");
	}
	tap_is_int(fact_int(&w, "released"), 64,
		   "crowd: 64 children slept in P together and were released");
	lost = events_sum(&t.events, "lost", 0, 0, "count");
	tap_is_int(waits + lost, 64,
		   "crowd: %d P events + %lld lost = the 64 waits", waits,
		   lost);
	tap_is_int(waits, 64, "crowd: all 64 P events there");
	/* what the kernel skipped is reported, never silent */
	tap_ok_strict(waits + lost + events_sum(&t.events, "missed", 0, 0, "count") >=
	       64, "crowd: 64 P events, or the gap reported as lost or missed");
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	tap_plan(31);
	pairs();
	block();
	errors();
	crowd();
	return tap_done();
}
