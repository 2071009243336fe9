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

int kernel_info_open(struct kernel_info *ki, const char *btf_path,
		     struct ipcs_error *err)
{
	const char *path = btf_path ? btf_path : VMLINUX_BTF;

	ki->btf_path = path;
	if (access(path, R_OK)) {
		if (btf_path)
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "cannot read BTF file %s: %s", path,
					 strerror(errno));
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "kernel has no BTF (%s: %s); ipcscope needs a kernel built with CONFIG_DEBUG_INFO_BTF=y, or --btf FILE",
				 path, strerror(errno));
	}
	ki->btf = btf__parse(path, NULL);
	if (!ki->btf)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "cannot parse BTF %s: %s",
				 path, strerror(errno));
	return 0;
}

void kernel_info_close(struct kernel_info *ki)
{
	btf__free(ki->btf);
	ki->btf = NULL;
}

bool kernel_has_btf_func(const struct kernel_info *ki, const char *name)
{
	return btf__find_by_name_kind(ki->btf, name, BTF_KIND_FUNC) > 0;
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
