// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope pipes: one record per open pipe or FIFO -- its ring, its
 * readers and writers, who holds each end and (with the kernel module) who
 * sleeps on rd_wait and wr_wait.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include "cli.h"
#include "pipes.h"

enum { OPT_SOURCE = 0x100 };

static const struct argp_option pipes_options[] = {
	IPCS_OPTION_FORMAT,
	{ "source", OPT_SOURCE, "SRC", 0,
	  "auto (default: debugfs when the module is loaded, else bpf), "
	  "debugfs or bpf", 0 },
	{ "pid", 'p', "PID", 0, "Only pipes this process holds", 0 },
	{ "ino", IPCS_OPT_INO, "INODE", 0, "Only the pipe with this inode", 0 },
	IPCS_OPTION_BTF,
	IPCS_OPTION_VERBOSE,
	{ 0 }
};

static const char pipes_doc[] =
"Show every open pipe and FIFO: bytes buffered, ring slots, readers and\n"
"writers, the processes holding each end, and -- with the ipcscope kernel\n"
"module loaded -- the tasks asleep on rd_wait and wr_wait.\n"
"\n"
"EXAMPLES:\n"
"  ipcscope pipes                       # every pipe, text\n"
"  ipcscope pipes -p 1234 -f json       # the pipes process 1234 holds\n"
"  ipcscope pipes -f json | jq 'select(.buffered == .capacity)'   # full";

/* The shared options, and --source for @opts. */
struct pipes_args {
	struct ipcs_state_args common;
	struct pipes_opts *opts;
};

static error_t pipes_parser(int key, char *arg, struct argp_state *state)
{
	const struct pipes_args *pa = state->input;
	struct pipes_opts *o = pa->opts;

	if (key != OPT_SOURCE)
		return ipcs_state_option(key, arg, state, &pa->common);
	if (!strcmp(arg, "auto"))
		o->source = PIPES_SRC_AUTO;
	else if (!strcmp(arg, "debugfs"))
		o->source = PIPES_SRC_DEBUGFS;
	else if (!strcmp(arg, "bpf"))
		o->source = PIPES_SRC_BPF;
	else {
		ipcs_fail(pa->common.err, IPCS_EXIT_USAGE,
			  "unknown source: want auto, debugfs or bpf (got '%.64s')",
			  arg);
		return EINVAL;
	}
	return 0;
}

int pipes_parse_args(int argc, char **argv, struct pipes_opts *opts,
		     struct ipcs_error *err)
{
	static const struct argp argp = {
		.options = pipes_options,
		.parser = pipes_parser,
		.doc = pipes_doc,
	};
	struct pipes_args pa = {
		.common = { .format = &opts->format, .pid = &opts->pid,
			    .ino = &opts->ino, .btf_path = &opts->btf_path,
			    .verbose = &opts->verbose, .err = err },
		.opts = opts,
	};

	memset(opts, 0, sizeof(*opts));
	return ipcs_argp_parse(&argp, argc, argv, &pa, err);
}

/* ---- records ------------------------------------------------------------ */

struct pipe_state *pipe_list_get(struct pipe_list *list, uint64_t id)
{
	struct pipe_state *grown;
	int i;

	for (i = 0; i < list->n; i++)
		if (list->v[i].id == id)
			return &list->v[i];
	grown = realloc(list->v, (list->n + 1) * sizeof(*list->v));
	if (!grown)
		return NULL;
	list->v = grown;
	memset(&list->v[list->n], 0, sizeof(list->v[0]));
	list->v[list->n].id = id;
	return &list->v[list->n++];
}

int pipe_add_holder(struct pipe_state *p, const struct pipe_holder *h)
{
	struct pipe_holder *grown = realloc(p->holders,
					    (p->nholders + 1) * sizeof(*h));

	if (!grown)
		return -1;
	p->holders = grown;
	p->holders[p->nholders++] = *h;
	return 0;
}

void pipe_list_free(struct pipe_list *list)
{
	int i;

	for (i = 0; i < list->n; i++) {
		free(list->v[i].holders);
		free(list->v[i].rd_wait);
		free(list->v[i].wr_wait);
	}
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

static bool wanted(const struct pipe_state *p, const struct pipes_opts *o)
{
	int i;

	if (o->ino && p->ino != o->ino)
		return false;
	if (!o->pid)
		return true;
	for (i = 0; i < p->nholders; i++)
		if (p->holders[i].pid == o->pid)
			return true;
	return false;
}

static int by_ino(const void *a, const void *b)
{
	const struct pipe_state *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* A FIFO's path, through the first holder's /proc/PID/fd link. */
static bool fifo_path_of(const struct pipe_state *p, char *buf, size_t len)
{
	char link[64];
	ssize_t n;
	int i;

	for (i = 0; p->fifo && i < p->nholders; i++) {
		snprintf(link, sizeof(link), "/proc/%u/fd/%u",
			 p->holders[i].pid, p->holders[i].fd);
		n = readlink(link, buf, len - 1);
		if (n > 0 && buf[0] == '/') {
			buf[n] = '\0';
			return true;
		}
	}
	return false;
}

static void print_waiters_json(struct ipcs_writer *w, const char *key,
			       const struct pipe_waiter *wt, int n)
{
	int i;

	ipcs_jw_begin_array(w, key);
	for (i = 0; i < n; i++) {
		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_u64(w, "tid", wt[i].tid);
		ipcs_jw_string(w, "how", wt[i].how, sizeof(wt[i].how));
		ipcs_jw_end_object(w);
	}
	ipcs_jw_end_array(w);
}

static void print_json(struct ipcs_writer *w, const struct pipe_state *p,
		       const char *source)
{
	char path[PATH_MAX];
	int i;

	ipcs_jw_begin_object(w, NULL);
	ipcs_jw_u64(w, "ino", p->ino);
	ipcs_jw_dev(w, "dev", p->dev_major, p->dev_minor);
	ipcs_jw_str(w, "pipe", p->fifo ? "fifo" : "anon");
	if (fifo_path_of(p, path, sizeof(path)))
		ipcs_jw_string(w, "path", path, sizeof(path));
	ipcs_jw_u64(w, "capacity", p->capacity);
	ipcs_jw_u64(w, "slots", p->slots);
	ipcs_jw_u64(w, "ring_size", p->ring_size);
	ipcs_jw_u64(w, "slots_used", (uint32_t)(p->head - p->tail));
	ipcs_jw_u64(w, "head", p->head);
	ipcs_jw_u64(w, "tail", p->tail);
	ipcs_jw_u64(w, "buffered", p->buffered);
	ipcs_jw_bool(w, "buffered_partial", p->buffered_partial);
	ipcs_jw_u64(w, "readers", p->readers);
	ipcs_jw_u64(w, "writers", p->writers);
	ipcs_jw_u64(w, "files", p->files);
	ipcs_jw_u64(w, "r_counter", p->r_counter);
	ipcs_jw_u64(w, "w_counter", p->w_counter);
	if (p->have_waiters) {
		ipcs_jw_bool(w, "busy", p->busy);
		print_waiters_json(w, "rd_wait", p->rd_wait, p->n_rd_wait);
		print_waiters_json(w, "wr_wait", p->wr_wait, p->n_wr_wait);
	}
	ipcs_jw_begin_array(w, "holders");
	for (i = 0; i < p->nholders; i++) {
		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_u64(w, "pid", p->holders[i].pid);
		ipcs_jw_u64(w, "fd", p->holders[i].fd);
		ipcs_jw_string(w, "mode", p->holders[i].mode,
			       sizeof(p->holders[i].mode));
		ipcs_jw_string(w, "comm", p->holders[i].comm,
			       sizeof(p->holders[i].comm));
		ipcs_jw_end_object(w);
	}
	ipcs_jw_end_array(w);
	ipcs_jw_str(w, "source", source);
	ipcs_jw_end_object(w);
}

static void print_waiters_text(struct ipcs_writer *w,
			       const struct pipe_state *p,
			       const struct pipe_waiter *wt, int n)
{
	char cell[64] = "";
	size_t off = 0;
	int i;

	if (!p->have_waiters) {
		ipcs_w_printf(w, " %-10s", "?");
		return;
	}
	for (i = 0; i < n && off < sizeof(cell); i++)
		off += snprintf(cell + off, sizeof(cell) - off, "%s%u",
				i ? "," : "", wt[i].tid);
	ipcs_w_printf(w, " %-10s", n ? cell : "-");
}

static void print_text(struct ipcs_writer *w, const struct pipe_state *p)
{
	char fill[48], comm[64], path[PATH_MAX];
	int i;

	snprintf(fill, sizeof(fill), "%" PRIu64 "%s/%u", p->buffered,
		 p->buffered_partial ? "+" : "", p->capacity);
	ipcs_w_printf(w, "%9" PRIu64 " %-4s %15s %5u/%-3u %3u %3u", p->ino,
		      p->fifo ? "fifo" : "anon", fill, p->head - p->tail,
		      p->slots, p->readers, p->writers);
	print_waiters_text(w, p, p->rd_wait, p->n_rd_wait);
	print_waiters_text(w, p, p->wr_wait, p->n_wr_wait);
	for (i = 0; i < p->nholders; i++) {
		ipcs_text_sanitize(comm, sizeof(comm), p->holders[i].comm,
				   sizeof(comm));
		ipcs_w_printf(w, "%s%s[%u]:%u%s", i ? "," : " ", comm,
			      p->holders[i].pid, p->holders[i].fd,
			      p->holders[i].mode);
	}
	if (fifo_path_of(p, path, sizeof(path))) {
		ipcs_text_sanitize(comm, sizeof(comm), path, sizeof(comm));
		ipcs_w_printf(w, " %s", comm);
	}
	ipcs_w_char(w, '\n');
}

void pipes_print(struct ipcs_output *o, const struct pipe_list *list,
		 const struct pipes_opts *opts)
{
	int i;

	if (o->format == IPCS_FMT_TEXT)
		ipcs_w_printf(&o->w,
			      "%9s %-4s %15s %9s %3s %3s %-10s %-10s %s\n",
			      "INODE", "KIND", "BUFFERED/CAP", "SLOTS", "R",
			      "W", "RD_WAIT", "WR_WAIT",
			      "HOLDERS comm[pid]:fd mode");
	for (i = 0; i < list->n; i++) {
		if (!wanted(&list->v[i], opts))
			continue;
		if (o->format == IPCS_FMT_JSON)
			print_json(&o->w, &list->v[i], list->source);
		else
			print_text(&o->w, &list->v[i]);
		ipcs_w_end_record(&o->w);
	}
}

/* The module's files live in debugfs, which may not be mounted yet. */
static bool debugfs_available(void)
{
	if (!access(PIPES_DEBUGFS_FILE, R_OK))
		return true;
	if (access("/sys/kernel/debug/ipcscope", F_OK) &&
	    mount("none", "/sys/kernel/debug", "debugfs", 0, NULL))
		return false;
	return !access(PIPES_DEBUGFS_FILE, R_OK);
}

int pipes_run(const struct pipes_opts *opts, struct ipcs_error *err)
{
	struct pipe_list list = {};
	struct ipcs_output out;
	int ret;

	if (opts->source == PIPES_SRC_DEBUGFS ||
	    (opts->source == PIPES_SRC_AUTO && debugfs_available()))
		ret = pipes_from_debugfs(&list, PIPES_DEBUGFS_FILE, err);
	else
		ret = pipes_from_bpf(&list, opts, err);
	if (ret)
		goto out;
	qsort(list.v, list.n, sizeof(*list.v), by_ino);
	signal(SIGPIPE, SIG_IGN);
	if (ipcs_output_init(&out, STDOUT_FILENO, opts->format)) {
		ret = ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
		goto out;
	}
	pipes_print(&out, &list, opts);
	ipcs_w_flush(&out.w);
	ipcs_output_free(&out);
out:
	pipe_list_free(&list);
	return ret;
}
