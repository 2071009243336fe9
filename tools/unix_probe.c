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
#include "unix_decode.h"
#include "unix.skel.h"

#define NFUNCS 6

/*
 * The proto_ops functions of AF_UNIX sockets (net/unix/af_unix.c): taken
 * by address in unix_stream_ops, unix_dgram_ops and unix_seqpacket_ops,
 * so never inlined away; checked in BTF and kallsyms all the same.
 */
static const char *const unix_funcs[NFUNCS] = {
	"unix_stream_sendmsg", "unix_dgram_sendmsg", "unix_seqpacket_sendmsg",
	"unix_stream_recvmsg", "unix_dgram_recvmsg", "unix_seqpacket_recvmsg",
};

/* The skb tracepoint every tier reads a datagram's sender from: tp_btf
 * when the kernel's BTF types it, else raw_tp. */
static bool skb_tp_btf(const struct kernel_info *ki)
{
	return ipcs_syscall_hook(ki) == IPCSCOPE_HOOK_TP_BTF &&
	       kernel_has_btf_type(ki, "btf_trace_skb_copy_datagram_iovec",
				   BTF_KIND_TYPEDEF);
}

static void set_autoload(struct unix_bpf *skel, enum ipcscope_tier tier,
			 bool tp_btf)
{
	struct bpf_program *fentry[] = {
		skel->progs.unix_stream_sendmsg_fentry,
		skel->progs.unix_stream_sendmsg_fexit,
		skel->progs.unix_dgram_sendmsg_fentry,
		skel->progs.unix_dgram_sendmsg_fexit,
		skel->progs.unix_seqpacket_sendmsg_fentry,
		skel->progs.unix_seqpacket_sendmsg_fexit,
		skel->progs.unix_stream_recvmsg_fentry,
		skel->progs.unix_stream_recvmsg_fexit,
		skel->progs.unix_dgram_recvmsg_fentry,
		skel->progs.unix_dgram_recvmsg_fexit,
		skel->progs.unix_seqpacket_recvmsg_fentry,
		skel->progs.unix_seqpacket_recvmsg_fexit,
	};
	struct bpf_program *prog;
	unsigned int i;

	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, false);
	for (i = 0; i < sizeof(fentry) / sizeof(fentry[0]); i++)
		bpf_program__set_autoload(fentry[i],
					  tier == IPCSCOPE_TIER_FENTRY);
	if (tier == IPCSCOPE_TIER_KPROBE) {
		bpf_program__set_autoload(skel->progs.unix_stream_sendmsg_kprobe, true);
		bpf_program__set_autoload(skel->progs.unix_dgram_sendmsg_kprobe, true);
		bpf_program__set_autoload(skel->progs.unix_seqpacket_sendmsg_kprobe, true);
		bpf_program__set_autoload(skel->progs.unix_stream_recvmsg_kprobe, true);
		bpf_program__set_autoload(skel->progs.unix_dgram_recvmsg_kprobe, true);
		bpf_program__set_autoload(skel->progs.unix_seqpacket_recvmsg_kprobe, true);
		bpf_program__set_autoload(skel->progs.unix_kretprobe, true);
	}
	bpf_program__set_autoload(skel->progs.unix_skb_copy, tp_btf);
	bpf_program__set_autoload(skel->progs.unix_skb_copy_raw, !tp_btf);
	/* the tracepoint tier's handlers: family_probe_attach() */
}

static int unix_attach(struct family_probe *p, struct ipcs_error *err)
{
	struct unix_bpf *skel = p->skel;
	struct bpf_program *entry[NFUNCS] = {
		skel->progs.unix_stream_sendmsg_kprobe,
		skel->progs.unix_dgram_sendmsg_kprobe,
		skel->progs.unix_seqpacket_sendmsg_kprobe,
		skel->progs.unix_stream_recvmsg_kprobe,
		skel->progs.unix_dgram_recvmsg_kprobe,
		skel->progs.unix_seqpacket_recvmsg_kprobe,
	};
	struct bpf_program *skb = bpf_program__autoload(skel->progs.unix_skb_copy) ?
				  skel->progs.unix_skb_copy :
				  skel->progs.unix_skb_copy_raw;
	char what[96];
	int i;

	if (p->tier != IPCSCOPE_TIER_KPROBE)
		return family_attach_loaded(p, err);
	if (link_set_add(&p->links, bpf_program__attach(skb),
			 "skb_copy_datagram_iovec tracepoint", err))
		return -1;
	for (i = 0; i < NFUNCS; i++) {
		snprintf(what, sizeof(what), "kprobe to %s", unix_funcs[i]);
		if (link_set_add(&p->links, bpf_program__attach_kprobe(
				 entry[i], false, unix_funcs[i]), what, err))
			return -1;
		if (link_set_add_kretprobe(&p->links, skel->progs.unix_kretprobe,
					   unix_funcs[i], err))
			return -1;
	}
	return 0;
}

static int check_tier_prerequisites(const struct kernel_info *ki,
				    enum ipcscope_tier tier,
				    struct ipcs_error *err)
{
	unsigned int i;

	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		return 0;
	if (tier == IPCSCOPE_TIER_KPROBE && ipcs_mount_tracefs(err))
		return -1;
	if (tier == IPCSCOPE_TIER_KPROBE && !ipcs_kprobes_supported())
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "kernel has no kprobe support (no kprobe PMU, no kprobe_events)");
	for (i = 0; i < NFUNCS; i++) {
		if (!kernel_has_btf_func(ki, unix_funcs[i]))
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "%s is not in the kernel's BTF",
					 unix_funcs[i]);
		if (tier == IPCSCOPE_TIER_KPROBE &&
		    kallsyms_has(unix_funcs[i]) == 0)
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "%s is not in /proc/kallsyms",
					 unix_funcs[i]);
	}
	return 0;
}

static int unix_open(struct family_probe *p, const struct kernel_info *ki,
		     const struct trace_config *cfg, enum ipcscope_tier tier,
		     struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = cfg->btf_path);
	bool tp_btf = skb_tp_btf(ki);
	struct unix_bpf *skel;

	if (check_tier_prerequisites(ki, tier, err))
		return -1;
	skel = unix_bpf__open_opts(&opts);
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
	skel->rodata->target_ino = cfg->ino;
	skel->rodata->payload_max = cfg->summary ? 0 : cfg->payload_max;
	skel->rodata->target_path_len = cfg->unix_path_len;
	memcpy((char *)skel->rodata->target_path, cfg->unix_path,
	       sizeof(cfg->unix_path));
	set_autoload(skel, tier, tp_btf);
	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		snprintf(p->desc, sizeof(p->desc),
			 "%s tracepoints sys_enter/sys_exit for read, write, readv, writev, sendto, recvfrom, sendmsg, recvmsg",
			 ipcs_hook_name(ipcs_syscall_hook(ki)));
	else
		snprintf(p->desc, sizeof(p->desc),
			 "%s on unix_{stream,dgram,seqpacket}_{send,recv}msg",
			 ipcs_tier_name(tier));
	snprintf(p->desc + strlen(p->desc), sizeof(p->desc) - strlen(p->desc),
		 " (senders from %s/skb_copy_datagram_iovec)",
		 tp_btf ? "tp_btf" : "raw_tp");
	return 0;
}

static void unix_destroy(struct family_probe *p)
{
	unix_bpf__destroy(p->skel);
}

/* x86_64 numbers; read/write/readv/writev are shared with pipe */
static const struct ipcs_syscall_handler unix_syscalls[] = {
	{ SYS_read, "unix_sys_enter_read", "unix_sys_exit" },
	{ SYS_write, "unix_sys_enter_write", "unix_sys_exit" },
	{ SYS_readv, "unix_sys_enter_readv", "unix_sys_exit" },
	{ SYS_writev, "unix_sys_enter_writev", "unix_sys_exit" },
	{ SYS_recvfrom, "unix_sys_enter_recvfrom", "unix_sys_exit" },
	{ SYS_sendto, "unix_sys_enter_sendto", "unix_sys_exit" },
	{ SYS_recvmsg, "unix_sys_enter_recvmsg", "unix_sys_exit" },
	{ SYS_sendmsg, "unix_sys_enter_sendmsg", "unix_sys_exit" },
	{ -1, NULL, NULL },
};

const struct ipcs_family unix_family = {
	.name = "unix",
	.id = IPCSCOPE_FAM_UNIX,
	.events = unix_event_types,
	.what = "unix domain socket sends and receives",
	.open = unix_open,
	.attach = unix_attach,
	.destroy = unix_destroy,
	.print_header = unix_print_header,
	.syscalls = unix_syscalls,
	.payload_types = 1U << 0 | 1U << 1,	/* unix_send, unix_recv */
};
