// SPDX-License-Identifier: GPL-2.0
/*
 * `ipcscope sockets`: every unix socket a process holds, as it stands,
 * from a BPF task_file iterator (bpf/sockets_iter.bpf.c): type, state,
 * name, the peer and who holds it, receive queue and listen backlog.
 * Sockets no descriptor holds (a connection not yet accepted) are not
 * listed.  When the kernel module is loaded, the tasks asleep on each
 * socket come from its debugfs file (Documentation/debugfs.rst, sockets
 * v1).
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "ipcscope_sockets.h"
#include "probe.h"
#include "sockets.h"
#include "trace.h"
#include "unix_decode.h"
#include "writer.h"
#include "sockets_iter.skel.h"

#define TCP_ESTABLISHED	1
#define TCP_CLOSE	7
#define TCP_LISTEN	10

static const struct argp_option sockets_options[] = {
	IPCS_OPTION_FORMAT,
	{ "pid", 'p', "PID", 0, "Only sockets this process holds", 0 },
	{ "ino", IPCS_OPT_INO, "INODE", 0, "Only the socket with this inode", 0 },
	IPCS_OPTION_BTF,
	IPCS_OPTION_VERBOSE,
	{ 0 }
};

static const char sockets_doc[] =
"Show every unix domain socket a process holds: inode, type, state, name,\n"
"the peer's inode and holders, the holders of this socket, bytes and\n"
"datagrams in its receive queue and its listen backlog.  With the kernel\n"
"module ipcscope.ko loaded, also the tasks asleep on each socket (in recv,\n"
"send, accept, connect, ...).\n"
"\n"
"EXAMPLES:\n"
"  ipcscope sockets                     # every held unix socket, text\n"
"  ipcscope sockets -p 1234 -f json     # those process 1234 holds";

static error_t sockets_parser(int key, char *arg, struct argp_state *state)
{
	return ipcs_state_option(key, arg, state, state->input);
}

int sockets_parse_args(int argc, char **argv, struct sockets_opts *opts,
		       struct ipcs_error *err)
{
	static const struct argp argp = {
		.options = sockets_options,
		.parser = sockets_parser,
		.doc = sockets_doc,
	};
	struct ipcs_state_args a = {
		.format = &opts->format, .pid = &opts->pid, .ino = &opts->ino,
		.btf_path = &opts->btf_path, .verbose = &opts->verbose,
		.err = err,
	};

	memset(opts, 0, sizeof(*opts));
	return ipcs_argp_parse(&argp, argc, argv, &a, err);
}

/* comm is escaped by the module as \ooo; undo that. */
static void unescape(char *dst, size_t len, const char *src, size_t srclen)
{
	const char *end = src + srclen;
	size_t o = 0;

	while (src < end && o + 1 < len) {
		if (end - src >= 4 && src[0] == '\\' &&
		    src[1] >= '0' && src[1] <= '3' &&
		    src[2] >= '0' && src[2] <= '7' &&
		    src[3] >= '0' && src[3] <= '7') {
			dst[o++] = (char)((src[1] - '0') << 6 |
					  (src[2] - '0') << 3 | (src[3] - '0'));
			src += 4;
		} else {
			dst[o++] = *src++;
		}
	}
	dst[o] = '\0';
}

/* Copy part [p, p + n) of an item into a fixed field. */
static void part(char *dst, size_t len, const char *p, size_t n)
{
	snprintf(dst, len, "%.*s", (int)n, p);
}

/* "PID/TID/HOW/SYSCALL/FUNC/COMM,..." or "-" */
static int parse_sleepers(const char *val, uint64_t ino, const char *queue,
			  struct sock_sleepers *out)
{
	const char *item = val;

	if (!strcmp(val, "-"))
		return 0;
	while (*item) {
		size_t n = strcspn(item, ","), k;
		const char *f[6], *p = item;
		struct sock_sleeper sl = { .ino = ino };
		size_t flen[6];

		for (k = 0; k < 6; k++) {
			size_t m = k < 5 ? strcspn(p, "/,") : strcspn(p, ",");

			if (p + m > item + n || (k < 5 && p[m] != '/'))
				return -1;
			f[k] = p;
			flen[k] = m;
			p += m + (k < 5);
		}
		sl.pid = strtoul(f[0], NULL, 10);
		sl.tid = strtoul(f[1], NULL, 10);
		snprintf(sl.queue, sizeof(sl.queue), "%s", queue);
		part(sl.how, sizeof(sl.how), f[2], flen[2]);
		part(sl.syscall, sizeof(sl.syscall), f[3], flen[3]);
		part(sl.func, sizeof(sl.func), f[4], flen[4]);
		unescape(sl.comm, sizeof(sl.comm), f[5], flen[5]);
		if (out->n == out->cap) {
			size_t cap = out->cap ? 2 * out->cap : 64;
			void *grown = realloc(out->v, cap * sizeof(*out->v));

			if (!grown)
				return -1;
			out->v = grown;
			out->cap = cap;
		}
		out->v[out->n++] = sl;
		item += n + (item[n] == ',');
	}
	return 0;
}

int sockets_parse_debugfs_line(const char *line, struct sock_sleepers *out)
{
	char *copy = strdup(line), *tok, *save = NULL;
	char *sk_wait = NULL, *peer_wait = NULL;
	unsigned long long ino = 0;
	int ret = 0;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		char *val = strchr(tok, '=');

		if (!val) {
			ret = -1;
			break;
		}
		*val++ = '\0';
		if (!strcmp(tok, "ino"))
			ino = strtoull(val, NULL, 10);
		else if (!strcmp(tok, "sk_wait"))
			sk_wait = val;
		else if (!strcmp(tok, "peer_wait"))
			peer_wait = val;
		/* unknown keys: a newer module; v1 only ever adds keys */
	}
	if (!ret && (!ino || !sk_wait || !peer_wait))
		ret = -1;
	if (!ret)
		ret = parse_sleepers(sk_wait, ino, "sk_wait", out);
	if (!ret)
		ret = parse_sleepers(peer_wait, ino, "peer_wait", out);
	free(copy);
	return ret;
}

#define SOCKETS_HEADER "# ipcscope-sockets v1\n"

/*
 * The module's sleepers, when it is loaded (debugfs mounted here if need
 * be): 1 read, 0 no module, -1 failed (err set).
 */
static int read_sleepers(struct sock_sleepers *out, struct ipcs_error *err)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	FILE *f;

	if (access(SOCKETS_DEBUGFS_FILE, R_OK) &&
	    !access("/sys/module/ipcscope", F_OK) &&
	    access("/sys/kernel/debug/ipcscope", F_OK))
		mount("none", "/sys/kernel/debug", "debugfs", 0, NULL);
	f = fopen(SOCKETS_DEBUGFS_FILE, "re");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		if (lineno == 1 && strcmp(line, SOCKETS_HEADER)) {
			ipcs_fail(err, IPCS_EXIT_FAIL,
				  "%s: unknown format '%.40s' (want %.*s)",
				  SOCKETS_DEBUGFS_FILE, line,
				  (int)strlen(SOCKETS_HEADER) - 1,
				  SOCKETS_HEADER);
			break;
		}
		if (line[0] == '#')
			continue;
		if (sockets_parse_debugfs_line(line, out)) {
			ipcs_fail(err, IPCS_EXIT_FAIL,
				  "%s: line %d is not a sockets record",
				  SOCKETS_DEBUGFS_FILE, lineno);
			break;
		}
	}
	free(line);
	fclose(f);
	return err->msg[0] ? -1 : 1;
}

static int sleeper_by_ino(const void *a, const void *b)
{
	const struct sock_sleeper *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Sleepers of socket @ino, JSON array "sleepers" or text comm[pid]:how */
static void write_sleepers(struct ipcs_writer *w, bool json,
			   const struct sock_sleepers *sl, uint64_t ino)
{
	size_t lo = 0, hi = sl->n;
	bool first = true;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (sl->v[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (json)
		ipcs_jw_begin_array(w, "sleepers");
	for (; lo < sl->n && sl->v[lo].ino == ino; lo++) {
		const struct sock_sleeper *s = &sl->v[lo];

		if (json) {
			ipcs_jw_begin_object(w, NULL);
			ipcs_jw_u64(w, "pid", s->pid);
			ipcs_jw_u64(w, "tid", s->tid);
			ipcs_jw_string(w, "comm", s->comm, sizeof(s->comm));
			ipcs_jw_string(w, "how", s->how, sizeof(s->how));
			ipcs_jw_string(w, "queue", s->queue, sizeof(s->queue));
			if (strcmp(s->syscall, "-") && strcmp(s->syscall, "?"))
				ipcs_jw_string(w, "syscall", s->syscall,
					       sizeof(s->syscall));
			else
				ipcs_jw_null(w, "syscall");
			ipcs_jw_string(w, "func", s->func, sizeof(s->func));
			ipcs_jw_end_object(w);
		} else {
			char safe[sizeof(s->comm)];

			ipcs_text_sanitize(safe, sizeof(safe), s->comm,
					   sizeof(s->comm));
			if (s->tid != s->pid)
				ipcs_w_printf(w, "%s%s[%u/%u]:%s",
					      first ? "" : ",", safe, s->pid,
					      s->tid, s->how);
			else
				ipcs_w_printf(w, "%s%s[%u]:%s",
					      first ? "" : ",", safe, s->pid,
					      s->how);
		}
		first = false;
	}
	if (json)
		ipcs_jw_end_array(w);
	else if (first)
		ipcs_w_str(w, "-");
}

/* Every record of the iterator, in the order read. */
struct sock_records {
	struct ipcscope_sock_holder *v;
	size_t n, cap;
};

static int read_records(struct sock_records *recs,
			const struct sockets_opts *opts, struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts,
		    .btf_custom_path = opts->btf_path);
	struct ipcscope_sock_holder rec;
	struct sockets_iter_bpf *skel;
	struct bpf_link *link = NULL;
	int iter_fd = -1, ret = -1;
	size_t have = 0;
	ssize_t n;

	skel = sockets_iter_bpf__open_opts(&oopts);
	if (!skel)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "opening the socket iterator failed: %s",
				 strerror(errno));
	ret = sockets_iter_bpf__load(skel);
	if (ret) {
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "loading the socket iterator failed: %s",
			  ipcs_strerr(ret));
		ret = -1;
		goto out;
	}
	ret = -1;
	link = bpf_program__attach_iter(skel->progs.dump_unix_holders, NULL);
	iter_fd = link ? bpf_iter_create(bpf_link__fd(link)) : -1;
	if (iter_fd < 0) {
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "creating the task_file iterator failed: %s",
			  strerror(errno));
		goto out;
	}
	while ((n = read(iter_fd, (char *)&rec + have, sizeof(rec) - have)) > 0) {
		have += n;
		if (have < sizeof(rec))
			continue;
		have = 0;
		if (recs->n == recs->cap) {
			size_t cap = recs->cap ? 2 * recs->cap : 256;
			void *grown = realloc(recs->v, cap * sizeof(rec));

			if (!grown) {
				ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
				goto out;
			}
			recs->v = grown;
			recs->cap = cap;
		}
		recs->v[recs->n++] = rec;
	}
	if (n < 0) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "reading the iterator: %s",
			  strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (iter_fd >= 0)
		close(iter_fd);
	bpf_link__destroy(link);
	sockets_iter_bpf__destroy(skel);
	return ret;
}

static int by_ino(const void *a, const void *b)
{
	const struct ipcscope_sock_holder *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd < y->fd ? -1 : x->fd > y->fd;
}

/* The first record of socket @ino (records sorted by inode), or -1. */
static long first_of(const struct sock_records *recs, __u64 ino)
{
	size_t lo = 0, hi = recs->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (recs->v[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < recs->n && recs->v[lo].ino == ino ? (long)lo : -1;
}

static const char *state_name(unsigned int state)
{
	switch (state) {
	case TCP_ESTABLISHED:
		return "connected";
	case TCP_LISTEN:
		return "listening";
	case TCP_CLOSE:
		return "unconnected";
	}
	return "other";
}

/* Holders of socket @ino: JSON array @key, or text comm[pid]:fd,... */
static void write_holders(struct ipcs_writer *w, bool json, const char *key,
			  const struct sock_records *recs, __u64 ino)
{
	long i = ino ? first_of(recs, ino) : -1;
	bool first = true;

	if (json)
		ipcs_jw_begin_array(w, key);
	for (; i >= 0 && (size_t)i < recs->n && recs->v[i].ino == ino; i++) {
		const struct ipcscope_sock_holder *h = &recs->v[i];
		char comm[sizeof(h->comm) + 1];

		snprintf(comm, sizeof(comm), "%.*s", (int)sizeof(h->comm),
			 h->comm);
		if (json) {
			ipcs_jw_begin_object(w, NULL);
			ipcs_jw_u64(w, "pid", h->pid);
			ipcs_jw_string(w, "comm", comm, sizeof(comm));
			ipcs_jw_u64(w, "fd", h->fd);
			ipcs_jw_end_object(w);
		} else {
			char safe[sizeof(comm)];

			ipcs_text_sanitize(safe, sizeof(safe), comm,
					   sizeof(comm));
			ipcs_w_printf(w, "%s%s[%u]:%u", first ? "" : ",", safe,
				      h->pid, h->fd);
		}
		first = false;
	}
	if (json)
		ipcs_jw_end_array(w);
	else if (first)
		ipcs_w_str(w, "-");
}

static void print_socket(struct ipcs_output *o, const struct sock_records *recs,
			 const struct ipcscope_sock_holder *s,
			 const struct sock_sleepers *sl)
{
	struct ipcs_writer *w = &o->w;
	char path[IPCSCOPE_SOCK_PATH_MAX + 1];

	unix_path_text(s->path, s->path_len, path, sizeof(path));
	if (o->format == IPCS_FMT_JSON) {
		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_u64(w, "ino", s->ino);
		ipcs_jw_str(w, "sock", unix_sock_name(s->type));
		ipcs_jw_str(w, "state", state_name(s->state));
		if (s->path_len)
			ipcs_jw_string(w, "path", path, sizeof(path));
		else
			ipcs_jw_null(w, "path");
		if (s->peer_ino)
			ipcs_jw_u64(w, "peer_ino", s->peer_ino);
		else
			ipcs_jw_null(w, "peer_ino");
		write_holders(w, true, "holders", recs, s->ino);
		write_holders(w, true, "peer_holders", recs, s->peer_ino);
		ipcs_jw_u64(w, "rq_bytes", s->rq_bytes);
		ipcs_jw_u64(w, "rq_datagrams", s->rq_len);
		if (s->rq_partial)
			ipcs_jw_bool(w, "rq_partial", true);
		if (s->state == TCP_LISTEN) {
			ipcs_jw_u64(w, "backlog", s->backlog);
			ipcs_jw_u64(w, "max_backlog", s->max_backlog);
		}
		if (sl)
			write_sleepers(w, true, sl, s->ino);
		ipcs_jw_end_object(w);
	} else {
		char peer[24], safe[sizeof(path)];

		snprintf(peer, sizeof(peer), "%llu",
			 (unsigned long long)s->peer_ino);
		ipcs_text_sanitize(safe, sizeof(safe), path, sizeof(path));
		ipcs_w_printf(w, "%9llu %-9s %-11s %8u%s %4u %9s ",
			      (unsigned long long)s->ino,
			      unix_sock_name(s->type), state_name(s->state),
			      s->rq_bytes, s->rq_partial ? "+" : " ",
			      s->state == TCP_LISTEN ? s->backlog : s->rq_len,
			      s->peer_ino ? peer : "-");
		write_holders(w, false, NULL, recs, s->ino);
		ipcs_w_str(w, " ");
		write_holders(w, false, NULL, recs, s->peer_ino);
		ipcs_w_printf(w, " %s", s->path_len ? safe : "-");
		if (sl) {
			ipcs_w_str(w, " ");
			write_sleepers(w, false, sl, s->ino);
		}
		ipcs_w_str(w, "\n");
	}
	ipcs_w_end_record(w);
}

/* Does process @pid hold socket @ino? */
static bool held_by(const struct sock_records *recs, __u64 ino, __u32 pid)
{
	long i = first_of(recs, ino);

	for (; i >= 0 && (size_t)i < recs->n && recs->v[i].ino == ino; i++)
		if (recs->v[i].pid == pid)
			return true;
	return false;
}

int sockets_run(const struct sockets_opts *opts, struct ipcs_error *err)
{
	struct sock_records recs = {};
	struct sock_sleepers sl = {};
	struct kernel_info ki = {};
	int have_sl;
	struct ipcs_output o;
	size_t i;
	int ret;

	ipcs_libbpf_logging(opts->verbose);
	if (ipcs_check_privilege(err) ||
	    kernel_info_open(&ki, opts->btf_path, err))
		return -1;
	kernel_info_close(&ki);
	if (read_records(&recs, opts, err)) {
		free(recs.v);
		return -1;
	}
	qsort(recs.v, recs.n, sizeof(recs.v[0]), by_ino);
	/* After the iterator: a sleeper then is on a socket listed. */
	have_sl = read_sleepers(&sl, err);
	if (have_sl < 0) {
		free(recs.v);
		free(sl.v);
		return -1;
	}
	qsort(sl.v, sl.n, sizeof(sl.v[0]), sleeper_by_ino);
	if (ipcs_output_init(&o, STDOUT_FILENO, opts->format)) {
		free(recs.v);
		free(sl.v);
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	}
	if (opts->format == IPCS_FMT_TEXT)
		ipcs_w_printf(&o.w, "%9s %-9s %-11s %9s %4s %9s %s%s\n",
			      "INODE", "TYPE", "STATE", "RQ_BYTES", "RQ_N",
			      "PEER", "HOLDERS PEER_HOLDERS PATH",
			      have_sl ? " SLEEPERS" : "");
	for (i = 0; i < recs.n; i++) {
		const struct ipcscope_sock_holder *s = &recs.v[i];

		if (i && recs.v[i - 1].ino == s->ino)
			continue;	/* one line a socket */
		if (opts->ino && s->ino != opts->ino)
			continue;
		if (opts->pid && !held_by(&recs, s->ino, opts->pid))
			continue;
		print_socket(&o, &recs, s, have_sl ? &sl : NULL);
	}
	ret = ipcs_w_flush(&o.w);
	ipcs_output_free(&o);
	free(recs.v);
	free(sl.v);
	if (ret && errno != EPIPE)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "writing output: %s",
				 strerror(errno));
	return 0;
}
