// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "family.h"
#include "signal_decode.h"
#include "signal.skel.h"

/*
 * Signals come from the signal:signal_generate and signal:signal_deliver
 * tracepoints in every tier (see bpf/signal.bpf.c): tp_btf programs for
 * the fentry tier, raw_tp programs for the kprobe and tracepoint tiers.
 * No kernel function is involved, so no kprobe support is needed.
 */
static int signal_open(struct family_probe *p, const struct kernel_info *ki,
		       const struct trace_config *cfg,
		       enum ipcscope_tier tier, struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = cfg->btf_path);
	bool btf = tier == IPCSCOPE_TIER_FENTRY;
	struct signal_bpf *skel;

	if (btf && (!kernel_has_btf_type(ki, "btf_trace_signal_generate",
					 BTF_KIND_TYPEDEF) ||
		    !kernel_has_btf_type(ki, "btf_trace_signal_deliver",
					 BTF_KIND_TYPEDEF)))
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "kernel BTF lacks the signal_generate/signal_deliver tracepoint types");
	skel = signal_bpf__open_opts(&opts);
	if (!skel)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot open BPF object: %s",
				 ipcs_strerr(-errno));
	p->skel = skel;
	p->obj = skel->obj;
	/* the event says which program type brought it */
	p->hook = btf ? IPCSCOPE_HOOK_TP_BTF : IPCSCOPE_HOOK_RAW_TP;
	IPCS_SET_COMMON_RODATA(skel, cfg, p->hook);
	skel->rodata->filter_sigs = cfg->sig_mask != 0;
	skel->rodata->sig_mask = cfg->sig_mask;
	bpf_program__set_autoload(skel->progs.sig_generate_btf, btf);
	bpf_program__set_autoload(skel->progs.sig_deliver_btf, btf);
	bpf_program__set_autoload(skel->progs.sig_generate_raw, !btf);
	bpf_program__set_autoload(skel->progs.sig_deliver_raw, !btf);
	snprintf(p->desc, sizeof(p->desc),
		 "%s on signal:signal_generate, signal:signal_deliver",
		 btf ? "tp_btf" : "raw_tp");
	return 0;
}

static void signal_destroy(struct family_probe *p)
{
	signal_bpf__destroy(p->skel);
}

const struct ipcs_family signal_family = {
	.name = "signal",
	.id = IPCSCOPE_FAM_SIGNAL,
	.events = signal_event_types,
	.what = "signals",
	.open = signal_open,
	.destroy = signal_destroy,
	.print_header = signal_print_header,
};
