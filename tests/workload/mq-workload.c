// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX message queue traffic whose numbers are known in advance, for the
 * integration tests.  Facts go to $IPCSCOPE_FACTS.  Every queue is named
 * /ipcscope-mq-<pid>-<what> and unlinked at the end.
 *
 *   mq-workload prio      3 messages of priorities 1, 9, 5 and sizes 11,
 *                         22, 33 sent to an empty queue, received (9, 5,
 *                         1 by priority), then one receive on the empty
 *                         queue with O_NONBLOCK (EAGAIN)
 *   mq-workload block MS  a child's mq_receive sleeps on the empty queue
 *                         until a send MS ms after it is seen asleep
 *   mq-workload notify    mq_notify(SIGEV_SIGNAL, SIGUSR1) on an empty
 *                         queue; a send fires it (the signal arrives);
 *                         then a registration removed by mq_notify(NULL)
 *   mq-workload crowd S R N  one message sent before the test traces and
 *                         received after (its sender unknown); then S
 *                         sender processes send N messages each, of
 *                         priorities 0-2, with their pid in the text, to
 *                         R receiver processes that take S*N/R each, on a
 *                         queue of 4 messages; every receiver reports, per
 *                         receive, whose pid the text had
 *   mq-workload order     one message of priority 9 sent before the test
 *                         traces; then, one after the other, 3 children
 *                         send 2 messages each (priorities 1 5, 5 0, 1 7),
 *                         their pid in the text; then 7 receives, the
 *                         last two without a priority pointer: by
 *                         priority 9 (the early one), 7, 5 5, 1 1, 0;
 *                         nothing overlaps, every sender is certain
 */
#define _GNU_SOURCE
#include <mqueue.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <time.h>
#include "workload.h"

#define MSGSIZE 64

static char qname[64];

static mqd_t open_queue(const char *what, int flags)
{
	struct mq_attr attr = { .mq_maxmsg = 8, .mq_msgsize = MSGSIZE };
	mqd_t q;

	snprintf(qname, sizeof(qname), "/ipcscope-mq-%d-%s", getpid(), what);
	mq_unlink(qname);
	q = mq_open(qname, O_CREAT | O_EXCL | O_RDWR | flags, 0600, &attr);
	if (q < 0)
		die("mq_open %s", qname);
	return q;
}

static int cmd_prio(void)
{
	static const unsigned int prio[3] = { 1, 9, 5 };
	static const size_t size[3] = { 11, 22, 33 };
	char buf[MSGSIZE];
	unsigned int got[3];
	ssize_t n[3];
	mqd_t q = open_queue("prio", O_NONBLOCK);
	int i, eagain;

	fact("{\"pid\":%d,\"mqd\":%d,\"name\":\"%s\"}", getpid(), (int)q,
	     qname);
	pause_for_test();
	memset(buf, 'q', sizeof(buf));
	for (i = 0; i < 3; i++)
		if (mq_send(q, buf, size[i], prio[i]))
			die("mq_send %d", i);
	for (i = 0; i < 3; i++) {
		n[i] = mq_receive(q, buf, sizeof(buf), &got[i]);
		if (n[i] < 0)
			die("mq_receive %d", i);
	}
	eagain = mq_receive(q, buf, sizeof(buf), &got[0]) < 0 &&
		 errno == EAGAIN;
	fact("{\"got0\":%u,\"got1\":%u,\"got2\":%u,\"n0\":%zd,\"n1\":%zd,"
	     "\"n2\":%zd,\"eagain\":%d}", got[0], got[1], got[2], n[0], n[1],
	     n[2], eagain);
	mq_close(q);
	mq_unlink(qname);
	return 0;
}

static int cmd_block(int ms)
{
	struct timespec nap = { ms / 1000, (ms % 1000) * 1000000L };
	char buf[MSGSIZE] = "wake up";
	mqd_t q = open_queue("block", 0);
	int status;
	pid_t child;

	fflush(NULL);
	child = fork();
	if (child == 0) {
		unsigned int prio;

		raise(SIGSTOP);
		if (mq_receive(q, buf, sizeof(buf), &prio) != 8 || prio != 7)
			die("blocking mq_receive");
		_exit(0);
	}
	waitpid(child, &status, WUNTRACED);
	fact("{\"pid\":%d,\"child\":%d,\"mqd\":%d,\"name\":\"%s\","
	     "\"sleep_ms\":%d}", getpid(), child, (int)q, qname, ms);
	pause_for_test();
	kill(child, SIGCONT);
	wait_blocked_in(child, SYS_mq_timedreceive, -1);
	nanosleep(&nap, NULL);
	if (mq_send(q, buf, 8, 7))
		die("mq_send");
	waitpid(child, &status, 0);
	mq_close(q);
	mq_unlink(qname);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}

static volatile sig_atomic_t notified;

static void on_usr1(int sig)
{
	(void)sig;
	notified++;
}

static int cmd_notify(void)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_SIGNAL,
		.sigev_signo = SIGUSR1,
	};
	struct sigaction sa = { .sa_handler = on_usr1 };
	char buf[MSGSIZE] = "ping";
	mqd_t q = open_queue("notify", 0);
	unsigned int prio;
	int i;

	sigaction(SIGUSR1, &sa, NULL);
	fact("{\"pid\":%d,\"mqd\":%d,\"name\":\"%s\"}", getpid(), (int)q,
	     qname);
	pause_for_test();
	if (mq_notify(q, &sev))
		die("mq_notify");
	if (mq_send(q, buf, 5, 3))
		die("mq_send");
	/* the signal is sent to this process from inside its own send */
	for (i = 0; i < 1000 && !notified; i++)
		usleep(1000);
	if (mq_receive(q, buf, sizeof(buf), &prio) != 5)
		die("mq_receive");
	if (mq_notify(q, &sev))
		die("mq_notify again");
	if (mq_notify(q, NULL))
		die("mq_notify(NULL)");
	fact("{\"notified\":%d}", (int)notified);
	mq_close(q);
	mq_unlink(qname);
	return 0;
}

/* A crowd's receiver: @n messages, a fact line for each. */
static void receive_n(mqd_t q, int n)
{
	char buf[MSGSIZE];
	int k, sender;

	for (k = 0; k < n; k++) {
		if (mq_receive(q, buf, sizeof(buf), NULL) < 0)
			die("mq_receive %d", k);
		if (sscanf(buf, "pid %d", &sender) != 1)
			die("message %d: '%.20s'", k, buf);
		fact("{\"rcv\":%d,\"k\":%d,\"sender\":%d}", getpid(), k,
		     sender);
	}
}

static int cmd_crowd(int nsend, int nrecv, int n)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = MSGSIZE };
	char buf[MSGSIZE];
	pid_t kids[64];
	int i, k, nkids = 0, ok;
	mqd_t q;

	if (nsend + nrecv > 64 || (nsend * n) % nrecv) {
		errno = EINVAL;
		die("crowd %d %d %d", nsend, nrecv, n);
	}
	snprintf(qname, sizeof(qname), "/ipcscope-mq-%d-crowd", getpid());
	mq_unlink(qname);
	q = mq_open(qname, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	if (q < 0)
		die("mq_open %s", qname);
	snprintf(buf, sizeof(buf), "pid %d early", getpid());
	if (mq_send(q, buf, strlen(buf) + 1, 1))
		die("early mq_send");
	fact("{\"pid\":%d,\"mqd\":%d,\"name\":\"%s\"}", getpid(), (int)q,
	     qname);
	pause_for_test();
	if (mq_receive(q, buf, sizeof(buf), NULL) < 0)
		die("early mq_receive");
	fflush(NULL);
	for (i = 0; i < nrecv; i++) {
		kids[nkids] = fork();
		if (kids[nkids] < 0)
			die("fork");
		if (kids[nkids] == 0) {
			receive_n(q, nsend * n / nrecv);
			_exit(0);
		}
		nkids++;
	}
	for (i = 0; i < nsend; i++) {
		kids[nkids] = fork();
		if (kids[nkids] < 0)
			die("fork");
		if (kids[nkids] == 0) {
			for (k = 0; k < n; k++) {
				snprintf(buf, sizeof(buf), "pid %d msg %d",
					 getpid(), k);
				if (mq_send(q, buf, strlen(buf) + 1, k % 3))
					die("mq_send %d", k);
			}
			_exit(0);
		}
		nkids++;
	}
	ok = reap_clean(kids, nkids);
	fact("{\"clean\":%d,\"kids\":%d}", ok, nkids);
	mq_close(q);
	mq_unlink(qname);
	return ok == nkids ? 0 : 1;
}

static int cmd_order(void)
{
	static const unsigned int send_prio[3][2] = { { 1, 5 }, { 5, 0 },
						      { 1, 7 } };
	char buf[MSGSIZE];
	mqd_t q = open_queue("order", O_NONBLOCK);
	int i, k, sender, status;
	unsigned int prio;
	pid_t kid;

	snprintf(buf, sizeof(buf), "pid %d early", getpid());
	if (mq_send(q, buf, strlen(buf) + 1, 9))
		die("early mq_send");
	fact("{\"pid\":%d,\"mqd\":%d,\"name\":\"%s\"}", getpid(), (int)q,
	     qname);
	pause_for_test();
	if (mq_receive(q, buf, sizeof(buf), &prio) < 0 || prio != 9)
		die("early mq_receive");
	fflush(NULL);
	for (i = 0; i < 3; i++) {
		kid = fork();
		if (kid < 0)
			die("fork");
		if (kid == 0) {
			for (k = 0; k < 2; k++) {
				snprintf(buf, sizeof(buf), "pid %d msg %d%*s",
					 getpid(), k, i * 7 + k * 3, "");
				if (mq_send(q, buf, strlen(buf) + 1,
					    send_prio[i][k]))
					die("mq_send %d", k);
			}
			_exit(0);
		}
		if (waitpid(kid, &status, 0) != kid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			die("sender %d", i);
	}
	for (k = 0; k < 6; k++) {
		prio = 99;
		if (mq_receive(q, buf, sizeof(buf), k < 4 ? &prio : NULL) < 0)
			die("mq_receive %d", k);
		if (sscanf(buf, "pid %d", &sender) != 1)
			die("message %d", k);
		/* k + 1: the early receive is the process's first */
		fact("{\"rcv\":%d,\"k\":%d,\"sender\":%d,\"prio\":%u}",
		     getpid(), k + 1, sender, prio);
	}
	mq_close(q);
	mq_unlink(qname);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "prio") && argc == 2)
		return cmd_prio();
	if (!strcmp(mode, "block") && argc == 3)
		return cmd_block(atoi(argv[2]));
	if (!strcmp(mode, "notify") && argc == 2)
		return cmd_notify();
	if (!strcmp(mode, "crowd") && argc == 5)
		return cmd_crowd(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(mode, "order") && argc == 2)
		return cmd_order();
	fprintf(stderr,
		"usage: mq-workload prio | block MS | notify | crowd S R N | order\n");
	return 2;
}
