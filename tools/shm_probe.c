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
#include "shm_decode.h"
#include "shm.skel.h"

/*
 * Every tier uses the syscall dispatcher's handlers (bpf/shm.bpf.c says
 * why; syscalls_every_tier below): the events say tp_btf or raw_tp in
 * `tier`, whatever --probe asked, and a kernel without kprobes or BPF
 * trampolines still gets them at those tiers.
 */
static int shm_open_probe(struct family_probe *p, const struct kernel_info *ki,
			  const struct trace_config *cfg,
			  enum ipcscope_tier tier, struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = cfg->btf_path);
	struct shm_bpf *skel;

	skel = shm_bpf__open_opts(&opts);
	if (!skel)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot open BPF object: %s",
				 ipcs_strerr(-errno));
	p->skel = skel;
	p->obj = skel->obj;
	p->hook = ipcs_syscall_hook(ki);
	IPCS_SET_COMMON_RODATA(skel, cfg, p->hook);
	skel->rodata->use_task_storage = p->task_storage;
	snprintf(p->desc, sizeof(p->desc),
		 "%s sys_enter/sys_exit for shmget, shmat, shmdt, shmctl, memfd_create, openat of /dev/shm%s",
		 ipcs_hook_name(p->hook),
		 tier == IPCSCOPE_TIER_TRACEPOINT ? "" :
		 " (no kernel function: the syscall hooks in every tier)");
	return 0;
}

static void shm_destroy(struct family_probe *p)
{
	shm_bpf__destroy(p->skel);
}

/* x86_64 numbers */
static const struct ipcs_syscall_handler shm_syscalls[] = {
	{ SYS_shmget, "shm_sys_enter_shmget", "shm_sys_exit" },
	{ SYS_shmat, "shm_sys_enter_shmat", "shm_sys_exit" },
	{ SYS_shmdt, "shm_sys_enter_shmdt", "shm_sys_exit" },
	{ SYS_shmctl, "shm_sys_enter_shmctl", "shm_sys_exit" },
	{ SYS_memfd_create, "shm_sys_enter_memfd", "shm_sys_exit" },
	/* shm_open: libc opens /dev/shm/NAME */
	{ SYS_openat, "shm_sys_enter_openat", "shm_sys_exit" },
	/* MAP_SHARED mappings of shm objects and memfds */
	{ SYS_mmap, "shm_sys_enter_mmap", "shm_sys_exit" },
	{ SYS_munmap, "shm_sys_enter_munmap", "shm_sys_exit" },
	{ -1, NULL, NULL },
};

const struct ipcs_family shm_family = {
	.name = "shm",
	.id = IPCSCOPE_FAM_SHM,
	.events = shm_event_types,
	.what = "shared memory: SysV segments, memfd_create, shm_open, shared mmap",
	.open = shm_open_probe,
	.destroy = shm_destroy,
	.print_header = shm_print_header,
	.syscalls = shm_syscalls,
	.syscalls_every_tier = true,
};
