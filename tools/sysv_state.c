// SPDX-License-Identifier: GPL-2.0
/*
 * `ipcscope sysv`: who is blocked on which SysV semaphore set or message
 * queue right now.
 *
 * The objects (id, key, owner, mode, counts) are the kernel's own list,
 * /proc/sysvipc/sem and /proc/sysvipc/msg.  Their sleepers come from the
 * kernel's wait queues of each object, read by bpf/sysv_iter.bpf.c: an
 * iterator over an array map that holds those ids.  A semaphore waiter
 * is shown with its semop(2)'s operations as the kernel copied them, and
 * the one it blocks on; a receiver with its msgtyp and the flags that
 * shape its wait; a sender with its msgsz.
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
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "probe.h"
#include "sysv_state.h"
#include "trace.h"
#include "writer.h"
#include "sysv_iter.skel.h"

#define MSG_NOERROR	010000
#define MSG_EXCEPT	020000
#define MSG_COPY	040000
#define IPC_NOWAIT	04000

/* The waiters map grows (and the walk runs again) until all fit. */
#define WAITERS_FIRST	1024
#define WAITERS_MAX	(1 << 16)

enum { OPT_ID = 0x100 };

static const char *const kind_names[] = {
	[IPCSCOPE_SYSV_SEM] = "sem",
	[IPCSCOPE_SYSV_MSG] = "msg",
};

/* ---- parsing -------------------------------------------------------- */

int sysv_parse_line(enum ipcscope_sysv_kind kind, const char *line,
		    struct sysv_obj *o)
{
	long long key, id;
	unsigned long long a, b;
	unsigned int perms, uid;

	memset(o, 0, sizeof(*o));
	o->kind = kind;
	/* sem:  key semid perms nsems uid gid cuid cgid otime ctime
	 * msg:  key msqid perms cbytes qnum lspid lrpid uid gid ... */
	if (kind == IPCSCOPE_SYSV_SEM) {
		if (sscanf(line, "%lld %lld %o %llu %u", &key, &id, &perms,
			   &a, &uid) != 5)
			return -1;
		o->nsems = a;
	} else {
		if (sscanf(line, "%lld %lld %o %llu %llu %*d %*d %u", &key,
			   &id, &perms, &a, &b, &uid) != 6)
			return -1;
		o->cbytes = a;
		o->qnum = b;
	}
	if (id < 0 || id > INT_MAX || key < INT_MIN || key > INT_MAX)
		return -1;
	o->id = id;
	o->key = key;
	o->perms = perms;
	o->uid = uid;
	return 0;
}

void sysv_receiver_args(const struct ipcscope_sysv_waiter *w,
			int64_t *msgtyp, unsigned int *msgflg)
{
	*msgflg = w->size == INT_MAX ? MSG_NOERROR : 0;
	switch (w->r_mode) {
	case IPCSCOPE_SYSV_SEARCH_ANY:
		*msgtyp = 0;
		break;
	case IPCSCOPE_SYSV_SEARCH_NOTEQUAL:
		*msgflg |= MSG_EXCEPT;
		*msgtyp = w->msgtype;
		break;
	case IPCSCOPE_SYSV_SEARCH_LESSEQUAL:
		/* LONG_MIN was turned into LONG_MAX: -LONG_MAX is as far */
		*msgtyp = -w->msgtype;
		break;
	case IPCSCOPE_SYSV_SEARCH_NUMBER:
		*msgflg |= MSG_COPY | IPC_NOWAIT;
		*msgtyp = w->msgtype;
		break;
	default:	/* SEARCH_EQUAL */
		*msgtyp = w->msgtype;
	}
}

struct sysv_list {
	struct sysv_obj *v;
	size_t n;
};

static int read_proc(struct sysv_list *l, enum ipcscope_sysv_kind kind,
		     const struct sysv_opts *opts, struct ipcs_error *err)
{
	const char *path = kind == IPCSCOPE_SYSV_SEM ? "/proc/sysvipc/sem" :
						       "/proc/sysvipc/msg";
	FILE *f = fopen(path, "re");
	char line[512];

	if (!f) {
		/* a kernel without SysV IPC has no objects to show */
		if (errno == ENOENT)
			return 0;
		return ipcs_fail(err, IPCS_EXIT_FAIL, "cannot read %s: %s",
				 path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		struct sysv_obj o, *grown;

		if (sysv_parse_line(kind, line, &o))
			continue;	/* the heading */
		if (opts->id >= 0 && o.id != opts->id)
			continue;
		grown = realloc(l->v, (l->n + 1) * sizeof(*l->v));
		if (!grown) {
			fclose(f);
			return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
		}
		l->v = grown;
		l->v[l->n++] = o;
	}
	fclose(f);
	return 0;
}

/* ---- the kernel's queues ---------------------------------------------- */

struct sysv_walk {
	struct ipcscope_sysv_object *objs;	/* as the iterator left them */
	struct ipcscope_sysv_waiter *waiters;
	size_t nwaiters;
};

/* One run of the iterator with room for @cap waiters; 1: no room. */
static int walk_once(const struct sysv_list *l, const struct sysv_opts *opts,
		     size_t cap, struct sysv_walk *out, struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts,
		    .btf_custom_path = opts->btf_path);
	DECLARE_LIBBPF_OPTS(bpf_iter_attach_opts, iopts);
	union bpf_iter_link_info linfo = {};
	struct sysv_iter_bpf *skel;
	struct bpf_link *link = NULL;
	int iter_fd = -1, ret = -1, objs_fd, waiters_fd;
	char buf[64];
	__u32 k;
	ssize_t n;

	skel = sysv_iter_bpf__open_opts(&oopts);
	if (!skel)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "opening the SysV iterator failed: %s",
				 strerror(errno));
	if (bpf_map__set_max_entries(skel->maps.objects, l->n) ||
	    bpf_map__set_max_entries(skel->maps.waiters, cap)) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "sizing the SysV maps failed");
		goto out;
	}
	ret = sysv_iter_bpf__load(skel);
	if (ret) {
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "loading the SysV iterator failed: %s",
			  ipcs_strerr(ret));
		ret = -1;
		goto out;
	}
	ret = -1;
	objs_fd = bpf_map__fd(skel->maps.objects);
	waiters_fd = bpf_map__fd(skel->maps.waiters);
	for (k = 0; k < l->n; k++) {
		struct ipcscope_sysv_object o = {
			.id = l->v[k].id,
			.kind = l->v[k].kind,
		};

		if (bpf_map_update_elem(objs_fd, &k, &o, BPF_ANY)) {
			ipcs_fail(err, IPCS_EXIT_FAIL,
				  "filling the SysV object map failed: %s",
				  strerror(errno));
			goto out;
		}
	}
	linfo.map.map_fd = objs_fd;
	iopts.link_info = &linfo;
	iopts.link_info_len = sizeof(linfo);
	link = bpf_program__attach_iter(skel->progs.dump_sysv_waiters, &iopts);
	iter_fd = link ? bpf_iter_create(bpf_link__fd(link)) : -1;
	if (iter_fd < 0) {
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "creating the map element iterator failed: %s",
			  strerror(errno));
		goto out;
	}
	/* the program writes into the maps, not into the file */
	while ((n = read(iter_fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "reading the iterator: %s",
			  strerror(errno));
		goto out;
	}
	if (skel->bss->nwaiters >= cap && cap < WAITERS_MAX) {
		ret = 1;
		goto out;
	}
	out->objs = calloc(l->n, sizeof(*out->objs));
	out->nwaiters = skel->bss->nwaiters;
	out->waiters = calloc(out->nwaiters + 1, sizeof(*out->waiters));
	if (!out->objs || !out->waiters) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
		goto out;
	}
	for (k = 0; k < l->n; k++)
		if (bpf_map_lookup_elem(objs_fd, &k, &out->objs[k]))
			goto lookup;
	for (k = 0; k < out->nwaiters; k++)
		if (bpf_map_lookup_elem(waiters_fd, &k, &out->waiters[k]))
			goto lookup;
	ret = 0;
	goto out;
lookup:
	ipcs_fail(err, IPCS_EXIT_FAIL, "reading the SysV maps failed: %s",
		  strerror(errno));
out:
	if (iter_fd >= 0)
		close(iter_fd);
	bpf_link__destroy(link);
	sysv_iter_bpf__destroy(skel);
	return ret;
}

static void walk_free(struct sysv_walk *w)
{
	free(w->objs);
	free(w->waiters);
	memset(w, 0, sizeof(*w));
}

static int walk_queues(const struct sysv_list *l, const struct sysv_opts *opts,
		       struct sysv_walk *out, struct ipcs_error *err)
{
	struct kernel_info ki = {};
	size_t cap;
	int ret;

	ipcs_libbpf_logging(opts->verbose);
	if (ipcs_check_privilege(err) ||
	    kernel_info_open(&ki, opts->btf_path, err))
		return -1;
	kernel_info_close(&ki);
	for (cap = WAITERS_FIRST;; cap *= 8) {
		if (cap > WAITERS_MAX)
			cap = WAITERS_MAX;
		ret = walk_once(l, opts, cap, out, err);
		if (ret <= 0)
			break;
		walk_free(out);
	}
	if (ret)
		walk_free(out);
	return ret;
}

/* ---- output ------------------------------------------------------------ */

/* The operation a semaphore waiter blocks on: the one the kernel found
 * blocking, or the first. */
static const struct ipcscope_sysv_sembuf *
blocking_op(const struct ipcscope_sysv_waiter *w)
{
	unsigned int n = w->nsops < IPCSCOPE_SYSV_MAX_SOPS ?
			 w->nsops : IPCSCOPE_SYSV_MAX_SOPS;

	return w->blocking < n ? &w->sops[w->blocking] : &w->sops[0];
}

static void json_waiter(struct ipcs_writer *w,
			const struct ipcscope_sysv_waiter *r)
{
	unsigned int i, n;

	ipcs_jw_begin_object(w, NULL);
	ipcs_jw_u64(w, "pid", r->pid);
	ipcs_jw_u64(w, "tid", r->tid);
	ipcs_jw_string(w, "comm", r->comm, sizeof(r->comm));
	if (r->role == IPCSCOPE_SYSV_SEM_WAITER) {
		const struct ipcscope_sysv_sembuf *b = blocking_op(r);

		ipcs_jw_u64(w, "sem_num", b->sem_num);
		ipcs_jw_s64(w, "sem_op", b->sem_op);
		ipcs_jw_s64(w, "sem_flg", b->sem_flg);
		ipcs_jw_u64(w, "nsops", r->nsops);
		n = r->nsops < IPCSCOPE_SYSV_MAX_SOPS ? r->nsops :
			IPCSCOPE_SYSV_MAX_SOPS;
		ipcs_jw_begin_array(w, "sops");
		for (i = 0; i < n; i++) {
			ipcs_jw_begin_object(w, NULL);
			ipcs_jw_u64(w, "sem_num", r->sops[i].sem_num);
			ipcs_jw_s64(w, "sem_op", r->sops[i].sem_op);
			ipcs_jw_s64(w, "sem_flg", r->sops[i].sem_flg);
			ipcs_jw_end_object(w);
		}
		ipcs_jw_end_array(w);
		if (r->nsops > IPCSCOPE_SYSV_MAX_SOPS)
			ipcs_jw_bool(w, "sops_truncated", true);
	} else if (r->role == IPCSCOPE_SYSV_MSG_RECEIVER) {
		unsigned int msgflg;
		int64_t msgtyp;

		sysv_receiver_args(r, &msgtyp, &msgflg);
		ipcs_jw_s64(w, "msgtyp", msgtyp);
		ipcs_jw_u64(w, "msgflg", msgflg);
		/* with MSG_NOERROR the kernel keeps no buffer size */
		if (msgflg & MSG_NOERROR)
			ipcs_jw_null(w, "msgsz");
		else
			ipcs_jw_u64(w, "msgsz", r->size);
	} else {
		ipcs_jw_u64(w, "msgsz", r->size);
	}
	ipcs_jw_end_object(w);
}

static void json_role(struct ipcs_writer *w, const char *key,
		      const struct sysv_walk *walk, __u32 obj, int role)
{
	size_t i;

	ipcs_jw_begin_array(w, key);
	for (i = 0; i < walk->nwaiters; i++)
		if (walk->waiters[i].object == obj &&
		    walk->waiters[i].role == role)
			json_waiter(w, &walk->waiters[i]);
	ipcs_jw_end_array(w);
}

static void print_json(struct ipcs_output *out, const struct sysv_obj *o,
		       const struct ipcscope_sysv_object *k,
		       const struct sysv_walk *walk, __u32 obj)
{
	struct ipcs_writer *w = &out->w;

	ipcs_jw_begin_object(w, NULL);
	ipcs_jw_str(w, "kind", kind_names[o->kind]);
	ipcs_jw_s64(w, "id", o->id);
	ipcs_jw_s64(w, "key", o->key);
	ipcs_jw_u64(w, "uid", o->uid);
	ipcs_jw_u64(w, "perms", o->perms);
	if (o->kind == IPCSCOPE_SYSV_SEM) {
		ipcs_jw_u64(w, "nsems", o->nsems);
		json_role(w, "waiters", walk, obj, IPCSCOPE_SYSV_SEM_WAITER);
	} else {
		ipcs_jw_u64(w, "cbytes", o->cbytes);
		ipcs_jw_u64(w, "qnum", o->qnum);
		ipcs_jw_u64(w, "qbytes", k->qbytes);
		json_role(w, "receivers", walk, obj,
			  IPCSCOPE_SYSV_MSG_RECEIVER);
		json_role(w, "senders", walk, obj, IPCSCOPE_SYSV_MSG_SENDER);
	}
	if (k->waking)
		ipcs_jw_u64(w, "waking", k->waking);
	if (k->status & IPCSCOPE_SYSV_TRUNCATED)
		ipcs_jw_bool(w, "truncated", true);
	ipcs_jw_end_object(w);
}

static void text_waiter(struct ipcs_writer *w,
			const struct ipcscope_sysv_waiter *r)
{
	char comm[sizeof(r->comm) + 1];
	unsigned int i, n;

	ipcs_text_sanitize(comm, sizeof(comm), r->comm, sizeof(r->comm));
	if (r->role == IPCSCOPE_SYSV_SEM_WAITER) {
		const struct ipcscope_sysv_sembuf *b = blocking_op(r);

		ipcs_w_printf(w, "    %-8s %7u %7u %-16s sem_num %u sem_op %d sem_flg %#o",
			      "waiter", r->pid, r->tid, comm, b->sem_num,
			      b->sem_op, (unsigned int)(__u16)b->sem_flg);
		if (r->nsops > 1) {
			n = r->nsops < IPCSCOPE_SYSV_MAX_SOPS ? r->nsops :
				IPCSCOPE_SYSV_MAX_SOPS;
			ipcs_w_printf(w, " (semop of %u:", r->nsops);
			for (i = 0; i < n; i++)
				ipcs_w_printf(w, " %u/%d/%#o", r->sops[i].sem_num,
					      r->sops[i].sem_op,
					      (unsigned int)(__u16)r->sops[i].sem_flg);
			ipcs_w_str(w, r->nsops > n ? " ...)" : ")");
		}
	} else if (r->role == IPCSCOPE_SYSV_MSG_RECEIVER) {
		unsigned int msgflg;
		int64_t msgtyp;

		sysv_receiver_args(r, &msgtyp, &msgflg);
		ipcs_w_printf(w, "    %-8s %7u %7u %-16s msgtyp %" PRId64
			      " msgflg %#o", "receiver", r->pid, r->tid, comm,
			      msgtyp, msgflg);
		if (!(msgflg & MSG_NOERROR))
			ipcs_w_printf(w, " msgsz %" PRIu64,
				      (uint64_t)r->size);
	} else {
		ipcs_w_printf(w, "    %-8s %7u %7u %-16s msgsz %" PRIu64,
			      "sender", r->pid, r->tid, comm,
			      (uint64_t)r->size);
	}
	ipcs_w_char(w, '\n');
}

static void print_text(struct ipcs_output *out, const struct sysv_obj *o,
		       const struct ipcscope_sysv_object *k,
		       const struct sysv_walk *walk, __u32 obj)
{
	struct ipcs_writer *w = &out->w;
	size_t i;

	ipcs_w_printf(w, "%-4s %10d 0x%08x %6u %04o ", kind_names[o->kind],
		      o->id, (uint32_t)o->key, o->uid, o->perms & 0777);
	if (o->kind == IPCSCOPE_SYSV_SEM)
		ipcs_w_printf(w, "nsems %" PRIu64, o->nsems);
	else
		ipcs_w_printf(w, "qnum %" PRIu64 " cbytes %" PRIu64
			      " qbytes %" PRIu64, o->qnum, o->cbytes,
			      (uint64_t)k->qbytes);
	if (k->waking)
		ipcs_w_printf(w, " (%u waking)", k->waking);
	if (k->status & IPCSCOPE_SYSV_TRUNCATED)
		ipcs_w_str(w, " (truncated)");
	ipcs_w_char(w, '\n');
	/* receivers before senders, each in queue order */
	for (i = 0; i < walk->nwaiters; i++)
		if (walk->waiters[i].object == obj &&
		    walk->waiters[i].role != IPCSCOPE_SYSV_MSG_SENDER)
			text_waiter(w, &walk->waiters[i]);
	for (i = 0; i < walk->nwaiters; i++)
		if (walk->waiters[i].object == obj &&
		    walk->waiters[i].role == IPCSCOPE_SYSV_MSG_SENDER)
			text_waiter(w, &walk->waiters[i]);
}

/* ---- options ------------------------------------------------------------ */

static const struct argp_option sysv_options[] = {
	IPCS_OPTION_FORMAT,
	{ "type", 't', "TYPE", 0, "Only sem (semaphore sets) or msg (message queues)", 0 },
	{ "id", OPT_ID, "ID", 0, "Only the object with this semid or msqid", 0 },
	{ "blocked", 'b', NULL, 0, "Only objects some task is asleep on", 0 },
	IPCS_OPTION_BTF,
	IPCS_OPTION_VERBOSE,
	{ 0 }
};

static const char sysv_doc[] =
"Show every SysV semaphore set and message queue (id, key, owner, mode,\n"
"counts, as /proc/sysvipc has them) with the tasks asleep on it now, from\n"
"the kernel's own wait queues: semaphore waiters with their semop(2)\n"
"operations, blocked receivers with msgtyp and msgflg, blocked senders\n"
"with msgsz.  See ipcscope(8).\n"
"\n"
"EXAMPLES:\n"
"  ipcscope sysv                     # every set and queue, text\n"
"  ipcscope sysv -b -f json          # those somebody waits on, JSON";

/* The shared options, and -t, --id and -b for @opts. */
struct sysv_args {
	struct ipcs_state_args common;
	struct sysv_opts *opts;
};

static error_t sysv_parser(int key, char *arg, struct argp_state *state)
{
	const struct sysv_args *sa = state->input;
	struct sysv_opts *o = sa->opts;
	unsigned long long v;
	char *end;

	switch (key) {
	case 't':
		if (!strcmp(arg, "sem"))
			o->kinds |= 1u << IPCSCOPE_SYSV_SEM;
		else if (!strcmp(arg, "msg"))
			o->kinds |= 1u << IPCSCOPE_SYSV_MSG;
		else
			goto bad;
		return 0;
	case OPT_ID:
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (!*arg || *arg == '-' || *arg == '+' || *end || errno ||
		    v > INT_MAX)
			goto bad;
		o->id = v;
		return 0;
	case 'b':
		o->blocked = true;
		return 0;
	}
	return ipcs_state_option(key, arg, state, &sa->common);
bad:
	ipcs_fail(sa->common.err, IPCS_EXIT_USAGE, "%s (got '%.64s')",
		  key == 't' ? "unknown type: want sem or msg" :
		  "invalid id: want a number from 0 to 2147483647", arg);
	return EINVAL;
}

int sysv_parse_args(int argc, char **argv, struct sysv_opts *opts,
		    struct ipcs_error *err)
{
	static const struct argp argp = {
		.options = sysv_options,
		.parser = sysv_parser,
		.doc = sysv_doc,
	};
	struct sysv_args sa = {
		.common = { .format = &opts->format,
			    .btf_path = &opts->btf_path,
			    .verbose = &opts->verbose, .err = err },
		.opts = opts,
	};

	memset(opts, 0, sizeof(*opts));
	opts->id = -1;
	if (ipcs_argp_parse(&argp, argc, argv, &sa, err))
		return -1;
	if (!opts->kinds)
		opts->kinds = 1u << IPCSCOPE_SYSV_SEM | 1u << IPCSCOPE_SYSV_MSG;
	return 0;
}

int sysv_run(const struct sysv_opts *opts, struct ipcs_error *err)
{
	struct sysv_list list = {};
	struct sysv_walk walk = {};
	struct ipcs_output out;
	size_t i;
	int ret = 0;

	if (opts->kinds & 1u << IPCSCOPE_SYSV_SEM)
		ret = read_proc(&list, IPCSCOPE_SYSV_SEM, opts, err);
	if (!ret && opts->kinds & 1u << IPCSCOPE_SYSV_MSG)
		ret = read_proc(&list, IPCSCOPE_SYSV_MSG, opts, err);
	if (!ret && list.n)
		ret = walk_queues(&list, opts, &walk, err);
	if (ret)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	if (ipcs_output_init(&out, STDOUT_FILENO, opts->format)) {
		ret = ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
		goto out;
	}
	if (opts->format == IPCS_FMT_TEXT)
		ipcs_w_printf(&out.w, "%-4s %10s %10s %6s %4s %s\n"
			      "    %-8s %7s %7s %-16s %s\n", "KIND", "ID", "KEY",
			      "UID", "PERM", "COUNTS", "ROLE", "PID", "TID",
			      "COMM", "WAITS FOR");
	for (i = 0; i < list.n; i++) {
		const struct ipcscope_sysv_object *k = &walk.objs[i];

		/* not found: removed since /proc/sysvipc was read */
		if (!(k->status & IPCSCOPE_SYSV_FOUND))
			continue;
		if (opts->blocked && !k->waiters)
			continue;
		if (opts->format == IPCS_FMT_JSON)
			print_json(&out, &list.v[i], k, &walk, i);
		else
			print_text(&out, &list.v[i], k, &walk, i);
		ipcs_w_end_record(&out.w);
	}
	ret = ipcs_w_flush(&out.w);
	ipcs_output_free(&out);
	if (ret && errno != EPIPE)
		ret = ipcs_fail(err, IPCS_EXIT_FAIL, "writing output: %s",
				strerror(errno));
	else
		ret = 0;
out:
	walk_free(&walk);
	free(list.v);
	return ret;
}
