// SPDX-License-Identifier: GPL-2.0
/*
 * --peers: who made a task runnable.  One program on sched_waking for the
 * whole machine (tp_btf; raw_tp where the kernel has no BTF to attach by),
 * loaded only with --peers or graph.  It looks the wakee up in `wakes`,
 * which the families' objects share (wakes.bpf.h): a task in a call that
 * armed its record gets the waker written there, or "from interrupt" when
 * the wakeup runs in an interrupt (hardirq or softirq), where `current` is
 * just whichever task was interrupted.  Every other wakeup costs a failed
 * hash lookup.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "ipcscope.h"
#include "wakes.bpf.h"

/*
 * Is the wakeup running in interrupt context?  The per-CPU preempt_count
 * says so, but BPF reaches per-CPU data only through ksyms, which need
 * CONFIG_KALLSYMS_ALL (this host has none).  The kernel's own stack says
 * so too: an interrupt's frames start at its entry stub, which lives in
 * .irqentry.text (asm_sysvec_*, asm_common_interrupt), and softirqs run
 * from __do_softirq in .softirqentry.text.  The collector gives the two
 * ranges from /proc/kallsyms; a wakeup with a frame in either is from an
 * interrupt.  Softirqs run in ksoftirqd count as that task's.  The walk
 * costs a stack unwind, but only for the wakeup of a task in a traced
 * call: every other wakeup stops at the hash lookup.
 */
const volatile __u64 irqentry_start, irqentry_end;
const volatile __u64 softirqentry_start, softirqentry_end;

#define STACK_FRAMES	48

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[STACK_FRAMES]);
} stack_buf SEC(".maps");

static __always_inline bool in_interrupt(void *ctx)
{
	__u32 zero = 0;
	__u64 *ips = bpf_map_lookup_elem(&stack_buf, &zero);
	long n;
	int i;

	if (!ips)
		return false;
	n = bpf_get_stack(ctx, ips, STACK_FRAMES * sizeof(__u64), 0);
	if (n <= 0)
		return false;
	n /= sizeof(__u64);
	for (i = 0; i < STACK_FRAMES; i++) {
		__u64 ip;

		if (i >= n)
			break;
		ip = ips[i];
		if ((ip >= irqentry_start && ip < irqentry_end) ||
		    (ip >= softirqentry_start && ip < softirqentry_end))
			return true;
	}
	return false;
}

static __always_inline int on_waking(void *ctx, __u32 wakee)
{
	struct wake_rec *r = bpf_map_lookup_elem(&wakes, &wakee);
	__u64 pid_tgid;

	if (!r || r->state == WAKE_IDLE)
		return 0;
	if (in_interrupt(ctx)) {
		r->state = WAKE_BY_IRQ;
		return 0;
	}
	pid_tgid = bpf_get_current_pid_tgid();
	r->waker_pid = pid_tgid >> 32;
	r->waker_tid = (__u32)pid_tgid;
	bpf_get_current_comm(r->waker_comm, sizeof(r->waker_comm));
	r->state = WAKE_BY_TASK;
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(peers_waking, struct task_struct *p)
{
	return on_waking(ctx, p->pid);
}

SEC("raw_tp/sched_waking")
int BPF_PROG(peers_waking_raw, struct task_struct *p)
{
	return on_waking(ctx, BPF_CORE_READ(p, pid));
}

char LICENSE[] SEC("license") = "GPL";
