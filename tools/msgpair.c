// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoint tier's model of every message queue (msgpair.h).
 *
 * What the kernel guarantees, and the model uses:
 *  - a receive takes the first message of its class in queue order: SysV,
 *    the first message of the mtype it got, whatever msgtyp asked (0: the
 *    head; > 0: the first of that type; < 0: the first of the lowest type;
 *    MSG_EXCEPT: the first of another type, which is the first of its own
 *    type too); POSIX, the first message of the priority it got (highest
 *    priority first, FIFO within one);
 *  - each call takes effect at one moment between its entry and its
 *    return, the two times every event carries (ts_ns - duration_ns,
 *    ts_ns).
 *
 * So a queue is a list of messages, each with its class (mtype or
 * priority), size, sender and the send's entry and return.  A message A
 * is certainly ahead of B in the queue when A's send returned before B's
 * entered; otherwise their order is unknown.  A receive's candidates are
 * the messages of its class and size not yet taken whose send entered
 * before it returned and that no other such message is certainly ahead
 * of.  One candidate, or all from one thread: the pairing is exact.
 * Otherwise, or when a receive overlapping this one took or could take a
 * message of the same class from another thread, or when messages queued
 * before tracing began (qnum at attach, types unknown) may be the one,
 * the event says sender_approx: the sender printed is the candidate whose
 * send returned first.
 *
 * Sends are applied as they come; receives are held MSGPAIR_HOLD_NS after
 * they returned (their sends may return after them: a send that wakes a
 * sleeping receiver races it to the exit), then applied in order of
 * return, per queue.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include "ipcscope.h"
#include "msgpair.h"

#ifndef MSG_EXCEPT
#define MSG_EXCEPT	020000
#endif
#ifndef MSG_COPY
#define MSG_COPY	040000
#endif
#define MQUEUE_MAGIC	0x19800202

/* Taken messages are kept this long for the overlap checks. */
#define HISTORY_NS	(10000ULL * 1000000)

struct qmsg {
	__s64 cls;			/* mtype, or priority */
	__u64 size;
	__u64 start, end;		/* the send's entry and return */
	__u64 taken_start, taken_end;	/* the receive that took it */
	__u32 pid, tid;
	char comm[IPCSCOPE_COMM_LEN];
	bool taken;
	bool taken_approx;		/* by a receive that was sender_approx:
					 * it may be here still */
	bool contested;			/* that receive may have taken it */
};

struct queue {
	struct queue *next;		/* hash chain */
	__u32 fam;			/* IPCSCOPE_FAM_MSG or _MQ */
	__u64 id;			/* msqid, or the queue's inode */
	long unknown;			/* queued before tracing, not taken */
	struct qmsg *msgs;		/* by the send's return */
	size_t n, cap;
};

/* A record waiting to be printed, in the order records came: a receive
 * until its sender is settled, and whatever came after it. */
struct held {
	__u64 start, end;
	size_t size;
	void *extra;			/* msgpair_feed_with()'s copy */
	size_t extra_size;
	bool pending;			/* a receive not settled yet */
	union {
		struct ipcscope_msg_event msg;
		struct ipcscope_mq_event mq;
		unsigned char bytes[sizeof(struct ipcscope_mq_event)];
	} rec;
};

#define NBUCKETS 256

struct msgpair {
	msgpair_emit_fn emit;
	void *ctx;
	struct queue *buckets[NBUCKETS];
	struct held **held;		/* in the order they came */
	size_t nheld, capheld;
};

/* ---- records ----------------------------------------------------------- */

static bool is_sysv(const struct ipcscope_hdr *h)
{
	return IPCSCOPE_EV_FAMILY(h->type) == IPCSCOPE_FAM_MSG;
}

bool msgpair_wants(const void *data, size_t size)
{
	const struct ipcscope_hdr *h = data;
	__u8 tier;

	if (size < sizeof(*h))
		return false;
	switch (h->type) {
	case IPCSCOPE_EV_MSGSND:
	case IPCSCOPE_EV_MSGRCV:
		if (size < sizeof(struct ipcscope_msg_event) ||
		    h->size < sizeof(struct ipcscope_msg_event))
			return false;
		tier = ((const struct ipcscope_msg_event *)data)->tier;
		break;
	case IPCSCOPE_EV_MQ_SEND:
	case IPCSCOPE_EV_MQ_RECEIVE:
		if (size < sizeof(struct ipcscope_mq_event) ||
		    h->size < sizeof(struct ipcscope_mq_event))
			return false;
		tier = ((const struct ipcscope_mq_event *)data)->tier;
		break;
	default:
		return false;
	}
	return tier == IPCSCOPE_HOOK_TP_BTF || tier == IPCSCOPE_HOOK_RAW_TP;
}

bool msgpair_unwanted(const void *data)
{
	const struct ipcscope_hdr *h = data;

	if (is_sysv(h))
		return ((const struct ipcscope_msg_event *)data)->unwanted;
	return ((const struct ipcscope_mq_event *)data)->unwanted;
}

/* The parts of a record the model reads, msg or mq alike. */
struct call {
	__u32 fam;
	__u64 id;			/* 0 with !valid_id */
	bool valid_id;
	bool receive;
	bool unwanted;
	__s64 ret;
	__u64 start, end;
	bool cls_known;
	__s64 cls;
	__u64 size;			/* send: bytes queued; receive: ret */
	__s64 queued;			/* POSIX: messages after the call, -1 */
	__s64 msgtyp;			/* SysV receive */
	__u32 msgflg;
};

static void read_call(const void *data, struct call *c)
{
	const struct ipcscope_hdr *h = data;

	memset(c, 0, sizeof(*c));
	c->end = h->ts_ns;
	if (is_sysv(h)) {
		const struct ipcscope_msg_event *e = data;

		c->fam = IPCSCOPE_FAM_MSG;
		c->queued = -1;
		c->id = (__u64)(__u32)e->msqid;
		c->valid_id = e->msqid >= 0;
		c->receive = h->type == IPCSCOPE_EV_MSGRCV;
		c->unwanted = e->unwanted;
		c->ret = e->ret;
		c->start = h->ts_ns - e->duration_ns;
		c->cls_known = e->mtype_valid;
		c->cls = e->mtype;
		c->size = c->receive ? (__u64)(e->ret > 0 ? e->ret : 0) :
				       e->size;
		c->msgtyp = e->msgtyp;
		c->msgflg = e->msgflg;
	} else {
		const struct ipcscope_mq_event *e = data;

		c->fam = IPCSCOPE_FAM_MQ;
		c->queued = e->queued;
		c->id = e->ino;
		c->valid_id = e->ino != 0;
		c->receive = h->type == IPCSCOPE_EV_MQ_RECEIVE;
		c->unwanted = e->unwanted;
		c->ret = e->ret;
		c->start = h->ts_ns - e->duration_ns;
		c->cls_known = e->prio_valid;
		c->cls = e->prio;
		c->size = c->receive ? (__u64)(e->ret > 0 ? e->ret : 0) :
				       e->requested;
	}
}

/* ---- queues ------------------------------------------------------------ */

static struct queue *queue_get(struct msgpair *mp, __u32 fam, __u64 id,
			       bool create)
{
	unsigned int b = (unsigned int)((id * 0x9e3779b97f4a7c15ULL + fam) >> 56)
			 % NBUCKETS;
	struct queue *q;

	for (q = mp->buckets[b]; q; q = q->next)
		if (q->fam == fam && q->id == id)
			return q;
	if (!create)
		return NULL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->fam = fam;
	q->id = id;
	q->next = mp->buckets[b];
	mp->buckets[b] = q;
	return q;
}

/* Drop what no later receive can need: taken long ago. */
static void queue_compact(struct queue *q, __u64 now)
{
	size_t i, j;

	for (i = j = 0; i < q->n; i++) {
		if (q->msgs[i].taken && q->msgs[i].taken_end + HISTORY_NS < now)
			continue;
		q->msgs[j++] = q->msgs[i];
	}
	q->n = j;
}

static void queue_add(struct queue *q, const struct call *c,
		      const struct ipcscope_hdr *h)
{
	struct qmsg *m;
	size_t i;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct qmsg *msgs;

		queue_compact(q, c->end);
		if (q->n == q->cap) {
			msgs = realloc(q->msgs, cap * sizeof(*msgs));
			if (!msgs)
				return;
			q->msgs = msgs;
			q->cap = cap;
		}
	}
	/* by return time: records come nearly in that order */
	for (i = q->n; i > 0 && q->msgs[i - 1].end > c->end; i--)
		;
	memmove(&q->msgs[i + 1], &q->msgs[i], (q->n - i) * sizeof(*m));
	q->n++;
	m = &q->msgs[i];
	memset(m, 0, sizeof(*m));
	m->cls = c->cls;
	m->size = c->size;
	m->start = c->start;
	m->end = c->end;
	m->pid = h->pid;
	m->tid = h->tid;
	memcpy(m->comm, h->comm, sizeof(m->comm));
}

/* ---- the snapshot ------------------------------------------------------ */

static void snapshot_sysv(struct msgpair *mp)
{
	FILE *f = fopen("/proc/sysvipc/msg", "re");
	char line[512];

	if (!f)
		return;
	/* key msqid perms cbytes qnum ... */
	while (fgets(line, sizeof(line), f)) {
		long long key, msqid;
		unsigned long perms, cbytes, qnum;
		struct queue *q;

		if (sscanf(line, "%lld %lld %lo %lu %lu", &key, &msqid, &perms,
			   &cbytes, &qnum) != 5 || !qnum)
			continue;
		q = queue_get(mp, IPCSCOPE_FAM_MSG, (__u64)(__u32)msqid, true);
		if (q)
			q->unknown = qnum;
	}
	fclose(f);
}

static void snapshot_posix_dir(struct msgpair *mp, const char *dir)
{
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((d = readdir(dp))) {
		char name[NAME_MAX + 2];
		struct mq_attr attr;
		struct stat st;
		struct queue *q;
		mqd_t mqd;

		if (d->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "/%s", d->d_name);
		mqd = mq_open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (mqd == (mqd_t)-1)
			continue;
		if (!fstat((int)mqd, &st) && !mq_getattr(mqd, &attr) &&
		    attr.mq_curmsgs > 0) {
			q = queue_get(mp, IPCSCOPE_FAM_MQ, st.st_ino, true);
			if (q)
				q->unknown = attr.mq_curmsgs;
		}
		mq_close(mqd);
	}
	closedir(dp);
}

static void snapshot_posix(struct msgpair *mp)
{
	char dir[] = "/tmp/ipcscope-mqueue.XXXXXX";
	struct statfs sfs;

	if (!statfs("/dev/mqueue", &sfs) && sfs.f_type == MQUEUE_MAGIC) {
		snapshot_posix_dir(mp, "/dev/mqueue");
		return;
	}
	/* not mounted where it usually is: a private look, then gone */
	if (!mkdtemp(dir))
		return;
	if (!mount("mqueue", dir, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		   NULL)) {
		snapshot_posix_dir(mp, dir);
		umount2(dir, MNT_DETACH);
	}
	rmdir(dir);
}

void msgpair_snapshot(struct msgpair *mp, bool sysv, bool posix)
{
	if (sysv)
		snapshot_sysv(mp);
	if (posix)
		snapshot_posix(mp);
}

/* ---- pairing ----------------------------------------------------------- */

struct msgpair *msgpair_new(msgpair_emit_fn emit, void *ctx)
{
	struct msgpair *mp = calloc(1, sizeof(*mp));

	if (mp) {
		mp->emit = emit;
		mp->ctx = ctx;
	}
	return mp;
}

void msgpair_free(struct msgpair *mp)
{
	struct queue *q, *next;
	size_t i;

	if (!mp)
		return;
	for (i = 0; i < NBUCKETS; i++)
		for (q = mp->buckets[i]; q; q = next) {
			next = q->next;
			free(q->msgs);
			free(q);
		}
	for (i = 0; i < mp->nheld; i++) {
		free(mp->held[i]->extra);
		free(mp->held[i]);
	}
	free(mp->held);
	free(mp);
}

size_t msgpair_held(const struct msgpair *mp)
{
	return mp ? mp->nheld : 0;
}

static bool same_sender(const struct qmsg *a, const struct qmsg *b)
{
	return a->pid == b->pid && a->tid == b->tid;
}

static bool size_fits(const struct qmsg *m, const struct call *r)
{
	/* SysV MSG_NOERROR cuts a longer message to the buffer */
	if (r->fam == IPCSCOPE_FAM_MSG && (r->msgflg & 010000 /* MSG_NOERROR */))
		return m->size >= r->size;
	return m->size == r->size;
}

/* Could @r have taken @m (class aside)? */
static bool could_take(const struct qmsg *m, const struct call *r)
{
	return !m->taken && m->start < r->end && size_fits(m, r);
}

/* The class @r took: its own, or (POSIX without a priority pointer) the
 * highest priority it could have found. */
static bool receive_class(const struct queue *q, const struct call *r,
			  __s64 *cls)
{
	bool found = false;
	size_t i;

	if (r->cls_known) {
		*cls = r->cls;
		return true;
	}
	if (r->fam != IPCSCOPE_FAM_MQ)
		return false;
	for (i = 0; i < q->n; i++)
		if (could_take(&q->msgs[i], r) &&
		    (!found || q->msgs[i].cls > *cls)) {
			*cls = q->msgs[i].cls;
			found = true;
		}
	return found;
}

static bool overlap(__u64 s1, __u64 e1, __u64 s2, __u64 e2)
{
	return s1 < e2 && s2 < e1;
}

/*
 * POSIX receives say how many messages were left (mq_curmsgs at return).
 * None left: every message sent before this receive began is gone, which
 * ends whatever uncertainty earlier guesses left about them, unless a
 * receive still held may have taken one.
 */
static void forget_consumed(struct msgpair *mp, struct queue *q,
			    const struct call *r)
{
	size_t i, j;

	if (r->queued != 0)
		return;
	for (i = 0; i < mp->nheld; i++) {
		const struct held *o = mp->held[i];

		if (o->pending && o->start < r->end)
			return;
	}
	for (i = j = 0; i < q->n; i++) {
		if (q->msgs[i].end < r->start)
			continue;
		q->msgs[j++] = q->msgs[i];
	}
	q->n = j;
	q->unknown = 0;
}

/*
 * A message of @r's class and size, sent before @r returned, that an
 * earlier sender_approx receive was said to take: the one sent first.
 */
static struct qmsg *guessed_away(struct queue *q, const struct call *r,
				 __s64 cls)
{
	struct qmsg *m = NULL;
	size_t i;

	for (i = 0; i < q->n; i++) {
		struct qmsg *c = &q->msgs[i];

		if (!c->taken || !c->taken_approx || c->start >= r->end ||
		    !size_fits(c, r) || (r->cls_known && c->cls != cls))
			continue;
		if (!m || c->end < m->end)
			m = c;
	}
	return m;
}

struct verdict {
	struct qmsg sent;		/* the message taken (a copy: the
					 * queue may be compacted) */
	const struct qmsg *m;		/* NULL: no sender (not to be read:
					 * use sent) */
	bool approx;
	bool wait;			/* not decidable yet: hold on */
};

static struct verdict pair_receive(struct msgpair *mp, struct queue *q,
				   const struct call *r, __u64 now, bool all)
{
	struct verdict v = { 0 };
	__u64 e_min = (__u64)-1;
	struct qmsg *m = NULL;
	bool head_of_all;
	__s64 cls = 0;
	size_t i;

	/* the class's candidates: not certainly behind another one */
	if (receive_class(q, r, &cls)) {
		for (i = 0; i < q->n; i++)
			if (q->msgs[i].cls == cls &&
			    could_take(&q->msgs[i], r) && q->msgs[i].end < e_min)
				e_min = q->msgs[i].end;
		for (i = 0; i < q->n; i++) {
			struct qmsg *c = &q->msgs[i];

			if (c->cls != cls || !could_take(c, r) ||
			    c->start >= e_min)
				continue;
			if (!m || c->end < m->end)
				m = c;
		}
	}
	/* messages from before tracing: SysV msgtyp 0 takes the head, which
	 * is one of them; a typed receive finding no known candidate took
	 * one; with a known candidate too, either may be it */
	head_of_all = r->fam == IPCSCOPE_FAM_MSG && r->msgtyp == 0 &&
		      !(r->msgflg & MSG_EXCEPT);
	if (q->unknown > 0 && (head_of_all || !m)) {
		q->unknown--;
		return v;
	}
	if (!m) {
		/* its send has not come (yet): a send that woke this
		 * receiver may return after it */
		if (!all && r->end + MSGPAIR_GIVE_UP_NS > now) {
			v.wait = true;
			return v;
		}
		v.approx = true;
		/* an earlier guess may have given this receive's message to
		 * another receive: name the likeliest of those, else no one
		 * (sent by a call we never saw) */
		m = guessed_away(q, r, cls);
		if (m) {
			v.m = m;
			v.sent = *m;
		}
		return v;
	}
	v.m = m;
	if (q->unknown > 0)
		v.approx = true;
	for (i = 0; i < q->n && !v.approx; i++) {
		const struct qmsg *c = &q->msgs[i];

		if (c == m || same_sender(c, m))
			continue;
		if (c->taken) {
			/* a receive overlapping this one took a message this
			 * one could have taken: either may have come first */
			v.approx = c->start < r->end && size_fits(c, r) &&
				   (!r->cls_known || c->cls == cls) &&
				   overlap(c->taken_start, c->taken_end,
					   r->start, r->end);
			continue;
		}
		if (!could_take(c, r))
			continue;
		/* another candidate of the class, order with m unknown */
		if (c->cls == cls)
			v.approx = c->start < m->end;
		/* without its priority, the receive may have run before m
		 * came and taken a lower one */
		else if (!r->cls_known)
			v.approx = m->end > r->start;
	}
	/* a receive still held that overlaps this one could have taken m,
	 * and this one another sender's message */
	for (i = 0; i < mp->nheld && !v.approx; i++) {
		const struct held *o = mp->held[i];
		bool other = false;
		struct call oc;
		size_t k;

		if (!o->pending)
			continue;
		read_call(o->rec.bytes, &oc);
		if (oc.fam != r->fam || oc.id != r->id ||
		    (oc.start == r->start && oc.end == r->end) ||
		    !overlap(oc.start, oc.end, r->start, r->end) ||
		    !could_take(m, &oc) || (oc.cls_known && oc.cls != m->cls))
			continue;
		for (k = 0; k < q->n && !other; k++) {
			const struct qmsg *c = &q->msgs[k];

			other = c != m && !same_sender(c, m) &&
				could_take(c, r) &&
				(!r->cls_known || c->cls == cls);
		}
		v.approx = other;
	}
	/*
	 * An earlier guess leaves the queue uncertain: a message a
	 * sender_approx receive was said to take may be here still, and one
	 * it may have taken may be gone.  Either, when this receive could
	 * have taken it, makes this one uncertain too.
	 */
	for (i = 0; i < q->n && !v.approx; i++) {
		const struct qmsg *c = &q->msgs[i];

		if (c == m || same_sender(c, m) || c->start >= r->end ||
		    !size_fits(c, r) || (r->cls_known && c->cls != cls))
			continue;
		if (c->taken && c->taken_approx)
			v.approx = c->cls != m->cls || c->start < m->end;
		else if (!c->taken && m->contested)
			v.approx = true;
	}
	m->taken = true;
	m->taken_start = r->start;
	m->taken_end = r->end;
	m->taken_approx = v.approx;
	if (v.approx)
		for (i = 0; i < q->n; i++)
			if (!q->msgs[i].taken && could_take(&q->msgs[i], r) &&
			    (!r->cls_known || q->msgs[i].cls == cls))
				q->msgs[i].contested = true;
	v.sent = *m;
	forget_consumed(mp, q, r);
	return v;
}

/* The sender keys share names, not offsets, in the two event structs. */
#define FILL_SENDER(e, v, m, end)					\
do {									\
	(e)->sender_approx = (v)->approx;				\
	(e)->sender_known = !!(m);					\
	if (m) {							\
		(e)->sender_pid = (m)->pid;				\
		(e)->sender_tid = (m)->tid;				\
		memcpy((e)->sender_comm, (m)->comm,			\
		       sizeof((e)->sender_comm));			\
		(e)->sent_ts_ns = (m)->start;				\
		(e)->queued_ns = (end) - (m)->start;			\
	}								\
} while (0)

static void fill_sender(void *rec, const struct verdict *v, __u64 end)
{
	const struct ipcscope_hdr *h = rec;
	const struct qmsg *m = v->m ? &v->sent : NULL;

	if (is_sysv(h))
		FILL_SENDER((struct ipcscope_msg_event *)rec, v, m, end);
	else
		FILL_SENDER((struct ipcscope_mq_event *)rec, v, m, end);
}

static int emit(struct msgpair *mp, const void *data, size_t size,
		const void *extra, size_t extra_size, bool unwanted)
{
	return unwanted ? 0 : mp->emit(mp->ctx, data, size, extra, extra_size);
}

/* Keep @data and @extra to print in their turn; false when out of
 * memory. */
static bool hold(struct msgpair *mp, const void *data, size_t size,
		 const void *extra, size_t extra_size, const struct call *c,
		 bool pending)
{
	struct held *hd;
	void *copy = NULL;

	if (mp->nheld == mp->capheld) {
		size_t cap = mp->capheld ? mp->capheld * 2 : 64;
		struct held **p = realloc(mp->held, cap * sizeof(*p));

		if (!p)
			return false;
		mp->held = p;
		mp->capheld = cap;
	}
	if (extra) {
		copy = malloc(extra_size);
		if (!copy)
			return false;
		memcpy(copy, extra, extra_size);
	}
	hd = malloc(sizeof(*hd));
	if (!hd) {
		free(copy);
		return false;
	}
	hd->extra = copy;
	hd->extra_size = copy ? extra_size : 0;
	hd->start = c->start;
	hd->end = c->end;
	hd->pending = pending;
	hd->size = size < sizeof(hd->rec) ? size : sizeof(hd->rec);
	memcpy(hd->rec.bytes, data, hd->size);
	mp->held[mp->nheld++] = hd;
	return true;
}

int msgpair_feed(struct msgpair *mp, const void *data, size_t size)
{
	return msgpair_feed_with(mp, data, size, NULL, 0);
}

int msgpair_feed_with(struct msgpair *mp, const void *data, size_t size,
		      const void *extra, size_t extra_size)
{
	const struct ipcscope_hdr *h = data;
	bool pending;
	struct call c;

	read_call(data, &c);
	pending = c.receive && c.valid_id && c.ret >= 0 &&
		  !(c.fam == IPCSCOPE_FAM_MSG && (c.msgflg & MSG_COPY));
	if (!c.receive && c.valid_id && c.ret >= 0 && c.cls_known) {
		struct queue *q = queue_get(mp, c.fam, c.id, true);

		if (q)
			queue_add(q, &c, h);
	}
	/* nothing held: print at once; else after what came before */
	if (!pending && !mp->nheld)
		return emit(mp, data, size, extra, extra_size, c.unwanted);
	if (!hold(mp, data, size, extra, extra_size, &c, pending))
		return emit(mp, data, size, extra, extra_size, c.unwanted);
	return 0;
}

int msgpair_release(struct msgpair *mp, __u64 now, bool all)
{
	/* a queue whose oldest held receive must wait keeps its later
	 * receives waiting too: they are applied in order */
	struct { __u32 fam; __u64 id; } blocked[16];
	size_t nblocked = 0, i, k, done;
	int ret = 0;

	for (i = 0; i < mp->nheld; i++) {
		struct held *hd = mp->held[i];
		struct verdict v;
		struct queue *q;
		struct call c;
		bool skip = false;

		if (!hd->pending)
			continue;
		if (!all && hd->end + MSGPAIR_HOLD_NS > now)
			continue;
		read_call(hd->rec.bytes, &c);
		for (k = 0; k < nblocked; k++)
			skip |= blocked[k].fam == c.fam && blocked[k].id == c.id;
		if (skip)
			continue;
		q = queue_get(mp, c.fam, c.id, true);
		if (!q) {
			hd->pending = false;
			continue;
		}
		/* not pending while decided: the overlap check reads the
		 * others */
		hd->pending = false;
		v = pair_receive(mp, q, &c, now, all);
		if (v.wait) {
			hd->pending = true;
			if (nblocked == sizeof(blocked) / sizeof(blocked[0]))
				break;
			blocked[nblocked].fam = c.fam;
			blocked[nblocked].id = c.id;
			nblocked++;
			continue;
		}
		fill_sender(hd->rec.bytes, &v, c.end);
	}
	/* print in the order they came, up to the first one still held */
	for (done = 0; done < mp->nheld && !mp->held[done]->pending; done++) {
		struct held *hd = mp->held[done];
		struct call c;

		read_call(hd->rec.bytes, &c);
		if (!ret)
			ret = emit(mp, hd->rec.bytes, hd->size, hd->extra,
				   hd->extra_size, c.unwanted);
		free(hd->extra);
		free(hd);
	}
	memmove(mp->held, mp->held + done,
		(mp->nheld - done) * sizeof(*mp->held));
	mp->nheld -= done;
	return ret;
}
