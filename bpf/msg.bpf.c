// SPDX-License-Identifier: GPL-2.0
/*
 * SysV message queues, msgsnd(2) and msgrcv(2), in three tiers:
 *
 *  fentry/fexit  on do_msgsnd and do_msgrcv (static functions: the
 *                collector checks BTF, and for kprobes kallsyms, that they
 *                were not inlined away);
 *  kprobe/kretprobe on the same functions;
 *  tracepoints   syscalls:sys_{enter,exit}_{msgsnd,msgrcv}.
 *
 * One event per call, emitted at return.  msgrcv's received mtype is the
 * first long of the caller's buffer, read back from user memory once the
 * kernel has filled it (ret >= 0).
 */
#include "common.bpf.h"

struct inflight {
	__u64 start_ns;
	__s64 mtype;
	__s64 msgtyp;
	__u64 size;
	void *ubuf;		/* msgrcv: where the kernel puts mtype */
	__s32 msqid;
	__u32 msgflg;
	__u8 type;		/* IPCSCOPE_EV_MSGSND/MSGRCV */
	__u8 mtype_valid;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);	/* tid */
	__type(value, struct inflight);
} inflight SEC(".maps");

const volatile __u8 tier = IPCSCOPE_TIER_NONE;

static __always_inline int msg_enter(__u8 type, int msqid, __s64 mtype,
				     bool mtype_valid, __s64 msgtyp,
				     void *ubuf, __u64 size, int msgflg)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight rec = {};

	if (!task_wanted())
		return 0;
	/* a call still in flight on this thread lost its return (a kernel
	 * out of kretprobe slots): count its event as lost, not silently */
	if (bpf_map_lookup_elem(&inflight, &tid))
		count_lost();
	rec.type = type;
	rec.msqid = msqid;
	rec.mtype = mtype;
	rec.mtype_valid = mtype_valid;
	rec.msgtyp = msgtyp;
	rec.ubuf = ubuf;
	rec.size = size;
	rec.msgflg = msgflg;
	rec.start_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&inflight, &tid, &rec, BPF_ANY);
	return 0;
}

static __always_inline int msg_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ipcscope_msg_event *e;
	struct inflight *rec;
	long mtype;

	rec = bpf_map_lookup_elem(&inflight, &tid);
	if (!rec)
		return 0;
	if (summary_mode) {
		/* msgsnd's bytes are msgsz when it succeeds (it returns 0) */
		summary_add(rec->type, (__u32)rec->msqid,
			    ret == 0 && rec->type == IPCSCOPE_EV_MSGSND ?
			    (long)rec->size : ret,
			    bpf_ktime_get_ns() - rec->start_ns);
		goto out;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
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
	__builtin_memset(e->pad0, 0, sizeof(e->pad0));
	bpf_ringbuf_submit(e, 0);
out:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

/* Tier 1: fentry/fexit on do_msgsnd and do_msgrcv. */
SEC("fentry/do_msgsnd")
int BPF_PROG(msgsnd_fentry, int msqid, long mtype, void *mtext, size_t msgsz,
	     int msgflg)
{
	return msg_enter(IPCSCOPE_EV_MSGSND, msqid, mtype, true, 0, NULL,
			 msgsz, msgflg);
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
			 bufsz, msgflg);
}

SEC("fexit/do_msgrcv")
int BPF_PROG(msgrcv_fexit, int msqid, void *buf, size_t bufsz, long msgtyp,
	     int msgflg, void *msg_handler, long ret)
{
	return msg_exit(ret);
}

/* Tier 2: kprobes. */
SEC("kprobe")
int BPF_KPROBE(msgsnd_kprobe, int msqid, long mtype, void *mtext,
	       size_t msgsz, int msgflg)
{
	return msg_enter(IPCSCOPE_EV_MSGSND, msqid, mtype, true, 0, NULL,
			 msgsz, msgflg);
}

SEC("kprobe")
int BPF_KPROBE(msgrcv_kprobe, int msqid, void *buf, size_t bufsz,
	       long msgtyp, int msgflg)
{
	return msg_enter(IPCSCOPE_EV_MSGRCV, msqid, 0, false, msgtyp, buf,
			 bufsz, msgflg);
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

/* Tier 3: syscall tracepoints.  msgsnd's mtype is read from the user's
 * struct msgbuf, as the kernel itself does first. */
SEC("tracepoint/syscalls/sys_enter_msgsnd")
int tp_enter_msgsnd(struct trace_event_raw_sys_enter *ctx)
{
	long mtype = 0;
	bool ok = !bpf_probe_read_user(&mtype, sizeof(mtype),
				       (void *)ctx->args[1]);

	return msg_enter(IPCSCOPE_EV_MSGSND, ctx->args[0], mtype, ok, 0, NULL,
			 ctx->args[2], ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_enter_msgrcv")
int tp_enter_msgrcv(struct trace_event_raw_sys_enter *ctx)
{
	return msg_enter(IPCSCOPE_EV_MSGRCV, ctx->args[0], 0, false,
			 ctx->args[3], (void *)ctx->args[1], ctx->args[2],
			 ctx->args[4]);
}

SEC("tracepoint/syscalls/sys_exit_msgsnd")
int tp_exit_msgsnd(struct trace_event_raw_sys_exit *ctx)
{
	return msg_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_msgrcv")
int tp_exit_msgrcv(struct trace_event_raw_sys_exit *ctx)
{
	return msg_exit(ctx->ret);
}
