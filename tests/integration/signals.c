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
		n += event_is(&evs->ev[i], "signal_generate") &&
		     !strcmp(fj_str(&evs->ev[i], "result"), result);
	return n;
}

/* Each deliver answers the generate of the same rank (FIFO, to the ns):
 * how many deliver latencies are not ts_ns minus that generate's ts_ns. */
static int latency_mismatches(const struct events *evs, int max)
{
	int i, gen = 0, dlv = 0, bad = 0;
	long long gen_ts[RT_SIGNALS];

	for (i = 0; i < evs->n; i++) {
		const struct fj_object *e = &evs->ev[i];

		if (event_is(e, "signal_generate")) {
			if (gen < max)
				gen_ts[gen] = fj_int(e, "ts_ns");
			gen++;
		} else if (event_is(e, "signal_deliver")) {
			if (dlv < gen && dlv < max &&
			    (!fj_is_int(e, "latency_ns") ||
			     fj_int(e, "ts_ns") - gen_ts[dlv] !=
			     fj_int(e, "latency_ns")))
				bad++;
			dlv++;
		}
	}
	return bad;
}

/* Delivers whose latency_ns is not a number. */
static int latency_unknown(const struct events *evs)
{
	int i, n = 0;

	for (i = 0; i < evs->n; i++)
		n += event_is(&evs->ev[i], "signal_deliver") &&
		     !fj_is_int(&evs->ev[i], "latency_ns");
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
	const char *gen = "signal_generate", *dlv = "signal_deliver";
	long long pid, child, sig;
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

	tap_is_int(w.status, 0, "rt: workload ran to the end");
	tap_is_int(fact_int(&w, "handled"), RT_SIGNALS,
		   "rt: the child handled all %d", RT_SIGNALS);
	tap_is_int(fact_int(&w, "in_order"), 1, "rt: in the order sent");
	tap_is_int(t.events.bad_lines, 0, "rt: every line is a JSON object");
	tap_is_int(events_count(&t.events, gen, 0, 0), RT_SIGNALS,
		   "rt: %d signal_generate events", RT_SIGNALS);
	tap_is_int(events_count(&t.events, dlv, 0, 0), RT_SIGNALS,
		   "rt: %d signal_deliver events", RT_SIGNALS);
	tap_is_int(events_sum(&t.events, "lost", 0, 0, "count"), 0,
		   "rt: none lost");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
	tap_is_int(events_not_int(&t.events, gen, 0, 0, "sig", sig), 0,
		   "rt: generates: sig %lld", sig);
	tap_is_int(events_not_int(&t.events, gen, 0, 0, "pid", pid), 0,
		   "rt: generates: sender pid %lld", pid);
	tap_is_int(events_not_int(&t.events, gen, 0, 0, "target_pid", child),
		   0, "rt: generates: target_pid %lld", child);
	tap_is_int(events_not_str(&t.events, gen, 0, 0, "code_name",
				  "SI_QUEUE"), 0,
		   "rt: generates: code_name SI_QUEUE");
	tap_is_int(events_not_str(&t.events, gen, 0, 0, "result",
				  "delivered"), 0,
		   "rt: generates: result delivered");
	tap_is_int(events_not_bool(&t.events, gen, 0, 0, "group", true), 0,
		   "rt: generates: group true");
	tap_is_int(events_not_int(&t.events, dlv, 0, 0, "sig", sig), 0,
		   "rt: delivers: sig %lld", sig);
	tap_is_int(events_not_int(&t.events, dlv, 0, 0, "pid", child), 0,
		   "rt: delivers: receiver pid %lld", child);
	tap_is_int(events_not_str(&t.events, dlv, 0, 0, "code_name",
				  "SI_QUEUE"), 0,
		   "rt: delivers: code_name SI_QUEUE");
	tap_is_int(events_not_str(&t.events, dlv, 0, 0, "action", "handler"),
		   0, "rt: delivers: action handler");
	tap_is_int(latency_unknown(&t.events), 0,
		   "rt: delivers: latency_ns known");
	tap_is_int(latency_mismatches(&t.events, RT_SIGNALS), 0,
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

	tap_is_int(w.status, 0, "pending: workload ran to the end");
	tap_is_int(fact_int(&w, "handled"), 1,
		   "pending: the child's handler ran once for %d sends",
		   PENDING_SENDS);
	tap_is_int(events_count(&t.events, "signal_generate", 0, 0),
		   PENDING_SENDS, "pending: %d generate events", PENDING_SENDS);
	tap_is_int(count_result(&t.events, "delivered"), 1,
		   "pending: 1 of them delivered");
	tap_is_int(count_result(&t.events, "already_pending"),
		   PENDING_SENDS - 1, "pending: %d already_pending",
		   PENDING_SENDS - 1);
	tap_is_int(events_count(&t.events, "signal_deliver", child, 0), 1,
		   "pending: one signal_deliver");
	d = events_nth(&t.events, "signal_deliver", child, 0, 0);
	tap_key_range(d, "latency_ns", DELAY_MS * 1000000LL, LLONG_MAX,
		      "pending: its latency_ns counts from the first send, >= %d ms",
		      DELAY_MS);
	tracer_free(&t);
	workload_free(&w);
}

static void ignored(void)
{
	const char *argv[] = { "signal-workload", "ignored", "3", NULL };
	long long pid, child;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	child = fact_int(&w, "child");
	/* -p the sender only: generates pass on their sender */
	start(&t, SIGUSR1, pid, 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "ignored: workload ran to the end");
	tap_is_int(events_count(&t.events, "signal_generate", 0, 0), 3,
		   "ignored: 3 generates");
	tap_is_int(events_count(&t.events, "signal_generate", pid, 0), 3,
		   "ignored: all from the sender %lld (-p)", pid);
	tap_is_int(events_not_int(&t.events, "signal_generate", 0, 0,
				  "target_pid", child), 0,
		   "ignored: all to the child %lld", child);
	tap_is_int(count_result(&t.events, "ignored"), 3,
		   "ignored: each says \"ignored\"");
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

	tap_is_int(w.status, 0, "stopcont: workload ran to the end");
	tap_is_int(fact_int(&w, "handled"), 1,
		   "stopcont: the child handled SIGUSR1 once");
	tap_is_int(events_count(&t.events, "signal_generate", 0, 0), 1,
		   "stopcont: one generate");
	tap_is_int(count_result(&t.events, "delivered"), 1,
		   "stopcont: delivered (left pending while stopped)");
	d = events_nth(&t.events, "signal_deliver", child, 0, 0);
	tap_key_str(d, "action", "handler",
		    "stopcont: delivered to the handler");
	tap_key_range(d, "latency_ns", stop_ms * 1000000LL, LLONG_MAX,
		      "stopcont: latency_ns >= the %lld ms it was stopped",
		      stop_ms);
	tracer_free(&t);
	workload_free(&w);
}

static void thread_directed(void)
{
	const char *argv[] = { "signal-workload", "thread", "50", NULL };
	const char *gen = "signal_generate";
	long long pid, tid, sig;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	tid = fact_int(&w, "tid");
	sig = fact_int(&w, "sig");
	start(&t, sig, pid, 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "thread: workload ran to the end");
	tap_is_int(fact_int(&w, "handled"), 50,
		   "thread: the second thread handled all 50");
	tap_is_int(events_count(&t.events, gen, 0, 0), 50,
		   "thread: 50 generates");
	tap_is_int(events_count(&t.events, "signal_deliver", 0, 0), 50,
		   "thread: 50 delivers");
	tap_is_int(events_not_int(&t.events, gen, 0, 0, "target_pid", pid), 0,
		   "thread: generates: target_pid %lld", pid);
	tap_is_int(events_not_int(&t.events, gen, 0, 0, "target_tid", tid), 0,
		   "thread: generates: target_tid %lld", tid);
	tap_is_int(events_not_bool(&t.events, gen, 0, 0, "group", false), 0,
		   "thread: generates: group false");
	tap_is_int(events_not_str(&t.events, gen, 0, 0, "code_name",
				  "SI_TKILL"), 0,
		   "thread: generates: code_name SI_TKILL");
	tap_is_int(events_not_str(&t.events, gen, 0, 0, "result",
				  "delivered"), 0,
		   "thread: generates: result delivered");
	tap_is_int(events_not_int(&t.events, "signal_deliver", 0, 0, "tid",
				  tid), 0,
		   "thread: delivers: in tid %lld", tid);
	tap_is_int(latency_unknown(&t.events), 0,
		   "thread: delivers: latency_ns known");
	tap_is_int(latency_mismatches(&t.events, 50), 0,
		   "thread: each latency_ns counts from its own generate");
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	tap_plan(51);
	realtime();
	pending();
	ignored();
	stopcont();
	thread_directed();
	return tap_done();
}
