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

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include "json.h"
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
/* The same for another verb that takes -f json and --probe (graph). */
int tracer_try_start_verb(struct tracer *t, const char *verb,
			  const char *const *args);
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
/* A fact from the last line that has the key; FJ_MISSING (and a
 * diagnostic naming the key) when no line has it. */
long long fact_int(const struct workload *w, const char *key);
/* Line i of the facts, for multi-record workloads. */
const struct fj_object *fact_line(const struct workload *w, const char *key,
				  long long value);
void workload_free(struct workload *w);

/* Load NDJSON lines from a file. */
int events_load(struct events *evs, const char *path);
void events_free(struct events *evs);

/* The event's "type" is @type. */
bool event_is(const struct fj_object *e, const char *type);

/* Filter helpers: type NULL or a string; pid/ino 0 for any. */
int events_count(const struct events *evs, const char *type, long long pid,
		 long long ino);
/* FJ_MISSING (and a diagnostic) when a matching event lacks @field. */
long long events_sum(const struct events *evs, const char *type,
		     long long pid, long long ino, const char *field);
/* The n-th (0-based) matching event or NULL. */
const struct fj_object *events_nth(const struct events *evs, const char *type,
				   long long pid, long long ino, int n);

/* How many events matching (type, pid, ino) do not have @key, or have
 * another value than @want there; the first few are shown in diagnostics. */
int events_not_int(const struct events *evs, const char *type, long long pid,
		   long long ino, const char *key, long long want);
int events_not_str(const struct events *evs, const char *type, long long pid,
		   long long ino, const char *key, const char *want);
int events_not_bool(const struct events *evs, const char *type, long long pid,
		    long long ino, const char *key, bool want);

/* Events (lost records aside) whose "tier" is not a hook the forced tier
 * of this run (IPCSCOPE_PROBE) uses for their family; 0 when the tier is
 * auto.  The first few are named in diagnostics. */
int events_wrong_tier(const struct events *evs);
/* Same for the tier @tier. */
int events_wrong_tier_for(const struct events *evs, const char *tier);
/* The hooks (space-separated) @family's events may name on --probe @tier,
 * or NULL for an unknown family or tier. */
const char *tier_hooks_accepted(const char *family, const char *tier);

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

/* Three assertions on a failed command: exit status @status, one line on
 * stderr, and that line names @needle.  In the header, like tap.h, so
 * they count in the test program's own plan. */
static inline __attribute__((format(printf, 4, 5)))
void tap_cmd_error(const struct cmd_result *r, int status, const char *needle,
		   const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tap_is_int(r->status, status, "%s: status %d", what, status);
	tap_is_int(r->err_lines, 1, "%s: one line on stderr", what);
	if (!tap_ok(strstr(r->err, needle) != NULL, "%s: it names '%s'", what,
		    needle))
		tap_diag("  stderr: %s", r->err);
}

/*
 * A TODO reason (tap_todo) for counts of many tasks woken at once, or NULL.
 * fentry/fexit and tp_btf programs run with migration, not preemption,
 * disabled; on a kernel that preempts kernel code (Debian's 7.x: lazy) a
 * task preempted inside one keeps the program busy on that CPU, and the
 * kernel skips its other runs there (counted only in the program's
 * recursion_misses).  Kprobes run with preemption off: no TODO there.
 */
const char *preemption_todo(void);

/* Runs the kernel skipped or dropped, as the trace reported them: the sum
 * of the "missed" and "lost" records' counts. */
long long events_gap(const struct events *evs);

/*
 * A TODO reason when a trace reported a gap -- "missed" or "lost" records
 * in @evs, or the collector's stderr @err (may be NULL) saying runs were
 * skipped, events lost or bytes left without a sender -- else NULL.  The
 * kernel skips a BPF program's run when that program is already running
 * on the CPU: preempted inside it (7.x's lazy preemption), or a probe
 * nested in an interrupt.  tracer_stop() sets tap_gap_todo from it, so a
 * failed exact check after such a trace is a TODO; pair those with one
 * tap_ok_strict(): count + gap >= expected, so a silent loss still fails.
 */
const char *gap_todo(const struct events *evs, const char *err);
/* The same for a verb that says its gap another way (top's MISSED). */
const char *gap_todo_for(long long gap, const char *err);

/*
 * Receives against what the workload knows: each fact line
 * {"rcv":PID,"k":K,"sender":PID} says receive K (0-based, in event order)
 * of process PID got a message whose text named that sender.  A receive
 * without sender_approx must name exactly that sender; one with it (the
 * tracepoint tier's model could not order overlapping calls) must name one
 * of the senders some fact names.
 */
struct pairing_tally {
	int facts;		/* fact lines with "rcv" */
	int no_event;		/* no successful receive event for one */
	int exact;		/* not approx, and right */
	int wrong;		/* not approx, and another sender (or null) */
	int approx;		/* sender_approx true */
	int approx_stray;	/* approx, and no sender of the workload */
	int bad_time;		/* sent_ts_ns after the receive, no queued_ns */
	int bad_comm;		/* sender_comm not @comm */
};
void pairing_tally(const struct events *evs, const struct events *facts,
		   const char *type, const char *comm,
		   struct pairing_tally *t);
/*
 * sender_approx receives (of @recv_type) the trace cannot explain: each
 * must overlap another send or receive on its queue (same @queue_key), or
 * come after two sends of its class (same @class_key, when the receive
 * has one) from different processes that overlapped each other, or come
 * after such an explained sender_approx receive on its queue (the model's
 * earlier guess leaves the queue uncertain).
 */
int pairing_unexplained(const struct events *evs, const char *send_type,
			const char *recv_type, const char *queue_key,
			const char *class_key);

/* A queue's event types and keys, for tap_crowd_pairing(). */
struct crowd_queue {
	const char *send, *recv;	/* event types: "msgsnd", "msgrcv" */
	const char *queue_key;		/* "msqid", "ino" */
	const char *class_key;		/* "mtype", "prio" */
	const char *comm;		/* the workload's comm */
	int messages;			/* messages the receivers took */
};

/*
 * The checks of a crowd of senders and receivers on one queue, traced
 * from before its first send by @w's process, which received one message
 * queued before tracing began, then let the crowd run: @what names it.
 * On fentry and kprobe the kernel links each message to its send (no
 * sender_approx); on the tracepoint tier each sender_approx receive must
 * have overlapped another call, or followed a guess that did.
 * Header-only, like tap_cmd_error(), so the assertions count in the test
 * program's own plan.
 */
static inline void tap_crowd_pairing(const struct tracer *t,
				     const struct workload *w,
				     const struct crowd_queue *q,
				     const char *what)
{
	bool kernel_links = !strcmp(probe_tier(), "fentry") ||
			    !strcmp(probe_tier(), "kprobe");
	const struct fj_object *e;
	struct pairing_tally pt;
	long long gap = events_gap(&t->events);

	tap_is_int(w->status, 0, "%s: workload ran to the end", what);
	tap_is_int(fact_int(w, "clean"), 7, "%s: its 7 children exited 0",
		   what);
	e = events_nth(&t->events, q->recv, fact_int(w, "pid"), 0, 0);
	tap_key_int(e, "errno", 0, "%s: the early message was received", what);
	tap_key_null(e, "sender_pid",
		     "%s: sent before tracing began: sender_pid null", what);
	tap_ok(e && fj_false(e, "sender_approx"),
	       "%s: and that is certain (sender_approx false)", what);
	pairing_tally(&t->events, &w->facts, q->recv, q->comm, &pt);
	tap_is_int(pt.facts, q->messages, "%s: the receivers took %d messages",
		   what, q->messages);
	/* a run the kernel skipped has no event, but is reported */
	tap_ok_strict(pt.no_event <= gap,
		      "%s: each has its %s event (%d without, %lld missed or lost reported)",
		      what, q->recv, pt.no_event, gap);
	/* a skipped run leaves a receive unpaired (fentry, kprobe) or the
	 * model without a call: exact where every probe runs */
	tap_is_int(pt.wrong, 0,
		   "%s: each receive not sender_approx names the sender its text named (%d exact, %d approx)",
		   what, pt.exact, pt.approx);
	tap_is_int(pt.approx_stray, 0,
		   "%s: each sender_approx receive names one of the senders",
		   what);
	if (kernel_links)
		tap_is_int(pt.approx, 0,
			   "%s: no receive sender_approx (%s sees the messages)",
			   what, probe_tier());
	else
		tap_is_int(pairing_unexplained(&t->events, q->send, q->recv,
					       q->queue_key, q->class_key), 0,
			   "%s: each of the %d sender_approx receives overlapped another call, or followed a guess that did",
			   what, pt.approx);
	tap_is_int(pt.bad_time, 0,
		   "%s: sent_ts_ns before the receive, queued_ns >= 0", what);
	tap_is_int(pt.bad_comm, 0, "%s: sender_comm %s", what, q->comm);
	tap_ok_strict(!pt.wrong || gap > 0,
		      "%s: %d unpaired, and skipped probe runs reported if any",
		      what, pt.wrong);
	tap_is_int(events_sum(&t->events, "lost", 0, 0, "count"), 0,
		   "%s: none lost", what);
}

/* Root is needed for BPF: skip the whole test program when not root. */
void require_root(void);

double mono_now(void);

/* The whole file at @path, NUL-terminated ("" when unreadable); free it. */
char *slurp(const char *path);

#endif /* IPCSCOPE_HARNESS_H */
