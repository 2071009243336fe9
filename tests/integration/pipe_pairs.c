// SPDX-License-Identifier: GPL-2.0
/*
 * One event per read and per write, on anonymous pipes and on FIFOs alike:
 * N write+read pairs of one message each (pipe-workload pairs) must give
 * exactly N pipe_write and N pipe_read events per pipe, whatever the tier.
 *
 * Since 6.16 the kernel splits pipe_read/pipe_write into anon_pipe_* and
 * fifo_pipe_*, and fifo_pipe_read calls anon_pipe_read: a FIFO read passes
 * through two probed functions on the fentry and kprobe tiers, and must
 * still be one event (bpf/pipe.bpf.c, pipe_enter's nesting depth).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

#define PAIRS 40

/* Does this kernel have the split functions?  For the log only: the counts
 * must be exact either way. */
static bool kernel_has(const char *symbol)
{
	char line[256], name[128];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %127s", name) == 1 &&
			!strcmp(name, symbol);
	fclose(f);
	return found;
}

static void check_pipe(const struct events *evs, long long pid,
		       long long ino, long long size, const char *kind)
{
	static const char *const types[] = { "pipe_write", "pipe_read" };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		tap_is_int(events_count(evs, types[i], pid, ino), PAIRS,
			   "%s: exactly %d %s events", kind, PAIRS, types[i]);
		tap_is_int(events_sum(evs, types[i], pid, ino, "bytes"),
			   PAIRS * size, "%s: %s bytes add up", kind,
			   types[i]);
		tap_is_int(events_not_str(evs, types[i], pid, ino, "pipe",
					  kind), 0,
			   "%s: every %s says \"pipe\":\"%s\"", kind, types[i],
			   kind);
	}
}

int main(void)
{
	char dir[] = "/tmp/ipcscope-pairs-XXXXXX", path[128], pid_arg[16];
	char pairs_arg[16];
	const char *argv[] = { "pipe-workload", "pairs", path, pairs_arg,
			       NULL };
	long long pid, anon_ino, fifo_ino, size;
	struct workload w;
	struct tracer t;

	require_root();
	tap_plan(18);
	tap_diag("kernel functions: %s", kernel_has("fifo_pipe_read") ?
		 "anon_pipe_* and fifo_pipe_* (split)" : "pipe_read/pipe_write");
	if (!mkdtemp(dir))
		tap_bail("mkdtemp failed");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	snprintf(pairs_arg, sizeof(pairs_arg), "%d", PAIRS);
	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	anon_ino = fact_int(&w, "anon_ino");
	fifo_ino = fact_int(&w, "fifo_ino");
	size = fact_int(&w, "size");
	snprintf(pid_arg, sizeof(pid_arg), "%lld", pid);
	tracer_start(&t, (const char *[]){ "-t", "pipe", "-p", pid_arg,
					  NULL });
	workload_finish(&w);
	tracer_stop(&t);
	rmdir(dir);

	tap_is_int(w.status, 0, "workload ran to the end");
	tap_is_int(fact_int(&w, "pairs"), PAIRS, "workload made %d pairs",
		   PAIRS);
	tap_is_int(t.status, 0, "tracer exited 0 on SIGINT");
	tap_is_int(t.events.bad_lines, 0, "every output line is a JSON object");
	check_pipe(&t.events, pid, anon_ino, size, "anon");
	check_pipe(&t.events, pid, fifo_ino, size, "fifo");
	tap_is_int(events_count(&t.events, NULL, pid, 0), 4 * PAIRS,
		   "no other event from the workload");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event's \"tier\" is a hook of the forced tier");
	tracer_free(&t);
	workload_free(&w);
	return tap_done();
}
