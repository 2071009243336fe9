// SPDX-License-Identifier: GPL-2.0
/*
 * Signals, from the signal:signal_generate and signal:signal_deliver
 * tracepoints in every tier: the tracepoints are where the kernel decides
 * a signal's fate (the `result` argument) and its action, and no function
 * is a better place.  The tiers differ only in the program type:
 *
 *  fentry      tp_btf/ programs (BTF-typed raw tracepoints);
 *  kprobe and
 *  tracepoint  raw_tp/ programs, which need neither trampolines nor BTF
 *              typing of the arguments.
 *
 * Both see the tracepoint's arguments, so both report the target's tgid
 * and tid (the classic tracepoint's format only has the thread id).
 *
 * Filters.  --sig is a mask of signal numbers.  A generate event passes the
 * task filters (-p, -c) when its sender or its target does; a deliver event
 * when its receiver does.  The collector is neither sender nor target of
 * any event it reports.
 *
 * Latency.  Every generate that leaves a signal pending (result delivered
 * or lose_info) records its time, keyed by where the kernel queued it: the
 * target thread (tid) for a thread-directed signal, the process (tgid) for
 * a group signal.  signal_deliver looks in the receiving thread's key
 * first, then its process's, which is the order dequeue_signal() takes
 * them.  Real-time signals queue: their times form a FIFO per key, as the
 * kernel's sigqueue list does.  A standard signal is pending at most once,
 * so its key holds the time of the generate that made it pending; later
 * ones (already_pending) coalesce into it and are not the deliver's cause.
 * This bookkeeping ignores -p and -c (a filtered-out generate still
 * stamps the time its deliver will need).
 *
 * Keys include the start time of the thread (or of the group leader), so
 * a recycled pid never inherits a dead task's times.
 *
 * Approximations: a signal consumed without signal_deliver (sigwait,
 * sigtimedwait, signalfd, flushed by exec, SIGCONT discarding a stop)
 * leaves a stale time: a standard signal's is overwritten by its next
 * pending generate, a real-time signal's shifts that key's FIFO until the
 * task exits or the LRU map evicts it.  Deliveries whose time
 * is unknown say so (latency_known = 0) rather than guess.
 */
#include "common.bpf.h"

#define SIGRTMIN_K	32	/* the kernel's; glibc reserves 32 and 33 */
#define SI_USER		0
#define SI_KERNEL	0x80
#define MAX_RT_QUEUED	4096	/* times kept per key and signal */

const volatile __u8 tier = IPCSCOPE_TIER_NONE;
const volatile bool filter_sigs;
const volatile __u64 sig_mask;		/* bit sig-1: signal sig wanted */

struct sig_key {
	__u32 id;		/* tid, or tgid for a group signal */
	__s32 sig;
	__u32 group;
	__u32 seq;		/* real-time signals: FIFO position */
	__u64 born;		/* start_time of the thread, or of the group
				 * leader: a recycled pid is another key */
};

struct sig_fifo {
	__u32 head;		/* next to be delivered */
	__u32 tail;		/* next to be generated */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32768);
	__type(key, struct sig_key);
	__type(value, __u64);	/* bpf_ktime_get_ns() at generate */
} sig_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct sig_key);	/* seq 0 */
	__type(value, struct sig_fifo);
} sig_fifos SEC(".maps");

static __always_inline bool sig_wanted(int sig)
{
	if (sig < 1 || sig > 64)
		return false;
	return !filter_sigs || (sig_mask & (1ULL << (sig - 1)));
}

/* -p and -c for any task, not only the current one. */
static __always_inline bool task_passes(__u32 tgid, const char *comm)
{
	int i;

	if (filter_pids && !bpf_map_lookup_elem(&pid_filter, &tgid))
		return false;
	if (!filter_comm)
		return true;
	for (i = 0; i < IPCSCOPE_COMM_LEN; i++) {
		if (comm[i] != target_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline int info_code(struct kernel_siginfo *info)
{
	unsigned long special = (unsigned long)info;

	/* SEND_SIG_NOINFO and SEND_SIG_PRIV are not pointers */
	if (special == 0)
		return SI_USER;
	if (special == 1)
		return SI_KERNEL;
	return BPF_CORE_READ(info, si_code);
}

static __always_inline void stamp_generate(__u32 id, __u64 born, int sig,
					   int group, __u64 now)
{
	struct sig_key key = { .id = id, .sig = sig, .group = group,
			       .born = born };
	struct sig_fifo *fifo, fresh = {};

	if (sig < SIGRTMIN_K) {
		bpf_map_update_elem(&sig_pending, &key, &now, BPF_ANY);
		return;
	}
	fifo = bpf_map_lookup_elem(&sig_fifos, &key);
	if (!fifo) {
		bpf_map_update_elem(&sig_fifos, &key, &fresh, BPF_NOEXIST);
		fifo = bpf_map_lookup_elem(&sig_fifos, &key);
		if (!fifo)
			return;
	}
	/* the target's siglock is held: no other update of this key */
	if (fifo->tail - fifo->head >= MAX_RT_QUEUED)
		fifo->head++;	/* drop the oldest rather than grow */
	key.seq = fifo->tail++;
	bpf_map_update_elem(&sig_pending, &key, &now, BPF_ANY);
}

/* The generate time of the signal being delivered, 0 when unknown. */
static __always_inline __u64 take_generate(__u32 id, __u64 born, int sig,
					   int group, bool *found)
{
	struct sig_key key = { .id = id, .sig = sig, .group = group,
			       .born = born };
	struct sig_fifo *fifo;
	__u64 *ts, when = 0;

	*found = false;
	if (sig < SIGRTMIN_K) {
		ts = bpf_map_lookup_elem(&sig_pending, &key);
		if (!ts)
			return 0;
		when = *ts;
		bpf_map_delete_elem(&sig_pending, &key);
		*found = true;
		return when;
	}
	fifo = bpf_map_lookup_elem(&sig_fifos, &key);
	if (!fifo || fifo->head == fifo->tail)
		return 0;
	key.seq = fifo->head++;
	*found = true;		/* this key's signal, time known or not */
	ts = bpf_map_lookup_elem(&sig_pending, &key);
	if (!ts)
		return 0;
	when = *ts;
	bpf_map_delete_elem(&sig_pending, &key);
	return when;
}

static __always_inline int on_generate(int sig, struct kernel_siginfo *info,
				       struct task_struct *task, int group,
				       int result)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 sender = pid_tgid >> 32;
	struct ipcscope_signal_generate_event *e;
	char sender_comm[IPCSCOPE_COMM_LEN];
	char tcomm[IPCSCOPE_COMM_LEN];
	__u32 ttgid, ttid;
	__u64 now;

	if (!sig_wanted(sig))
		return 0;
	ttgid = BPF_CORE_READ(task, tgid);
	ttid = BPF_CORE_READ(task, pid);
	if (sender == self_tgid || ttgid == self_tgid)
		return 0;
	now = bpf_ktime_get_ns();
	if (result == IPCSCOPE_SIG_DELIVERED ||
	    result == IPCSCOPE_SIG_LOSE_INFO)
		stamp_generate(group ? ttgid : ttid,
			       group ? BPF_CORE_READ(task, group_leader,
						     start_time) :
				       BPF_CORE_READ(task, start_time),
			       sig, !!group, now);

	BPF_CORE_READ_STR_INTO(&tcomm, task, comm);
	bpf_get_current_comm(sender_comm, sizeof(sender_comm));
	if (!task_passes(sender, sender_comm) && !task_passes(ttgid, tcomm))
		return 0;
	if (summary_mode) {
		/* per sender and signal; an error is a signal not queued */
		summary_add(IPCSCOPE_EV_SIGNAL_GENERATE, sig,
			    result == IPCSCOPE_SIG_DELIVERED ||
			    result == IPCSCOPE_SIG_LOSE_INFO ? 0 : -1, 0);
		if (!summary_events)
			return 0;
	}

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	fill_hdr(&e->hdr, IPCSCOPE_EV_SIGNAL_GENERATE, sizeof(*e));
	e->hdr.ts_ns = now;
	__builtin_memcpy(e->target_comm, tcomm, sizeof(e->target_comm));
	e->target_pid = ttgid;
	e->target_tid = ttid;
	e->sig = sig;
	e->code = info_code(info);
	e->result = result;
	e->group = !!group;
	e->tier = tier;
	e->pad0[0] = 0;
	e->pad0[1] = 0;
	submit_event(e);
	return 0;
}

static __always_inline int on_deliver(int sig, struct kernel_siginfo *info,
				      struct k_sigaction *ka)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct ipcscope_signal_deliver_event *e;
	struct task_struct *cur;
	unsigned long handler;
	__u64 when, now;
	bool found;

	if (!sig_wanted(sig) || tgid == self_tgid)
		return 0;
	now = bpf_ktime_get_ns();
	cur = (struct task_struct *)bpf_get_current_task();
	when = take_generate(tid, BPF_CORE_READ(cur, start_time), sig, 0,
			     &found);
	if (!found)
		when = take_generate(tgid, BPF_CORE_READ(cur, group_leader,
							 start_time),
				     sig, 1, &found);
	if (!task_wanted())
		return 0;
	if (summary_mode) {
		/* per receiver and signal; the duration is the latency */
		summary_add(IPCSCOPE_EV_SIGNAL_DELIVER, sig,
			    when && when <= now ? 0 : -1,
			    when && when <= now ? now - when : 0);
		if (!summary_events)
			return 0;
	}

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	fill_hdr(&e->hdr, IPCSCOPE_EV_SIGNAL_DELIVER, sizeof(*e));
	e->hdr.ts_ns = now;
	handler = (unsigned long)BPF_CORE_READ(ka, sa.sa_handler);
	e->handler = handler;
	e->sa_flags = BPF_CORE_READ(ka, sa.sa_flags);
	e->latency_known = when && when <= now;
	e->latency_ns = e->latency_known ? now - when : 0;
	e->sig = sig;
	e->code = info_code(info);
	e->action = handler == 0 ? IPCSCOPE_SIG_ACT_DEFAULT :
		    handler == 1 ? IPCSCOPE_SIG_ACT_IGNORE :
				   IPCSCOPE_SIG_ACT_HANDLER;
	e->tier = tier;
	__builtin_memset(e->pad0, 0, sizeof(e->pad0));
	submit_event(e);
	return 0;
}

/* fentry tier: BTF-typed raw tracepoints. */
SEC("tp_btf/signal_generate")
int BPF_PROG(sig_generate_btf, int sig, struct kernel_siginfo *info,
	     struct task_struct *task, int group, int result)
{
	return on_generate(sig, info, task, group, result);
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(sig_deliver_btf, int sig, struct kernel_siginfo *info,
	     struct k_sigaction *ka)
{
	return on_deliver(sig, info, ka);
}

/* kprobe and tracepoint tiers: raw tracepoints. */
SEC("raw_tp/signal_generate")
int BPF_PROG(sig_generate_raw, int sig, struct kernel_siginfo *info,
	     struct task_struct *task, int group, int result)
{
	return on_generate(sig, info, task, group, result);
}

SEC("raw_tp/signal_deliver")
int BPF_PROG(sig_deliver_raw, int sig, struct kernel_siginfo *info,
	     struct k_sigaction *ka)
{
	return on_deliver(sig, info, ka);
}
