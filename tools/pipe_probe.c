// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include "family.h"
#include "syscalls.h"
#include "pipe_decode.h"
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

/* The inode of the pipe @fd writes into, or 0 when it is not a pipe.
 * (Inode numbers are per file system; a FIFO elsewhere with the same
 * number would be missed too, a risk we take for a feedback-free | jq.) */
static __u64 pipe_ino_of(int fd)
{
	struct stat st;

	return !fstat(fd, &st) && S_ISFIFO(st.st_mode) ? st.st_ino : 0;
}

static void set_autoload(struct pipe_bpf *skel, enum ipcscope_tier tier,
			 const struct pipe_funcs *f)
{
	struct bpf_program *prog;
	bool fentry = tier == IPCSCOPE_TIER_FENTRY;
	bool kprobe = tier == IPCSCOPE_TIER_KPROBE;

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
	bpf_program__set_autoload(skel->progs.pipe_read_kprobe0,
				  kprobe && f->nread > 0);
	bpf_program__set_autoload(skel->progs.pipe_read_kprobe1,
				  kprobe && f->nread > 1);
	bpf_program__set_autoload(skel->progs.pipe_write_kprobe0,
				  kprobe && f->nwrite > 0);
	bpf_program__set_autoload(skel->progs.pipe_write_kprobe1,
				  kprobe && f->nwrite > 1);
	bpf_program__set_autoload(skel->progs.pipe_kretprobe, kprobe);
	/* the tracepoint tier's handlers: family_probe_attach() */
}

/*
 * Entry kprobes by slot, like the fentry programs; one kretprobe program
 * on every function, with room for every task asleep in a pipe read or
 * write (the kernel's default, max(10, 2 * CPUs), drops the returns of
 * the rest: think of every idle shell pipeline).
 */
static int attach_kprobes(struct family_probe *p, struct ipcs_error *err)
{
	const struct pipe_funcs *f = p->priv;
	struct pipe_bpf *skel = p->skel;
	struct bpf_program *rd[MAX_FUNCS] = { skel->progs.pipe_read_kprobe0,
					      skel->progs.pipe_read_kprobe1 };
	struct bpf_program *wr[MAX_FUNCS] = { skel->progs.pipe_write_kprobe0,
					      skel->progs.pipe_write_kprobe1 };
	char what[96];
	int i;

	for (i = 0; i < f->nread + f->nwrite; i++) {
		bool read = i < f->nread;
		int slot = read ? i : i - f->nread;
		const char *fn = read ? f->read[slot] : f->write[slot];
		struct bpf_program *entry = read ? rd[slot] : wr[slot];

		snprintf(what, sizeof(what), "kprobe to %s", fn);
		if (link_set_add(&p->links,
				 bpf_program__attach_kprobe(entry, false, fn),
				 what, err))
			return -1;
		if (link_set_add_kretprobe(&p->links,
					   skel->progs.pipe_kretprobe, fn, err))
			return -1;
	}
	return 0;
}

static int pipe_attach(struct family_probe *p, struct ipcs_error *err)
{
	if (p->tier == IPCSCOPE_TIER_KPROBE)
		return attach_kprobes(p, err);
	return family_attach_loaded(p, err);
}

static int check_tier_prerequisites(enum ipcscope_tier tier,
				    const struct pipe_funcs *f,
				    struct ipcs_error *err)
{
	int i;

	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		return 0;
	if (!f->nread || !f->nwrite)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "kernel BTF has neither anon_pipe_read/write nor pipe_read/write");
	if (tier != IPCSCOPE_TIER_KPROBE)
		return 0;
	/* the kretprobes are made through tracefs' kprobe_events */
	if (ipcs_mount_tracefs(err))
		return -1;
	if (!ipcs_kprobes_supported())
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "kernel has no kprobe support (no kprobe PMU, no kprobe_events)");
	for (i = 0; i < f->nread + f->nwrite; i++) {
		const char *fn = i < f->nread ? f->read[i] :
				 f->write[i - f->nread];

		if (kallsyms_has(fn) == 0)
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "%s is not in /proc/kallsyms (inlined?)",
					 fn);
	}
	return 0;
}

static int pipe_open(struct family_probe *p, const struct kernel_info *ki,
		     const struct trace_config *cfg, enum ipcscope_tier tier,
		     struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = cfg->btf_path);
	struct pipe_funcs *funcs = calloc(1, sizeof(*funcs));
	struct pipe_bpf *skel;
	char fnames[160] = "";

	if (!funcs)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	p->priv = funcs;
	find_pipe_funcs(ki, funcs);
	if (check_tier_prerequisites(tier, funcs, err))
		return -1;
	skel = pipe_bpf__open_opts(&opts);
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
	skel->rodata->self_out_ino = pipe_ino_of(STDOUT_FILENO);
	skel->rodata->self_err_ino = pipe_ino_of(STDERR_FILENO);
	set_autoload(skel, tier, funcs);

	describe_funcs(funcs, fnames, sizeof(fnames));
	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		snprintf(p->desc, sizeof(p->desc),
			 "%s tracepoints sys_enter/sys_exit for read, write, readv, writev",
			 ipcs_hook_name(p->hook));
	else
		snprintf(p->desc, sizeof(p->desc), "%s on %s",
			 ipcs_tier_name(tier), fnames);
	return 0;
}

static void pipe_destroy(struct family_probe *p)
{
	pipe_bpf__destroy(p->skel);
	free(p->priv);
}

/* x86_64 numbers (SYS_*), like every syscall handler table */
static const struct ipcs_syscall_handler pipe_syscalls[] = {
	{ SYS_read, "pipe_sys_enter_read", "pipe_sys_exit" },
	{ SYS_write, "pipe_sys_enter_write", "pipe_sys_exit" },
	{ SYS_readv, "pipe_sys_enter_readv", "pipe_sys_exit" },
	{ SYS_writev, "pipe_sys_enter_writev", "pipe_sys_exit" },
	{ -1, NULL, NULL },
};

const struct ipcs_family pipe_family = {
	.name = "pipe",
	.id = IPCSCOPE_FAM_PIPE,
	.events = pipe_event_types,
	.what = "pipe reads and writes",
	.open = pipe_open,
	.attach = pipe_attach,
	.destroy = pipe_destroy,
	.print_header = pipe_print_header,
	.syscalls = pipe_syscalls,
	.payload_types = 1U << 0 | 1U << 1,	/* pipe_read, pipe_write */
};
