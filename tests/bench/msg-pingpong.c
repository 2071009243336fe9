// SPDX-License-Identifier: GPL-2.0
/*
 * SysV message ping-pong between two processes on one queue: type 1
 * carries the ping, type 2 the pong, one byte each.  One op is one round
 * trip: two msgsnd() and two msgrcv() calls.
 */
#include <sys/ipc.h>
#include <sys/msg.h>
#include "bench.h"

struct msg1 {
	long mtype;
	char mtext[1];
};

static void snd(int id, long type, char c)
{
	struct msg1 m = { .mtype = type, .mtext = { c } };

	while (msgsnd(id, &m, 1, 0)) {
		if (errno != EINTR)
			bench_die("msgsnd");
	}
}

static char rcv(int id, long type)
{
	struct msg1 m;

	while (msgrcv(id, &m, 1, type, 0) != 1) {
		if (errno != EINTR)
			bench_die("msgrcv");
	}
	return m.mtext[0];
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench_shared *sh;
	unsigned long long ops = 0, start, end;
	pid_t pids[2];
	int id;

	bench_parse(argc, argv, &o, "msg-pingpong");
	bench_init();
	sh = bench_shared_new();
	id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (id < 0)
		bench_die("msgget");
	pids[0] = getpid();
	pids[1] = fork();
	if (pids[1] < 0)
		bench_die("fork");
	if (!pids[1]) {
		unsigned long long ev = 0;

		for (;;) {
			char c = rcv(id, 1);

			ev++;
			if (c == 'q')
				break;
			snd(id, 2, c);
			ev++;
		}
		sh->events = ev;
		_exit(0);
	}
	bench_ready(pids, 2);

	start = bench_now_ns();
	while (!bench_done(&o, ops, start, 63)) {
		snd(id, 1, 'x');
		rcv(id, 2);
		ops++;
	}
	snd(id, 1, 'q');
	bench_wait_child(pids[1]);
	end = bench_now_ns();
	msgctl(id, IPC_RMID, NULL);
	bench_report("msg-pingpong", ops, end - start, 2 * ops + 1 + sh->events);
	return 0;
}
