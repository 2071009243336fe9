// SPDX-License-Identifier: GPL-2.0
/* Parsing the module's debugfs "pipes" records (Documentation/debugfs.rst). */
#include <string.h>
#include "pipes.h"
#include "tap.h"

int main(void)
{
	/* the example record of Documentation/debugfs.rst, plus an escaped
	 * comm and a key a newer module might add */
	const char *line =
		"ino=11134 dev=0:13 kind=anon size=65536 max_usage=16 "
		"ring_size=16 used=16 bytes=65536 head=16 tail=0 "
		"nr_accounted=16 readers=1 writers=1 files=2 r_counter=1 "
		"w_counter=1 busy=0 rd_wait=- wr_wait=101/write,102/poll "
		"holders=100/4/r/kt-parent,100/5/w/kt\\040x,101/5/w/kt-writer "
		"future_key=7\n";
	struct pipe_state p;

	tap_plan(14);
	tap_is_int(pipes_parse_debugfs_line(line, &p), 0, "record parses");
	tap_is_int(p.ino, 11134, "ino");
	tap_ok(p.dev_major == 0 && p.dev_minor == 13, "dev 0:13");
	tap_ok(!p.fifo, "kind anon");
	tap_is_int(p.capacity, 65536, "size -> capacity");
	tap_is_int(p.slots, 16, "max_usage -> slots");
	tap_is_int(p.buffered, 65536, "bytes -> buffered");
	tap_ok(p.head == 16 && p.tail == 0, "head and tail");
	tap_ok(p.readers == 1 && p.writers == 1 && p.files == 2 &&
	       p.r_counter == 1 && p.w_counter == 1,
	       "readers, writers, files, counters");
	tap_ok(p.have_waiters && p.n_rd_wait == 0, "rd_wait '-' is empty");
	tap_ok(p.n_wr_wait == 2 && p.wr_wait[0].tid == 101 &&
	       !strcmp(p.wr_wait[0].how, "write") &&
	       !strcmp(p.wr_wait[1].how, "poll"),
	       "wr_wait: 101 in write, 102 polling");
	tap_ok(p.nholders == 3 && p.holders[0].pid == 100 &&
	       p.holders[0].fd == 4 && !strcmp(p.holders[0].mode, "r") &&
	       !strcmp(p.holders[0].comm, "kt-parent"), "first holder");
	tap_ok(!strcmp(p.holders[1].comm, "kt x"), "\\040 in a comm is a space");
	tap_is_int(pipes_parse_debugfs_line("ino=1 bogus\n", &p), -1,
		   "a field without '=' is refused");
	return tap_done();
}
