// SPDX-License-Identifier: GPL-2.0
/* Parsing the module's debugfs "pipes" records (Documentation/debugfs.rst). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pipes.h"
#include "tap.h"

/* pipes_from_debugfs() on a file with this text: its status, *n pipes. */
static int from_file(const char *text, int *n)
{
	char path[] = "/tmp/ipcscope-pipes-parse-XXXXXX";
	struct pipe_list list = { 0 };
	struct ipcs_error err = { 0 };
	int fd = mkstemp(path), r = -1;

	if (fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text))
		r = pipes_from_debugfs(&list, path, &err);
	if (fd >= 0)
		close(fd);
	unlink(path);
	*n = (int)list.n;
	pipe_list_free(&list);
	return r;
}

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
	const struct pipe_waiter *ww;
	const struct pipe_holder *h;
	struct pipe_state p;

	const char *rec2 =
		"ino=5 dev=0:13 kind=anon size=4096 max_usage=1 ring_size=1 "
		"used=0 bytes=0 head=0 tail=0 nr_accounted=1 readers=1 "
		"writers=1 files=2 r_counter=1 w_counter=1 busy=1 rd_wait=- "
		"wr_wait=- holders=1/3/r/sh truncated=0\n";
	char text[1024];
	int n;

	tap_plan(34);
	tap_is_int(pipes_parse_debugfs_line(line, &p), 0, "record parses");
	tap_is_int(p.ino, 11134, "ino");
	tap_is_int(p.dev_major, 0, "dev major 0");
	tap_is_int(p.dev_minor, 13, "dev minor 13");
	tap_ok(!p.fifo, "kind anon");
	tap_is_int(p.capacity, 65536, "size -> capacity");
	tap_is_int(p.slots, 16, "max_usage -> slots");
	tap_is_int(p.buffered, 65536, "bytes -> buffered");
	tap_is_int(p.head, 16, "head");
	tap_is_int(p.tail, 0, "tail");
	tap_is_int(p.readers, 1, "readers");
	tap_is_int(p.writers, 1, "writers");
	tap_is_int(p.files, 2, "files");
	tap_is_int(p.r_counter, 1, "r_counter");
	tap_is_int(p.w_counter, 1, "w_counter");
	tap_ok(p.have_waiters, "the waiter fields are there");
	tap_is_int(p.n_rd_wait, 0, "rd_wait '-' is empty");
	/* the entries are read only when their count is right */
	tap_is_int(p.n_wr_wait, 2, "wr_wait: two waiters");
	ww = p.n_wr_wait == 2 ? p.wr_wait : NULL;
	tap_is_int(ww ? (long long)ww[0].tid : -1, 101, "wr_wait: first is tid 101");
	tap_is_str(ww ? ww[0].how : NULL, "write", "wr_wait: 101 in write");
	tap_is_str(ww ? ww[1].how : NULL, "poll", "wr_wait: 102 polling");
	tap_is_int(p.nholders, 3, "three holders");
	h = p.nholders == 3 ? p.holders : NULL;
	tap_is_int(h ? (long long)h[0].pid : -1, 100, "first holder: pid");
	tap_is_int(h ? (long long)h[0].fd : -1, 4, "first holder: fd");
	tap_is_str(h ? h[0].mode : NULL, "r", "first holder: mode");
	tap_is_str(h ? h[0].comm : NULL, "kt-parent", "first holder: comm");
	tap_ok(!strcmp(p.holders[1].comm, "kt x"), "\\040 in a comm is a space");
	tap_is_int(pipes_parse_debugfs_line("ino=1 bogus\n", &p), -1,
		   "a field without '=' is refused");

	/* The file's version line: v1 and v2 are read, others refused. */
	snprintf(text, sizeof(text), "# ipcscope-pipes v2\n%s", rec2);
	tap_is_int(from_file(text, &n), 0, "a v2 file is read");
	tap_is_int(n, 1, "v2: its one pipe");
	snprintf(text, sizeof(text), "# ipcscope-pipes v1\n%s", line);
	tap_is_int(from_file(text, &n), 0, "a v1 file is still read");
	tap_is_int(n, 1, "v1: its one pipe");
	snprintf(text, sizeof(text), "# ipcscope-pipes v3\n%s", rec2);
	tap_ok(from_file(text, &n) != 0, "a v3 file is refused");
	snprintf(text, sizeof(text), "# ipcscope-pipes v21\n%s", rec2);
	tap_ok(from_file(text, &n) != 0, "v21 is not v2");
	return tap_done();
}
