// SPDX-License-Identifier: GPL-2.0
/*
 * Cross-check with stress-ng (Debian's 0.15): a short run of its sem-sysv,
 * msg and sigq stressors, each stopped after a known number of bogo ops,
 * traced at the same time; ipcscope's per-process counts must agree with
 * the bogo ops stress-ng reports.  stress-ng is on the host only: in the
 * VMs of the matrix this program skips.
 *
 * What one bogo op is, read from stress-ng 0.15.06's sources:
 *
 *  sem-sysv  two worker processes (comm "stress-ng-sem-s") each loop on
 *            { semtimedop(P: sem 0, -1, SEM_UNDO, 1 s timeout);
 *              semop(V: sem 0, +1) unless P timed out (EAGAIN);
 *              bogo op++ unless told to stop }, so each worker's last P
 *            is not counted: bogo <= P events <= bogo + 2.  (Around the
 *            loop they also issue invalid semops on purpose: EINVAL,
 *            E2BIG, EFBIG, a 300-op call; those are not P's.)  The two
 *            workers bump one shared counter without atomics, so a rare
 *            lost increment may add to the slack; 1% is allowed for it.
 *  msg       one bogo op at set-up, then the parent (the sender) counts one
 *            per successful msgsnd of 4 bytes of mtype 1: those msgsnd
 *            events = bogo - 1 exactly.  (It then sends three malformed
 *            messages, and its child receives; neither is counted.)
 *  sigq      the parent counts one per sigqueue(child, SIGUSR1) and sends
 *            one more, the termination notice: SIGUSR1 SI_QUEUE generate
 *            events from it = bogo + 1 exactly.  (Its invalid
 *            rt_sigqueueinfo calls fail before any signal is generated.)
 *            The child blocks SIGUSR1 and takes it with sigwaitinfo,
 *            which signal_deliver does not see; only the signals that
 *            arrive before it has blocked SIGUSR1 (the parent starts
 *            right after fork) reach its handler and show as delivered.
 *            SIGUSR1 is a standard signal: pending at most once, so a
 *            sigqueue either queues it (result delivered, or lose_info)
 *            or coalesces (already_pending), and each queued one is
 *            taken once, by the handler or by sigwaitinfo.  So the
 *            deliveries are at most the queued generates, and each one
 *            answers the last queued generate before it: in its target,
 *            latency_ns = its ts_ns - that generate's ts_ns, to the ns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

#define OPS 3000
#define STRESS_NG "/usr/bin/stress-ng"

/* "bogo-ops: N" of @stressor in stress-ng's YAML report, or -1. */
static long long yaml_bogo(const char *path, const char *stressor)
{
	char line[256], want[64];
	bool in = false;
	FILE *f = fopen(path, "re");
	long long n = -1;

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "- stressor: %s\n", stressor);
	while (fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " ");

		if (!strncmp(p, "- stressor:", 11))
			in = !strcmp(p, want);
		else if (in && !strncmp(p, "bogo-ops:", 9)) {
			n = atoll(p + 9);
			break;
		}
	}
	fclose(f);
	return n;
}

static bool comm_is(const struct fj_object *e, const char *comm)
{
	const char *c = fj_str(e, "comm");

	return c && !strcmp(c, comm);
}

/* The 1 s-timeout P of sem-sysv's loop: sem 0, -1, done or timed out. */
static bool is_counted_p(const struct fj_object *e)
{
	struct fj_object op;
	bool p;

	if (fj_int(e, "nsops") != 1 || fj_int(e, "timeout_ns") != 1000000000LL ||
	    (fj_int(e, "errno") != 0 && fj_int(e, "errno") != EAGAIN) ||
	    fj_array(e, "ops", &op, 1) != 1)
		return false;
	p = fj_int(&op, "num") == 0 && fj_int(&op, "op") == -1;
	fj_free(&op);
	return p;
}

#define MAX_PIDS 16

struct per_pid {
	long long pid[MAX_PIDS];
	long long n[MAX_PIDS];
	int npids;
};

static void add(struct per_pid *pp, long long pid)
{
	int i;

	for (i = 0; i < pp->npids; i++)
		if (pp->pid[i] == pid)
			break;
	if (i == pp->npids) {
		if (pp->npids == MAX_PIDS)
			return;
		pp->pid[pp->npids] = pid;
		pp->n[pp->npids++] = 0;
	}
	pp->n[i]++;
}

static long long total(const struct per_pid *pp)
{
	long long sum = 0;
	int i;

	for (i = 0; i < pp->npids; i++)
		sum += pp->n[i];
	return sum;
}

static void show(const char *what, const struct per_pid *pp)
{
	char line[512];
	size_t off = 0;
	int i;

	for (i = 0; i < pp->npids && off < sizeof(line); i++)
		off += snprintf(line + off, sizeof(line) - off, " pid %lld: %lld",
				pp->pid[i], pp->n[i]);
	tap_diag("%s per process:%s", what, off ? line : " none");
}

int main(void)
{
	const char *kernel = getenv("IPCSCOPE_KERNEL");
	char yaml[] = "/tmp/ipcscope-stress-ng-XXXXXX";
	char ops[16];
	struct per_pid sem = { 0 }, snd = { 0 }, sigq = { 0 };
	long long bogo_sem, bogo_msg, bogo_sigq, lost;
	long long queued_ts = 0, queued_target = 0;
	struct cmd_result r;
	struct tracer t;
	int fd, i, deliver = 0, queued = 0, unpaired = 0;

	require_root();
	if (kernel && strcmp(kernel, "host"))
		tap_skip_all("stress-ng runs on the host only, not in the %s VM",
			     kernel);
	if (access(STRESS_NG, X_OK))
		tap_skip_all("%s is not installed (Debian package stress-ng)",
			     STRESS_NG);
	tap_plan(14);
	fd = mkstemp(yaml);
	if (fd < 0)
		tap_bail("mkstemp");
	close(fd);
	snprintf(ops, sizeof(ops), "%d", OPS);
	/* everything, filtered below by comm: stress-ng picks its pids */
	tracer_start(&t, (const char *[]){ "-t", "sem,msg,signal", "--sig",
					  "USR1", "--ringbuf-size", "65536",
					  NULL });
	run_cmd((const char *[]){ STRESS_NG, "--sem-sysv", "1",
				  "--sem-sysv-ops", ops, "--msg", "1",
				  "--msg-ops", ops, "--sigq", "1",
				  "--sigq-ops", ops, "--timeout", "60",
				  "--metrics-brief", "--yaml", yaml, NULL },
		&r, 120);
	tracer_stop(&t);
	tap_is_int(r.status, 0, "stress-ng ran its three stressors");
	bogo_sem = yaml_bogo(yaml, "sem-sysv");
	bogo_msg = yaml_bogo(yaml, "msg");
	bogo_sigq = yaml_bogo(yaml, "sigq");
	tap_diag("stress-ng bogo ops: sem-sysv %lld, msg %lld, sigq %lld",
		 bogo_sem, bogo_msg, bogo_sigq);

	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		const char *result = fj_str(e, "result");

		if (event_is(e, "semop") && comm_is(e, "stress-ng-sem-s") &&
		    is_counted_p(e)) {
			add(&sem, fj_int(e, "pid"));
		} else if (event_is(e, "msgsnd") &&
			   comm_is(e, "stress-ng-msg") &&
			   fj_int(e, "errno") == 0 &&
			   fj_int(e, "requested") == 4 &&
			   fj_int(e, "mtype") == 1) {
			add(&snd, fj_int(e, "pid"));
		} else if (event_is(e, "signal_generate") &&
			   comm_is(e, "stress-ng-sigq") &&
			   !strcmp(fj_str(e, "code_name"), "SI_QUEUE")) {
			add(&sigq, fj_int(e, "pid"));
			if (strcmp(result, "delivered") &&
			    strcmp(result, "lose_info"))
				continue;
			queued++;
			queued_ts = fj_int(e, "ts_ns");
			queued_target = fj_int(e, "target_pid");
		} else if (event_is(e, "signal_deliver") &&
			   comm_is(e, "stress-ng-sigq")) {
			deliver++;
			if (queued && fj_int(e, "pid") == queued_target &&
			    fj_is_int(e, "latency_ns") &&
			    fj_int(e, "ts_ns") - queued_ts ==
			    fj_int(e, "latency_ns"))
				continue;
			if (unpaired++ < 3)
				tap_diag("  event %d: signal_deliver in %lld, latency_ns %lld: not the last queued generate's (target %lld, ts_ns %lld)",
					 i, fj_int(e, "pid"),
					 fj_int(e, "latency_ns"),
					 queued_target, queued_ts);
		}
	}
	lost = events_sum(&t.events, "lost", 0, 0, "count");
	show("sem-sysv P", &sem);
	show("msg msgsnd", &snd);
	show("sigq sigqueue", &sigq);
	tap_is_int(lost, 0, "no event lost");
	/* stress-ng's msgrcv passes msgsz (size_t)-1: printed as the
	 * kernel reads it, -1, which every JSON reader takes */
	tap_is_int(t.events.bad_lines, 0, "every line is a JSON object");
	tap_is_int(sem.npids, 2, "sem-sysv: P's from 2 workers");
	tap_ok(total(&sem) >= bogo_sem &&
	       total(&sem) <= bogo_sem + 2 + bogo_sem / 100,
	       "sem-sysv: %lld P's, between bogo ops %lld and that + 2 (+1%%)",
	       total(&sem), bogo_sem);
	tap_is_int(snd.npids, 1, "msg: one sender");
	tap_is_int(total(&snd), bogo_msg - 1, "msg: msgsnd = bogo ops %lld - 1",
		   bogo_msg);
	tap_is_int(sigq.npids, 1, "sigq: one sender");
	tap_is_int(total(&sigq), bogo_sigq + 1,
		   "sigq: SIGUSR1 SI_QUEUE = bogo ops %lld + 1", bogo_sigq);
	tap_ok(deliver <= queued,
	       "sigq: %d signal_deliver, at most the %d sigqueues that queued (the others coalesced)",
	       deliver, queued);
	tap_is_int(unpaired, 0,
		   "sigq: each signal_deliver answers the last queued sigqueue, latency_ns to the ns");
	tap_ok(bogo_sem >= OPS, "sem-sysv reached its %d bogo ops", OPS);
	tap_ok(bogo_msg >= OPS, "msg reached its %d bogo ops", OPS);
	tap_ok(bogo_sigq >= OPS, "sigq reached its %d bogo ops", OPS);
	unlink(yaml);
	tracer_free(&t);
	return tap_done();
}
