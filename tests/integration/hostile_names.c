// SPDX-License-Identifier: GPL-2.0
/*
 * Names that break hand-written JSON: a process whose comm holds a double
 * quote, a backslash and a newline does known pipe and FIFO traffic and
 * signals itself; the FIFO's path holds them too.  Every line of
 * `trace -f json` must parse with a real JSON library, the comm must come
 * back byte for byte (as the kernel keeps it: 15 bytes), and so must the
 * FIFO's path, on every event of the FIFO.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

#define WRITES 20
/* 16 bytes: the kernel keeps the first 15, the newline among them */
#define COMM "q\"b\\s\nnl-hostile"

int main(void)
{
	char dir[] = "/tmp/ipcscope-hostile-XXXXXX", path[128], n_arg[8];
	char comm[16], pid_arg[16];
	const char *argv[] = { "hostile-workload", COMM, path, n_arg, NULL };
	long long pid, ino, fifo_ino;
	struct workload w;
	struct tracer t;
	const struct events *evs = &t.events;

	require_root();
	tap_plan(19);
	if (!mkdtemp(dir))
		tap_bail("mkdtemp failed");
	snprintf(path, sizeof(path), "%s/a \"fifo\" \\ with a\nnewline", dir);
	snprintf(n_arg, sizeof(n_arg), "%d", WRITES);
	snprintf(comm, sizeof(comm), "%.15s", COMM);

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	ino = fact_int(&w, "ino");
	fifo_ino = fact_int(&w, "fifo_ino");
	snprintf(pid_arg, sizeof(pid_arg), "%lld", pid);
	/* the harness's SIGSTOP and SIGCONT are signals too */
	tracer_start(&t, (const char *[]){ "-t", "pipe,signal", "-p", pid_arg,
					  "--sig", "USR1", NULL });
	workload_resume(&w);		/* runs, then holds the FIFO open */
	tracer_stop(&t);
	workload_finish(&w);
	rmdir(dir);

	tap_is_int(w.status, 0, "the workload ran to the end");
	tap_is_int(fact_int(&w, "handled"), 1, "it handled its SIGUSR1");
	tap_is_int(t.status, 0, "the tracer exited 0 on SIGINT");
	tap_is_int(evs->bad_lines, 0,
		   "every line of trace -f json parses as one JSON object");
	tap_is_int(evs->n, 4 * WRITES + 2,
		   "%d pipe and FIFO events and 2 signal events, no other",
		   4 * WRITES);
	tap_is_int(events_not_str(evs, NULL, 0, 0, "comm", comm), 0,
		   "every event's comm is the 15 bytes the kernel kept, quote, backslash and newline included");
	tap_is_int(events_count(evs, "pipe_write", pid, ino), WRITES,
		   "%d writes into the pipe", WRITES);
	tap_is_int(events_sum(evs, "pipe_write", pid, ino, "bytes"),
		   fact_int(&w, "pipe_bytes"), "their bytes add up");
	tap_is_int(events_count(evs, "pipe_read", pid, ino), WRITES,
		   "%d reads from the pipe", WRITES);
	tap_is_int(events_count(evs, "pipe_write", pid, fifo_ino), WRITES,
		   "%d writes into the FIFO", WRITES);
	tap_is_int(events_sum(evs, "pipe_write", pid, fifo_ino, "bytes"),
		   fact_int(&w, "fifo_bytes"), "their bytes add up");
	tap_is_int(events_count(evs, "pipe_read", pid, fifo_ino), WRITES,
		   "%d reads from the FIFO", WRITES);
	tap_is_int(events_not_str(evs, "pipe_write", pid, fifo_ino, "path",
				  path), 0,
		   "every FIFO write carries its path, quote, backslash and newline included");
	tap_is_int(events_not_str(evs, "pipe_read", pid, fifo_ino, "path",
				  path), 0,
		   "every FIFO read carries its path");
	tap_is_int(events_not_str(evs, "pipe_write", pid, ino, "pipe", "anon"),
		   0, "the pipe's writes say \"pipe\":\"anon\"");
	tap_is_int(events_not_str(evs, "pipe_write", pid, fifo_ino, "pipe",
				  "fifo"), 0,
		   "the FIFO's writes say \"pipe\":\"fifo\"");
	tap_is_int(events_count(evs, "signal_generate", pid, 0), 1,
		   "one signal_generate from it");
	tap_is_int(events_count(evs, "signal_deliver", pid, 0), 1,
		   "one signal_deliver, in it");
	tap_is_int(events_wrong_tier(evs), 0,
		   "every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
	tracer_free(&t);
	workload_free(&w);
	return tap_done();
}
