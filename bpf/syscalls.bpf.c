// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoint tier's syscall dispatcher: one program on the raw
 * sys_enter tracepoint and one on sys_exit for every family, instead of a
 * syscalls:sys_{enter,exit}_NAME pair per syscall and family.  Each
 * program checks, cheapest first, that
 *
 *  1. some family handles this syscall number (a bitmap in .bss, which the
 *     collector fills as families register: no map lookup);
 *  2. the task passes the self, -p and -c filters (task_wanted()), or the
 *     syscall's handlers want every task but the collector (a second
 *     bitmap: the message queue families, whose model in the collector
 *     must see every send and receive on a queue);
 *  3. (sys_enter) the task is in a 64-bit syscall: the numbers are
 *     x86_64's, a 32-bit task's read is another number's syscall;
 *
 * and tail-calls the first family's handler for this syscall number in
 * enter_progs or exit_progs, which passes it on to the next family's
 * (syscalls.bpf.h: several families may share a syscall).  The collector loads the handlers (same
 * program type and hook as the dispatcher, which a tail call requires)
 * without attaching them and puts them in these arrays.  Why tail calls
 * and not one object: each family keeps its handlers, maps and rodata in
 * its own object; the tracepoint's cost per syscall stays one program
 * run whatever the number of families.
 *
 * Two flavours, loaded one or the other: tp_btf (typed arguments, read
 * directly) and raw_tp, for kernels whose tp_btf is refused.
 */
#include "common.bpf.h"
#include "syscalls.bpf.h"

#define TS_COMPAT	0x0002	/* thread_info.status: 32-bit syscall */

const volatile __u8 tier = IPCSCOPE_TIER_TRACEPOINT;

/* bit nr: a handler is registered for syscall nr (written by the
 * collector through the mmap of .bss, also after load) */
__u64 wanted_syscalls[SYSCALLS_MAX / 64];

/* bit nr: syscall nr's handlers filter tasks themselves */
__u64 all_task_syscalls[SYSCALLS_MAX / 64];

static __always_inline bool syscall_wanted(unsigned long id)
{
	if (id >= SYSCALLS_MAX)
		return false;
	return wanted_syscalls[id / 64] & (1ULL << (id % 64));
}

/*
 * The task filters, unless a family needs every task's calls: --peers
 * (pipe `from` counts every writer's bytes) and the msg/mq queue model (a
 * send by any task moves the queue); their handlers filter what they print.
 */
static __always_inline bool dispatch_task(unsigned long id)
{
	if (peers_mode)
		return bpf_get_current_pid_tgid() >> 32 != self_tgid;
	if (task_wanted())
		return true;
	if (id >= SYSCALLS_MAX)
		return false;
	return (all_task_syscalls[id / 64] & (1ULL << (id % 64))) &&
	       (bpf_get_current_pid_tgid() >> 32) != self_tgid;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(dispatch_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task;

	if (!syscall_wanted(id) || !dispatch_task(id))
		return 0;
	task = bpf_get_current_task_btf();
	if (task->thread_info.status & TS_COMPAT)
		return 0;
	syscall_chain(ctx, &enter_progs, id, 1);
	return 0;
}

/* orig_ax: the syscall number, kept by the entry code (x86) */
SEC("tp_btf/sys_exit")
int BPF_PROG(dispatch_exit, struct pt_regs *regs, long ret)
{
	long id = regs->orig_ax;
	struct task_struct *task;

	if (!syscall_wanted(id) || !dispatch_task(id))
		return 0;
	/* a 32-bit call's number means another syscall: its entry was
	 * passed over, so is its exit */
	task = bpf_get_current_task_btf();
	if (task->thread_info.status & TS_COMPAT)
		return 0;
	syscall_chain(ctx, &exit_progs, id, 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(dispatch_enter_raw, struct pt_regs *regs, long id)
{
	struct task_struct *task;

	if (!syscall_wanted(id) || !dispatch_task(id))
		return 0;
	task = (void *)bpf_get_current_task();
	if (BPF_CORE_READ(task, thread_info.status) & TS_COMPAT)
		return 0;
	syscall_chain(ctx, &enter_progs, id, 1);
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(dispatch_exit_raw, struct pt_regs *regs, long ret)
{
	long id = BPF_CORE_READ(regs, orig_ax);
	struct task_struct *task;

	if (!syscall_wanted(id) || !dispatch_task(id))
		return 0;
	task = (void *)bpf_get_current_task();
	if (BPF_CORE_READ(task, thread_info.status) & TS_COMPAT)
		return 0;
	syscall_chain(ctx, &exit_progs, id, 1);
	return 0;
}
