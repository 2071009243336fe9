// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoint tier's queue model (tools/msgpair.c), fed with made-up
 * records: sequential calls pair exactly by class (mtype, priority), a
 * receive whose send returns after it waits for it, overlapping sends of
 * one class from two senders make the receive sender_approx, other
 * tasks' records (unwanted) feed the model but are not printed, and the
 * records come out in the order they went in.
 */
#define _GNU_SOURCE
#include <string.h>
#include "ipcscope.h"
#include "msgpair.h"
#include "tap.h"

#define MS	1000000ULL

struct out {
	int n;
	unsigned char rec[16][sizeof(struct ipcscope_mq_event)];
	char extra[16][16];		/* what was fed with it */
};

static int collect(void *ctx, const void *data, size_t size,
		   const void *extra, size_t extra_size)
{
	struct out *o = ctx;

	if (o->n >= 16)
		return 0;
	memcpy(o->rec[o->n], data, size);
	o->extra[o->n][0] = '\0';
	if (extra && extra_size < sizeof(o->extra[0])) {
		memcpy(o->extra[o->n], extra, extra_size);
		o->extra[o->n][extra_size] = '\0';
	}
	o->n++;
	return 0;
}

static struct ipcscope_msg_event msg(__u32 type, __u32 pid, __u64 start,
				     __u64 end, __s64 mtype, __u64 size)
{
	struct ipcscope_msg_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = type;
	e.hdr.size = sizeof(e);
	e.hdr.ts_ns = end;
	e.hdr.pid = e.hdr.tid = pid;
	strcpy(e.hdr.comm, "t");
	e.duration_ns = end - start;
	e.msqid = 7;
	e.mtype = mtype;
	e.mtype_valid = 1;
	e.size = size;
	e.ret = type == IPCSCOPE_EV_MSGRCV ? (__s64)size : 0;
	e.tier = IPCSCOPE_HOOK_TP_BTF;
	return e;
}

static struct ipcscope_mq_event mq(__u32 type, __u32 pid, __u64 start,
				   __u64 end, int prio, __u64 size)
{
	struct ipcscope_mq_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = type;
	e.hdr.size = sizeof(e);
	e.hdr.ts_ns = end;
	e.hdr.pid = e.hdr.tid = pid;
	e.duration_ns = end - start;
	e.ino = 99;
	e.prio = prio < 0 ? 0 : prio;
	e.prio_valid = prio >= 0;
	e.requested = type == IPCSCOPE_EV_MQ_SEND ? size : 64;
	e.ret = type == IPCSCOPE_EV_MQ_RECEIVE ? (__s64)size : 0;
	e.queued = 1;
	e.tier = IPCSCOPE_HOOK_TP_BTF;
	return e;
}

static const struct ipcscope_msg_event *rcv(const struct out *o, int i)
{
	return (const void *)o->rec[i];
}

static void sysv_sequential(void)
{
	struct out o = { 0 };
	struct msgpair *mp = msgpair_new(collect, &o);
	struct ipcscope_msg_event e;

	/* A sends type 2, B type 1, A type 1; then msgtyp 1 twice, 2 */
	e = msg(IPCSCOPE_EV_MSGSND, 10, 1 * MS, 2 * MS, 2, 5);
	msgpair_feed(mp, &e, sizeof(e));
	e = msg(IPCSCOPE_EV_MSGSND, 20, 3 * MS, 4 * MS, 1, 6);
	msgpair_feed(mp, &e, sizeof(e));
	e = msg(IPCSCOPE_EV_MSGSND, 10, 5 * MS, 6 * MS, 1, 6);
	msgpair_feed(mp, &e, sizeof(e));
	e = msg(IPCSCOPE_EV_MSGRCV, 30, 7 * MS, 8 * MS, 1, 6);
	msgpair_feed(mp, &e, sizeof(e));
	e = msg(IPCSCOPE_EV_MSGRCV, 30, 9 * MS, 10 * MS, 1, 6);
	msgpair_feed(mp, &e, sizeof(e));
	e = msg(IPCSCOPE_EV_MSGRCV, 30, 11 * MS, 12 * MS, 2, 5);
	msgpair_feed(mp, &e, sizeof(e));
	tap_is_int(o.n, 3, "sysv: the sends print at once");
	msgpair_release(mp, 12 * MS + MSGPAIR_HOLD_NS, false);
	tap_is_int(o.n, 6, "sysv: the receives once settled");
	tap_is_int(rcv(&o, 3)->sender_pid, 20, "sysv: first type 1 from B");
	tap_is_int(rcv(&o, 4)->sender_pid, 10, "sysv: second type 1 from A");
	tap_is_int(rcv(&o, 5)->sender_pid, 10, "sysv: type 2 from A");
	tap_is_int(rcv(&o, 3)->sender_approx + rcv(&o, 4)->sender_approx +
		   rcv(&o, 5)->sender_approx, 0, "sysv: none approx");
	tap_is_int((long long)rcv(&o, 5)->sent_ts_ns, 1 * MS,
		   "sysv: sent_ts_ns is the send's entry");
	tap_is_int((long long)rcv(&o, 5)->queued_ns, 11 * MS,
		   "sysv: queued_ns up to the receive's return");
	msgpair_free(mp);
}

static void sysv_overlap_and_late_send(void)
{
	struct out o = { 0 };
	struct msgpair *mp = msgpair_new(collect, &o);
	struct ipcscope_msg_event e;

	/* two senders' type 1 sends overlap: the receive cannot know */
	e = msg(IPCSCOPE_EV_MSGSND, 10, 1 * MS, 3 * MS, 1, 4);
	msgpair_feed(mp, &e, sizeof(e));
	e = msg(IPCSCOPE_EV_MSGSND, 20, 2 * MS, 4 * MS, 1, 4);
	msgpair_feed(mp, &e, sizeof(e));
	e = msg(IPCSCOPE_EV_MSGRCV, 30, 5 * MS, 6 * MS, 1, 4);
	msgpair_feed(mp, &e, sizeof(e));
	/* a receive that returns before the send that woke it, which an
	 * unwanted task made: paired, the send not printed */
	e = msg(IPCSCOPE_EV_MSGRCV, 30, 7 * MS, 9 * MS, 3, 8);
	msgpair_feed(mp, &e, sizeof(e));
	msgpair_release(mp, 9 * MS + MSGPAIR_HOLD_NS + 1, false);
	tap_is_int(o.n, 3, "late: the receive without its send is held");
	e = msg(IPCSCOPE_EV_MSGSND, 40, 8 * MS, 10 * MS, 3, 8);
	e.unwanted = 1;
	msgpair_feed(mp, &e, sizeof(e));
	msgpair_release(mp, 200 * MS + MSGPAIR_HOLD_NS, false);
	tap_is_int(o.n, 4, "late: then printed; the unwanted send never");
	tap_is_int(rcv(&o, 2)->sender_approx, 1,
		   "overlap: the receive says sender_approx");
	tap_is_int(rcv(&o, 2)->sender_pid, 10,
		   "overlap: its guess, the send that returned first");
	tap_is_int(rcv(&o, 3)->sender_pid, 40, "late: paired with its send");
	tap_is_int(rcv(&o, 3)->sender_approx, 0, "late: exactly");
	msgpair_free(mp);
}

static void posix_priorities(void)
{
	struct out o = { 0 };
	struct msgpair *mp = msgpair_new(collect, &o);
	struct ipcscope_mq_event e;
	const struct ipcscope_mq_event *r;

	e = mq(IPCSCOPE_EV_MQ_SEND, 10, 1 * MS, 2 * MS, 1, 3);
	msgpair_feed(mp, &e, sizeof(e));
	e = mq(IPCSCOPE_EV_MQ_SEND, 20, 3 * MS, 4 * MS, 5, 3);
	msgpair_feed(mp, &e, sizeof(e));
	/* a failed receive in between keeps its place in the output */
	e = mq(IPCSCOPE_EV_MQ_RECEIVE, 30, 5 * MS, 6 * MS, 5, 3);
	msgpair_feed(mp, &e, sizeof(e));
	e = mq(IPCSCOPE_EV_MQ_RECEIVE, 30, 7 * MS, 8 * MS, -1, 0);
	e.ret = -11;
	msgpair_feed(mp, &e, sizeof(e));
	/* no priority pointer: the highest left, 1 */
	e = mq(IPCSCOPE_EV_MQ_RECEIVE, 30, 9 * MS, 10 * MS, -1, 3);
	msgpair_feed(mp, &e, sizeof(e));
	tap_is_int(o.n, 2, "posix: receives held, and what came after them");
	msgpair_release(mp, 0, true);
	tap_is_int(o.n, 5, "posix: all out at the end");
	r = (const void *)o.rec[2];
	tap_is_int(r->sender_pid, 20, "posix: priority 5 from B");
	r = (const void *)o.rec[3];
	tap_is_int(r->ret, -11, "posix: the failed receive in its place");
	r = (const void *)o.rec[4];
	tap_is_int(r->sender_pid, 10, "posix: then priority 1 from A");
	tap_is_int(r->sender_approx, 0, "posix: exactly");
	msgpair_free(mp);
}

/*
 * A guess that took a receive's message: a receive without a priority
 * pointer, overlapping B's send of priority 5, is said (approximately) to
 * take it, though it may have taken A's priority 1; a later receive of
 * priority 5 then finds no candidate left.  It names the guessed-away
 * message's sender, approximately, rather than no one.
 */
static void posix_guessed_away(void)
{
	struct out o = { 0 };
	struct msgpair *mp = msgpair_new(collect, &o);
	struct ipcscope_mq_event e;
	const struct ipcscope_mq_event *r;

	e = mq(IPCSCOPE_EV_MQ_SEND, 10, 1 * MS, 2 * MS, 1, 3);
	msgpair_feed(mp, &e, sizeof(e));
	e = mq(IPCSCOPE_EV_MQ_RECEIVE, 30, 4 * MS, 5 * MS, -1, 3);
	msgpair_feed(mp, &e, sizeof(e));
	e = mq(IPCSCOPE_EV_MQ_SEND, 20, 3 * MS, 6 * MS, 5, 3);
	msgpair_feed(mp, &e, sizeof(e));
	e = mq(IPCSCOPE_EV_MQ_RECEIVE, 40, 7 * MS, 8 * MS, 5, 3);
	msgpair_feed(mp, &e, sizeof(e));
	msgpair_release(mp, 0, true);
	tap_is_int(o.n, 4, "guessed away: all out at the end");
	r = (const void *)o.rec[1];
	tap_ok(r->sender_approx && r->sender_known && r->sender_pid == 20,
	       "guessed away: the first receive, approximately B's");
	r = (const void *)o.rec[3];
	tap_ok(r->sender_approx && r->sender_known && r->sender_pid == 20,
	       "guessed away: the priority-5 receive names B, approximately (approx %d, known %d, pid %u)",
	       r->sender_approx, r->sender_known, r->sender_pid);
	msgpair_free(mp);
}

/* --payload: what is fed with a record comes out with it, held or not,
 * and a record fed without has none */
static void extras_travel(void)
{
	struct out o = { 0 };
	struct msgpair *mp = msgpair_new(collect, &o);
	struct ipcscope_mq_event e;
	char buf[8];

	e = mq(IPCSCOPE_EV_MQ_SEND, 10, 1 * MS, 2 * MS, 1, 3);
	strcpy(buf, "abc");
	msgpair_feed_with(mp, &e, sizeof(e), buf, 3);
	e = mq(IPCSCOPE_EV_MQ_RECEIVE, 30, 3 * MS, 4 * MS, 1, 3);
	strcpy(buf, "xyz");
	msgpair_feed_with(mp, &e, sizeof(e), buf, 3);
	/* the caller's buffer is its own again: the model kept a copy */
	strcpy(buf, "---");
	e = mq(IPCSCOPE_EV_MQ_SEND, 20, 5 * MS, 6 * MS, 2, 3);
	msgpair_feed(mp, &e, sizeof(e));
	tap_is_int(o.n, 1, "extra: the send out at once, the receive held");
	tap_is_str(o.extra[0], "abc", "extra: the send's bytes with it");
	msgpair_release(mp, 0, true);
	tap_is_int(o.n, 3, "extra: all out at the end");
	tap_is_str(o.extra[1], "xyz", "extra: the held receive's bytes");
	tap_is_str(o.extra[2], "", "extra: none fed, none out");
	msgpair_free(mp);
}

int main(void)
{
	tap_plan(28);
	sysv_sequential();
	sysv_overlap_and_late_send();
	posix_priorities();
	posix_guessed_away();
	extras_travel();
	return tap_done();
}
