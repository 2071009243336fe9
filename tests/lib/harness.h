/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Integration-test harness: runs the collector and the workload programs,
 * the same way on the host and inside the VMs of the test matrix.
 *
 * Environment:
 *   IPCSCOPE        the collector (default: "ipcscope" on PATH)
 *   IPCSCOPE_PROBE  the tier to force with --probe (default: auto)
 *   IPCSCOPE_KERNEL the matrix cell's kernel label, for messages
 *
 * A workload reports what it did ("facts", one JSON object a line) to the
 * file named by $IPCSCOPE_FACTS and stops itself with SIGSTOP at the points
 * where the test must act: once ready (before any traced operation), and
 * optionally once more with its descriptors still open ("held") so the
 * collector can resolve FIFO paths before they close.
 */
#ifndef IPCSCOPE_HARNESS_H
#define IPCSCOPE_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>
#include "flatjson.h"
#include "tap.h"

struct events {
	struct fj_object *ev;
	int n;
	int bad_lines;		/* lines that were not valid JSON objects */
};

struct tracer {
	pid_t pid;
	char out_path[64];
	char err_path[64];
	int status;		/* exit status once stopped, -1 if killed */
	struct events events;
	char *err_text;		/* all of stderr, after stop */
};

struct workload {
	pid_t pid;
	char facts_path[64];
	bool exited;
	int status;
	struct events facts;	/* every fact line so far */
};

const char *ipcscope_bin(void);
const char *probe_tier(void);
/* Path of a workload program, next to the test programs. */
const char *workload_bin(const char *name);

/* Start `ipcscope trace -f json --probe TIER ARGS...` (ARGS NULL-ended) and
 * wait for its "tracing" line.  Bails out of the test when it fails. */
void tracer_start(struct tracer *t, const char *const *args);
/* Same, but returns -1 (with t->status and t->err_text) if it exits. */
int tracer_try_start(struct tracer *t, const char *const *args);
/* SIGINT, wait, collect the events and stderr. */
void tracer_stop(struct tracer *t);
void tracer_free(struct tracer *t);

/* Start a workload (argv NULL-ended, argv[0] a workload name) and wait
 * until it is ready (stopped) or has exited. */
void workload_start(struct workload *w, const char *const *argv);
/* Continue it and wait for its next stop or its exit. */
void workload_resume(struct workload *w);
/* Continue it to the end. */
void workload_finish(struct workload *w);
/* A fact from the last line that has the key. -1 when absent. */
long long fact_int(const struct workload *w, const char *key);
/* Line i of the facts, for multi-record workloads. */
const struct fj_object *fact_line(const struct workload *w, const char *key,
				  long long value);
void workload_free(struct workload *w);

/* Load NDJSON lines from a file. */
int events_load(struct events *evs, const char *path);
void events_free(struct events *evs);

/* Filter helpers: type NULL or a string; pid/ino 0 for any. */
int events_count(const struct events *evs, const char *type, long long pid,
		 long long ino);
long long events_sum(const struct events *evs, const char *type,
		     long long pid, long long ino, const char *field);
/* The n-th (0-based) matching event or NULL. */
const struct fj_object *events_nth(const struct events *evs, const char *type,
				   long long pid, long long ino, int n);

/* Events (lost records aside) not stamped with the forced tier of this
 * run (IPCSCOPE_PROBE); 0 when the tier is auto. */
int events_wrong_tier(const struct events *evs);

/* tracer_start() for one family (-t) and up to two pids (-p; pid2 <= 0
 * means pid alone). */
void tracer_start_family(struct tracer *t, const char *family,
			 long long pid, long long pid2);

/* Run a command, capture exit status and stderr (first line kept). */
struct cmd_result {
	int status;		/* exit status, or 128+signal */
	char err[4096];
	char out[65536];
	int err_lines;
	double seconds;
};
void run_cmd(const char *const *argv, struct cmd_result *r, int timeout_s);

/* Root is needed for BPF: skip the whole test program when not root. */
void require_root(void);

double mono_now(void);

#endif /* IPCSCOPE_HARNESS_H */
