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
	__u64 ino;
	enum ipcscope_tier tier;	/* NONE: auto */
	unsigned int families;		/* bit i: ipcs_families[i] */
	const char *btf_path;		/* NULL: /sys/kernel/btf/vmlinux */
	unsigned int ringbuf_bytes;
	__u64 sig_mask;			/* --sig: bit sig-1; 0: every signal */
	bool verbose;
	bool summary;			/* aggregate in the kernel */
};

/* Kernel facts looked up once per run. */
struct kernel_info {
	struct btf *btf;		/* vmlinux BTF */
	const char *btf_path;
};

int kernel_info_open(struct kernel_info *ki, const char *btf_path,
		     struct ipcs_error *err);
void kernel_info_close(struct kernel_info *ki);
bool kernel_has_btf_func(const struct kernel_info *ki, const char *name);
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

/* Parse "auto", "fentry" etc.; -1 for an unknown name. */
int ipcs_tier_parse(const char *name);

/* Tracepoints need tracefs; mount it when nobody has. */
int ipcs_mount_tracefs(struct ipcs_error *err);

/* Message for a failed libbpf call (libbpf returns -errno). */
const char *ipcs_strerr(int negerr);

void ipcs_verbose(const struct trace_config *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* IPCSCOPE_PROBE_H */
