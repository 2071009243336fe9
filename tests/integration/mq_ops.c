// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX message queues: three messages of known priorities and sizes come
 * out by priority, with exact bytes, priorities, queue lengths and the
 * queue's name in every event; a receive on the empty queue with
 * O_NONBLOCK is EAGAIN; a receive asleep on an empty queue lasts at least
 * its sleep; mq_notify with SIGEV_SIGNAL is registered, fired by the send
 * that makes the queue non-empty, registered again and removed; in a
 * crowd of senders and receivers every receive names its sender.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "harness.h"

#define SLEEP_MS 300

/* A string fact from the first line that has it. */
static const char *fact_str(const struct workload *w, const char *key)
{
	int i;

	for (i = 0; i < w->facts.n; i++)
		if (fj_has(&w->facts.ev[i], key))
			return fj_str(&w->facts.ev[i], key);
	tap_diag("the workload reported no \"%s\"", key);
	return "";
}

static void prio(void)
{
	const char *argv[] = { "mq-workload", "prio", NULL };
	static const long long sent_prio[3] = { 1, 9, 5 };
	static const long long sent_size[3] = { 11, 22, 33 };
	/* received by priority: 9 (22 bytes), 5 (33), 1 (11) */
	static const long long got_prio[3] = { 9, 5, 1 };
	static const long long got_size[3] = { 22, 33, 11 };
	const struct fj_object *e;
	long long pid, mqd;
	const char *name;
	struct workload w;
	struct tracer t;
	int i;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	mqd = fact_int(&w, "mqd");
	tracer_start_family(&t, "mq", pid, 0);
	workload_finish(&w);
	tracer_stop(&t);
	name = fact_str(&w, "name");

	tap_is_int(w.status, 0, "prio: workload ran to the end");
	tap_is_int(t.events.bad_lines, 0, "prio: every line is a JSON object");
	tap_is_int(fact_int(&w, "got0"), 9,
		   "prio: the workload received priority 9 first");
	tap_is_int(fact_int(&w, "got1"), 5, "prio: then priority 5");
	tap_is_int(fact_int(&w, "got2"), 1, "prio: then priority 1");
	tap_is_int(events_count(&t.events, "mq_send", pid, 0), 3,
		   "prio: exactly 3 mq_send events");
	tap_is_int(events_count(&t.events, "mq_receive", pid, 0), 4,
		   "prio: exactly 4 mq_receive events");
	tap_is_int(events_not_str(&t.events, NULL, pid, 0, "name", name), 0,
		   "prio: every event names the queue %s", name);
	tap_is_int(events_not_int(&t.events, NULL, pid, 0, "mqd", mqd), 0,
		   "prio: every event on mqd %lld", mqd);
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "prio: every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
	for (i = 0; i < 3; i++) {
		e = events_nth(&t.events, "mq_send", pid, 0, i);
		tap_key_int(e, "prio", sent_prio[i], "prio: send %d: prio", i);
		tap_key_int(e, "requested", sent_size[i],
			    "prio: send %d: requested", i);
		tap_key_int(e, "bytes", sent_size[i], "prio: send %d: bytes", i);
		tap_key_int(e, "errno", 0, "prio: send %d: errno 0", i);
		tap_key_int(e, "queued", i + 1,
			    "prio: send %d: %d queued after it", i, i + 1);
	}
	for (i = 0; i < 3; i++) {
		e = events_nth(&t.events, "mq_receive", pid, 0, i);
		tap_key_int(e, "prio", got_prio[i],
			    "prio: receive %d: prio %lld", i, got_prio[i]);
		tap_key_int(e, "bytes", got_size[i],
			    "prio: receive %d: bytes", i);
		tap_key_int(e, "requested", 64,
			    "prio: receive %d: requested the queue's msgsize", i);
		tap_key_int(e, "queued", 2 - i,
			    "prio: receive %d: %d left after it", i, 2 - i);
	}
	e = events_nth(&t.events, "mq_receive", pid, 0, 3);
	tap_key_int(e, "errno", EAGAIN, "prio: receive on empty: EAGAIN");
	tap_key_null(e, "prio", "prio: receive on empty: no prio");
	tap_key_int(e, "bytes", 0, "prio: receive on empty: 0 bytes");
	tap_is_int(fact_int(&w, "eagain"), 1, "prio: the workload saw EAGAIN");
	tracer_free(&t);
	workload_free(&w);
}

static void block(void)
{
	const char *argv[] = { "mq-workload", "block", "300", NULL };
	const struct fj_object *e;
	struct workload w;
	struct tracer t;
	long long child;

	workload_start(&w, argv);
	child = fact_int(&w, "child");
	tracer_start_family(&t, "mq", fact_int(&w, "pid"), child);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "block: workload ran to the end");
	tap_is_int(events_count(&t.events, "mq_receive", child, 0), 1,
		   "block: one mq_receive event from the sleeping child");
	e = events_nth(&t.events, "mq_receive", child, 0, 0);
	tap_key_int(e, "errno", 0, "block: the receive succeeded");
	tap_key_int(e, "bytes", 8, "block: it received 8 bytes");
	tap_key_int(e, "prio", 7, "block: of priority 7");
	tap_key_str(e, "name", fact_str(&w, "name"), "block: from its queue");
	tap_key_range(e, "duration_ns", SLEEP_MS * 1000000LL, LLONG_MAX,
		      "block: duration_ns >= the %d ms before the send",
		      SLEEP_MS);
	tap_key_range(e, "duration_ns", 0, (SLEEP_MS + 30000) * 1000000LL - 1,
		      "block: and not absurdly longer");
	/* handed straight to the sleeping receiver, never queued */
	e = events_nth(&t.events, "mq_send", fact_int(&w, "pid"), 0, 0);
	tap_key_int(e, "queued", 0, "block: the send left nothing queued");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "block: every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
	tracer_free(&t);
	workload_free(&w);
}

static void notify(void)
{
	const char *argv[] = { "mq-workload", "notify", NULL };
	static const char *const actions[4] = { "register", "fire",
						"register", "unregister" };
	const struct fj_object *e;
	long long pid;
	struct workload w;
	struct tracer t;
	int i;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	tracer_start_family(&t, "mq", pid, 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "notify: workload ran to the end");
	tap_is_int(fact_int(&w, "notified"), 1,
		   "notify: the workload got its SIGUSR1");
	tap_is_int(events_count(&t.events, "mq_notify", pid, 0), 4,
		   "notify: 4 mq_notify events");
	tap_is_int(events_not_str(&t.events, "mq_notify", pid, 0, "name",
				  fact_str(&w, "name")), 0,
		   "notify: each names the queue");
	tap_is_int(events_not_int(&t.events, "mq_notify", pid, 0, "owner_pid",
				  pid), 0,
		   "notify: each with owner_pid %lld", pid);
	tap_is_int(events_not_int(&t.events, "mq_notify", pid, 0, "errno", 0),
		   0, "notify: each with errno 0");
	for (i = 0; i < 4; i++) {
		e = events_nth(&t.events, "mq_notify", pid, 0, i);
		tap_key_str(e, "action", actions[i], "notify: event %d: %s", i,
			    actions[i]);
		if (i == 3) {
			tap_key_null(e, "notify", "notify: event 3: no sigevent");
			continue;
		}
		tap_key_str(e, "notify", "SIGEV_SIGNAL",
			    "notify: event %d: SIGEV_SIGNAL", i);
		tap_key_int(e, "signo", SIGUSR1, "notify: event %d: SIGUSR1",
			    i);
	}
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "notify: every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
	tracer_free(&t);
	workload_free(&w);
}

/*
 * fentry and kprobe see the kernel's own messages: no receive may be
 * sender_approx.  The tracepoint tier's queue model (tools/msgpair.c) is
 * exact where calls did not overlap, and says sender_approx where they did.
 */

/*
 * 4 senders and 3 receivers on one queue of 4 messages: every receive
 * names the sender whose pid its message carried; on the tracepoint tier,
 * where calls overlapped, sender_approx and one of the senders.  A
 * message sent before tracing began has no sender.
 */
static void crowd(void)
{
	const char *argv[] = { "mq-workload", "crowd", "4", "3", "12", NULL };
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	tracer_start(&t, (const char *[]){ "-t", "mq", "-c", "mq-workload",
					  NULL });
	workload_finish(&w);
	tracer_stop(&t);

	tap_crowd_pairing(&t, &w, &(const struct crowd_queue){
		.send = "mq_send", .recv = "mq_receive", .queue_key = "ino",
		.class_key = "prio", .comm = "mq-workload",
		.messages = 48 }, "crowd");
	tracer_free(&t);
	workload_free(&w);
}

/*
 * Sequential sends of mixed priorities by 3 processes, then receives by
 * priority (the last two without a priority pointer): nothing overlaps,
 * so every tier names every sender exactly, none sender_approx, though
 * only the receiving process is traced (-p).
 */
static void order(void)
{
	const char *argv[] = { "mq-workload", "order", NULL };
	static const long long want_prio[4] = { 7, 5, 5, 1 };
	struct pairing_tally pt;
	const struct fj_object *e;
	int i, bad_prio = 0;
	struct workload w;
	struct tracer t;
	long long pid;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	/* the senders are not traced: the pairing still names them */
	tracer_start_family(&t, "mq", pid, 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "order: workload ran to the end");
	for (i = 0; i < 4; i++)
		bad_prio += !fact_line(&w, "k", i + 1) ||
			    fj_int(fact_line(&w, "k", i + 1), "prio") !=
			    want_prio[i];
	tap_is_int(bad_prio, 0, "order: the kernel gave priorities 7 5 5 1");
	e = events_nth(&t.events, "mq_receive", pid, 0, 0);
	tap_key_null(e, "sender_pid", "order: the early message: no sender");
	tap_ok(e && fj_false(e, "sender_approx"),
	       "order: the early message: certain (sender_approx false)");
	pairing_tally(&t.events, &w.facts, "mq_receive", "mq-workload", &pt);
	tap_is_int(pt.facts, 6, "order: 6 receives after it");
	tap_is_int(pt.exact, 6,
		   "order: each names the sender its text named, not sender_approx");
	tap_is_int(pt.bad_time, 0, "order: sent_ts_ns before the receive");
	tap_is_int(events_count(&t.events, "mq_send", 0, 0), 0,
		   "order: the senders, outside -p, have no events");
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	tap_plan(91);
	prio();
	block();
	notify();
	crowd();
	order();
	return tap_done();
}
