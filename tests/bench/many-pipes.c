// SPDX-License-Identifier: GPL-2.0
/*
 * N pipes, one after the other: each made, written once (1 byte) and
 * closed, so the summary map gets N (pipe_write, pid, inode) entries: the
 * series of `ipcscope exporter --by object` for tests/bench/exporter-scrape.
 *
 *   many-pipes N
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fds[2], i, n = argc == 2 ? atoi(argv[1]) : 0;

	if (n <= 0) {
		fprintf(stderr, "usage: many-pipes N\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (pipe(fds) || write(fds[1], "x", 1) != 1) {
			perror("many-pipes");
			return 1;
		}
		close(fds[0]);
		close(fds[1]);
	}
	printf("{\"pipes\":%d}\n", n);
	return 0;
}
