// SPDX-License-Identifier: GPL-2.0
/*
 * `ipcscope graph`.  The events of a --peers trace, folded into edges.
 * What each event type shows is its registry entry's edges hook, beside
 * its family's decoder (tools/<fam>_decode.c):
 *
 *   pipe    writer -> reader, from each read's `from`;
 *   msg/mq  sender -> receiver, from the receive's sender (fentry and
 *           kprobe tiers pair them);
 *   unix    peer -> receiver, where the receive knows its peer's pid;
 *   signal  sender -> target, from signal_generate;
 *   sem     the V's task -> the P it woke, from woken_by.
 *
 * An edge is (from, to, kind, object) with bytes, ops and blocked_ns: the
 * time calls on the object spent asleep until the other end of the edge
 * woke them (a receiver waiting for data, a sender waiting for room).
 */
#include <argp.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "family.h"
#include "graph.h"
#include "output.h"
#include "trace.h"
#include "writer.h"

struct edge {
	__u32 from, to;
	const char *kind;		/* the registry's: "pipe", "sem" */
	__u64 object;
	__u64 bytes, ops, blocked_ns;
};

struct node {
	__u32 pid;
	char comm[IPCSCOPE_COMM_LEN];
};

struct ipcs_graph {
	struct edge *edges;
	size_t nedges, edges_cap;
	struct node *nodes;
	size_t nnodes, nodes_cap;
	__u64 unattributed_bytes;	/* received from no known sender */
	__u64 unattributed_ops;
	bool oom;
};

struct ipcs_graph *graph_new(void)
{
	return calloc(1, sizeof(struct ipcs_graph));
}

void graph_free(struct ipcs_graph *g)
{
	if (!g)
		return;
	free(g->edges);
	free(g->nodes);
	free(g);
}

/* Linear search: a graph has tens of edges, a few hundred at most; the
 * last one found is tried first, as events of one edge come in runs. */
static bool edge_is(const struct edge *e, __u32 from, __u32 to,
		    const char *kind, __u64 object)
{
	return e->from == from && e->to == to && e->object == object &&
	       (e->kind == kind || !strcmp(e->kind, kind));
}

static struct edge *edge_get(struct ipcs_graph *g, __u32 from, __u32 to,
			     const char *kind, __u64 object)
{
	static size_t last;
	struct edge *e;
	size_t i;

	if (last < g->nedges) {
		e = &g->edges[last];
		if (edge_is(e, from, to, kind, object))
			return e;
	}
	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		if (edge_is(e, from, to, kind, object)) {
			last = i;
			return e;
		}
	}
	if (g->nedges == g->edges_cap) {
		size_t cap = g->edges_cap ? 2 * g->edges_cap : 64;
		struct edge *n = realloc(g->edges, cap * sizeof(*n));

		if (!n) {
			g->oom = true;
			return NULL;
		}
		g->edges = n;
		g->edges_cap = cap;
	}
	e = &g->edges[g->nedges];
	memset(e, 0, sizeof(*e));
	e->from = from;
	e->to = to;
	e->kind = kind;
	e->object = object;
	last = g->nedges++;
	return e;
}

/* Name @pid (the latest comm seen wins: exec changes it). */
static void node_see(struct ipcs_graph *g, __u32 pid, const char *comm)
{
	struct node *n;
	size_t i;

	if (!pid)
		return;
	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i].pid == pid)
			break;
	if (i == g->nnodes) {
		if (g->nnodes == g->nodes_cap) {
			size_t cap = g->nodes_cap ? 2 * g->nodes_cap : 64;
			struct node *nn = realloc(g->nodes, cap * sizeof(*nn));

			if (!nn) {
				g->oom = true;
				return;
			}
			g->nodes = nn;
			g->nodes_cap = cap;
		}
		g->nnodes++;
		memset(&g->nodes[i], 0, sizeof(g->nodes[i]));
		g->nodes[i].pid = pid;
	}
	n = &g->nodes[i];
	if (comm && comm[0])
		memcpy(n->comm, comm, sizeof(n->comm));
}

/* One edge record of an event's registry entry (ipcs_event_edges()). */
static void add(void *ctx, const struct ipcs_edge *in)
{
	struct ipcs_graph *g = ctx;
	struct edge *e;

	if (!in->from) {
		/* bytes no known sender wrote (in the pipe before tracing,
		 * past the writer ring: from_approx): not an edge, but
		 * never silently left out */
		g->unattributed_bytes += in->bytes;
		g->unattributed_ops += in->ops;
		return;
	}
	e = edge_get(g, in->from, in->to, in->kind, in->object);
	if (!e)
		return;
	e->bytes += in->bytes;
	e->ops += in->ops;
	e->blocked_ns += in->blocked_ns;
	node_see(g, in->from, in->from_comm);
	node_see(g, in->to, in->to_comm);
}

/* What each event type shows is its family's: the registry's edges hook,
 * declared beside its decoder. */
void graph_add(struct ipcs_graph *g, const void *data, size_t size,
	       const struct ipcscope_wake_event *wake,
	       const struct ipcscope_from_event *from)
{
	struct ipcs_edge_sink sink = {
		.wake = wake, .from = from, .fn = add, .ctx = g,
	};

	ipcs_event_edges(data, size, &sink);
}

static int cmp_edge(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (strcmp(x->kind, y->kind))
		return strcmp(x->kind, y->kind);
	if (x->object != y->object)
		return x->object < y->object ? -1 : 1;
	return 0;
}

int graph_edge_cmp(const struct graph_edge *x, const struct graph_edge *y)
{
	int c;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	c = strcmp(x->kind, y->kind);
	if (c)
		return c;
	if (x->object != y->object)
		return x->object < y->object ? -1 : 1;
	return 0;
}

static int cmp_graph_edge(const void *a, const void *b)
{
	return graph_edge_cmp(a, b);
}

static const char *node_comm(const struct ipcs_graph *g, __u32 pid)
{
	static const char none[IPCSCOPE_COMM_LEN];
	size_t i;

	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i].pid == pid)
			return g->nodes[i].comm;
	return none;
}

int graph_edges(const struct ipcs_graph *g, struct graph_edge **out)
{
	struct graph_edge *v;
	size_t i, n = 0;

	*out = NULL;
	v = calloc(g->nedges ? g->nedges : 1, sizeof(*v));
	if (!v)
		return -1;
	for (i = 0; i < g->nedges; i++) {
		const struct edge *e = &g->edges[i];
		struct graph_edge *o;

		/* a wakeup alone is no transfer (graph_settle()) */
		if (!e->ops)
			continue;
		o = &v[n++];
		o->from = e->from;
		o->to = e->to;
		o->kind = e->kind;
		o->object = e->object;
		o->bytes = e->bytes;
		o->ops = e->ops;
		o->blocked_ns = e->blocked_ns;
		memcpy(o->from_comm, node_comm(g, e->from),
		       sizeof(o->from_comm));
		memcpy(o->to_comm, node_comm(g, e->to), sizeof(o->to_comm));
	}
	qsort(v, n, sizeof(*v), cmp_graph_edge);
	*out = v;
	return (int)n;
}

static int cmp_node(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* A DOT string: quotes and backslashes escaped, control bytes dropped. */
static void dot_string(struct ipcs_writer *w, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			ipcs_w_char(w, '\\');
		if (c >= 0x20 && c != 0x7f)
			ipcs_w_char(w, c);
	}
}

static void print_dot(const struct ipcs_graph *g, struct ipcs_writer *w)
{
	size_t i;

	ipcs_w_str(w, "digraph ipcscope {\n\trankdir=LR;\n"
		      "\tnode [shape=box, fontname=\"monospace\"];\n"
		      "\tedge [fontname=\"monospace\"];\n");
	for (i = 0; i < g->nnodes; i++) {
		const struct node *n = &g->nodes[i];

		ipcs_w_printf(w, "\tp%u [label=\"", n->pid);
		dot_string(w, n->comm, sizeof(n->comm));
		ipcs_w_printf(w, "\\n%u\"];\n", n->pid);
	}
	for (i = 0; i < g->nedges; i++) {
		const struct edge *e = &g->edges[i];
		/* dot wants an integer weight; layout favours heavy edges */
		unsigned int weight = 1 + (unsigned int)log2(e->bytes + 1.0);

		ipcs_w_printf(w, "\tp%u -> p%u [label=\"%s %llu\\n%llu B, %llu ops\", weight=%u, penwidth=%.1f];\n",
			      e->from, e->to, e->kind,
			      (unsigned long long)e->object,
			      (unsigned long long)e->bytes,
			      (unsigned long long)e->ops, weight,
			      1.0 + weight / 8.0);
	}
	ipcs_w_str(w, "}\n");
}

static void print_json(const struct ipcs_graph *g, struct ipcs_writer *w)
{
	size_t i;

	ipcs_jw_begin_object(w, NULL);
	ipcs_jw_begin_array(w, "nodes");
	for (i = 0; i < g->nnodes; i++) {
		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_u64(w, "pid", g->nodes[i].pid);
		ipcs_jw_string(w, "comm", g->nodes[i].comm,
			       sizeof(g->nodes[i].comm));
		ipcs_jw_end_object(w);
	}
	ipcs_jw_end_array(w);
	ipcs_jw_begin_array(w, "edges");
	for (i = 0; i < g->nedges; i++) {
		const struct edge *e = &g->edges[i];

		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_u64(w, "from", e->from);
		ipcs_jw_u64(w, "to", e->to);
		ipcs_jw_str(w, "kind", e->kind);
		ipcs_jw_u64(w, "object", e->object);
		ipcs_jw_u64(w, "bytes", e->bytes);
		ipcs_jw_u64(w, "ops", e->ops);
		ipcs_jw_u64(w, "blocked_ns", e->blocked_ns);
		ipcs_jw_end_object(w);
	}
	ipcs_jw_end_array(w);
	ipcs_jw_u64(w, "unattributed_bytes", g->unattributed_bytes);
	ipcs_jw_end_object(w);
}

static bool node_used(const struct ipcs_graph *g, __u32 pid)
{
	size_t i;

	for (i = 0; i < g->nedges; i++)
		if (g->edges[i].from == pid || g->edges[i].to == pid)
			return true;
	return false;
}

/*
 * An edge is a transfer: a wakeup alone (the last writer's close waking a
 * reader to its EOF) is not one, and its blocked time had no data.  Drop
 * those edges, then the processes left without an edge; sort the rest.
 */
static void graph_settle(struct ipcs_graph *g)
{
	size_t i, n;

	for (i = n = 0; i < g->nedges; i++)
		if (g->edges[i].ops)
			g->edges[n++] = g->edges[i];
	g->nedges = n;
	for (i = n = 0; i < g->nnodes; i++)
		if (node_used(g, g->nodes[i].pid))
			g->nodes[n++] = g->nodes[i];
	g->nnodes = n;
	qsort(g->edges, g->nedges, sizeof(*g->edges), cmp_edge);
	qsort(g->nodes, g->nnodes, sizeof(*g->nodes), cmp_node);
}

void graph_print(struct ipcs_graph *g, struct ipcs_output *o, bool dot)
{
	graph_settle(g);
	if (dot)
		print_dot(g, &o->w);
	else
		print_json(g, &o->w);
	graph_report_gaps(g);
}

void graph_report_gaps(const struct ipcs_graph *g)
{
	if (g->oom)
		fprintf(stderr, "ipcscope: out of memory: the graph is incomplete\n");
	if (g->unattributed_bytes)
		fprintf(stderr, "ipcscope: %llu bytes in %llu receives had no known sender (there before tracing began, or not attributable): not in any edge\n",
			(unsigned long long)g->unattributed_bytes,
			(unsigned long long)g->unattributed_ops);
}

/* ---- the verb's arguments ------------------------------------------- */

static const struct argp_option graph_options[] = {
	{ "duration", 'd', "SECONDS", 0,
	  "Trace this long, then print the graph (default 10)", 0 },
	{ "format", 'f', "FMT", 0, "Output format: json (default) or dot", 0 },
	{ 0 }
};

struct graph_parse {
	struct trace_opts *opts;
	struct ipcs_error *err;
	struct ipcs_filter_input filter;
};

static error_t graph_parser(int key, char *arg, struct argp_state *state)
{
	struct graph_parse *gp = state->input;
	struct trace_opts *o = gp->opts;
	char *end;

	switch (key) {
	case ARGP_KEY_INIT:
		ipcs_argp_one_line_errors(state);
		state->child_inputs[0] = &gp->filter;
		return 0;
	case 'd':
		errno = 0;
		o->duration_s = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(o->duration_s) ||
		    o->duration_s <= 0) {
			ipcs_fail(gp->err, IPCS_EXIT_USAGE,
				  "invalid duration '%s': want seconds > 0",
				  arg);
			return EINVAL;
		}
		return 0;
	case 'f':
		if (!strcmp(arg, "dot")) {
			o->graph_dot = true;
		} else if (strcmp(arg, "json")) {
			ipcs_fail(gp->err, IPCS_EXIT_USAGE,
				  "invalid format '%s': want json or dot", arg);
			return EINVAL;
		}
		return 0;
	case ARGP_KEY_ARG:
		ipcs_fail(gp->err, IPCS_EXIT_USAGE,
			  "unexpected argument '%s'", arg);
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

int graph_parse_args(int argc, char **argv, struct trace_opts *opts,
		     struct ipcs_error *err)
{
	static const struct argp_child children[] = {
		{ &ipcs_filter_argp, 0, NULL, 0 },
		{ 0 }
	};
	static const struct argp argp = {
		.options = graph_options,
		.parser = graph_parser,
		.args_doc = "",
		.doc = "Trace IPC for a while (with --peers) and print who talks "
		       "to whom: processes and sender -> receiver edges with "
		       "bytes, operations and time blocked.",
		.children = children,
	};
	struct graph_parse gp = { .opts = opts, .err = err };

	memset(opts, 0, sizeof(*opts));
	ipcs_filter_init(&gp.filter, &opts->cfg, err);
	opts->duration_s = 10;
	opts->max_delay_ms = 100;
	opts->format = IPCS_FMT_JSON;
	opts->cfg.peers = true;
	err->msg[0] = '\0';
	if (ipcs_argp_parse(&argp, argc, argv, &gp, err))
		return -1;
	if (ipcs_filter_check(&gp.filter))
		return -1;
	opts->graph = graph_new();
	if (!opts->graph)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	return 0;
}
