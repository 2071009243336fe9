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
#include "msg_decode.h"
#include "msgsender.h"
#include "msg.skel.h"

/*
 * do_msgsnd and do_msgrcv are static in ipc/msg.c: a kernel may inline
 * them into ksys_msgsnd/ksys_msgrcv, and then neither fentry nor kprobes
 * can see them.  BTF (fentry) and kallsyms (kprobes) say whether they are
 * there; the syscall tracepoints always are.
 */
static const char *const msg_funcs[] = { "do_msgsnd", "do_msgrcv" };

/* What the loader keeps: whether the pairing programs are in. */
struct msg_priv {
	bool pairing;
};

static void set_autoload(struct msg_bpf *skel, enum ipcscope_tier tier,
			 bool pairing)
{
	bool fentry = tier == IPCSCOPE_TIER_FENTRY;
	bool kprobe = tier == IPCSCOPE_TIER_KPROBE;

	msgsender_set_autoload(skel->obj, tier, pairing);
	bpf_program__set_autoload(skel->progs.msgsnd_fentry, fentry);
	bpf_program__set_autoload(skel->progs.msgsnd_fexit, fentry);
	bpf_program__set_autoload(skel->progs.msgrcv_fentry, fentry);
	bpf_program__set_autoload(skel->progs.msgrcv_fexit, fentry);
	bpf_program__set_autoload(skel->progs.msgsnd_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.msgrcv_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.msgsnd_kretprobe, kprobe);
	bpf_program__set_autoload(skel->progs.msgrcv_kretprobe, kprobe);
	/* the tracepoint tier's handlers: family_probe_attach() */
}

/*
 * Entry kprobes through libbpf; the kretprobes with room for every task
 * asleep in msgsnd or msgrcv (see ipcs_attach_kretprobe).
 */
static int msg_attach(struct family_probe *p, struct ipcs_error *err)
{
	struct bpf_program *entry[2], *ret[2];
	struct msg_priv *priv = p->priv;
	struct msg_bpf *skel = p->skel;
	char what[96];
	int i;

	if (p->tier != IPCSCOPE_TIER_KPROBE)
		return family_attach_loaded(p, err);
	entry[0] = skel->progs.msgsnd_kprobe;
	entry[1] = skel->progs.msgrcv_kprobe;
	ret[0] = skel->progs.msgsnd_kretprobe;
	ret[1] = skel->progs.msgrcv_kretprobe;
	for (i = 0; i < 2; i++) {
		snprintf(what, sizeof(what), "kprobe to %s", msg_funcs[i]);
		if (link_set_add(&p->links, bpf_program__attach_kprobe(
				 entry[i], false, msg_funcs[i]), what, err))
			return -1;
		if (link_set_add_kretprobe(&p->links, ret[i], msg_funcs[i],
					   err))
			return -1;
	}
	if (!priv->pairing)
		return 0;
	return msgsender_attach_kprobes(skel->obj, &p->links, err);
}


static int msg_open(struct family_probe *p, const struct kernel_info *ki,
		    const struct trace_config *cfg, enum ipcscope_tier tier,
		    struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = cfg->btf_path);
	struct msg_priv *priv = calloc(1, sizeof(*priv));
	struct msg_bpf *skel;

	if (!priv)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	p->priv = priv;
	if (ipcs_check_kernel_funcs(ki, tier, msg_funcs, sizeof(msg_funcs) / sizeof(msg_funcs[0]), err))
		return -1;
	priv->pairing = msgsender_possible(ki, tier);
	skel = msg_bpf__open_opts(&opts);
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
	skel->rodata->payload_max = cfg->summary ? 0 : cfg->payload_max;
	set_autoload(skel, tier, priv->pairing);
	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		snprintf(p->desc, sizeof(p->desc),
			 "%s tracepoints sys_enter/sys_exit for msgsnd, msgrcv; senders from the queue model",
			 ipcs_hook_name(p->hook));
	else
		snprintf(p->desc, sizeof(p->desc), "%s on do_msgsnd, do_msgrcv%s",
			 ipcs_tier_name(tier), priv->pairing ?
			 "; senders from load_msg, store_msg, free_msg" : "");
	return 0;
}

static void msg_destroy(struct family_probe *p)
{
	msg_bpf__destroy(p->skel);
	free(p->priv);
}

/* x86_64 numbers */
static const struct ipcs_syscall_handler msg_syscalls[] = {
	{ SYS_msgsnd, "msg_sys_enter_msgsnd", "msg_sys_exit" },
	{ SYS_msgrcv, "msg_sys_enter_msgrcv", "msg_sys_exit" },
	{ -1, NULL, NULL },
};

const struct ipcs_family msg_family = {
	.name = "msg",
	.id = IPCSCOPE_FAM_MSG,
	.events = msg_event_types,
	.what = "SysV message queue operations",
	.open = msg_open,
	.attach = msg_attach,
	.destroy = msg_destroy,
	.print_header = msg_print_header,
	.syscalls = msg_syscalls,
	/* every task's calls: the tracepoint tier's queue model (msgpair.c) */
	.syscalls_all_tasks = true,
	.payload_types = 1U << 0 | 1U << 1,	/* msgsnd, msgrcv */
};
