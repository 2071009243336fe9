// SPDX-License-Identifier: GPL-2.0
/*
 * SysV message queue traffic whose numbers are known in advance, for the
 * integration tests.  Facts go to $IPCSCOPE_FACTS.
 *
 *   msg-workload sr N       N messages of types 1, 2, 3 (in turn) and known
 *                           sizes; received by type 2, then with MSG_EXCEPT
 *                           1 (the type 3s), then by type 0 (the type 1s)
 *   msg-workload block MS   a child's msgrcv sleeps on the empty queue
 *                           until a send MS ms after it is seen asleep
 *   msg-workload full       a queue shrunk to 1024 bytes, filled; one more
 *                           msgsnd with IPC_NOWAIT (EAGAIN); msgrcv with
 *                           IPC_NOWAIT of an absent type (ENOMSG)
 *   msg-workload crowd N    N children asleep in msgrcv at once, woken by
 *                           N messages
 *   msg-workload pairs S N  one message sent before the test traces and
 *                           received after (its sender unknown); then S
 *                           senders send N messages each of types 1, 2, 3
 *                           in turn, their pid in the text, through a queue
 *                           of 256 bytes, to 3 receivers taking type 3
 *                           (msgtyp 3), type 1 (msgtyp -1) and type 2
 *                           (msgtyp 2); every receiver reports, per
 *                           receive, whose pid the text had
 *   msg-workload order      one message of type 4 sent before the test
 *                           traces; then, one after the other, 3 children
 *                           send 2 messages each (types 2 1, 3 2, 1 3),
 *                           their pid in the text; then receives of the
 *                           early one (msgtyp 4), and of msgtyp 3, -2, 2
 *                           with MSG_EXCEPT, 2, 0, -3: nothing overlaps,
 *                           every receive's sender is certain
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "workload.h"

#define MAX_TEXT 2048

struct message {
	long mtype;
	char mtext[MAX_TEXT];
};

/* Size of message i: varied, 1..1000 bytes, the same on every run. */
static size_t msg_size(int i)
{
	return (size_t)(i * 389 + 7) % 1000 + 1;
}

static int new_queue(void)
{
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	if (id < 0)
		die("msgget");
	return id;
}

/* Receive until the queue has no message for (msgtyp, flags). */
static void drain(int id, long msgtyp, int flags, int *count,
		  unsigned long long *bytes, bool *types_ok, long want_type)
{
	static struct message m;
	ssize_t n;

	*count = 0;
	*bytes = 0;
	*types_ok = true;
	for (;;) {
		n = msgrcv(id, &m, MAX_TEXT, msgtyp, flags | IPC_NOWAIT);
		if (n < 0) {
			if (errno != ENOMSG)
				die("msgrcv");
			break;
		}
		(*count)++;
		*bytes += n;
		*types_ok &= m.mtype == want_type;
	}
}

static int cmd_sr(int n)
{
	static struct message m;
	unsigned long long sent = 0, bytes[3];
	int id = new_queue(), i, count[3];
	bool ok[3];

	/* the default queue (16 KiB) must hold all of them */
	for (i = 0; i < n; i++)
		sent += msg_size(i);
	if (sent > 16384) {
		errno = EINVAL;
		die("%d messages are %llu bytes, more than a queue holds", n,
		    sent);
	}
	fact("{\"pid\":%d,\"msqid\":%d}", getpid(), id);
	pause_for_test();
	memset(m.mtext, 'm', sizeof(m.mtext));
	for (i = 0; i < n; i++) {
		m.mtype = i % 3 + 1;
		if (msgsnd(id, &m, msg_size(i), 0))
			die("msgsnd %d", i);
	}
	drain(id, 2, 0, &count[0], &bytes[0], &ok[0], 2);
	drain(id, 1, MSG_EXCEPT, &count[1], &bytes[1], &ok[1], 3);
	drain(id, 0, 0, &count[2], &bytes[2], &ok[2], 1);
	fact("{\"sent\":%d,\"sent_bytes\":%llu,"
	     "\"by_type2\":%d,\"by_type2_bytes\":%llu,"
	     "\"except1\":%d,\"except1_bytes\":%llu,"
	     "\"any\":%d,\"any_bytes\":%llu,\"types_ok\":%d}",
	     n, sent, count[0], bytes[0], count[1], bytes[1], count[2],
	     bytes[2], ok[0] && ok[1] && ok[2]);
	msgctl(id, IPC_RMID, NULL);
	return 0;
}

static int cmd_block(int ms)
{
	struct timespec nap = { ms / 1000, (ms % 1000) * 1000000L };
	static struct message m = { .mtype = 42, .mtext = "wake up" };
	int id = new_queue(), status;
	pid_t child;

	fflush(NULL);
	child = fork();
	if (child == 0) {
		raise(SIGSTOP);
		if (msgrcv(id, &m, MAX_TEXT, 0, 0) != 8 || m.mtype != 42)
			die("blocking msgrcv");
		_exit(0);
	}
	waitpid(child, &status, WUNTRACED);
	fact("{\"pid\":%d,\"child\":%d,\"msqid\":%d,\"sleep_ms\":%d}",
	     getpid(), child, id, ms);
	pause_for_test();
	kill(child, SIGCONT);
	wait_blocked_in(child, SYS_msgrcv, -1);
	nanosleep(&nap, NULL);
	if (msgsnd(id, &m, 8, 0))
		die("msgsnd");
	waitpid(child, &status, 0);
	msgctl(id, IPC_RMID, NULL);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}

static int cmd_full(void)
{
	static struct message m = { .mtype = 5 };
	struct msqid_ds ds;
	int id = new_queue(), fits = 0, eagain, enomsg;

	if (msgctl(id, IPC_STAT, &ds))
		die("IPC_STAT");
	ds.msg_qbytes = 1024;	/* lowering needs no privilege */
	if (msgctl(id, IPC_SET, &ds))
		die("IPC_SET");
	fact("{\"pid\":%d,\"msqid\":%d,\"qbytes\":1024}", getpid(), id);
	pause_for_test();
	while (msgsnd(id, &m, 256, IPC_NOWAIT) == 0)
		fits++;
	eagain = errno == EAGAIN;
	enomsg = msgrcv(id, &m, MAX_TEXT, 99, IPC_NOWAIT) < 0 &&
		 errno == ENOMSG;
	fact("{\"fits\":%d,\"eagain\":%d,\"enomsg\":%d}", fits, eagain,
	     enomsg);
	msgctl(id, IPC_RMID, NULL);
	return 0;
}

static int cmd_crowd(int n)
{
	static struct message m = { .mtype = 1, .mtext = "go" };
	int id = new_queue(), i, ok;
	pid_t *kids = calloc(n, sizeof(*kids));

	if (!kids)
		die("calloc");
	fact("{\"pid\":%d,\"msqid\":%d,\"waiters\":%d}", getpid(), id, n);
	pause_for_test();
	for (i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			die("fork");
		if (kids[i] == 0)
			_exit(msgrcv(id, &m, MAX_TEXT, 0, 0) == 3 ? 0 : 1);
	}
	/* wait until every child is asleep in msgrcv: /proc/sysvipc has no
	 * waiter count, so look at each child */
	for (i = 0; i < n; i++)
		wait_blocked_in(kids[i], SYS_msgrcv, -1);
	for (i = 0; i < n; i++)
		if (msgsnd(id, &m, 3, 0))
			die("msgsnd");
	ok = reap_clean(kids, n);
	fact("{\"woken\":%d}", ok);
	msgctl(id, IPC_RMID, NULL);
	free(kids);
	return 0;
}

static int cmd_pairs(int nsend, int n)
{
	static const long want[3] = { 3, -1, 2 };
	static struct message m;
	pid_t kids[64];
	int id = new_queue(), i, k, nkids = 0, ok, sender;
	struct msqid_ds ds;

	if (nsend + 3 > 64 || n % 3) {
		errno = EINVAL;
		die("pairs %d %d", nsend, n);
	}
	if (msgctl(id, IPC_STAT, &ds))
		die("IPC_STAT");
	ds.msg_qbytes = 256;	/* senders block: the crowd races */
	if (msgctl(id, IPC_SET, &ds))
		die("IPC_SET");
	m.mtype = 1;
	snprintf(m.mtext, sizeof(m.mtext), "pid %d early", getpid());
	if (msgsnd(id, &m, strlen(m.mtext) + 1, 0))
		die("early msgsnd");
	fact("{\"pid\":%d,\"msqid\":%d}", getpid(), id);
	pause_for_test();
	if (msgrcv(id, &m, MAX_TEXT, 0, 0) < 0)
		die("early msgrcv");
	fflush(NULL);
	for (i = 0; i < 3; i++) {
		kids[nkids] = fork();
		if (kids[nkids] < 0)
			die("fork");
		if (kids[nkids] == 0) {
			for (k = 0; k < nsend * n / 3; k++) {
				if (msgrcv(id, &m, MAX_TEXT, want[i], 0) < 0)
					die("msgrcv %d", k);
				if (sscanf(m.mtext, "pid %d", &sender) != 1)
					die("message %d", k);
				fact("{\"rcv\":%d,\"k\":%d,\"sender\":%d}",
				     getpid(), k, sender);
			}
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
				m.mtype = k % 3 + 1;
				snprintf(m.mtext, sizeof(m.mtext),
					 "pid %d msg %d", getpid(), k);
				if (msgsnd(id, &m, strlen(m.mtext) + 1, 0))
					die("msgsnd %d", k);
			}
			_exit(0);
		}
		nkids++;
	}
	ok = reap_clean(kids, nkids);
	fact("{\"clean\":%d,\"kids\":%d}", ok, nkids);
	msgctl(id, IPC_RMID, NULL);
	return ok == nkids ? 0 : 1;
}

static int cmd_order(void)
{
	static const long send_type[3][2] = { { 2, 1 }, { 3, 2 }, { 1, 3 } };
	static const struct { long msgtyp; int flags; } rcv[6] = {
		{ 3, 0 }, { -2, 0 }, { 2, MSG_EXCEPT }, { 2, 0 }, { 0, 0 },
		{ -3, 0 },
	};
	static struct message m;
	int id = new_queue(), i, k, sender, status;
	pid_t kid;

	m.mtype = 4;
	snprintf(m.mtext, sizeof(m.mtext), "pid %d early", getpid());
	if (msgsnd(id, &m, strlen(m.mtext) + 1, 0))
		die("early msgsnd");
	fact("{\"pid\":%d,\"msqid\":%d}", getpid(), id);
	pause_for_test();
	if (msgrcv(id, &m, MAX_TEXT, 4, IPC_NOWAIT) < 0)
		die("early msgrcv");
	fflush(NULL);
	for (i = 0; i < 3; i++) {
		kid = fork();
		if (kid < 0)
			die("fork");
		if (kid == 0) {
			for (k = 0; k < 2; k++) {
				m.mtype = send_type[i][k];
				/* sizes differ: "pid N msg K" and padding */
				snprintf(m.mtext, sizeof(m.mtext),
					 "pid %d msg %d%*s", getpid(), k,
					 i * 7 + k * 3, "");
				if (msgsnd(id, &m, strlen(m.mtext) + 1, 0))
					die("msgsnd %d", k);
			}
			_exit(0);
		}
		if (waitpid(kid, &status, 0) != kid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			die("sender %d", i);
	}
	for (k = 0; k < 6; k++) {
		if (msgrcv(id, &m, MAX_TEXT, rcv[k].msgtyp,
			   rcv[k].flags | IPC_NOWAIT) < 0)
			die("msgrcv %d", k);
		if (sscanf(m.mtext, "pid %d", &sender) != 1)
			die("message %d", k);
		/* k + 1: the early receive is the process's first */
		fact("{\"rcv\":%d,\"k\":%d,\"sender\":%d,\"mtype\":%ld}",
		     getpid(), k + 1, sender, m.mtype);
	}
	msgctl(id, IPC_RMID, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "sr") && argc == 3)
		return cmd_sr(atoi(argv[2]));
	if (!strcmp(mode, "block") && argc == 3)
		return cmd_block(atoi(argv[2]));
	if (!strcmp(mode, "full") && argc == 2)
		return cmd_full();
	if (!strcmp(mode, "crowd") && argc == 3)
		return cmd_crowd(atoi(argv[2]));
	if (!strcmp(mode, "pairs") && argc == 4)
		return cmd_pairs(atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(mode, "order") && argc == 2)
		return cmd_order();
	fprintf(stderr,
		"usage: msg-workload sr N | block MS | full | crowd N | pairs S N | order\n");
	return 2;
}
