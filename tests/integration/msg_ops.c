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

		if (strcmp(fj_str(e, "type"), "msgrcv") ||
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
	int i, bad_send = 0, enomsg = 0;
	struct tally t2, tx, t0;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	msqid = fact_int(&w, "msqid");
	tracer_start_family(&t, "msg", pid, 0);
	workload_finish(&w);
	tracer_stop(&t);

	tap_ok(w.status == 0 && fact_int(&w, "types_ok") == 1,
	       "sr: workload ran, got the types it asked for");
	tap_is_int(t.events.bad_lines, 0, "sr: every line is a JSON object");
	tap_is_int(events_count(&t.events, "msgsnd", pid, 0), MESSAGES,
		   "sr: exactly %d msgsnd events", MESSAGES);
	tap_is_int(events_sum(&t.events, "msgsnd", pid, 0, "bytes"),
		   fact_int(&w, "sent_bytes"), "sr: msgsnd bytes add up");
	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		long long mt = fj_int(e, "mtype");

		if (strcmp(fj_str(e, "type"), "msgsnd"))
			continue;
		bad_send += fj_int(e, "msqid") != msqid ||
			    fj_int(e, "errno") != 0 || mt < 1 || mt > 3;
		if (mt >= 1 && mt <= 3)
			per_type[mt]++;
	}
	tap_is_int(bad_send, 0, "sr: every msgsnd on msqid %lld, errno 0",
		   msqid);
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event says \"tier\":\"%s\"", probe_tier());
	tap_ok(per_type[1] == 8 && per_type[2] == 8 && per_type[3] == 8,
	       "sr: 8 messages sent of each mtype 1, 2, 3 (%lld %lld %lld)",
	       per_type[1], per_type[2], per_type[3]);

	t2 = received(&t.events, pid, 2, false, 2);
	tap_ok(t2.n == fact_int(&w, "by_type2") &&
	       t2.bytes == fact_int(&w, "by_type2_bytes") && !t2.wrong_type,
	       "sr: msgtyp 2: %d receives of mtype 2, %lld bytes", t2.n,
	       t2.bytes);
	tx = received(&t.events, pid, 1, true, 3);
	tap_ok(tx.n == fact_int(&w, "except1") &&
	       tx.bytes == fact_int(&w, "except1_bytes") && !tx.wrong_type,
	       "sr: msgtyp 1 with MSG_EXCEPT: %d receives of mtype 3", tx.n);
	t0 = received(&t.events, pid, 0, false, 1);
	tap_ok(t0.n == fact_int(&w, "any") &&
	       t0.bytes == fact_int(&w, "any_bytes") && !t0.wrong_type,
	       "sr: msgtyp 0: the %d left, all mtype 1", t0.n);
	tap_is_int(t2.bytes + tx.bytes + t0.bytes, fact_int(&w, "sent_bytes"),
		   "sr: every byte sent was received");
	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		const struct fj_value *mt = fj_get(e, "mtype");

		enomsg += !strcmp(fj_str(e, "type"), "msgrcv") &&
			  fj_int(e, "errno") == ENOMSG &&
			  fj_int(e, "bytes") == 0 && mt && mt->kind == FJ_NULL;
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
	tap_ok(e && fj_int(e, "errno") == 0 && fj_int(e, "bytes") == 8 &&
	       fj_int(e, "mtype") == 42,
	       "block: it received 8 bytes of mtype 42");
	tap_ok(e && fj_int(e, "duration_ns") >= SLEEP_MS * 1000000LL,
	       "block: duration_ns %lld >= the %d ms before the send",
	       e ? fj_int(e, "duration_ns") : -1, SLEEP_MS);
	tap_ok(e && fj_int(e, "duration_ns") < (SLEEP_MS + 30000) * 1000000LL,
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
	tap_ok(fact_int(&w, "eagain") == 1 && fact_int(&w, "enomsg") == 1 &&
	       fits == 4, "full: 4 messages of 256 bytes fit 1024; then EAGAIN, ENOMSG");
	n = events_count(&t.events, "msgsnd", pid, 0);
	tap_is_int(n, fits + 1, "full: a msgsnd event for every call");
	e = events_nth(&t.events, "msgsnd", pid, 0, n - 1);
	tap_ok(e && fj_int(e, "errno") == EAGAIN &&
	       !strcmp(fj_str(e, "flags"), "IPC_NOWAIT") &&
	       fj_int(e, "bytes") == 0 && fj_int(e, "requested") == 256 &&
	       fj_int(e, "mtype") == 5,
	       "full: the last is EAGAIN with IPC_NOWAIT, mtype 5, 0 of 256 bytes");
	e = events_nth(&t.events, "msgrcv", pid, 0, 0);
	tap_ok(e && fj_int(e, "errno") == ENOMSG && fj_int(e, "msgtyp") == 99,
	       "full: msgrcv of absent type 99 with IPC_NOWAIT: ENOMSG");
	tracer_free(&t);
	workload_free(&w);
}

/* 64 receivers asleep at once: none of their events may vanish. */
static void crowd(void)
{
	const char *argv[] = { "msg-workload", "crowd", "64", NULL };
	long long msqid, pid, lost = 0;
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

		if (!strcmp(fj_str(e, "type"), "lost"))
			lost += fj_int(e, "count");
		else if (!strcmp(fj_str(e, "type"), "msgrcv") &&
			 fj_int(e, "msqid") == msqid && fj_int(e, "pid") != pid &&
			 fj_int(e, "errno") == 0 && fj_int(e, "bytes") == 3)
			rcvs++;
	}
	tap_is_int(fact_int(&w, "woken"), 64,
		   "crowd: 64 children slept in msgrcv together and got a message");
	tap_ok(rcvs == 64 && lost == 0,
	       "crowd: all 64 msgrcv events there (%d), none lost (%lld)", rcvs,
	       lost);
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	tap_plan(23);
	send_receive();
	block();
	full();
	crowd();
	return tap_done();
}
