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
#include "mq_decode.h"
#include "msgsender.h"
#include "mq.skel.h"

/*
 * do_mq_timedsend, do_mq_timedreceive and do_mq_notify are static in
 * ipc/mqueue.c, each called from its syscall (and the compat one): a
 * kernel may inline them, and then neither fentry nor kprobes can see
 * them.  BTF (fentry) and kallsyms (kprobes) say whether they are there
 * (6.1, 6.12 and 6.18 have all three); the syscall tracepoints always are.
 */
static const char *const mq_funcs[] = {
	"do_mq_timedsend", "do_mq_timedreceive", "do_mq_notify",
};

#define NFUNCS (sizeof(mq_funcs) / sizeof(mq_funcs[0]))

/* What the loader keeps: whether the pairing programs are in. */
struct mq_priv {
	bool pairing;
};

static void set_autoload(struct mq_bpf *skel, enum ipcscope_tier tier,
			 bool pairing)
{
	bool fentry = tier == IPCSCOPE_TIER_FENTRY;
	bool kprobe = tier == IPCSCOPE_TIER_KPROBE;

	msgsender_set_autoload(skel->obj, tier, pairing);
	bpf_program__set_autoload(skel->progs.mq_send_fentry, fentry);
	bpf_program__set_autoload(skel->progs.mq_send_fexit, fentry);
	bpf_program__set_autoload(skel->progs.mq_receive_fentry, fentry);
	bpf_program__set_autoload(skel->progs.mq_receive_fexit, fentry);
	bpf_program__set_autoload(skel->progs.mq_notify_fentry, fentry);
	bpf_program__set_autoload(skel->progs.mq_notify_fexit, fentry);
	bpf_program__set_autoload(skel->progs.mq_send_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.mq_receive_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.mq_notify_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.mq_kretprobe, kprobe);
	/* the tracepoint tier's handlers: family_probe_attach() */
}

/*
 * Entry kprobes through libbpf; one kretprobe program on each function,
 * with room for every task asleep in a send or receive (see
 * ipcs_attach_kretprobe).
 */
static int mq_attach(struct family_probe *p, struct ipcs_error *err)
{
	struct mq_bpf *skel = p->skel;
	struct mq_priv *priv = p->priv;
	struct bpf_program *entry[NFUNCS] = {
		skel->progs.mq_send_kprobe, skel->progs.mq_receive_kprobe,
		skel->progs.mq_notify_kprobe,
	};
	char what[96];
	unsigned int i;

	if (p->tier != IPCSCOPE_TIER_KPROBE)
		return family_attach_loaded(p, err);
	for (i = 0; i < NFUNCS; i++) {
		snprintf(what, sizeof(what), "kprobe to %s", mq_funcs[i]);
		if (link_set_add(&p->links, bpf_program__attach_kprobe(
				 entry[i], false, mq_funcs[i]), what, err))
			return -1;
		if (link_set_add_kretprobe(&p->links, skel->progs.mq_kretprobe,
					   mq_funcs[i], err))
			return -1;
	}
	if (!priv->pairing)
		return 0;
	return msgsender_attach_kprobes(skel->obj, &p->links, err);
}


static int mq_open(struct family_probe *p, const struct kernel_info *ki,
		   const struct trace_config *cfg, enum ipcscope_tier tier,
		   struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = cfg->btf_path);
	struct mq_priv *priv = calloc(1, sizeof(*priv));
	struct mq_bpf *skel;

	if (!priv)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	p->priv = priv;
	if (ipcs_check_kernel_funcs(ki, tier, mq_funcs, NFUNCS, err))
		return -1;
	priv->pairing = msgsender_possible(ki, tier);
	skel = mq_bpf__open_opts(&opts);
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
			 "%s tracepoints sys_enter/sys_exit for mq_timedsend, mq_timedreceive, mq_notify; senders from the queue model",
			 ipcs_hook_name(p->hook));
	else
		snprintf(p->desc, sizeof(p->desc),
			 "%s on do_mq_timedsend, do_mq_timedreceive, do_mq_notify%s",
			 ipcs_tier_name(tier), priv->pairing ?
			 "; senders from load_msg, store_msg, free_msg" :
			 " (no senders: load_msg, store_msg or free_msg missing)");
	return 0;
}

static void mq_destroy(struct family_probe *p)
{
	mq_bpf__destroy(p->skel);
	free(p->priv);
}

/* x86_64 numbers */
static const struct ipcs_syscall_handler mq_syscalls[] = {
	{ SYS_mq_timedsend, "mq_sys_enter_send", "mq_sys_exit" },
	{ SYS_mq_timedreceive, "mq_sys_enter_receive", "mq_sys_exit" },
	{ SYS_mq_notify, "mq_sys_enter_notify", "mq_sys_exit" },
	{ -1, NULL, NULL },
};

const struct ipcs_family mq_family = {
	.name = "mq",
	.id = IPCSCOPE_FAM_MQ,
	.events = mq_event_types,
	.what = "POSIX message queue operations",
	.open = mq_open,
	.attach = mq_attach,
	.destroy = mq_destroy,
	.print_header = mq_print_header,
	.syscalls = mq_syscalls,
	/* every task's calls: the tracepoint tier's queue model (msgpair.c) */
	.syscalls_all_tasks = true,
	/* mq_send, mq_receive: not mq_notify, which moves no bytes */
	.payload_types = 1U << 0 | 1U << 1,
};
