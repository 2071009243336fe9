// SPDX-License-Identifier: GPL-2.0
/*
 * --peers in the collector: notes kept by tid until their event, written
 * as woken_by and from; graph_add/graph_print on made-up events.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "family.h"
#include "graph.h"
#include "json.h"
#include "output.h"
#include "peers.h"
#include "tap.h"

static void hdr(struct ipcscope_hdr *h, __u32 type, __u32 size, __u32 pid,
		const char *comm)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->size = size;
	h->pid = h->tid = pid;
	strncpy(h->comm, comm, sizeof(h->comm) - 1);
}

static void seg(struct ipcscope_from_event *f, __u32 pid, const char *comm,
		__u32 bytes)
{
	struct ipcscope_from_seg *s = &f->from[f->nfrom++];

	s->pid = pid;
	s->bytes = bytes;
	strncpy(s->comm, comm, sizeof(s->comm) - 1);
}

/* One event through the event loop's path: notes, then the event. */
static char *loop(struct ipcs_notes *n, const void *const *recs,
		  const size_t *sizes, int nrecs)
{
	struct ipcs_output o;
	char *out;
	int i;

	ipcs_output_init(&o, -1, IPCS_FMT_JSON);
	for (i = 0; i < nrecs; i++) {
		const struct ipcscope_hdr *h = recs[i];

		if (ipcs_notes_put(n, recs[i], sizes[i]))
			continue;
		ipcs_notes_take(n, h->tid, &o);
		ipcs_event_write(&o, recs[i], sizes[i]);
		o.wake = NULL;
		o.from = NULL;
	}
	out = strdup(ipcs_w_cstr(&o.w));
	ipcs_output_free(&o);
	return out;
}

static struct ipcs_notes notes;

static void test_notes(void)
{
	struct ipcscope_wake_event wk = {};
	struct ipcscope_from_event fr = {};
	struct ipcscope_pipe_event rd = {}, other = {};
	const void *recs[4] = { &wk, &fr, &other, &rd };
	const size_t sizes[4] = { sizeof(wk), sizeof(fr), sizeof(other),
				  sizeof(rd) };
	struct fj_object ev, from[4], by;
	char *out, *nl;

	hdr(&wk.hdr, IPCSCOPE_EV_PEER_WAKE, sizeof(wk), 100, "cat");
	wk.waker_pid = 200;
	strcpy(wk.waker_comm, "writer");
	hdr(&fr.hdr, IPCSCOPE_EV_PEER_FROM, sizeof(fr), 100, "cat");
	seg(&fr, 0, "", 10);
	seg(&fr, 200, "writer", 54);
	fr.approx = 1;
	hdr(&rd.hdr, IPCSCOPE_EV_PIPE_READ, sizeof(rd), 100, "cat");
	rd.ret = 64;
	/* another CPU's record between the notes and their event */
	hdr(&other.hdr, IPCSCOPE_EV_PIPE_WRITE, sizeof(other), 300, "x");
	out = loop(&notes, recs, sizes, 4);
	nl = strchr(out, '\n');
	tap_ok(nl != NULL, "two lines");
	tap_ok(!strstr(out, "woken_by") || strstr(nl, "woken_by"),
	       "the other task's event has no notes");
	if (fj_parse(nl + 1, &ev)) {
		tap_bail("not JSON: %s", nl + 1);
	}
	by = fj_child(&ev, "woken_by");
	tap_key_int(&by, "pid", 200, "woken_by.pid");
	tap_key_str(&by, "comm", "writer", "woken_by.comm");
	tap_is_int(fj_array(&ev, "from", from, 4), 2, "two from entries");
	tap_key_null(&from[0], "pid", "bytes before tracing: pid null");
	tap_key_absent(&from[0], "comm", "and no comm");
	tap_key_int(&from[0], "bytes", 10, "10 of them");
	tap_key_int(&from[1], "pid", 200, "then the writer's");
	tap_key_int(&from[1], "bytes", 54, "54 bytes");
	tap_key_true(&ev, "from_approx", "from_approx");
	fj_free(&ev);
	free(out);

	/* an interrupt's wakeup, and the next event of the task has none */
	wk.from_irq = 1;
	wk.waker_pid = 0;
	recs[0] = &wk, recs[1] = &rd, recs[2] = &rd;
	{
		size_t sz[3] = { sizeof(wk), sizeof(rd), sizeof(rd) };

		out = loop(&notes, recs, sz, 3);
	}
	nl = strchr(out, '\n');
	tap_ok(nl && strstr(out, "\"woken_by\":null") &&
	       strstr(out, "\"woken_by\":null") < nl,
	       "from interrupt: woken_by null");
	tap_ok(nl && !strstr(nl, "woken_by"), "a note serves one event");
	free(out);
}

static void test_graph(void)
{
	struct ipcs_graph *g = graph_new();
	struct ipcscope_from_event fr = {};
	struct ipcscope_wake_event wk = {};
	struct ipcscope_pipe_event rd = {};
	struct ipcscope_semop_event p = {};
	struct ipcs_output o;
	struct fj_object doc, edges[8], nodes[8];
	int ne, nn;

	hdr(&rd.hdr, IPCSCOPE_EV_PIPE_READ, sizeof(rd), 2, "relay");
	rd.ino = 77;
	rd.ret = 300;
	rd.duration_ns = 1000;
	hdr(&fr.hdr, IPCSCOPE_EV_PEER_FROM, sizeof(fr), 2, "relay");
	seg(&fr, 1, "writer", 100);
	seg(&fr, 0, "", 50);
	seg(&fr, 3, "other", 150);
	hdr(&wk.hdr, IPCSCOPE_EV_PEER_WAKE, sizeof(wk), 2, "relay");
	wk.waker_pid = 1;
	strcpy(wk.waker_comm, "writer");
	graph_add(g, &rd, sizeof(rd), &wk, &fr);
	graph_add(g, &rd, sizeof(rd), NULL, &fr);
	hdr(&p.hdr, IPCSCOPE_EV_SEMOP, sizeof(p), 5, "P");
	p.semid = 9;
	p.duration_ns = 500;
	wk.waker_pid = 4;
	strcpy(wk.waker_comm, "V");
	graph_add(g, &p, sizeof(p), &wk, NULL);
	graph_add(g, &p, sizeof(p), NULL, NULL);	/* did not sleep */

	ipcs_output_init(&o, -1, IPCS_FMT_JSON);
	graph_print(g, &o, false);
	if (fj_parse(ipcs_w_cstr(&o.w), &doc))
		tap_bail("graph is not JSON: %s", ipcs_w_cstr(&o.w));
	ne = fj_array(&doc, "edges", edges, 8);
	nn = fj_array(&doc, "nodes", nodes, 8);
	tap_is_int(ne, 3, "three edges (bytes of no writer make none)");
	tap_is_int(nn, 5, "five processes");
	tap_key_int(&edges[0], "from", 1, "edge 1 -> 2");
	tap_key_int(&edges[0], "to", 2, "edge 1 -> 2: to");
	tap_key_str(&edges[0], "kind", "pipe", "1 -> 2: pipe");
	tap_key_int(&edges[0], "object", 77, "1 -> 2: the pipe's inode");
	tap_key_int(&edges[0], "bytes", 200, "1 -> 2: 200 bytes");
	tap_key_int(&edges[0], "ops", 2, "1 -> 2: two reads");
	tap_key_int(&edges[0], "blocked_ns", 1000, "1 -> 2: woke it once");
	tap_key_int(&edges[1], "from", 3, "then 3 -> 2");
	tap_key_int(&edges[1], "blocked_ns", 0, "3 -> 2: never woke it");
	tap_key_int(&edges[2], "from", 4, "then 4 -> 5");
	tap_key_str(&edges[2], "kind", "sem", "4 -> 5: sem");
	tap_key_int(&edges[2], "ops", 1, "4 -> 5: one wakeup");
	tap_key_int(&edges[2], "bytes", 0, "4 -> 5: no bytes");
	tap_key_str(&nodes[3], "comm", "V", "node 4 is named by its wakeup");
	fj_free(&doc);
	ipcs_output_free(&o);

	ipcs_output_init(&o, -1, IPCS_FMT_JSON);
	graph_print(g, &o, true);
	tap_ok(strstr(ipcs_w_cstr(&o.w), "p1 -> p2 [label=\"pipe 77\\n200 B, 2 ops\", weight=8") != NULL,
	       "DOT: labelled edge, weight 1 + log2(bytes)");
	ipcs_output_free(&o);
	graph_free(g);
}

int main(void)
{
	tap_plan(30);
	test_notes();
	test_graph();
	return tap_done();
}
