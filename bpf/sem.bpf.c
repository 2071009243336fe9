// SPDX-License-Identifier: GPL-2.0
/*
 * SysV semaphore operations, semop(2) and semtimedop(2), in three tiers:
 *
 *  fentry/fexit  on the kernel's semtimedop implementation: do_semtimedop
 *                (static; user-space sops, kernel timeout) where BTF has
 *                it, else __do_semtimedop (sops already copied in);
 *  kprobe/kretprobe on the same function;
 *  tracepoints   handlers of semop and semtimedop for the syscall
 *                dispatcher (syscalls.bpf.c, raw sys_enter/sys_exit).
 *
 * The collector picks the function (sem_probe.c) and says in sops_user
 * whether its sops argument points into user or kernel memory.  Every
 * tier records the call at entry in `inflight` and emits one event at
 * return: duration_ns is the time a P spent waiting for its V.
 */
#include "common.bpf.h"
#include "inflight.bpf.h"
#define SYSCALL_FAMILY	IPCSCOPE_FAM_SEM	/* its slot in the dispatcher */
#include "syscalls.bpf.h"

/* One semop in flight on a task, from entry to return. */
struct inflight {
	__u64 start_ns;		/* first: nonzero while in flight */
	__s64 timeout_ns;
	__s32 semid;
	__u32 nsops;
	struct ipcscope_sembuf ops[IPCSCOPE_SEM_MAX_OPS];
	__u8 ops_copied;
	__u8 has_timeout;
};

DEFINE_INFLIGHT_MAP(struct inflight);

const volatile __u8 tier = IPCSCOPE_TIER_NONE;
/* The attached function's sops is a user pointer (do_semtimedop, the
 * syscalls) rather than the kernel's copy (__do_semtimedop). */
const volatile bool sops_user = true;

/* The kernel's struct sembuf: three shorts, 6 bytes, no padding. */
struct sembuf_raw {
	__u16 num;
	__s16 op;
	__s16 flg;
};

static __always_inline void copy_ops(struct inflight *rec, const void *sops,
				     bool user)
{
	int i;

	for (i = 0; i < IPCSCOPE_SEM_MAX_OPS; i++) {
		struct sembuf_raw sb;
		long err;

		if (i >= rec->nsops)
			break;
		/* one at a time: a short array at the end of a page must
		 * not make the whole read fail */
		if (user)
			err = bpf_probe_read_user(&sb, sizeof(sb),
						  sops + i * sizeof(sb));
		else
			err = bpf_probe_read_kernel(&sb, sizeof(sb),
						    sops + i * sizeof(sb));
		if (err)
			break;
		rec->ops[i].num = sb.num;
		rec->ops[i].op = sb.op;
		rec->ops[i].flg = sb.flg;
		rec->ops_copied = i + 1;
	}
}

/* timeout_ns from a timespec: s64 seconds then a long of nanoseconds on
 * 64-bit kernels, in timespec64 and __kernel_timespec alike. */
static __always_inline void set_timeout(struct inflight *rec, const void *ts,
					bool user)
{
	__s64 v[2];
	long err;

	if (!ts)
		return;
	err = user ? bpf_probe_read_user(v, sizeof(v), ts) :
		     bpf_probe_read_kernel(v, sizeof(v), ts);
	if (err)
		return;
	rec->has_timeout = 1;
	rec->timeout_ns = v[0] * 1000000000LL + v[1];
}

static __always_inline int sem_enter(int semid, const void *sops,
				     unsigned int nsops, bool sops_in_user,
				     const void *timeout, bool timeout_user)
{
	struct inflight rec = {};

	if (!task_wanted())
		return 0;
	/* a call still in flight on this thread lost its return (a kernel
	 * out of kretprobe slots): count its event as lost, not silently */
	if (inflight_find(&inflight))
		count_lost();
	rec.semid = semid;
	rec.nsops = nsops;
	copy_ops(&rec, sops, sops_in_user);
	set_timeout(&rec, timeout, timeout_user);
	rec.start_ns = bpf_ktime_get_ns();
	inflight_start(&inflight, &rec);
	return 0;
}

static __always_inline int sem_exit(long ret)
{
	struct ipcscope_wake_event *note;
	__u64 have_note = 0;
	struct ipcscope_semop_event *e;
	struct inflight *rec;

	rec = inflight_find(&inflight);
	if (!rec)
		return 0;
	if (summary_mode) {
		summary_add(IPCSCOPE_EV_SEMOP, (__u32)rec->semid, ret,
			    bpf_ktime_get_ns() - rec->start_ns);
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
	fill_hdr(&e->hdr, IPCSCOPE_EV_SEMOP, sizeof(*e));
	e->ret = ret;
	e->duration_ns = e->hdr.ts_ns - rec->start_ns;
	e->timeout_ns = rec->timeout_ns;
	e->semid = rec->semid;
	e->nsops = rec->nsops;
	__builtin_memcpy(e->ops, rec->ops, sizeof(e->ops));
	e->ops_copied = rec->ops_copied;
	e->has_timeout = rec->has_timeout;
	e->tier = tier;
	__builtin_memset(e->pad0, 0, sizeof(e->pad0));
	peers_note_done(note, have_note, true);
	submit_event(e);
out:
	inflight_done(&inflight, rec);
	return 0;
}

/*
 * Tier 1: fentry/fexit.  Both candidate functions take (semid, sops,
 * nsops, timeout) first, the timeout a kernel struct timespec64.
 */
SEC("fentry")
int BPF_PROG(sem_fentry, int semid, void *sops, unsigned int nsops,
	     const void *timeout)
{
	return sem_enter(semid, sops, nsops, sops_user, timeout, false);
}

SEC("fexit")
int BPF_PROG(sem_fexit, int semid, void *sops, unsigned int nsops,
	     const void *timeout, long ret)
{
	return sem_exit(ret);
}

/* Tier 2: kprobes on the same function. */
SEC("kprobe")
int BPF_KPROBE(sem_kprobe, int semid, void *sops, unsigned int nsops,
	       const void *timeout)
{
	return sem_enter(semid, sops, nsops, sops_user, timeout, false);
}

SEC("kretprobe")
int BPF_KRETPROBE(sem_kretprobe, long ret)
{
	return sem_exit(ret);
}

/* Tier 3: the syscall dispatcher's handlers; sops and the timeout are
 * user memory.  semop(semid, sops, nsops), semtimedop(..., timeout). */
static __always_inline int enter_semop(struct pt_regs *regs, bool btf)
{
	return sem_enter(sc_arg(regs, 0, btf), (void *)sc_arg(regs, 1, btf),
			 sc_arg(regs, 2, btf), true, NULL, true);
}

static __always_inline int enter_semtimedop(struct pt_regs *regs, bool btf)
{
	return sem_enter(sc_arg(regs, 0, btf), (void *)sc_arg(regs, 1, btf),
			 sc_arg(regs, 2, btf), true,
			 (void *)sc_arg(regs, 3, btf), true);
}

SYSCALL_ENTER(sem_sys_enter_semop, enter_semop)
SYSCALL_ENTER(sem_sys_enter_semtimedop, enter_semtimedop)
SYSCALL_EXIT(sem_sys_exit, sem_exit)
