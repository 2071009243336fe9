// SPDX-License-Identifier: GPL-2.0
/* Parsing the module's debugfs "sockets" records (Documentation/debugfs.rst). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sockets.h"
#include "tap.h"

int main(void)
{
	/* the documented example, two sleepers, an escaped comm, a new key */
	const char *line =
		"ino=1165 dev=0:9 type=stream state=connected "
		"holders=150/3/ks-parent,153/3/ks-recv "
		"sk_wait=153/153/recv/recvfrom/autoremove_wake_function/ks-recv,"
		"160/161/wait/-/autoremove_wake_function/kt\\040x\\054y "
		"peer_wait=0/0/other/-/unix_dgram_peer_wake_relay/ "
		"truncated=0 future_key=7\n";
	struct sock_sleepers sl = { 0 };
	const struct sock_sleeper *s;

	tap_is_int(sockets_parse_debugfs_line(line, &sl), 0,
		   "the documented record parses");
	tap_is_int(sl.n, 3, "three sleepers, over both queues");
	s = sl.v;
	tap_ok(sl.n >= 1 && s[0].ino == 1165 && s[0].pid == 153 &&
	       s[0].tid == 153 && !strcmp(s[0].how, "recv") &&
	       !strcmp(s[0].syscall, "recvfrom") &&
	       !strcmp(s[0].func, "autoremove_wake_function") &&
	       !strcmp(s[0].comm, "ks-recv") && !strcmp(s[0].queue, "sk_wait"),
	       "first: every part");
	tap_ok(sl.n >= 2 && s[1].pid == 160 && s[1].tid == 161 &&
	       !strcmp(s[1].syscall, "-") && !strcmp(s[1].comm, "kt x,y"),
	       "second: thread id, unknown system call, comm unescaped");
	tap_ok(sl.n >= 3 && s[2].pid == 0 && !strcmp(s[2].how, "other") &&
	       !strcmp(s[2].queue, "peer_wait") && !s[2].comm[0],
	       "third: peer_wait, no task, empty comm");
	free(sl.v);

	memset(&sl, 0, sizeof(sl));
	tap_is_int(sockets_parse_debugfs_line(
			"ino=5 dev=0:9 type=dgram state=unconnected holders=1/3/sh "
			"sk_wait=- peer_wait=- truncated=0\n", &sl), 0,
		   "a record with nobody asleep parses");
	tap_is_int(sl.n, 0, "and has no sleepers");
	tap_ok(sockets_parse_debugfs_line("ino=5 sk_wait=1/1/recv peer_wait=-\n",
					  &sl) != 0,
	       "an item with too few parts is refused");
	tap_ok(sockets_parse_debugfs_line("ino=5 type=stream\n", &sl) != 0,
	       "a record without its queues is refused");
	tap_ok(sockets_parse_debugfs_line("garbage\n", &sl) != 0,
	       "a line that is no record is refused");
	free(sl.v);
	return tap_done();
}
