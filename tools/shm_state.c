// SPDX-License-Identifier: GPL-2.0
/*
 * `ipcscope shm`: every shared memory segment as it stands, and the
 * processes that map it.
 *
 * SysV segments come from /proc/sysvipc/shm (key, id, size, owner,
 * creator, last attacher, nattch).  Their mappers, and the mapped POSIX
 * shm objects (files under /dev/shm) and memfds, come from every
 * process's /proc/PID/smaps: a SysV mapping is named "/SYSV<key>" and its
 * inode number is the segment's id; Rss is what is resident.  Objects
 * that no process maps are listed only when they are SysV segments.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "error.h"
#include "output.h"
#include "shm_state.h"

enum shm_kind { SHM_SYSV, SHM_POSIX, SHM_MEMFD };

static const char *const kind_names[] = { "sysv", "posix", "memfd" };

struct shm_mapper {
	uint32_t pid;
	char comm[16];
	uint64_t addr;
	uint64_t size;
	uint64_t resident;	/* bytes */
};

struct shm_seg {
	enum shm_kind kind;
	/* sysv */
	int64_t key;
	int64_t shmid;
	uint64_t size;
	uint32_t perms;
	uint32_t uid;
	uint32_t cpid;
	uint32_t lpid;
	uint64_t nattch;
	/* posix, memfd: the file */
	char name[256];
	uint64_t ino;
	struct shm_mapper *mappers;
	int nmappers;
};

struct shm_list {
	struct shm_seg *v;
	int n;
};

static struct shm_seg *seg_add(struct shm_list *l)
{
	struct shm_seg *grown = realloc(l->v, (l->n + 1) * sizeof(*l->v));

	if (!grown)
		return NULL;
	l->v = grown;
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static void list_free(struct shm_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].mappers);
	free(l->v);
}

static int read_sysv(struct shm_list *l, struct ipcs_error *err)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	char line[512];

	if (!f) {
		/* a kernel without SysV IPC has no segments to show */
		if (errno == ENOENT)
			return 0;
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot read /proc/sysvipc/shm: %s",
				 strerror(errno));
	}
	if (!fgets(line, sizeof(line), f)) {	/* the heading */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		long long key, shmid;
		unsigned long long size, nattch;
		unsigned int perms, cpid, lpid, uid;
		struct shm_seg *s;

		if (sscanf(line, "%lld %lld %o %llu %u %u %llu %u", &key,
			   &shmid, &perms, &size, &cpid, &lpid, &nattch,
			   &uid) != 8)
			continue;
		s = seg_add(l);
		if (!s) {
			fclose(f);
			return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
		}
		s->kind = SHM_SYSV;
		s->key = key;
		s->shmid = shmid;
		s->perms = perms;
		s->size = size;
		s->cpid = cpid;
		s->lpid = lpid;
		s->nattch = nattch;
		s->uid = uid;
	}
	fclose(f);
	return 0;
}

static struct shm_seg *find_sysv(struct shm_list *l, uint64_t shmid)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].kind == SHM_SYSV && (uint64_t)l->v[i].shmid == shmid)
			return &l->v[i];
	return NULL;
}

static struct shm_seg *find_file(struct shm_list *l, enum shm_kind kind,
				 uint64_t ino, const char *name)
{
	struct shm_seg *s;
	int i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && l->v[i].ino == ino &&
		    !strcmp(l->v[i].name, name))
			return &l->v[i];
	s = seg_add(l);
	if (s) {
		s->kind = kind;
		s->ino = ino;
		s->shmid = -1;
		snprintf(s->name, sizeof(s->name), "%s", name);
	}
	return s;
}

static int add_mapper(struct shm_seg *s, const struct shm_mapper *m)
{
	struct shm_mapper *grown;

	/* one mapping may be split in several VMAs: count it once per
	 * address range start, adjacent parts joined */
	if (s->nmappers) {
		struct shm_mapper *last = &s->mappers[s->nmappers - 1];

		if (last->pid == m->pid && last->addr + last->size == m->addr) {
			last->size += m->size;
			last->resident += m->resident;
			return 0;
		}
	}
	grown = realloc(s->mappers, (s->nmappers + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	s->mappers = grown;
	s->mappers[s->nmappers++] = *m;
	return 0;
}

/* The shared memory object a smaps heading names, or NULL. */
static struct shm_seg *mapping_object(struct shm_list *l, uint64_t ino,
				      const char *path)
{
	char name[256];
	size_t n;

	if (!strncmp(path, "/SYSV", 5))
		return find_sysv(l, ino);
	snprintf(name, sizeof(name), "%s", path);
	n = strlen(name);
	if (n > 10 && !strcmp(name + n - 10, " (deleted)"))
		name[n - 10] = '\0';
	if (!strncmp(name, "/memfd:", 7))
		return find_file(l, SHM_MEMFD, ino, name + 7);
	if (!strncmp(name, "/dev/shm/", 9))
		return find_file(l, SHM_POSIX, ino, name + 8);
	return NULL;
}

static void read_comm(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	comm[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, len, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

/* Every shared mapping of process @pid. */
static int read_process(struct shm_list *l, uint32_t pid)
{
	struct shm_seg *cur = NULL;
	struct shm_mapper m = { .pid = pid };
	char path[64], line[4352];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%u/smaps", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;	/* gone, or a kernel thread */
	read_comm(pid, m.comm, sizeof(m.comm));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, ino;
		unsigned long long kb;
		char perms[8];
		int off = 0;

		if (sscanf(line, "%llx-%llx %7s %*x %*x:%*x %llu %n", &start,
			   &end, perms, &ino, &off) == 4 && off) {
			if (cur && add_mapper(cur, &m))
				ret = -1;
			line[strcspn(line, "\n")] = '\0';
			/* private copies of a file are not shared memory */
			cur = perms[3] == 's' ?
			      mapping_object(l, ino, line + off) : NULL;
			m.addr = start;
			m.size = end - start;
			m.resident = 0;
			continue;
		}
		if (cur && sscanf(line, "Rss: %llu kB", &kb) == 1)
			m.resident = kb * 1024;
	}
	if (cur && add_mapper(cur, &m))
		ret = -1;
	fclose(f);
	return ret;
}

static int read_mappers(struct shm_list *l, uint32_t only_pid,
			struct ipcs_error *err)
{
	struct dirent *d;
	DIR *dir;

	if (only_pid)
		return read_process(l, only_pid) ?
		       ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory") : 0;
	dir = opendir("/proc");
	if (!dir)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "cannot read /proc: %s",
				 strerror(errno));
	while ((d = readdir(dir))) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		if (read_process(l, strtoul(d->d_name, NULL, 10))) {
			closedir(dir);
			return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
		}
	}
	closedir(dir);
	return 0;
}

static void print_json(struct ipcs_output *o, const struct shm_seg *s)
{
	struct ipcs_writer *w = &o->w;
	int i;

	ipcs_jw_begin_object(w, NULL);
	ipcs_jw_str(w, "type", kind_names[s->kind]);
	if (s->kind == SHM_SYSV) {
		ipcs_jw_s64(w, "key", s->key);
		ipcs_jw_s64(w, "shmid", s->shmid);
		ipcs_jw_u64(w, "size", s->size);
		ipcs_jw_u64(w, "mode", s->perms & 0777);
		ipcs_jw_u64(w, "owner_uid", s->uid);
		ipcs_jw_u64(w, "creator_pid", s->cpid);
		ipcs_jw_u64(w, "last_pid", s->lpid);
		ipcs_jw_u64(w, "nattch", s->nattch);
	} else {
		ipcs_jw_str(w, "name", s->name);
		ipcs_jw_u64(w, "ino", s->ino);
	}
	ipcs_jw_begin_array(w, "mappers");
	for (i = 0; i < s->nmappers; i++) {
		const struct shm_mapper *m = &s->mappers[i];

		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_u64(w, "pid", m->pid);
		ipcs_jw_string(w, "comm", m->comm, sizeof(m->comm));
		ipcs_jw_u64(w, "addr", m->addr);
		ipcs_jw_u64(w, "size", m->size);
		ipcs_jw_u64(w, "resident", m->resident);
		ipcs_jw_end_object(w);
	}
	ipcs_jw_end_array(w);
	ipcs_jw_end_object(w);
}

static void print_text(struct ipcs_output *o, const struct shm_seg *s)
{
	char comm[16];
	int i;

	if (s->kind == SHM_SYSV)
		ipcs_w_printf(&o->w, "%-6s %10" PRId64 " 0x%08" PRIx64
			      " %10" PRIu64 " %04o %6u %7u %7u %6" PRIu64 "\n",
			      "sysv", s->shmid, (uint64_t)(uint32_t)s->key,
			      s->size, s->perms & 0777, s->uid, s->cpid,
			      s->lpid, s->nattch);
	else
		ipcs_w_printf(&o->w, "%-6s %10" PRIu64 " %s\n",
			      kind_names[s->kind], s->ino, s->name);
	for (i = 0; i < s->nmappers; i++) {
		const struct shm_mapper *m = &s->mappers[i];

		ipcs_text_sanitize(comm, sizeof(comm), m->comm,
				   sizeof(m->comm));
		ipcs_w_printf(&o->w, "       %7u %-15s 0x%012" PRIx64
			      " %10" PRIu64 " resident %" PRIu64 "\n",
			      m->pid, comm, m->addr, m->size, m->resident);
	}
}

/* ---- options ------------------------------------------------------------ */

static const char shm_doc[] =
"Every shared memory segment as it stands: SysV segments (key, id, size,\n"
"mode, owner, creator, last attacher, nattch), mapped POSIX shm objects\n"
"(/dev/shm) and memfds, each with the processes that map it (pid, comm,\n"
"address, size, resident bytes).  From /proc/sysvipc/shm and every\n"
"process's /proc/PID/smaps.  See ipcscope(8).";

static const struct argp_option shm_options[] = {
	{ "format", 'f', "FORMAT", 0, "text (default) or json", 0 },
	{ "pid", 'p', "PID", 0, "Only the mappings of this process", 0 },
	{ 0 }
};

struct sparse {
	struct shm_opts *opts;
	struct ipcs_error *err;
};

static error_t shm_parser(int key, char *arg, struct argp_state *state)
{
	struct sparse *sp = state->input;
	char *end;
	unsigned long v;

	switch (key) {
	case ARGP_KEY_INIT:
		ipcs_argp_one_line_errors(state);
		return 0;
	case 'f':
		if (!strcmp(arg, "json"))
			sp->opts->format = IPCS_FMT_JSON;
		else if (!strcmp(arg, "text"))
			sp->opts->format = IPCS_FMT_TEXT;
		else {
			ipcs_fail(sp->err, IPCS_EXIT_USAGE,
				  "unknown format: want text or json (got '%.64s')",
				  arg);
			return EINVAL;
		}
		return 0;
	case 'p':
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || !*arg || *end || !v || v > INT_MAX ||
		    !isdigit((unsigned char)*arg)) {
			ipcs_fail(sp->err, IPCS_EXIT_USAGE,
				  "invalid PID: want a positive number (got '%.64s')",
				  arg);
			return EINVAL;
		}
		sp->opts->pid = v;
		return 0;
	case ARGP_KEY_ARG:
		ipcs_fail(sp->err, IPCS_EXIT_USAGE, "unexpected argument '%s'",
			  arg);
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

int shm_parse_args(int argc, char **argv, struct shm_opts *opts,
		   struct ipcs_error *err)
{
	static const struct argp argp = {
		.options = shm_options,
		.parser = shm_parser,
		.doc = shm_doc,
	};
	struct sparse sp = { .opts = opts, .err = err };

	memset(opts, 0, sizeof(*opts));
	if (argp_parse(&argp, argc, argv, 0, NULL, &sp)) {
		if (!err->msg[0])
			ipcs_fail(err, IPCS_EXIT_USAGE, "invalid arguments");
		return -1;
	}
	return 0;
}

int shm_run(const struct shm_opts *opts, struct ipcs_error *err)
{
	struct shm_list list = { 0 };
	struct ipcs_output out;
	int i, ret;

	ret = read_sysv(&list, err);
	if (!ret)
		ret = read_mappers(&list, opts->pid, err);
	if (ret)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	if (ipcs_output_init(&out, STDOUT_FILENO, opts->format)) {
		ret = ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
		goto out;
	}
	if (opts->format == IPCS_FMT_TEXT)
		ipcs_w_printf(&out.w, "%-6s %10s %10s %10s %4s %6s %7s %7s %6s\n"
			      "       %7s %-15s %14s %10s\n",
			      "KIND", "SHMID/INO", "KEY/NAME", "SIZE", "MODE",
			      "UID", "CPID", "LPID", "NATTCH", "PID", "COMM",
			      "ADDR", "SIZE");
	for (i = 0; i < list.n; i++) {
		if (opts->format == IPCS_FMT_JSON)
			print_json(&out, &list.v[i]);
		else
			print_text(&out, &list.v[i]);
		ipcs_w_end_record(&out.w);
	}
	ipcs_w_flush(&out.w);
	ipcs_output_free(&out);
out:
	list_free(&list);
	return ret;
}
