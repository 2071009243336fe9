// SPDX-License-Identifier: GPL-2.0
/* A FIFO made with mkfifo: "pipe":"fifo", its path, its inode, its counts. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

#define WRITES 50

int main(void)
{
	char dir[] = "/tmp/ipcscope-fifo-XXXXXX", path[128], pid_arg[2][16];
	const char *argv[] = { "pipe-workload", "fifo", path, "50", NULL };
	long long pid, reader, ino;
	int i, bad_kind = 0, bad_path = 0, bad_ino = 0;
	struct workload w;
	struct tracer t;

	require_root();
	tap_plan(7);
	if (!mkdtemp(dir))
		tap_bail("mkdtemp failed");
	snprintf(path, sizeof(path), "%s/a \"quoted\" fifo", dir);
	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	reader = fact_int(&w, "reader");
	ino = fact_int(&w, "ino");
	snprintf(pid_arg[0], sizeof(pid_arg[0]), "%lld", pid);
	snprintf(pid_arg[1], sizeof(pid_arg[1]), "%lld", reader);
	/* pipes only: the workload's SIGCHLD is no pipe event */
	tracer_start(&t, (const char *[]){ "-t", "pipe", "-p", pid_arg[0],
					  "-p", pid_arg[1], NULL });
	workload_resume(&w);		/* runs, then holds the FIFO open */
	tracer_stop(&t);
	workload_finish(&w);
	rmdir(dir);

	tap_is_int(events_count(&t.events, "pipe_write", pid, 0), WRITES,
		   "exactly %d writes into the FIFO", WRITES);
	tap_is_int(events_sum(&t.events, "pipe_write", pid, 0, "bytes"),
		   fact_int(&w, "write_bytes"), "written bytes add up");
	tap_is_int(events_count(&t.events, "pipe_read", reader, 0),
		   fact_int(&w, "reads"), "every read of the reader");
	tap_is_int(events_sum(&t.events, "pipe_read", reader, 0, "bytes"),
		   fact_int(&w, "read_bytes"), "read bytes add up");
	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		const char *kind = fj_str(e, "pipe"), *p = fj_str(e, "path");

		bad_kind += strcmp(kind, "fifo") != 0;
		/* a preempting pipe program found the path scratch busy:
		 * said as path_unreadable, never a wrong path */
		if (preemption_todo() && fj_has(e, "path_unreadable"))
			continue;
		bad_path += strcmp(p, path) != 0;
		bad_ino += fj_int(e, "ino") != ino;
	}
	tap_is_int(bad_kind, 0, "every event says \"pipe\":\"fifo\"");
	tap_is_int(bad_path, 0, "every event carries the path %s", path);
	tap_is_int(bad_ino, 0, "every event is on the FIFO's inode %lld", ino);
	tracer_free(&t);
	workload_free(&w);
	return tap_done();
}
