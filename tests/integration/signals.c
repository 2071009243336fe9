// SPDX-License-Identifier: GPL-2.0
/*
 * Signals: N queued real-time signals give N generate and N deliver
 * events, none lost, each deliver's latency_ns the time since its own
 * generate; standard signals sent faster than handled coalesce
 * (already_pending) and their one delivery's latency counts from the
 * first; a signal to a process that ignores it is "ignored" and never
 * delivered; a signal to a stopped process is delivered no sooner than
 * its SIGCONT; signals sent with tgkill to one thread are matched to
 * their deliveries in that thread.
 */
#include <signal.h>
#include <string.h>
#include "harness.h"

#define RT_SIGNALS 100
#define PENDING_SENDS 20
#define DELAY_MS 200

static int count_result(const struct events *evs, const char *result)
{
	int i, n = 0;

	for (i = 0; i < evs->n; i++)
		n += !strcmp(fj_str(&evs->ev[i], "type"), "signal_generate") &&
		     !strcmp(fj_str(&evs->ev[i], "result"), result);
	return n;
}

/* Start the tracer for @sig (a number) and the given pids. */
static void start(struct tracer *t, long long sig, long long pid,
		  long long pid2)
{
	char arg[3][16];

	snprintf(arg[0], sizeof(arg[0]), "%lld", sig);
	snprintf(arg[1], sizeof(arg[1]), "%lld", pid);
	snprintf(arg[2], sizeof(arg[2]), "%lld", pid2 > 0 ? pid2 : pid);
	tracer_start(t, (const char *[]){ "-t", "signal", "--sig", arg[0],
					 "-p", arg[1], "-p", arg[2], NULL });
}

static void realtime(void)
{
	const char *argv[] = { "signal-workload", "rt", "100", NULL };
	long long pid, child, sig;
	int i, gen = 0, dlv = 0, bad_gen = 0, bad_dlv = 0, lost = 0;
	int mismatched = 0;
	long long gen_ts[RT_SIGNALS];
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	child = fact_int(&w, "child");
	sig = fact_int(&w, "sig");
	/* -p the receiver only: generates pass on their target */
	start(&t, sig, child, 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_ok(w.status == 0 && fact_int(&w, "handled") == RT_SIGNALS &&
	       fact_int(&w, "in_order") == 1,
	       "rt: the child handled all %d, in the order sent", RT_SIGNALS);
	tap_is_int(t.events.bad_lines, 0, "rt: every line is a JSON object");
	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		const char *type = fj_str(e, "type");

		if (!strcmp(type, "lost")) {
			lost += fj_int(e, "count");
		} else if (!strcmp(type, "signal_generate")) {
			bad_gen += fj_int(e, "sig") != sig ||
				   fj_int(e, "pid") != pid ||
				   fj_int(e, "target_pid") != child ||
				   strcmp(fj_str(e, "code_name"), "SI_QUEUE") ||
				   strcmp(fj_str(e, "result"), "delivered") ||
				   !fj_true(e, "group");
			if (gen < RT_SIGNALS)
				gen_ts[gen] = fj_int(e, "ts_ns");
			gen++;
		} else if (!strcmp(type, "signal_deliver")) {
			bad_dlv += fj_int(e, "sig") != sig ||
				   fj_int(e, "pid") != child ||
				   strcmp(fj_str(e, "code_name"), "SI_QUEUE") ||
				   strcmp(fj_str(e, "action"), "handler") ||
				   fj_is_null(e, "latency_ns");
			/* FIFO: deliver k answers generate k, to the ns */
			if (dlv < gen && dlv < RT_SIGNALS &&
			    fj_int(e, "ts_ns") - gen_ts[dlv] !=
			    fj_int(e, "latency_ns"))
				mismatched++;
			dlv++;
		}
	}
	tap_is_int(gen, RT_SIGNALS, "rt: %d signal_generate events",
		   RT_SIGNALS);
	tap_is_int(dlv, RT_SIGNALS, "rt: %d signal_deliver events",
		   RT_SIGNALS);
	tap_is_int(lost, 0, "rt: none lost");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event says \"tier\":\"%s\"", probe_tier());
	tap_is_int(bad_gen, 0,
		   "rt: generates: sender %lld, target %lld, SI_QUEUE, delivered, group",
		   pid, child);
	tap_is_int(bad_dlv, 0,
		   "rt: delivers: receiver %lld, SI_QUEUE, handler, latency known",
		   child);
	tap_is_int(mismatched, 0,
		   "rt: each latency_ns is its deliver's ts_ns minus its own generate's");
	tracer_free(&t);
	workload_free(&w);
}

static void pending(void)
{
	const char *argv[] = { "signal-workload", "pending", "20", "200", NULL };
	const struct fj_object *d;
	long long child;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	child = fact_int(&w, "child");
	start(&t, SIGUSR1, fact_int(&w, "pid"), child);
	workload_finish(&w);
	tracer_stop(&t);

	tap_ok(w.status == 0 && fact_int(&w, "handled") == 1,
	       "pending: the child's handler ran once for %d sends",
	       PENDING_SENDS);
	tap_is_int(events_count(&t.events, "signal_generate", 0, 0),
		   PENDING_SENDS, "pending: %d generate events", PENDING_SENDS);
	tap_ok(count_result(&t.events, "delivered") == 1 &&
	       count_result(&t.events, "already_pending") == PENDING_SENDS - 1,
	       "pending: 1 delivered, %d already_pending",
	       PENDING_SENDS - 1);
	tap_is_int(events_count(&t.events, "signal_deliver", child, 0), 1,
		   "pending: one signal_deliver");
	d = events_nth(&t.events, "signal_deliver", child, 0, 0);
	tap_ok(d && fj_int(d, "latency_ns") >= DELAY_MS * 1000000LL,
	       "pending: its latency_ns %lld counts from the first send, >= %d ms",
	       d ? fj_int(d, "latency_ns") : -1, DELAY_MS);
	tracer_free(&t);
	workload_free(&w);
}

static void ignored(void)
{
	const char *argv[] = { "signal-workload", "ignored", "3", NULL };
	long long child;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	child = fact_int(&w, "child");
	/* -p the sender only: generates pass on their sender */
	start(&t, SIGUSR1, fact_int(&w, "pid"), 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "ignored: workload ran to the end");
	tap_ok(events_count(&t.events, "signal_generate", 0, 0) == 3 &&
	       count_result(&t.events, "ignored") == 3 &&
	       events_count(&t.events, "signal_generate",
			    fact_int(&w, "pid"), 0) == 3 &&
	       fj_int(events_nth(&t.events, "signal_generate", 0, 0, 2),
		      "target_pid") == child,
	       "ignored: 3 generates to %lld (-p of the sender), each \"ignored\"",
	       child);
	tap_is_int(events_count(&t.events, "signal_deliver", 0, 0), 0,
		   "ignored: nothing delivered");
	tracer_free(&t);
	workload_free(&w);
}

static void stopcont(void)
{
	const char *argv[] = { "signal-workload", "stopcont", "300", NULL };
	const struct fj_object *d;
	long long child, stop_ms;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	child = fact_int(&w, "child");
	stop_ms = fact_int(&w, "stop_ms");
	start(&t, SIGUSR1, fact_int(&w, "pid"), child);
	workload_finish(&w);
	tracer_stop(&t);

	tap_ok(w.status == 0 && fact_int(&w, "handled") == 1,
	       "stopcont: the child handled SIGUSR1 once");
	tap_ok(events_count(&t.events, "signal_generate", 0, 0) == 1 &&
	       count_result(&t.events, "delivered") == 1,
	       "stopcont: one generate, delivered (left pending while stopped)");
	d = events_nth(&t.events, "signal_deliver", child, 0, 0);
	tap_ok(d && !strcmp(fj_str(d, "action"), "handler"),
	       "stopcont: delivered to the handler");
	tap_ok(d && fj_int(d, "latency_ns") >= stop_ms * 1000000LL,
	       "stopcont: latency_ns %lld >= the %lld ms it was stopped",
	       d ? fj_int(d, "latency_ns") : -1, stop_ms);
	tracer_free(&t);
	workload_free(&w);
}

static void thread_directed(void)
{
	const char *argv[] = { "signal-workload", "thread", "50", NULL };
	long long pid, tid, sig, gen_ts[50];
	int i, gen = 0, dlv = 0, bad_gen = 0, bad_dlv = 0, mismatched = 0;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	tid = fact_int(&w, "tid");
	sig = fact_int(&w, "sig");
	start(&t, sig, pid, 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_ok(w.status == 0 && fact_int(&w, "handled") == 50,
	       "thread: the second thread handled all 50");
	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		const char *type = fj_str(e, "type");

		if (!strcmp(type, "signal_generate")) {
			bad_gen += fj_int(e, "target_pid") != pid ||
				   fj_int(e, "target_tid") != tid ||
				   fj_true(e, "group") ||
				   strcmp(fj_str(e, "code_name"), "SI_TKILL") ||
				   strcmp(fj_str(e, "result"), "delivered");
			if (gen < 50)
				gen_ts[gen] = fj_int(e, "ts_ns");
			gen++;
		} else if (!strcmp(type, "signal_deliver")) {
			bad_dlv += fj_int(e, "tid") != tid ||
				   fj_is_null(e, "latency_ns");
			if (dlv < gen && dlv < 50 &&
			    fj_int(e, "ts_ns") - gen_ts[dlv] !=
			    fj_int(e, "latency_ns"))
				mismatched++;
			dlv++;
		}
	}
	tap_ok(gen == 50 && dlv == 50, "thread: 50 generates, 50 delivers (%d, %d)",
	       gen, dlv);
	tap_is_int(bad_gen, 0,
		   "thread: generates to tid %lld, not group, SI_TKILL, delivered",
		   tid);
	tap_is_int(bad_dlv + mismatched, 0,
		   "thread: delivered in tid %lld, each latency from its own generate",
		   tid);
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	tap_plan(25);
	realtime();
	pending();
	ignored();
	stopcont();
	thread_directed();
	return tap_done();
}
