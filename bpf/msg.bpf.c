// SPDX-License-Identifier: GPL-2.0
/*
 * SysV message queues, msgsnd(2) and msgrcv(2), in three tiers:
 *
 *  fentry/fexit  on do_msgsnd and do_msgrcv (static functions: the
 *                collector checks BTF, and for kprobes kallsyms, that they
 *                were not inlined away);
 *  kprobe/kretprobe on the same functions;
 *  tracepoints   handlers of msgsnd and msgrcv for the syscall
 *                dispatcher (syscalls.bpf.c, raw sys_enter/sys_exit).
 *
 * One event per call, emitted at return.  msgrcv's received mtype is the
 * first long of the caller's buffer, read back from user memory once the
 * kernel has filled it (ret >= 0).  Which send a received message came
 * from: msgsender.bpf.h (fentry and kprobe tiers); on the tracepoint tier
 * the collector's model of each queue (tools/msgpair.c), which needs
 * every task's calls: model_task().
 *
 * --payload (payload.bpf.h): the message text, one user buffer in every
 * tier: msgsnd's mtext (msgsz bytes, sent when it returns 0), msgrcv's
 * after the mtype (the size it returns landed there).  A task outside
 * -p/-c, kept for the queue model only, has no payload record.
 */
#include "common.bpf.h"
#include "inflight.bpf.h"
#define SYSCALL_FAMILY	IPCSCOPE_FAM_MSG	/* its slot in the dispatcher */
#include "syscalls.bpf.h"
#include "msgsender.bpf.h"
#include "payload.bpf.h"

#define TS_COMPAT	0x0002	/* thread_info.status: 32-bit syscall */

struct inflight {
	__u64 start_ns;		/* first: nonzero while in flight */
	__s64 mtype;
	__s64 msgtyp;
	__u64 size;
	void *ubuf;		/* msgrcv: where the kernel puts mtype */
	void *text;		/* --payload: the message text (user) */
	__s32 msqid;
	__u32 msgflg;
	__u16 type;		/* IPCSCOPE_EV_MSGSND/MSGRCV */
	__u8 mtype_valid;
	__u8 sender_known;
	__u8 unwanted;		/* outside -p/-c (see model_task()) */
	__u32 sender_pid;
	__u32 sender_tid;
	__u64 sent_ts_ns;
	__u64 taken_ns;		/* msgrcv: when store_msg copied it out */
	char sender_comm[IPCSCOPE_COMM_LEN];
};

DEFINE_INFLIGHT_MAP(struct inflight);

const volatile __u8 tier = IPCSCOPE_TIER_NONE;

static __always_inline int msg_enter(__u16 type, int msqid, __s64 mtype,
				     bool mtype_valid, __s64 msgtyp,
				     void *ubuf, void *text, __u64 size,
				     int msgflg)
{
	struct inflight rec = {};
	bool wanted = task_wanted();

	if (!wanted && !model_task())
		return 0;
	/* a call still in flight on this thread lost its return (a kernel
	 * out of kretprobe slots): count its event as lost, not silently */
	if (inflight_find(&inflight))
		count_lost();
	rec.unwanted = !wanted;
	rec.type = type;
	rec.msqid = msqid;
	rec.mtype = mtype;
	rec.mtype_valid = mtype_valid;
	rec.msgtyp = msgtyp;
	rec.ubuf = ubuf;
	if (payload_max)
		rec.text = text;
	rec.size = size;
	rec.msgflg = msgflg;
	rec.start_ns = bpf_ktime_get_ns();
	inflight_start(&inflight, &rec);
	return 0;
}

static __always_inline int msg_exit(long ret)
{
	struct ipcscope_wake_event *note;
	__u64 have_note = 0;
	struct ipcscope_msg_event *e;
	struct inflight *rec;
	long mtype;

	rec = inflight_find(&inflight);
	if (!rec)
		return 0;
	if (summary_mode) {
		/* msgsnd's bytes are msgsz when it succeeds (it returns 0) */
		if (!rec->unwanted)
			summary_add(rec->type, (__u32)rec->msqid,
				    ret == 0 && rec->type == IPCSCOPE_EV_MSGSND ?
				    (long)rec->size : ret,
				    bpf_ktime_get_ns() - rec->start_ns);
		/* another task's record goes on to the queue model */
		if (!summary_events)
			goto out;
	}
	note = peers_wake_note(&have_note);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		peers_note_done(note, have_note, false);
		goto out;
	}
	fill_hdr(&e->hdr, rec->type, sizeof(*e));
	e->ret = ret;
	e->duration_ns = e->hdr.ts_ns - rec->start_ns;
	e->mtype = rec->mtype;
	e->mtype_valid = rec->mtype_valid;
	if (rec->type == IPCSCOPE_EV_MSGRCV) {
		e->mtype = 0;
		e->mtype_valid = 0;
		if (ret >= 0 && !bpf_probe_read_user(&mtype, sizeof(mtype),
						     rec->ubuf)) {
			e->mtype = mtype;
			e->mtype_valid = 1;
		}
	}
	e->msgtyp = rec->msgtyp;
	e->size = rec->size;
	e->msqid = rec->msqid;
	e->msgflg = rec->msgflg;
	e->tier = tier;
	e->sender_approx = 0;
	e->unwanted = rec->unwanted;
	__builtin_memset(e->pad0, 0, sizeof(e->pad0));
	e->sender_known = rec->sender_known;
	e->sender_pid = rec->sender_pid;
	e->sender_tid = rec->sender_tid;
	e->sent_ts_ns = rec->sent_ts_ns;
	e->queued_ns = rec->sender_known ? rec->taken_ns - rec->sent_ts_ns : 0;
	__builtin_memcpy(e->sender_comm, rec->sender_comm,
			 sizeof(e->sender_comm));
	__builtin_memset(e->pad1, 0, sizeof(e->pad1));
	/* a send moved msgsz bytes when it returned 0 */
	if (!rec->unwanted)
		payload_emit_user(&e->hdr, (__u64)rec->text, rec->size,
				  ret == 0 && rec->type == IPCSCOPE_EV_MSGSND ?
				  (long)rec->size : ret);
	peers_note_done(note, have_note, true);
	submit_event(e);
out:
	inflight_done(&inflight, rec);
	return 0;
}

/*
 * msgrcv's text in the caller's buffer @buf (fentry and kprobe tiers):
 * after a long mtype, 8 bytes, or 4 for a 32-bit task (compat_msgrcv
 * fills a struct compat_msgbuf).  msgsnd's functions get mtext itself.
 */
static __always_inline void *rcv_text(void *buf)
{
	struct task_struct *task;

	if (!payload_max)
		return NULL;
	task = (void *)bpf_get_current_task();
	if (BPF_CORE_READ(task, thread_info.status) & TS_COMPAT)
		return buf + 4;
	return buf + 8;
}

/* Tier 1: fentry/fexit on do_msgsnd and do_msgrcv. */
SEC("fentry/do_msgsnd")
int BPF_PROG(msgsnd_fentry, int msqid, long mtype, void *mtext, size_t msgsz,
	     int msgflg)
{
	return msg_enter(IPCSCOPE_EV_MSGSND, msqid, mtype, true, 0, NULL,
			 mtext, msgsz, msgflg);
}

SEC("fexit/do_msgsnd")
int BPF_PROG(msgsnd_fexit, int msqid, long mtype, void *mtext, size_t msgsz,
	     int msgflg, long ret)
{
	return msg_exit(ret);
}

SEC("fentry/do_msgrcv")
int BPF_PROG(msgrcv_fentry, int msqid, void *buf, size_t bufsz, long msgtyp,
	     int msgflg)
{
	return msg_enter(IPCSCOPE_EV_MSGRCV, msqid, 0, false, msgtyp, buf,
			 rcv_text(buf), bufsz, msgflg);
}

SEC("fexit/do_msgrcv")
int BPF_PROG(msgrcv_fexit, int msqid, void *buf, size_t bufsz, long msgtyp,
	     int msgflg, void *msg_handler, long ret)
{
	return msg_exit(ret);
}

/*
 * Pairing (fentry and kprobe tiers).  msgrcv with MSG_COPY allocates its
 * copy with load_msg too (prepare_copy): a load_msg inside a msgrcv is no
 * send, so it is not noted, and such a copy has no sender.
 */
static __always_inline void msg_loaded(void *msg)
{
	struct inflight *rec = inflight_find(&inflight);

	if (rec && rec->type == IPCSCOPE_EV_MSGRCV)
		return;
	sender_note(msg);
}

MSGSENDER_STORED(IPCSCOPE_EV_MSGRCV)
MSGSENDER_PROGRAMS(msg_loaded)

/* Tier 2: kprobes. */
SEC("kprobe")
int BPF_KPROBE(msgsnd_kprobe, int msqid, long mtype, void *mtext,
	       size_t msgsz, int msgflg)
{
	return msg_enter(IPCSCOPE_EV_MSGSND, msqid, mtype, true, 0, NULL,
			 mtext, msgsz, msgflg);
}

SEC("kprobe")
int BPF_KPROBE(msgrcv_kprobe, int msqid, void *buf, size_t bufsz,
	       long msgtyp, int msgflg)
{
	return msg_enter(IPCSCOPE_EV_MSGRCV, msqid, 0, false, msgtyp, buf,
			 rcv_text(buf), bufsz, msgflg);
}

SEC("kretprobe")
int BPF_KRETPROBE(msgsnd_kretprobe, long ret)
{
	return msg_exit(ret);
}

SEC("kretprobe")
int BPF_KRETPROBE(msgrcv_kretprobe, long ret)
{
	return msg_exit(ret);
}

/* Tier 3: the syscall dispatcher's handlers.  msgsnd(msqid, msgp, msgsz,
 * msgflg): mtype is read from the user's struct msgbuf, as the kernel
 * itself does first.  msgrcv(msqid, msgp, msgsz, msgtyp, msgflg). */
static __always_inline int enter_msgsnd(struct pt_regs *regs, bool btf)
{
	long mtype = 0;
	bool ok = !bpf_probe_read_user(&mtype, sizeof(mtype),
				       (void *)sc_arg(regs, 1, btf));

	return msg_enter(IPCSCOPE_EV_MSGSND, sc_arg(regs, 0, btf), mtype, ok,
			 0, NULL, (void *)sc_arg(regs, 1, btf) + sizeof(long),
			 sc_arg(regs, 2, btf), sc_arg(regs, 3, btf));
}

/* the dispatcher passes no 32-bit task: the text follows a 64-bit long */
static __always_inline int enter_msgrcv(struct pt_regs *regs, bool btf)
{
	void *buf = (void *)sc_arg(regs, 1, btf);

	return msg_enter(IPCSCOPE_EV_MSGRCV, sc_arg(regs, 0, btf), 0, false,
			 sc_arg(regs, 3, btf), buf, buf + sizeof(long),
			 sc_arg(regs, 2, btf), sc_arg(regs, 4, btf));
}

SYSCALL_ENTER(msg_sys_enter_msgsnd, enter_msgsnd)
SYSCALL_ENTER(msg_sys_enter_msgrcv, enter_msgrcv)
SYSCALL_EXIT(msg_sys_exit, msg_exit)
