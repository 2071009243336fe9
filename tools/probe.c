// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "probe.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/*
 * Kernel BTF questions ("is there a FUNC named pipe_read?") are answered by
 * reading the raw BTF file piecewise each time, never by parsing it whole:
 * a parsed copy is 6 MB (6.18's BTF is 5.5 MB, and libbpf needs twice that
 * while it reads the file), and libbpf parses one more of its own in every
 * bpf_object__open()/load() that needs it (bpf_program__set_attach_target
 * included).  A question costs one read of the file, about 2 ms.
 */
#define BTF_CHUNK	(64 * 1024)

struct btf_reader {
	int fd;
	off_t base;		/* where the section starts in the file */
	__u32 len;		/* section length */
	char *buf;
	__u32 buf_start;	/* section offset of buf[0] */
	__u32 buf_n;
};

/* Make section bytes [off, off + n) readable at buf + (off - buf_start). */
static int reader_need(struct btf_reader *r, __u32 off, __u32 n)
{
	ssize_t got;
	__u32 want;

	if (off >= r->buf_start && off + n <= r->buf_start + r->buf_n)
		return 0;
	if (n > BTF_CHUNK || off + n > r->len)
		return -1;
	want = r->len - off < BTF_CHUNK ? r->len - off : BTF_CHUNK;
	got = pread(r->fd, r->buf, want, r->base + off);
	if (got < (ssize_t)n)
		return -1;
	r->buf_start = off;
	r->buf_n = got;
	return 0;
}

static int read_btf_header(int fd, struct btf_header *h)
{
	if (pread(fd, h, sizeof(*h), 0) != sizeof(*h) ||
	    h->magic != BTF_MAGIC || h->hdr_len < sizeof(*h))
		return -1;
	return 0;
}

/* Bytes after struct btf_type that a type of this kind carries. */
static long btf_type_extra(const struct btf_type *t)
{
	long vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	}
	return -1;		/* a kind newer than this reader */
}

#define MAX_NAME_OFFS 8

/* Offsets of the strings equal to @name (deduplicated BTF has one). */
static int find_name(struct btf_reader *r, const char *name, __u32 *offs)
{
	size_t len = strlen(name);
	__u32 off = 0;
	int n = 0;

	while (off < r->len && n < MAX_NAME_OFFS) {
		const char *s, *nul;

		if (reader_need(r, off, 1))
			return -1;
		s = r->buf + (off - r->buf_start);
		nul = memchr(s, '\0', r->buf_start + r->buf_n - off);
		if (!nul) {
			if (off == r->buf_start)
				return -1;	/* longer than a chunk */
			r->buf_n = 0;		/* read again from @off */
			continue;
		}
		if ((size_t)(nul - s) == len && !memcmp(s, name, len))
			offs[n++] = off;
		off += nul - s + 1;
	}
	return n;
}

/* 1: a type of @kind named @name is in the raw BTF at @fd, 0: not, -1. */
static int raw_btf_has(int fd, const char *name, int kind)
{
	struct btf_reader r = { .fd = fd };
	__u32 offs[MAX_NAME_OFFS], off;
	struct btf_header h;
	int nnames, i, found = 0;

	if (read_btf_header(fd, &h))
		return -1;
	r.buf = malloc(BTF_CHUNK);
	if (!r.buf)
		return -1;
	r.base = h.hdr_len + h.str_off;
	r.len = h.str_len;
	nnames = find_name(&r, name, offs);
	if (nnames <= 0) {
		free(r.buf);
		return nnames;
	}
	r.base = h.hdr_len + h.type_off;
	r.len = h.type_len;
	r.buf_start = r.buf_n = 0;
	for (off = 0; off < r.len && !found;) {
		const struct btf_type *t;
		long extra;

		if (reader_need(&r, off, sizeof(*t))) {
			found = -1;
			break;
		}
		t = (const void *)(r.buf + (off - r.buf_start));
		extra = btf_type_extra(t);
		if (extra < 0) {
			found = -1;
			break;
		}
		if ((int)BTF_INFO_KIND(t->info) == kind)
			for (i = 0; i < nnames; i++)
				if (t->name_off == offs[i])
					found = 1;
		off += sizeof(*t) + extra;
	}
	free(r.buf);
	return found;
}

int kernel_info_open(struct kernel_info *ki, const char *btf_path,
		     struct ipcs_error *err)
{
	const char *path = btf_path ? btf_path : VMLINUX_BTF;
	struct btf_header h;

	ki->btf_path = path;
	ki->btf_fd = -1;
	ki->btf_parsed = NULL;
	if (access(path, R_OK)) {
		if (btf_path)
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "cannot read BTF file %s: %s", path,
					 strerror(errno));
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "kernel has no BTF (%s: %s); ipcscope needs a kernel built with CONFIG_DEBUG_INFO_BTF=y, or --btf FILE",
				 path, strerror(errno));
	}
	ki->btf_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ki->btf_fd >= 0 && !read_btf_header(ki->btf_fd, &h))
		return 0;
	/* not raw BTF in this byte order (an ELF file given to --btf):
	 * libbpf parses it, once */
	if (ki->btf_fd >= 0)
		close(ki->btf_fd);
	ki->btf_fd = -1;
	ki->btf_parsed = btf__parse(path, NULL);
	if (!ki->btf_parsed)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "cannot parse BTF %s: %s",
				 path, strerror(errno));
	return 0;
}

void kernel_info_close(struct kernel_info *ki)
{
	if (ki->btf_fd >= 0)
		close(ki->btf_fd);
	ki->btf_fd = -1;
	btf__free(ki->btf_parsed);
	ki->btf_parsed = NULL;
}

bool kernel_has_btf_type(const struct kernel_info *ki, const char *name,
			 int kind)
{
	if (ki->btf_parsed)
		return btf__find_by_name_kind(ki->btf_parsed, name, kind) > 0;
	return ki->btf_fd >= 0 && raw_btf_has(ki->btf_fd, name, kind) == 1;
}

bool kernel_has_btf_func(const struct kernel_info *ki, const char *name)
{
	return kernel_has_btf_type(ki, name, BTF_KIND_FUNC);
}

int kallsyms_has(const char *name)
{
	char line[512], sym[256], type;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "re");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) != 3)
			continue;
		if ((type == 't' || type == 'T') && !strcmp(sym, name)) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

bool ipcs_kprobes_supported(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK);
}

int link_set_add(struct link_set *set, struct bpf_link *link,
		 const char *what, struct ipcs_error *err)
{
	if (!link)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "cannot attach %s: %s",
				 what, ipcs_strerr(-errno));
	if (set->n == IPCS_MAX_LINKS) {
		bpf_link__destroy(link);
		return ipcs_fail(err, IPCS_EXIT_FAIL, "too many probes");
	}
	set->links[set->n++] = link;
	return 0;
}

int link_set_add_kretprobe(struct link_set *set, struct bpf_program *prog,
			   const char *func, struct ipcs_error *err)
{
	char event[IPCS_KRETPROBE_NAME_LEN], what[96];
	struct bpf_link *link;

	snprintf(what, sizeof(what), "kretprobe to %s", func);
	if (set->n == IPCS_MAX_LINKS)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "too many probes");
	link = ipcs_attach_kretprobe(prog, func, IPCS_KRETPROBE_MAXACTIVE,
				     event);
	if (link_set_add(set, link, what, err))
		return -1;
	memcpy(set->kretprobe[set->n - 1], event, sizeof(event));
	return 0;
}

void link_set_destroy(struct link_set *set)
{
	while (set->n > 0) {
		set->n--;
		bpf_link__destroy(set->links[set->n]);
		/* the event outlives its perf link: remove it after */
		ipcs_kretprobe_remove(set->kretprobe[set->n]);
		set->kretprobe[set->n][0] = '\0';
	}
}

bool ipcs_debug_knob(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

int ipcs_tier_parse(const char *name)
{
	if (!strcmp(name, "auto"))
		return IPCSCOPE_TIER_NONE;
	if (!strcmp(name, "fentry"))
		return IPCSCOPE_TIER_FENTRY;
	if (!strcmp(name, "kprobe"))
		return IPCSCOPE_TIER_KPROBE;
	if (!strcmp(name, "tracepoint"))
		return IPCSCOPE_TIER_TRACEPOINT;
	return -1;
}

const char *ipcs_strerr(int negerr)
{
	return strerror(negerr < 0 ? -negerr : negerr);
}

void ipcs_verbose(const struct trace_config *cfg, const char *fmt, ...)
{
	va_list ap;

	if (!cfg->verbose)
		return;
	fputs("ipcscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int ipcs_mount_tracefs(struct ipcs_error *err)
{
	/* libbpf looks up tracepoint ids here, then under debugfs */
	if (!access("/sys/kernel/tracing/events", F_OK) ||
	    !access("/sys/kernel/debug/tracing/events", F_OK))
		return 0;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL))
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "tracepoint: tracefs is not mounted and mounting it on /sys/kernel/tracing failed: %s",
				 strerror(errno));
	return 0;
}

/* ---- kretprobes with room for many sleepers ------------------------------ */

static const char *tracefs_dir(void)
{
	if (!access("/sys/kernel/tracing/kprobe_events", F_OK))
		return "/sys/kernel/tracing";
	return "/sys/kernel/debug/tracing";
}

static int write_kprobe_events(const char *line)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs_dir());
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, line, strlen(line)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

void ipcs_kretprobe_remove(const char *event)
{
	char line[IPCS_KRETPROBE_NAME_LEN + 16];

	if (!event[0])
		return;
	snprintf(line, sizeof(line), "-:kprobes/%s\n", event);
	write_kprobe_events(line);
}

/*
 * Remove the kprobe events of collectors that died without cleaning up
 * (SIGKILL): "r4096:kprobes/ipcscope_PID_FUNC FUNC" with PID gone.
 */
static void remove_stale_events(void)
{
	char path[128], line[512], name[IPCS_KRETPROBE_NAME_LEN];
	static bool done;
	FILE *f;
	int pid;

	if (done)
		return;
	done = true;
	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs_dir());
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *ev = strstr(line, ":kprobes/ipcscope_");

		if (!ev || sscanf(ev + 9, "%63s", name) != 1 ||
		    sscanf(name, "ipcscope_%d_", &pid) != 1 || pid == getpid())
			continue;
		if (kill(pid, 0) && errno == ESRCH)
			ipcs_kretprobe_remove(name);
	}
	fclose(f);
}

struct bpf_link *ipcs_attach_kretprobe(struct bpf_program *prog,
				       const char *func, int maxactive,
				       char event[IPCS_KRETPROBE_NAME_LEN])
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.wakeup_events = 1,
	};
	char line[256], path[256], idbuf[32];
	struct bpf_link *link;
	int fd, pfd, err, n;

	remove_stale_events();
	snprintf(event, IPCS_KRETPROBE_NAME_LEN, "ipcscope_%d_%s", getpid(),
		 func);
	snprintf(line, sizeof(line), "r%d:kprobes/%s %s\n", maxactive, event,
		 func);
	err = write_kprobe_events(line);
	if (err == -EEXIST) {
		/* left by a dead collector whose pid this one reuses */
		ipcs_kretprobe_remove(event);
		err = write_kprobe_events(line);
	}
	if (err) {
		event[0] = '\0';
		errno = -err;
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/events/kprobes/%s/id", tracefs_dir(),
		 event);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, idbuf, sizeof(idbuf) - 1);
	err = errno;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		goto fail;
	idbuf[n] = '\0';
	attr.config = strtoull(idbuf, NULL, 10);
	/* cpu 0, any pid: BPF programs run on every CPU regardless */
	pfd = syscall(SYS_perf_event_open, &attr, -1, 0, -1,
		      PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		err = errno;
		goto fail;
	}
	link = bpf_program__attach_perf_event(prog, pfd);
	if (!link) {
		err = errno;
		close(pfd);
		goto fail;
	}
	return link;
fail:
	ipcs_kretprobe_remove(event);
	event[0] = '\0';
	errno = err ? err : EINVAL;
	return NULL;
}

int ipcs_check_kernel_funcs(const struct kernel_info *ki,
			    enum ipcscope_tier tier, const char *const *funcs,
			    unsigned int n, struct ipcs_error *err)
{
	unsigned int i;

	/* kretprobe events need tracefs */
	if (tier == IPCSCOPE_TIER_KPROBE && ipcs_mount_tracefs(err))
		return -1;
	if (tier == IPCSCOPE_TIER_TRACEPOINT)
		return 0;
	if (tier == IPCSCOPE_TIER_KPROBE && !ipcs_kprobes_supported())
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "kernel has no kprobe support (no kprobe PMU, no kprobe_events)");
	for (i = 0; i < n; i++) {
		if (!kernel_has_btf_func(ki, funcs[i]))
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "%s is not in the kernel's BTF (inlined?)",
					 funcs[i]);
		if (tier == IPCSCOPE_TIER_KPROBE && kallsyms_has(funcs[i]) == 0)
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "%s is not in /proc/kallsyms (inlined?)",
					 funcs[i]);
	}
	return 0;
}
