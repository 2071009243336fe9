// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "pipe_probe.h"
#include "pipe.skel.h"

#define MAX_FUNCS 2

/*
 * The kernel functions behind read(2)/write(2) on a pipe.  Since 6.16
 * anonymous pipes and FIFOs have their own file_operations; before that
 * both used pipe_read/pipe_write.  Found by name in BTF, not by version.
 */
struct pipe_funcs {
	const char *read[MAX_FUNCS];
	const char *write[MAX_FUNCS];
	int nread, nwrite;
};

static int pick_funcs(const struct kernel_info *ki, const char *const *split,
		      const char *single, const char **out)
{
	int n = 0, i;

	for (i = 0; i < MAX_FUNCS; i++)
		if (kernel_has_btf_func(ki, split[i]))
			out[n++] = split[i];
	if (!n && kernel_has_btf_func(ki, single))
		out[n++] = single;
	return n;
}

static void find_pipe_funcs(const struct kernel_info *ki, struct pipe_funcs *f)
{
	static const char *const split_read[MAX_FUNCS] = {
		"anon_pipe_read", "fifo_pipe_read" };
	static const char *const split_write[MAX_FUNCS] = {
		"anon_pipe_write", "fifo_pipe_write" };

	f->nread = pick_funcs(ki, split_read, "pipe_read", f->read);
	f->nwrite = pick_funcs(ki, split_write, "pipe_write", f->write);
}

static void describe_funcs(const struct pipe_funcs *f, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	for (i = 0; i < f->nread && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
				f->read[i]);
	for (i = 0; i < f->nwrite && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
				f->write[i]);
}

static bool kprobes_supported(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK);
}

static void set_autoload(struct pipe_bpf *skel, enum ipcscope_tier tier,
			 const struct pipe_funcs *f)
{
	struct bpf_program *prog;
	bool fentry = tier == IPCSCOPE_TIER_FENTRY;
	bool kprobe = tier == IPCSCOPE_TIER_KPROBE;
	bool tp = tier == IPCSCOPE_TIER_TRACEPOINT;

	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, false);

	/* fentry: slot i of each direction is bound to function i */
	if (fentry) {
		struct bpf_program *rd[MAX_FUNCS][2] = {
			{ skel->progs.pipe_read_fentry0, skel->progs.pipe_read_fexit0 },
			{ skel->progs.pipe_read_fentry1, skel->progs.pipe_read_fexit1 },
		};
		struct bpf_program *wr[MAX_FUNCS][2] = {
			{ skel->progs.pipe_write_fentry0, skel->progs.pipe_write_fexit0 },
			{ skel->progs.pipe_write_fentry1, skel->progs.pipe_write_fexit1 },
		};
		int i, j;

		for (i = 0; i < f->nread; i++)
			for (j = 0; j < 2; j++) {
				bpf_program__set_autoload(rd[i][j], true);
				bpf_program__set_attach_target(rd[i][j], 0,
							       f->read[i]);
			}
		for (i = 0; i < f->nwrite; i++)
			for (j = 0; j < 2; j++) {
				bpf_program__set_autoload(wr[i][j], true);
				bpf_program__set_attach_target(wr[i][j], 0,
							       f->write[i]);
			}
	}
	bpf_program__set_autoload(skel->progs.pipe_read_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.pipe_write_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.pipe_kretprobe, kprobe);

	bpf_program__set_autoload(skel->progs.tp_enter_read, tp);
	bpf_program__set_autoload(skel->progs.tp_enter_write, tp);
	bpf_program__set_autoload(skel->progs.tp_enter_readv, tp);
	bpf_program__set_autoload(skel->progs.tp_enter_writev, tp);
	bpf_program__set_autoload(skel->progs.tp_exit_read, tp);
	bpf_program__set_autoload(skel->progs.tp_exit_write, tp);
	bpf_program__set_autoload(skel->progs.tp_exit_readv, tp);
	bpf_program__set_autoload(skel->progs.tp_exit_writev, tp);
}

static int attach_kprobes(struct pipe_probe *p, const struct pipe_funcs *f,
			  struct ipcs_error *err)
{
	struct pipe_bpf *skel = p->skel;
	char what[96];
	int i;

	for (i = 0; i < f->nread; i++) {
		snprintf(what, sizeof(what), "kprobe to %s", f->read[i]);
		if (link_set_add(&p->links, bpf_program__attach_kprobe(
				 skel->progs.pipe_read_kprobe, false, f->read[i]),
				 what, err))
			return -1;
		snprintf(what, sizeof(what), "kretprobe to %s", f->read[i]);
		if (link_set_add(&p->links, bpf_program__attach_kprobe(
				 skel->progs.pipe_kretprobe, true, f->read[i]),
				 what, err))
			return -1;
	}
	for (i = 0; i < f->nwrite; i++) {
		snprintf(what, sizeof(what), "kprobe to %s", f->write[i]);
		if (link_set_add(&p->links, bpf_program__attach_kprobe(
				 skel->progs.pipe_write_kprobe, false, f->write[i]),
				 what, err))
			return -1;
		snprintf(what, sizeof(what), "kretprobe to %s", f->write[i]);
		if (link_set_add(&p->links, bpf_program__attach_kprobe(
				 skel->progs.pipe_kretprobe, true, f->write[i]),
				 what, err))
			return -1;
	}
	return 0;
}

/* fentry and tracepoint programs carry their target: attach what loaded. */
static int attach_loaded(struct pipe_probe *p, struct ipcs_error *err)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, p->skel->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (link_set_add(&p->links, bpf_program__attach(prog),
				 bpf_program__name(prog), err))
			return -1;
	}
	return 0;
}

static int check_tier_prerequisites(enum ipcscope_tier tier,
				    const struct pipe_funcs *f,
				    struct ipcs_error *err)
{
	int i;

	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		return ipcs_mount_tracefs(err);
	if (!f->nread || !f->nwrite)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "%s: kernel BTF has neither anon_pipe_read/write nor pipe_read/write",
				 ipcs_tier_name(tier));
	if (tier != IPCSCOPE_TIER_KPROBE)
		return 0;
	if (!kprobes_supported())
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "kprobe: kernel has no kprobe support (no kprobe PMU, no kprobe_events)");
	for (i = 0; i < f->nread + f->nwrite; i++) {
		const char *fn = i < f->nread ? f->read[i] :
				 f->write[i - f->nread];

		if (kallsyms_has(fn) == 0)
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "kprobe: %s is not in /proc/kallsyms (inlined?)",
					 fn);
	}
	return 0;
}

int pipe_probe_attach(struct pipe_probe *p, const struct kernel_info *ki,
		      const struct trace_config *cfg, enum ipcscope_tier tier,
		      struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = cfg->btf_path);
	const char *tname = ipcs_tier_name(tier);
	struct pipe_funcs funcs = {};
	char fnames[160] = "";
	int ret, i;

	memset(p, 0, sizeof(*p));
	p->tier = tier;
	find_pipe_funcs(ki, &funcs);
	if (check_tier_prerequisites(tier, &funcs, err))
		return -1;
	describe_funcs(&funcs, fnames, sizeof(fnames));

	p->skel = pipe_bpf__open_opts(&opts);
	if (!p->skel)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "%s: cannot open BPF object: %s", tname,
				 ipcs_strerr(-errno));
	p->skel->rodata->self_tgid = getpid();
	p->skel->rodata->tier = tier;
	p->skel->rodata->filter_pids = cfg->npids > 0;
	p->skel->rodata->filter_comm = cfg->comm[0] != '\0';
	memcpy((char *)p->skel->rodata->target_comm, cfg->comm,
	       sizeof(cfg->comm));
	p->skel->rodata->target_ino = cfg->ino;
	if (cfg->ringbuf_bytes)
		bpf_map__set_max_entries(p->skel->maps.events,
					 cfg->ringbuf_bytes);
	set_autoload(p->skel, tier, &funcs);

	ret = pipe_bpf__load(p->skel);
	if (ret) {
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "%s: loading the BPF programs failed: %s%s", tname,
			  ipcs_strerr(ret),
			  tier == IPCSCOPE_TIER_FENTRY && ret == -EPERM ?
			  " (the kernel refuses BPF trampolines)" : "");
		goto fail;
	}
	for (i = 0; i < cfg->npids; i++) {
		__u8 one = 1;

		bpf_map__update_elem(p->skel->maps.pid_filter, &cfg->pids[i],
				     sizeof(cfg->pids[i]), &one, sizeof(one),
				     BPF_ANY);
	}

	if (tier == IPCSCOPE_TIER_KPROBE)
		ret = attach_kprobes(p, &funcs, err);
	else
		ret = attach_loaded(p, err);
	if (ret) {
		/* say which tier could not attach */
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s: %.480s", tname, err->msg);
		snprintf(err->msg, sizeof(err->msg), "%.480s", msg);
		goto fail;
	}

	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		snprintf(p->desc, sizeof(p->desc),
			 "tracepoint on syscalls:sys_{enter,exit}_{read,write,readv,writev}");
	else
		snprintf(p->desc, sizeof(p->desc), "%s on %s", tname, fnames);
	return 0;
fail:
	pipe_probe_destroy(p);
	return -1;
}

void pipe_probe_destroy(struct pipe_probe *p)
{
	link_set_destroy(&p->links);
	pipe_bpf__destroy(p->skel);
	p->skel = NULL;
}

int pipe_probe_ringbuf_fd(const struct pipe_probe *p)
{
	return bpf_map__fd(p->skel->maps.events);
}

int pipe_probe_lost_fd(const struct pipe_probe *p)
{
	return bpf_map__fd(p->skel->maps.lost_events);
}
