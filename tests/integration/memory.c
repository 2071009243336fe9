// SPDX-License-Identifier: GPL-2.0
/*
 * Peak memory: the collector's resident memory (VmHWM) through setup,
 * where libbpf parses the kernel's BTF, and a burst of events.  Issue 10's
 * bar is 16 MiB with pipes traced at the default ring size (4 MiB, mapped
 * twice); make bench measures it against that bar (Documentation/
 * overhead.rst), as the project measures speed and memory: there, not as
 * an assertion here.  On the 6.18 host the pipes-only peak is 16.0 to
 * 16.5 MiB, bounded by libbpf's parse of the kernel's BTF, which alone
 * peaks at 11.4 MiB (the 5.5 MB file read, then copied).  This test
 * asserts what must hold whatever the kernel: the peak stays under
 * CEILING_KB, a regression well past the bar, and a burst of events does
 * not make the collector grow.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#define BAR_KB (16 * 1024)		/* issue 10's bar, for the diag */
#define CEILING_KB (20 * 1024)

static long long status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long long kb = -1;
	size_t len = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			kb = atoll(line + len + 1);
	fclose(f);
	return kb;
}

static void peak(const char *what, const char *const *args, bool bounded)
{
	const char *wargv[] = { "pipe-workload", "burst", "30000", NULL };
	struct workload w;
	struct tracer t;
	long long hwm, rss, before;

	tracer_start(&t, args);
	before = status_kb(t.pid, "VmRSS");
	workload_start(&w, wargv);
	workload_finish(&w);
	hwm = status_kb(t.pid, "VmHWM");
	rss = status_kb(t.pid, "VmRSS");
	tap_diag("  %s: peak RSS %lld KiB, %s the %d KiB bar (now %lld KiB)",
		 what, hwm, hwm <= BAR_KB ? "within" : "above", BAR_KB, rss);
	if (bounded)
		tap_ok(hwm > 0 && hwm <= CEILING_KB,
		       "%s: peak RSS %lld KiB <= %d KiB", what, hwm,
		       CEILING_KB);
	/* 30000 events: a leak of even 64 bytes each would show */
	tap_ok(before > 0 && rss - before <= 1024,
	       "%s: resident %lld KiB after 30000 writes, %lld KiB before",
	       what, rss, before);
	tracer_stop(&t);
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	const char *tier = getenv("IPCSCOPE_PROBE");

	require_root();
	/*
	 * The peak is libbpf's parse of the kernel's BTF and the ring, the
	 * same for every tier: measured once per kernel, in its tracepoint
	 * cell (the one every kernel has), to keep the matrix short.
	 */
	if (tier && *tier && strcmp(tier, "auto") && strcmp(tier, "tracepoint"))
		tap_skip_all("the collector's memory is measured once per kernel, in its tracepoint cell");
	tap_plan(5);
	peak("pipes, streaming", (const char *[]){ "-t", "pipe", NULL }, true);
	peak("pipes, --summary", (const char *[]){ "-t", "pipe", "--summary",
						   NULL }, true);
	peak("every family, streaming", (const char *[]){ NULL }, false);
	return tap_done();
}
