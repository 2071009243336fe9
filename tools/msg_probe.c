// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "family.h"
#include "msg_decode.h"
#include "msg.skel.h"

/*
 * do_msgsnd and do_msgrcv are static in ipc/msg.c: a kernel may inline
 * them into ksys_msgsnd/ksys_msgrcv, and then neither fentry nor kprobes
 * can see them.  BTF (fentry) and kallsyms (kprobes) say whether they are
 * there; the syscall tracepoints always are.
 */
static const char *const msg_funcs[] = { "do_msgsnd", "do_msgrcv" };

static void set_autoload(struct msg_bpf *skel, enum ipcscope_tier tier)
{
	bool fentry = tier == IPCSCOPE_TIER_FENTRY;
	bool kprobe = tier == IPCSCOPE_TIER_KPROBE;
	bool tp = tier == IPCSCOPE_TIER_TRACEPOINT;

	bpf_program__set_autoload(skel->progs.msgsnd_fentry, fentry);
	bpf_program__set_autoload(skel->progs.msgsnd_fexit, fentry);
	bpf_program__set_autoload(skel->progs.msgrcv_fentry, fentry);
	bpf_program__set_autoload(skel->progs.msgrcv_fexit, fentry);
	bpf_program__set_autoload(skel->progs.msgsnd_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.msgrcv_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.msgsnd_kretprobe, kprobe);
	bpf_program__set_autoload(skel->progs.msgrcv_kretprobe, kprobe);
	bpf_program__set_autoload(skel->progs.tp_enter_msgsnd, tp);
	bpf_program__set_autoload(skel->progs.tp_enter_msgrcv, tp);
	bpf_program__set_autoload(skel->progs.tp_exit_msgsnd, tp);
	bpf_program__set_autoload(skel->progs.tp_exit_msgrcv, tp);
}

/*
 * Entry kprobes through libbpf; the kretprobes with room for every task
 * asleep in msgsnd or msgrcv (see ipcs_attach_kretprobe).
 */
static int msg_attach(struct family_probe *p, struct ipcs_error *err)
{
	struct bpf_program *entry[2], *ret[2];
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
	return 0;
}

static int check_tier_prerequisites(const struct kernel_info *ki,
				    enum ipcscope_tier tier,
				    struct ipcs_error *err)
{
	unsigned int i;

	/* tracepoints and kretprobe events both need tracefs */
	if (tier != IPCSCOPE_TIER_FENTRY && ipcs_mount_tracefs(err))
		return -1;
	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		return 0;
	if (tier == IPCSCOPE_TIER_KPROBE && !ipcs_kprobes_supported())
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "kernel has no kprobe support (no kprobe PMU, no kprobe_events)");
	for (i = 0; i < sizeof(msg_funcs) / sizeof(msg_funcs[0]); i++) {
		if (!kernel_has_btf_func(ki, msg_funcs[i]))
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "%s is not in the kernel's BTF (inlined?)",
					 msg_funcs[i]);
		if (tier == IPCSCOPE_TIER_KPROBE && kallsyms_has(msg_funcs[i]) == 0)
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "%s is not in /proc/kallsyms (inlined?)",
					 msg_funcs[i]);
	}
	return 0;
}

static int msg_open(struct family_probe *p, const struct kernel_info *ki,
		    const struct trace_config *cfg, enum ipcscope_tier tier,
		    struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = cfg->btf_path);
	struct msg_bpf *skel;

	if (check_tier_prerequisites(ki, tier, err))
		return -1;
	skel = msg_bpf__open_opts(&opts);
	if (!skel)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot open BPF object: %s",
				 ipcs_strerr(-errno));
	p->skel = skel;
	p->obj = skel->obj;
	IPCS_SET_COMMON_RODATA(skel, cfg, tier);
	set_autoload(skel, tier);
	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		snprintf(p->desc, sizeof(p->desc),
			 "tracepoint on syscalls:sys_{enter,exit}_{msgsnd,msgrcv}");
	else
		snprintf(p->desc, sizeof(p->desc), "%s on do_msgsnd, do_msgrcv",
			 ipcs_tier_name(tier));
	return 0;
}

static void msg_destroy(struct family_probe *p)
{
	msg_bpf__destroy(p->skel);
}

const struct ipcs_family msg_family = {
	.name = "msg",
	.what = "SysV message queue operations",
	.open = msg_open,
	.attach = msg_attach,
	.destroy = msg_destroy,
	.print_header = msg_print_header,
};
