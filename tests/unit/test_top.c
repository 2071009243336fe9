// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope top without the kernel: a frame from two readings of the
 * summary (interval and totals), the sort orders and their tie-breaks, the
 * row text a reader splits on blanks, the sort column's place in the
 * titles, the comm filter.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "top.h"
#include "tap.h"

static struct summary_row mk(__u32 type, __u32 pid, __u64 object,
			     __u64 count, __u64 bytes, __u64 ns,
			     const char *comm)
{
	struct summary_row r;

	memset(&r, 0, sizeof(r));
	r.key.type = type;
	r.key.pid = pid;
	r.key.object = object;
	r.val.count = count;
	r.val.bytes = bytes;
	r.val.total_ns = ns;
	snprintf(r.val.comm, sizeof(r.val.comm), "%s", comm);
	return r;
}

static int index_of(const struct top_frame *f, __u32 pid)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (f->rows[i].key.pid == pid)
			return i;
	return -1;
}

static void test_frame(void)
{
	/* two readings, sorted by key (type, pid, object) */
	struct summary_row prev[2], cur[3], *delta = NULL;
	struct top_frame f = {};
	int nd, a, b, c;

	prev[0] = mk(IPCSCOPE_EV_PIPE_READ, 10, 7, 5, 500, 1000, "reader");
	prev[1] = mk(IPCSCOPE_EV_PIPE_WRITE, 20, 7, 50, 500, 100, "writer");
	cur[0] = mk(IPCSCOPE_EV_PIPE_READ, 10, 7, 5, 500, 1000, "reader");
	cur[1] = mk(IPCSCOPE_EV_PIPE_WRITE, 20, 7, 80, 800, 400, "writer");
	cur[2] = mk(IPCSCOPE_EV_PIPE_WRITE, 30, 9, 4, 40000, 9000, "big");
	nd = summary_delta(cur, 3, prev, 2, &delta);
	tap_is_int(nd, 2, "delta: two rows moved");
	tap_is_int(top_frame_build(&f, cur, 3, delta, nd), 0, "frame built");
	tap_is_int(f.n, 3, "frame: every row seen, idle ones too");
	a = index_of(&f, 10);
	b = index_of(&f, 20);
	c = index_of(&f, 30);
	tap_is_int(f.rows[a].ops, 0, "frame: the idle reader did nothing");
	tap_is_int(f.rows[a].total_ops, 5, "frame: its total stays");
	tap_is_int(f.rows[b].ops, 30, "frame: the writer's interval ops");
	tap_is_int(f.rows[b].bytes, 300, "frame: the writer's interval bytes");
	tap_is_int(f.rows[b].ns, 300, "frame: the writer's interval time");
	tap_is_int(f.rows[b].total_ops, 80, "frame: the writer's total");
	tap_is_int(f.rows[c].ops, 4, "frame: a new row counts from zero");

	top_sort_rows(f.rows, f.n, TOP_SORT_OPS, false);
	tap_ok(f.rows[0].key.pid == 20 && f.rows[1].key.pid == 30 &&
	       f.rows[2].key.pid == 10, "sort ops: 30, 4, then the idle one");
	top_sort_rows(f.rows, f.n, TOP_SORT_BYTES, false);
	tap_ok(f.rows[0].key.pid == 30 && f.rows[1].key.pid == 20,
	       "sort bytes: 40000 before 300");
	top_sort_rows(f.rows, f.n, TOP_SORT_BLOCKED, false);
	tap_ok(f.rows[0].key.pid == 30 && f.rows[2].key.pid == 10,
	       "sort blocked: 9000 ns first, idle last");
	top_sort_rows(f.rows, f.n, TOP_SORT_TOTAL, false);
	tap_ok(f.rows[0].key.pid == 20 && f.rows[1].key.pid == 10,
	       "sort total: 80 before the idle row's 5 before 4");
	top_sort_rows(f.rows, f.n, TOP_SORT_PID, false);
	tap_ok(f.rows[0].key.pid == 10 && f.rows[2].key.pid == 30,
	       "sort pid: smallest first");
	top_sort_rows(f.rows, f.n, TOP_SORT_PID, true);
	tap_ok(f.rows[0].key.pid == 30, "sort pid reversed: largest first");
	top_sort_rows(f.rows, f.n, TOP_SORT_COMM, false);
	tap_ok(!strcmp(f.rows[0].comm, "big"), "sort comm: alphabetical");

	/* idle rows tie in the interval: their totals order them */
	memset(&f.rows[0], 0, sizeof(f.rows[0]));
	f.rows[0].key.pid = 1;
	f.rows[0].total_ops = 1000;
	f.rows[1].ops = 0;
	f.rows[2].ops = 0;
	top_sort_rows(f.rows, f.n, TOP_SORT_OPS, false);
	tap_is_int(f.rows[0].key.pid, 1, "sort ops, all idle: the largest total first");

	tap_ok(top_row_matches(&f.rows[0], ""), "filter: empty matches");
	f.rows[0].comm[0] = '\0';
	strcpy(f.rows[0].comm, "pipe-workload");
	tap_ok(top_row_matches(&f.rows[0], "workl"), "filter: a substring");
	tap_ok(!top_row_matches(&f.rows[0], "nomatch"), "filter: no match");
	top_frame_free(&f);
	free(delta);
}

static void test_text(void)
{
	struct top_row r;
	char line[512], comm[32], event[32], oname[16];
	long long pid, obj, ops, bytes, err, total;
	double ops_s, bytes_s, blk;
	int start, width, n;

	memset(&r, 0, sizeof(r));
	r.key.type = IPCSCOPE_EV_PIPE_WRITE;
	r.key.pid = 4242;
	r.key.object = 81234;
	strcpy(r.comm, "a\tb");	/* control bytes become ?, not a column break */
	r.ops = 30;
	r.bytes = 3000;
	r.ns = 2500000;
	r.errors = 1;
	r.total_ops = 99;
	top_format_row(line, sizeof(line), &r, 0.5);
	n = sscanf(line, "%lld %31s %31s %15s %lld %lld %lf %lld %lf %lf %lld %lld",
		   &pid, comm, event, oname, &obj, &ops, &ops_s, &bytes,
		   &bytes_s, &blk, &err, &total);
	tap_is_int(n, 12, "row: twelve fields (%s)", line);
	tap_is_int(pid, 4242, "row: pid");
	tap_is_str(event, "pipe_write", "row: event name from the registry");
	tap_is_str(oname, "ino", "row: the object's key name");
	tap_is_int(obj, 81234, "row: object");
	tap_is_int(ops, 30, "row: interval ops");
	tap_ok(ops_s > 59.9 && ops_s < 60.1, "row: ops/s over 0.5 s");
	tap_is_int(bytes, 3000, "row: interval bytes");
	tap_ok(blk > 2.49 && blk < 2.51, "row: blocked in ms");
	tap_is_int(err, 1, "row: errors");
	tap_is_int(total, 99, "row: total");

	top_format_columns(line, sizeof(line));
	top_sort_column(TOP_SORT_BYTES, &start, &width);
	tap_ok(!strncmp(line + start, "BYTES", 5) && width > 10 &&
	       !strncmp(line + start + width - 7, "BYTES/s", 7),
	       "sort column: bytes highlights BYTES and BYTES/s");
	top_sort_column(TOP_SORT_TOTAL, &start, &width);
	tap_ok(!strncmp(line + start, "TOTAL", 5) && width == 5,
	       "sort column: total");
	tap_is_int(top_sort_parse("blocked"), TOP_SORT_BLOCKED,
		   "-s blocked parses");
	tap_is_int(top_sort_parse("nope"), -1, "-s nope does not");
	tap_is_str(top_sort_name(TOP_SORT_ERRORS), "errors", "sort names");
}

static void edge(struct graph_edge *e, __u32 from, __u32 to,
		 const char *kind, __u64 object, __u64 ops, __u64 bytes,
		 __u64 ns)
{
	memset(e, 0, sizeof(*e));
	e->from = from;
	e->to = to;
	e->kind = kind;
	e->object = object;
	e->ops = ops;
	e->bytes = bytes;
	e->blocked_ns = ns;
	snprintf(e->from_comm, sizeof(e->from_comm), "w%u", from);
	snprintf(e->to_comm, sizeof(e->to_comm), "r%u", to);
}

/* 10 assertions: --peers' edge rows, the interval against the last
 * reading, their sort, filter and text. */
static void test_edges(void)
{
	struct graph_edge prev[2], cur[3];
	struct top_frame f = {};
	char line[512];
	long long from, to, obj, ops, bytes, total;
	char fc[32], tc[32], kind[16];
	double ops_s, bytes_s, blk;

	/* in graph_edges()' order: from, to, kind, object */
	edge(&prev[0], 10, 11, "pipe", 7, 3, 300, 1000);
	edge(&prev[1], 12, 13, "sem", 9, 1, 0, 0);
	edge(&cur[0], 10, 11, "pipe", 7, 5, 800, 3000000);
	edge(&cur[1], 10, 11, "unix", 4, 2, 20, 0);	/* new */
	edge(&cur[2], 12, 13, "sem", 9, 1, 0, 0);	/* idle */
	tap_ok(!top_frame_edges(&f, cur, 3, prev, 2) && f.nedges == 3 &&
	       f.peers, "three edge rows");
	tap_ok(f.edges[0].ops == 2 && f.edges[0].bytes == 500 &&
	       f.edges[0].ns == 2999000 && f.edges[0].e.ops == 5,
	       "an edge seen before: the interval's difference, the totals");
	tap_ok(f.edges[1].ops == 2 && f.edges[1].bytes == 20,
	       "a new edge: all of it is the interval's");
	tap_ok(f.edges[2].ops == 0 && f.edges[2].e.ops == 1,
	       "an idle edge: zeros, its total kept");
	top_sort_edges(f.edges, f.nedges, TOP_SORT_BYTES, false);
	tap_ok(f.edges[0].bytes == 500 && f.edges[1].bytes == 20,
	       "sorted by the interval's bytes");
	top_sort_edges(f.edges, f.nedges, TOP_SORT_EVENT, false);
	tap_ok(!strcmp(f.edges[0].e.kind, "pipe") &&
	       !strcmp(f.edges[2].e.kind, "unix"), "sorted by kind");
	tap_ok(top_edge_matches(&f.edges[0], "r11") &&
	       top_edge_matches(&f.edges[0], "w10") &&
	       !top_edge_matches(&f.edges[0], "r13"),
	       "the filter matches either end's name");
	top_format_edge(line, sizeof(line), &f.edges[0], 0.5);
	tap_ok(sscanf(line, "%lld %31s -> %lld %31s %15s %lld %lld %lf %lld %lf %lf %lld",
		      &from, fc, &to, tc, kind, &obj, &ops, &ops_s, &bytes,
		      &bytes_s, &blk, &total) == 12,
	       "an edge row has its twelve columns: %s", line);
	tap_ok(from == 10 && to == 11 && !strcmp(kind, "pipe") && obj == 7 &&
	       ops == 2 && ops_s == 4.0 && bytes == 500 && bytes_s == 1000 &&
	       blk > 2.998 && blk < 3.0 && total == 5,
	       "... from, to, kind, object, the interval's numbers per 0.5 s");
	top_format_edge_columns(line, sizeof(line));
	tap_ok(strstr(line, "FROM COMM") && strstr(line, "TO COMM") &&
	       strstr(line, "KIND"), "the edge titles");
	top_frame_free(&f);
}

int main(void)
{
	tap_plan(37 + 10);
	test_frame();
	test_text();
	test_edges();
	return tap_done();
}
