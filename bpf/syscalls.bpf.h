/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracepoint tier's syscall handlers.  One dispatcher
 * (bpf/syscalls.bpf.c) sits on the raw sys_enter and sys_exit tracepoints
 * and tail-calls, by syscall number, the handler a family's object
 * provides for it; the family's loader table (tools/family.h) says which
 * program handles which syscall.  Each handler comes in two flavours of
 * the same code: tp_btf (typed struct pt_regs, read directly) and raw_tp
 * (for kernels that refuse tp_btf; the registers are read with
 * bpf_probe_read_kernel).  A tail call needs the same program type and
 * hook on both sides, so the collector loads the one flavour it also
 * gives the dispatcher.
 *
 * Arguments are x86_64's syscall registers; the dispatcher has already
 * checked the syscall number, the task filters and that the task is not
 * in a 32-bit (compat) syscall, whose numbers are another table.
 */
#ifndef IPCSCOPE_SYSCALLS_BPF_H
#define IPCSCOPE_SYSCALLS_BPF_H

#include "common.bpf.h"

/*
 * Several families may handle one syscall (read(2) on a pipe is the pipe
 * family's, on a unix socket the unix family's).  The dispatcher's program
 * arrays hold a handler per (family, syscall): key family id *
 * SYSCALLS_MAX + nr.  The dispatcher tail-calls the first family that has
 * one; each handler, when done, tail-calls the next family's (family ids
 * in increasing order), so every family sees every call of its syscalls.
 * A tail call to an empty slot fails and falls through to the next slot.
 * Every object with handlers declares the arrays; the collector makes
 * them all share the dispatcher's (bpf_map__reuse_fd) before load.
 *
 * SYSCALL_FAMILY: the including object's family id (enum
 * ipcscope_family_id), defined before this header; the default, the last
 * slot, chains to no one after it.
 */
#define SYSCALLS_MAX	512	/* x86_64 has fewer than 470 */
#define SYSCALL_SLOTS	8	/* family ids 1..7 */

#ifndef SYSCALL_FAMILY
#define SYSCALL_FAMILY	(SYSCALL_SLOTS - 1)
#endif

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SYSCALLS_MAX * SYSCALL_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} enter_progs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SYSCALLS_MAX * SYSCALL_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} exit_progs SEC(".maps");

/* Tail-call the handler of syscall @id of the first family >= @from that
 * has one; returns only when none has. */
static __always_inline void syscall_chain(void *ctx, void *progs, long id,
					  __u32 from)
{
	__u32 slot;

	if (id < 0 || id >= SYSCALLS_MAX)
		return;
#pragma unroll
	for (slot = 1; slot < SYSCALL_SLOTS; slot++)
		if (slot >= from)
			bpf_tail_call(ctx, progs, slot * SYSCALLS_MAX + id);
}

/*
 * A syscall whose handlers asked for every task (struct
 * ipcs_syscall_handler.all_tasks) reaches them whatever -p and -c say;
 * the handler applies task_wanted() itself and may keep an unwanted task's
 * call for the collector's own use (tools/msgpair.c: a queue's model
 * needs every send and receive).  True in such a handler for any task
 * but the collector.
 */
static __always_inline bool model_task(void)
{
	return syscall_dispatched() &&
	       (bpf_get_current_pid_tgid() >> 32) != self_tgid;
}

/* Argument @n (0-based) of the syscall being entered. */
static __always_inline unsigned long sc_arg(struct pt_regs *regs, int n,
					    bool btf)
{
	switch (n) {
	case 0:
		return btf ? regs->di : BPF_CORE_READ(regs, di);
	case 1:
		return btf ? regs->si : BPF_CORE_READ(regs, si);
	case 2:
		return btf ? regs->dx : BPF_CORE_READ(regs, dx);
	case 3:
		return btf ? regs->r10 : BPF_CORE_READ(regs, r10);
	case 4:
		return btf ? regs->r8 : BPF_CORE_READ(regs, r8);
	}
	return btf ? regs->r9 : BPF_CORE_READ(regs, r9);
}

/*
 * SYSCALL_ENTER(name, fn): programs name (tp_btf) and name_raw (raw_tp) on
 * sys_enter, each calling fn(regs, btf).  SYSCALL_EXIT(name, fn): the same
 * on sys_exit, calling fn(ret).
 */
#define SYSCALL_ENTER(name, fn)						\
SEC("tp_btf/sys_enter")							\
int BPF_PROG(name, struct pt_regs *regs, long id)			\
{									\
	fn(regs, true);							\
	syscall_chain(ctx, &enter_progs, id, SYSCALL_FAMILY + 1);	\
	return 0;							\
}									\
SEC("raw_tp/sys_enter")							\
int BPF_PROG(name##_raw, struct pt_regs *regs, long id)			\
{									\
	fn(regs, false);						\
	syscall_chain(ctx, &enter_progs, id, SYSCALL_FAMILY + 1);	\
	return 0;							\
}

/* orig_ax: the syscall number, kept by the entry code (x86) */
#define SYSCALL_EXIT(name, fn)						\
SEC("tp_btf/sys_exit")							\
int BPF_PROG(name, struct pt_regs *regs, long ret)			\
{									\
	fn(ret);							\
	syscall_chain(ctx, &exit_progs, regs->orig_ax,			\
		      SYSCALL_FAMILY + 1);				\
	return 0;							\
}									\
SEC("raw_tp/sys_exit")							\
int BPF_PROG(name##_raw, struct pt_regs *regs, long ret)		\
{									\
	fn(ret);							\
	syscall_chain(ctx, &exit_progs, BPF_CORE_READ(regs, orig_ax),	\
		      SYSCALL_FAMILY + 1);				\
	return 0;							\
}

#endif /* IPCSCOPE_SYSCALLS_BPF_H */
