/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracepoint tier's syscall dispatcher (bpf/syscalls.bpf.c): one
 * sys_enter and one sys_exit program for every family, tail-calling each
 * family's handlers by syscall number.  Loaded and attached when the first
 * family registers, destroyed when the last one leaves.
 */
#ifndef IPCSCOPE_SYSCALLS_H
#define IPCSCOPE_SYSCALLS_H

#include "family.h"

/*
 * The hook the dispatcher and the handlers use: IPCSCOPE_HOOK_TP_BTF when
 * the running kernel has BTF with the sys_enter/sys_exit tracepoint types
 * (and IPCSCOPE_NO_TP_BTF is not set, a debugging knob), else
 * IPCSCOPE_HOOK_RAW_TP.  Decided once per run, by the first call with
 * @ki; NULL asks for the decision made.
 */
enum ipcscope_hook ipcs_syscall_hook(const struct kernel_info *ki);

/*
 * Turn on the handlers of p->family for the syscall numbers in its table:
 * the programs of p->obj named there (flavour of ipcs_syscall_hook()) go
 * into the dispatcher's program arrays.  p->obj is loaded; its shared maps
 * are the dispatcher's too.
 */
int syscalls_register(struct family_probe *p, const struct trace_config *cfg,
		      struct ipcs_error *err);
/*
 * Before p->obj is loaded: make its handler program arrays the
 * dispatcher's (several families may handle one syscall; each handler
 * tail-calls the next family's, see bpf/syscalls.bpf.h).
 */
int syscalls_share_progs(struct family_probe *p, struct ipcs_error *err);
/* Take p's handlers out again; the last one out destroys the dispatcher. */
void syscalls_unregister(struct family_probe *p);

/* Is @prog one of @family's syscall handlers (either flavour)? */
bool syscalls_is_handler(const struct ipcs_family *family,
			 const struct bpf_program *prog);
/* Autoload the handlers of the flavour in use when @on, none otherwise. */
void syscalls_set_autoload(const struct family_probe *p, bool on);

/* Runs of the dispatcher's programs the kernel skipped (family.h). */
__u64 syscalls_recursion_misses(void);

#endif /* IPCSCOPE_SYSCALLS_H */
