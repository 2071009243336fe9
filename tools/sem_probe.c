// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "family.h"
#include "syscalls.h"
#include "sem_decode.h"
#include "sem.skel.h"

/*
 * The kernel's semtimedop implementation, in order of preference, found
 * by name in BTF (and kallsyms for kprobes), never by kernel version:
 *
 *  do_semtimedop    static; every semop/semtimedop passes through it, the
 *                   E2BIG, EINVAL and EFAULT of the copy-in included; its
 *                   sops still points to user memory;
 *  __do_semtimedop  global (T in kallsyms on 6.1, 6.12 and 6.18); gets the
 *                   kernel's copy of sops, after those early checks.
 *
 * Both take (semid, sops, nsops, const struct timespec64 *timeout, ...).
 */
struct sem_func {
	const char *name;
	bool sops_user;
};

static const struct sem_func sem_funcs[] = {
	{ "do_semtimedop", true },
	{ "__do_semtimedop", false },
};

#define NFUNCS (sizeof(sem_funcs) / sizeof(sem_funcs[0]))

/* The first candidate the tier can attach to, or NULL with a reason. */
static const struct sem_func *find_sem_func(const struct kernel_info *ki,
					    enum ipcscope_tier tier,
					    struct ipcs_error *err)
{
	unsigned int i;
	bool in_btf = false;

	for (i = 0; i < NFUNCS; i++) {
		if (!kernel_has_btf_func(ki, sem_funcs[i].name))
			continue;
		in_btf = true;
		if (tier != IPCSCOPE_TIER_KPROBE ||
		    kallsyms_has(sem_funcs[i].name) != 0)
			return &sem_funcs[i];
	}
	if (in_btf)
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "neither do_semtimedop nor __do_semtimedop is in /proc/kallsyms (inlined?)");
	else
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "kernel BTF has neither do_semtimedop nor __do_semtimedop");
	return NULL;
}

static void set_autoload(struct sem_bpf *skel, enum ipcscope_tier tier,
			 const struct sem_func *fn)
{
	bool fentry = tier == IPCSCOPE_TIER_FENTRY;
	bool kprobe = tier == IPCSCOPE_TIER_KPROBE;

	bpf_program__set_autoload(skel->progs.sem_fentry, fentry);
	bpf_program__set_autoload(skel->progs.sem_fexit, fentry);
	if (fentry) {
		bpf_program__set_attach_target(skel->progs.sem_fentry, 0,
					       fn->name);
		bpf_program__set_attach_target(skel->progs.sem_fexit, 0,
					       fn->name);
	}
	bpf_program__set_autoload(skel->progs.sem_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.sem_kretprobe, kprobe);
	/* the tracepoint tier's handlers: family_probe_attach() */
}

/* What the loader keeps: the function it found. */
struct sem_priv {
	const struct sem_func *fn;
};

/*
 * Every task asleep in a P holds a kretprobe slot until it returns, so the
 * kretprobe gets IPCS_KRETPROBE_MAXACTIVE slots rather than the kernel's
 * default (10 on a 2-CPU machine: the 11th sleeper's event was lost).
 */
static int sem_attach(struct family_probe *p, struct ipcs_error *err)
{
	struct sem_priv *priv = p->priv;
	const struct sem_func *fn = priv->fn;
	struct sem_bpf *skel = p->skel;
	char what[96];

	if (p->tier != IPCSCOPE_TIER_KPROBE)
		return family_attach_loaded(p, err);
	snprintf(what, sizeof(what), "kprobe to %s", fn->name);
	if (link_set_add(&p->links, bpf_program__attach_kprobe(
			 skel->progs.sem_kprobe, false, fn->name), what, err))
		return -1;
	return link_set_add_kretprobe(&p->links, skel->progs.sem_kretprobe,
				      fn->name, err);
}

static int sem_open(struct family_probe *p, const struct kernel_info *ki,
		    const struct trace_config *cfg, enum ipcscope_tier tier,
		    struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = cfg->btf_path);
	const struct sem_func *fn = NULL;
	struct sem_priv *priv = calloc(1, sizeof(*priv));
	struct sem_bpf *skel;

	if (!priv)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	p->priv = priv;
	/* kretprobe events need tracefs */
	if (tier == IPCSCOPE_TIER_KPROBE && ipcs_mount_tracefs(err))
		return -1;
	if (tier != IPCSCOPE_TIER_TRACEPOINT) {
		if (tier == IPCSCOPE_TIER_KPROBE && !ipcs_kprobes_supported())
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "kernel has no kprobe support (no kprobe PMU, no kprobe_events)");
		fn = find_sem_func(ki, tier, err);
		if (!fn)
			return -1;
	}
	priv->fn = fn;
	skel = sem_bpf__open_opts(&opts);
	if (!skel)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot open BPF object: %s",
				 ipcs_strerr(-errno));
	p->skel = skel;
	p->obj = skel->obj;
	p->hook = tier == IPCSCOPE_TIER_TRACEPOINT ? ipcs_syscall_hook(ki) :
		  ipcs_tier_hook(tier);
	IPCS_SET_COMMON_RODATA(skel, cfg, p->hook);
	skel->rodata->use_task_storage = p->task_storage;
	skel->rodata->sops_user = fn ? fn->sops_user : true;
	set_autoload(skel, tier, fn);
	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		snprintf(p->desc, sizeof(p->desc),
			 "%s tracepoints sys_enter/sys_exit for semop, semtimedop",
			 ipcs_hook_name(p->hook));
	else
		snprintf(p->desc, sizeof(p->desc), "%s on %s",
			 ipcs_tier_name(tier), fn->name);
	return 0;
}

static void sem_destroy(struct family_probe *p)
{
	struct sem_priv *priv = p->priv;

	sem_bpf__destroy(p->skel);
	free(priv);
}

/* x86_64 numbers */
static const struct ipcs_syscall_handler sem_syscalls[] = {
	{ SYS_semop, "sem_sys_enter_semop", "sem_sys_exit" },
	{ SYS_semtimedop, "sem_sys_enter_semtimedop", "sem_sys_exit" },
	{ -1, NULL, NULL },
};

const struct ipcs_family sem_family = {
	.name = "sem",
	.id = IPCSCOPE_FAM_SEM,
	.events = sem_event_types,
	.what = "SysV semaphore operations",
	.open = sem_open,
	.attach = sem_attach,
	.destroy = sem_destroy,
	.print_header = sem_print_header,
	.syscalls = sem_syscalls,
};
