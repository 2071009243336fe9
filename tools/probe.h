/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every IPC family's probe loader shares: the trace configuration,
 * kernel facts (BTF, kallsyms) and the list of attached links.
 */
#ifndef IPCSCOPE_PROBE_H
#define IPCSCOPE_PROBE_H

#include <stdbool.h>
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include "ipcscope.h"
#include "ipcscope_summary.h"
#include "error.h"
#include "output.h"

#define IPCS_MAX_LINKS 32

struct trace_config {
	__u32 pids[IPCSCOPE_MAX_PIDS];
	int npids;
	char comm[IPCSCOPE_COMM_LEN];
	__u64 ino;			/* --ino: a pipe, or a unix socket */
	char unix_path[IPCSCOPE_UNIX_PATH_MAX];	/* --path, sun_path bytes */
	unsigned int unix_path_len;	/* 0: no --path */
	enum ipcscope_tier tier;	/* NONE: auto */
	unsigned int families;		/* bit i: ipcs_families[i] */
	const char *btf_path;		/* NULL: /sys/kernel/btf/vmlinux */
	unsigned int ringbuf_bytes;
	__u64 sig_mask;			/* --sig: bit sig-1; 0: every signal */
	bool verbose;
	bool summary;			/* aggregate in the kernel */
	unsigned int payload_max;	/* --payload N; 0: off */
	bool summary_cgroup;		/* and by cgroup v2 id too */
	bool peers;			/* --peers: woken_by, pipe from */
};

/* --ringbuf-size's default.  Its pages are mapped twice into the collector
 * (once more for records that wrap), so it costs twice its size in RSS. */
#define IPCS_RINGBUF_DEFAULT	(4U << 20)
/* The collector is woken early once the ring holds this much. */
#define IPCS_WAKEUP_FRACTION	4

/* --summary without --peers streams no events (the probes count in the
 * summary map): a ring of 16 pages, not 8 MiB of the collector's RSS. */
#define IPCS_RINGBUF_SUMMARY	(64U << 10)

static inline unsigned int ipcs_ringbuf_bytes(const struct trace_config *cfg)
{
	if (cfg->ringbuf_bytes)
		return cfg->ringbuf_bytes;
	return cfg->summary && !cfg->peers ? IPCS_RINGBUF_SUMMARY :
					     IPCS_RINGBUF_DEFAULT;
}

/* Kernel facts looked up once per run.  The BTF is not kept parsed (see
 * tools/probe.c): ask kernel_has_btf_type(). */
struct kernel_info {
	const char *btf_path;
	int btf_fd;			/* raw BTF, read per question */
	struct btf *btf_parsed;		/* or an ELF file's, parsed once */
};

int kernel_info_open(struct kernel_info *ki, const char *btf_path,
		     struct ipcs_error *err);
void kernel_info_close(struct kernel_info *ki);
bool kernel_has_btf_func(const struct kernel_info *ki, const char *name);
/* A type of BTF_KIND_@kind named @name is in the kernel's BTF. */
bool kernel_has_btf_type(const struct kernel_info *ki, const char *name,
			 int kind);
/* 1: a text symbol of that name is in /proc/kallsyms, 0: not, -1: unknown */
int kallsyms_has(const char *name);
/* The kernel can attach kprobes (a kprobe PMU or kprobe_events). */
bool ipcs_kprobes_supported(void);

#define IPCS_KRETPROBE_NAME_LEN 64

struct link_set {
	struct bpf_link *links[IPCS_MAX_LINKS];
	/* the tracefs kprobe event a link was made on, "" if none */
	char kretprobe[IPCS_MAX_LINKS][IPCS_KRETPROBE_NAME_LEN];
	int n;
};

int link_set_add(struct link_set *set, struct bpf_link *link,
		 const char *what, struct ipcs_error *err);
/* A kretprobe on @func with room for every task asleep in it (see
 * ipcs_attach_kretprobe); link_set_destroy() also removes its event. */
int link_set_add_kretprobe(struct link_set *set, struct bpf_program *prog,
			   const char *func, struct ipcs_error *err);
/* Detach every link, then remove the kprobe events made for them. */
void link_set_destroy(struct link_set *set);

/*
 * A kretprobe on @func with room for @maxactive calls in flight, created
 * as a kprobe event through tracefs and attached as a perf event.  The
 * kprobe PMU that bpf_program__attach_kprobe() uses gets the kernel's
 * default, max(10, 2 * CPUs): a task asleep in the function holds one
 * slot, and the returns of calls beyond it are dropped without a trace.
 * The event's name goes into @event; ipcs_kretprobe_remove() deletes it
 * once the link is destroyed.  NULL and errno on failure.
 */
#define IPCS_KRETPROBE_MAXACTIVE 4096	/* the most trace_kprobe takes */
struct bpf_link *ipcs_attach_kretprobe(struct bpf_program *prog,
				       const char *func, int maxactive,
				       char event[IPCS_KRETPROBE_NAME_LEN]);
void ipcs_kretprobe_remove(const char *event);

/* A debugging knob of the environment is set (to anything but "" or 0). */
bool ipcs_debug_knob(const char *name);

/* Parse "auto", "fentry" etc.; -1 for an unknown name. */
int ipcs_tier_parse(const char *name);

/* Tracepoints need tracefs; mount it when nobody has. */
int ipcs_mount_tracefs(struct ipcs_error *err);

/*
 * What the fentry and kprobe tiers need to hook @funcs: each in the
 * kernel's BTF, and for kprobes in kallsyms, with kprobe support and
 * tracefs.  The tracepoint tier needs none of it.  0, or -1 with @err.
 */
int ipcs_check_kernel_funcs(const struct kernel_info *ki,
			    enum ipcscope_tier tier, const char *const *funcs,
			    unsigned int n, struct ipcs_error *err);

/* Message for a failed libbpf call (libbpf returns -errno). */
const char *ipcs_strerr(int negerr);

void ipcs_verbose(const struct trace_config *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* IPCSCOPE_PROBE_H */
