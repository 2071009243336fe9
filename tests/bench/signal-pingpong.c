// SPDX-License-Identifier: GPL-2.0
/*
 * Signal ping-pong between two processes: kill(SIGUSR2) one way,
 * sigwaitinfo() for it, and back.  One op is one round trip: two signals
 * sent and two received (counted as four events: each kill() and each
 * sigwaitinfo()).
 */
#include "bench.h"

static sigset_t usr2;

static void send_sig(pid_t to)
{
	if (kill(to, SIGUSR2))
		bench_die("kill");
}

static void wait_sig(void)
{
	while (sigwaitinfo(&usr2, NULL) != SIGUSR2) {
		if (errno != EINTR)
			bench_die("sigwaitinfo");
	}
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench_shared *sh;
	unsigned long long ops = 0, start, end;
	pid_t pids[2];

	bench_parse(argc, argv, &o, "signal-pingpong");
	bench_init();
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	sh = bench_shared_new();
	pids[0] = getpid();
	pids[1] = fork();
	if (pids[1] < 0)
		bench_die("fork");
	if (!pids[1]) {
		unsigned long long ev = 0;

		for (;;) {
			wait_sig();
			ev++;
			if (sh->stop)
				break;
			send_sig(pids[0]);
			ev++;
		}
		sh->events = ev;
		_exit(0);
	}
	bench_ready(pids, 2);

	start = bench_now_ns();
	while (!bench_done(&o, ops, start, 63)) {
		send_sig(pids[1]);
		wait_sig();
		ops++;
	}
	sh->stop = 1;
	send_sig(pids[1]);
	bench_wait_child(pids[1]);
	end = bench_now_ns();
	bench_report("signal-pingpong", ops, end - start,
		     2 * ops + 1 + sh->events);
	return 0;
}
