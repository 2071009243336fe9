// SPDX-License-Identifier: GPL-2.0
/*
 * SysV message queues: messages of known types and sizes, received by
 * type, with MSG_EXCEPT and by any type, give exact counts, byte totals
 * and received mtypes; a receiver asleep on an empty queue lasts at least
 * its sleep; a full queue with IPC_NOWAIT is EAGAIN, a missing type with
 * IPC_NOWAIT is ENOMSG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/msg.h>
#include "harness.h"

#define MESSAGES 24
#define SLEEP_MS 300

struct tally {
	int n;
	long long bytes;
	int wrong_type;		/* received mtype not the one expected */
};

/* msgrcv events of @pid that succeeded with (msgtyp, MSG_EXCEPT or not). */
static struct tally received(const struct events *evs, long long pid,
			     long long msgtyp, bool except, long long mtype)
{
	struct tally t = { 0 };
	int i;

	for (i = 0; i < evs->n; i++) {
		const struct fj_object *e = &evs->ev[i];

		if (!event_is(e, "msgrcv") ||
		    fj_int(e, "pid") != pid || fj_int(e, "errno") != 0 ||
		    fj_int(e, "msgtyp") != msgtyp ||
		    !!(fj_int(e, "msgflg") & MSG_EXCEPT) != except)
			continue;
		t.n++;
		t.bytes += fj_int(e, "bytes");
		t.wrong_type += fj_int(e, "mtype") != mtype;
	}
	return t;
}

static void send_receive(void)
{
	const char *argv[] = { "msg-workload", "sr", "24", NULL };
	long long pid, msqid, per_type[4] = { 0 };
	int i, bad_msqid = 0, bad_errno = 0, bad_mtype = 0, enomsg = 0;
	struct tally t2, tx, t0;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	msqid = fact_int(&w, "msqid");
	tracer_start_family(&t, "msg", pid, 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "sr: workload ran to the end");
	tap_is_int(fact_int(&w, "types_ok"), 1,
		   "sr: the workload got the types it asked for");
	tap_is_int(t.events.bad_lines, 0, "sr: every line is a JSON object");
	tap_is_int(events_count(&t.events, "msgsnd", pid, 0), MESSAGES,
		   "sr: exactly %d msgsnd events", MESSAGES);
	tap_is_int(events_sum(&t.events, "msgsnd", pid, 0, "bytes"),
		   fact_int(&w, "sent_bytes"), "sr: msgsnd bytes add up");
	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		long long mt = fj_int(e, "mtype");

		if (!event_is(e, "msgsnd"))
			continue;
		bad_msqid += fj_int(e, "msqid") != msqid;
		bad_errno += fj_int(e, "errno") != 0;
		bad_mtype += mt < 1 || mt > 3;
		if (mt >= 1 && mt <= 3)
			per_type[mt]++;
	}
	tap_is_int(bad_msqid, 0, "sr: every msgsnd on msqid %lld", msqid);
	tap_is_int(bad_errno, 0, "sr: every msgsnd with errno 0");
	tap_is_int(bad_mtype, 0, "sr: every msgsnd with mtype 1, 2 or 3");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
	for (i = 1; i <= 3; i++)
		tap_is_int(per_type[i], 8, "sr: 8 messages sent of mtype %d",
			   i);

	t2 = received(&t.events, pid, 2, false, 2);
	tap_is_int(t2.n, fact_int(&w, "by_type2"),
		   "sr: msgtyp 2: as many receives as the workload made");
	tap_is_int(t2.bytes, fact_int(&w, "by_type2_bytes"),
		   "sr: msgtyp 2: their bytes");
	tap_is_int(t2.wrong_type, 0, "sr: msgtyp 2: each got mtype 2");
	tx = received(&t.events, pid, 1, true, 3);
	tap_is_int(tx.n, fact_int(&w, "except1"),
		   "sr: msgtyp 1 with MSG_EXCEPT: as many receives as made");
	tap_is_int(tx.bytes, fact_int(&w, "except1_bytes"),
		   "sr: msgtyp 1 with MSG_EXCEPT: their bytes");
	tap_is_int(tx.wrong_type, 0,
		   "sr: msgtyp 1 with MSG_EXCEPT: each got mtype 3");
	t0 = received(&t.events, pid, 0, false, 1);
	tap_is_int(t0.n, fact_int(&w, "any"),
		   "sr: msgtyp 0: as many receives as the rest");
	tap_is_int(t0.bytes, fact_int(&w, "any_bytes"),
		   "sr: msgtyp 0: their bytes");
	tap_is_int(t0.wrong_type, 0, "sr: msgtyp 0: each got mtype 1");
	tap_is_int(t2.bytes + tx.bytes + t0.bytes, fact_int(&w, "sent_bytes"),
		   "sr: every byte sent was received");
	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];

		enomsg += event_is(e, "msgrcv") &&
			  fj_int(e, "errno") == ENOMSG &&
			  fj_int(e, "bytes") == 0 && fj_is_null(e, "mtype");
	}
	tap_is_int(enomsg, 3,
		   "sr: each of the 3 drains ends in ENOMSG, no mtype, 0 bytes");
	tracer_free(&t);
	workload_free(&w);
}

static void block(void)
{
	const char *argv[] = { "msg-workload", "block", "300", NULL };
	const struct fj_object *e;
	struct workload w;
	struct tracer t;
	long long child;

	workload_start(&w, argv);
	child = fact_int(&w, "child");
	tracer_start_family(&t, "msg", fact_int(&w, "pid"), child);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "block: workload ran to the end");
	tap_is_int(events_count(&t.events, "msgrcv", child, 0), 1,
		   "block: one msgrcv event from the sleeping child");
	e = events_nth(&t.events, "msgrcv", child, 0, 0);
	tap_key_int(e, "errno", 0, "block: the receive succeeded");
	tap_key_int(e, "bytes", 8, "block: it received 8 bytes");
	tap_key_int(e, "mtype", 42, "block: of mtype 42");
	tap_key_range(e, "duration_ns", SLEEP_MS * 1000000LL, LLONG_MAX,
		      "block: duration_ns >= the %d ms before the send",
		      SLEEP_MS);
	tap_key_range(e, "duration_ns", 0, (SLEEP_MS + 30000) * 1000000LL - 1,
		      "block: and not absurdly longer");
	tracer_free(&t);
	workload_free(&w);
}

static void full(void)
{
	const char *argv[] = { "msg-workload", "full", NULL };
	const struct fj_object *e;
	long long pid, fits;
	struct workload w;
	struct tracer t;
	int n;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	tracer_start_family(&t, "msg", pid, 0);
	workload_finish(&w);
	tracer_stop(&t);

	fits = fact_int(&w, "fits");
	tap_is_int(fits, 4, "full: 4 messages of 256 bytes fit 1024");
	tap_is_int(fact_int(&w, "eagain"), 1, "full: then the workload saw EAGAIN");
	tap_is_int(fact_int(&w, "enomsg"), 1, "full: and ENOMSG");
	n = events_count(&t.events, "msgsnd", pid, 0);
	tap_is_int(n, fits + 1, "full: a msgsnd event for every call");
	e = events_nth(&t.events, "msgsnd", pid, 0, n - 1);
	tap_key_int(e, "errno", EAGAIN, "full: the last msgsnd is EAGAIN");
	tap_key_str(e, "flags", "IPC_NOWAIT", "full: with IPC_NOWAIT");
	tap_key_int(e, "mtype", 5, "full: of mtype 5");
	tap_key_int(e, "requested", 256, "full: requested 256 bytes");
	tap_key_int(e, "bytes", 0, "full: and sent 0");
	e = events_nth(&t.events, "msgrcv", pid, 0, 0);
	tap_key_int(e, "msgtyp", 99,
		    "full: msgrcv of absent type 99 with IPC_NOWAIT");
	tap_key_int(e, "errno", ENOMSG, "full: is ENOMSG");
	tracer_free(&t);
	workload_free(&w);
}

/* 64 receivers asleep at once: none of their events may vanish. */
static void crowd(void)
{
	const char *argv[] = { "msg-workload", "crowd", "64", NULL };
	long long msqid, pid;
	int i, rcvs = 0;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	msqid = fact_int(&w, "msqid");
	pid = fact_int(&w, "pid");
	tracer_start(&t, (const char *[]){ "-t", "msg", "-c", "msg-workload",
					  NULL });
	workload_finish(&w);
	tracer_stop(&t);

	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];

		rcvs += event_is(e, "msgrcv") && fj_int(e, "msqid") == msqid &&
			fj_int(e, "pid") != pid && fj_int(e, "errno") == 0 &&
			fj_int(e, "bytes") == 3;
	}
	tap_is_int(fact_int(&w, "woken"), 64,
		   "crowd: 64 children slept in msgrcv together and got a message");
	tap_is_int(rcvs, 64, "crowd: all 64 msgrcv events there");
	/* what the kernel skipped is reported, never silent */
	tap_ok_strict(rcvs + events_sum(&t.events, "missed", 0, 0, "count") +
	       events_sum(&t.events, "lost", 0, 0, "count") >= 64,
	       "crowd: 64 msgrcv events, or the gap reported as missed or lost");
	tap_is_int(events_sum(&t.events, "lost", 0, 0, "count"), 0,
		   "crowd: none lost");
	tracer_free(&t);
	workload_free(&w);
}

/*
 * Pairing checks shared by pairs and order.  fentry and kprobe see the
 * kernel's own messages: no receive may be sender_approx.  The tracepoint
 * tier's queue model (tools/msgpair.c) is exact where calls did not
 * overlap, and says sender_approx where they did.
 */


/*
 * 4 senders and 3 receivers (msgtyp 3, -1, 2) on one queue of 256 bytes:
 * every receive names the sender whose pid its message carried; on the
 * tracepoint tier, where calls overlapped, sender_approx and one of the
 * senders.  A message sent before tracing began has no sender.
 */
static void pairs(void)
{
	const char *argv[] = { "msg-workload", "pairs", "4", "12", NULL };
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	tracer_start(&t, (const char *[]){ "-t", "msg", "-c", "msg-workload",
					  NULL });
	workload_finish(&w);
	tracer_stop(&t);

	tap_crowd_pairing(&t, &w, &(const struct crowd_queue){
		.send = "msgsnd", .recv = "msgrcv", .queue_key = "msqid",
		.class_key = "mtype", .comm = "msg-workload",
		.messages = 48 }, "pairs");
	tracer_free(&t);
	workload_free(&w);
}

/*
 * Sequential sends of mixed types by 3 processes, then receives by type,
 * lowest type, MSG_EXCEPT and the head: nothing overlaps, so every tier
 * names every sender exactly, none sender_approx, though only the
 * receiving process is traced (-p).
 */
static void order(void)
{
	const char *argv[] = { "msg-workload", "order", NULL };
	static const long long want_mtype[6] = { 3, 1, 1, 2, 2, 3 };
	struct pairing_tally pt;
	const struct fj_object *e;
	int i, bad_mtype = 0;
	struct workload w;
	struct tracer t;
	long long pid;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	/* the senders are not traced: the pairing still names them */
	tracer_start_family(&t, "msg", pid, 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_is_int(w.status, 0, "order: workload ran to the end");
	for (i = 0; i < 6; i++)
		bad_mtype += !fact_line(&w, "k", i + 1) ||
			     fj_int(fact_line(&w, "k", i + 1), "mtype") !=
			     want_mtype[i];
	tap_is_int(bad_mtype, 0,
		   "order: the kernel gave types 3 1 1 2 2 3 for msgtyp 3, -2, 2|MSG_EXCEPT, 2, 0, -3");
	e = events_nth(&t.events, "msgrcv", pid, 0, 0);
	tap_key_null(e, "sender_pid", "order: the early message: no sender");
	tap_ok(e && fj_false(e, "sender_approx"),
	       "order: the early message: certain (sender_approx false)");
	pairing_tally(&t.events, &w.facts, "msgrcv", "msg-workload", &pt);
	tap_is_int(pt.facts, 6, "order: 6 receives after it");
	tap_is_int(pt.exact, 6,
		   "order: each names the sender its text named, not sender_approx");
	tap_is_int(pt.bad_time, 0, "order: sent_ts_ns before the receive");
	tap_is_int(events_count(&t.events, "msgsnd", 0, 0), 0,
		   "order: the senders, outside -p, have no events");
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	tap_plan(67);
	send_receive();
	block();
	full();
	crowd();
	pairs();
	order();
	return tap_done();
}
