// SPDX-License-Identifier: GPL-2.0
/*
 * `ipcscope shm`: every shared memory segment as it stands, and the
 * processes that map it.
 *
 * SysV segments come from /proc/sysvipc/shm (key, id, size, owner,
 * creator, last attacher, nattch).  Their mappers, and the mapped POSIX
 * shm objects (files under /dev/shm) and memfds, come from a BPF task_vma
 * iterator (bpf/shm_iter.bpf.c): one record per shared VMA of a tmpfs,
 * hugetlbfs or ramfs file, with the path smaps would show, the inode, and
 * for a SysV attach the segment's id as the attach itself holds it.  The
 * bytes resident of each mapping are the pages present in the mapper's
 * page tables over the mapping's range, from /proc/PID/pagemap (its
 * PAGEMAP_SCAN ioctl from 6.7; BPF cannot walk page tables): smaps' Rss,
 * hugetlb pages included.
 *
 * Where the iterator cannot be loaded (no BPF privilege, a kernel without
 * task_vma iterators or BTF), every process's /proc/PID/smaps is read as
 * before: a SysV mapping is named "/SYSV<key>" and its inode number is the
 * segment's id; Rss (plus the hugetlb counts) is what is resident.  Objects
 * that no process maps are listed only when they are SysV segments.
 *
 * What could not be shown is counted and said on stderr: mappings whose
 * path did not fit or could not be read, SysV attaches of other IPC
 * namespaces or of segments gone from /proc/sysvipc/shm, and mappings
 * whose resident bytes could not be read (the process exited).
 */
#define _GNU_SOURCE
#include <argp.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "error.h"
#include "output.h"
#include "probe.h"
#include "shm_state.h"
#include "ipcscope_shm.h"
#include "shm_iter.skel.h"

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
	/* posix, memfd: the file ("/" and NAME_MAX bytes fit) */
	char name[320];
	uint64_t ino;
	struct shm_mapper *mappers;
	int nmappers;
};

struct shm_list {
	struct shm_seg *v;
	int n;
};

/* What the mappers were read from, and what could not be shown. */
struct shm_stats {
	bool bpf;		/* the iterator; else /proc/PID/smaps */
	char why[160];		/* why not the iterator */
	unsigned long path_err;	/* path too long or unreadable */
	int path_errno;		/* the first such error */
	unsigned long other_ns;	/* SysV attaches of another IPC namespace */
	unsigned long unlisted;	/* SysV attaches of a segment not listed */
	unsigned long resident_err; /* pagemap unreadable: resident 0 */
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
	char name[320];
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
		/* hugetlb pages are not in Rss but have lines of their own */
		if (cur && (sscanf(line, "Rss: %llu kB", &kb) == 1 ||
			    sscanf(line, "Shared_Hugetlb: %llu kB", &kb) == 1 ||
			    sscanf(line, "Private_Hugetlb: %llu kB", &kb) == 1))
			m.resident += kb * 1024;
	}
	if (cur && add_mapper(cur, &m))
		ret = -1;
	fclose(f);
	return ret;
}

/* ---- the task_vma iterator ------------------------------------------- */

/*
 * PAGEMAP_SCAN (6.7): the present ranges of a range of another process,
 * instead of 8 bytes per page.  From include/uapi/linux/fs.h, which
 * bookworm's headers predate.
 */
#ifndef PAGEMAP_SCAN
struct page_region {
	__u64 start;
	__u64 end;
	__u64 categories;
};

struct pm_scan_arg {
	__u64 size;
	__u64 flags;
	__u64 start;
	__u64 end;
	__u64 walk_end;
	__u64 vec;
	__u64 vec_len;
	__u64 max_pages;
	__u64 category_inverted;
	__u64 category_mask;
	__u64 category_anyof_mask;
	__u64 return_mask;
};

#define PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_PRESENT		(1 << 3)
#endif

/* Bytes present in [@addr, @addr + @size) by PAGEMAP_SCAN, or -1. */
static int scan_present(int fd, uint64_t addr, uint64_t size, uint64_t *bytes)
{
	struct page_region vec[64];
	uint64_t start = addr, end = addr + size, sum = 0;
	struct pm_scan_arg a;
	long n, i;

	while (start < end) {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.start = start;
		a.end = end;
		a.vec = (uintptr_t)vec;
		a.vec_len = sizeof(vec) / sizeof(vec[0]);
		a.category_mask = PAGE_IS_PRESENT;
		a.return_mask = PAGE_IS_PRESENT;
		n = ioctl(fd, PAGEMAP_SCAN, &a);
		if (n < 0)
			return -1;
		for (i = 0; i < n; i++)
			sum += vec[i].end - vec[i].start;
		/* walk_end: where the walk stopped, vec being full */
		if (a.walk_end <= start) {
			errno = EIO;
			return -1;
		}
		start = a.walk_end;
	}
	*bytes = sum;
	return 0;
}

/*
 * The bytes of [@addr, @addr + @size) present in process @pid's page
 * tables, from /proc/PID/pagemap: its PAGEMAP_SCAN ioctl where the kernel
 * has it, else one 64-bit entry per page, bit 63 set if the page is
 * present (swapped-out pages are not resident).
 */
static int resident_bytes(uint32_t pid, uint64_t addr, uint64_t size,
			  uint64_t *bytes)
{
	static uint64_t ent[512];
	static bool no_scan;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t first = addr / page, n = size / page, done = 0, present = 0;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/pagemap", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!no_scan) {
		if (!scan_present(fd, addr, size, bytes)) {
			close(fd);
			return 0;
		}
		/* a kernel before 6.7: read the entries */
		no_scan = errno == ENOTTY || errno == EINVAL;
		if (!no_scan) {
			close(fd);
			return -1;
		}
	}
	while (done < n) {
		size_t want = n - done < 512 ? n - done : 512;
		ssize_t got = pread(fd, ent, want * sizeof(ent[0]),
				    (first + done) * sizeof(ent[0]));
		size_t i;

		if (got <= 0 || got % sizeof(ent[0])) {
			close(fd);
			return -1;
		}
		for (i = 0; i < (size_t)got / sizeof(ent[0]); i++)
			present += ent[i] >> 63;
		done += got / sizeof(ent[0]);
	}
	close(fd);
	*bytes = present * page;
	return 0;
}

/* One record of the iterator into its object, or counted in @st. */
static int add_vma(struct shm_list *l, const struct ipcscope_shm_vma *v,
		   struct shm_stats *st)
{
	struct shm_mapper m = {
		.pid = v->pid,
		.addr = v->start,
		.size = v->end - v->start,
	};
	struct shm_seg *s;

	if (v->path_len <= 0 || v->path_len > IPCSCOPE_SHM_PATH_MAX) {
		if (!st->path_err++)
			st->path_errno = v->path_len < 0 ? -v->path_len : EIO;
		return 0;
	}
	if (v->flags & IPCSCOPE_SHM_VMA_OTHER_NS) {
		st->other_ns++;
		return 0;
	}
	/* the id the attach holds; the inode (the same number, set by
	 * newseg()) only where the attach could not be read */
	if (v->flags & IPCSCOPE_SHM_VMA_SYSV)
		s = find_sysv(l, (uint32_t)v->shmid);
	else
		s = mapping_object(l, v->ino, v->path);
	if (!s) {
		if ((v->flags & IPCSCOPE_SHM_VMA_SYSV) ||
		    !strncmp(v->path, "/SYSV", 5))
			st->unlisted++;
		return 0;
	}
	memcpy(m.comm, v->comm, sizeof(m.comm));
	return add_mapper(s, &m);
}

/* Every record of the iterator; -1 with @st->why set if it is not there. */
static int read_vmas(struct ipcscope_shm_vma **out, size_t *nout,
		     uint32_t only_pid, struct shm_stats *st)
{
	struct ipcscope_shm_vma *v = NULL;
	size_t n = 0, cap = 0, have = 0;
	struct ipcscope_shm_vma rec;
	struct bpf_link *link = NULL;
	struct shm_iter_bpf *skel;
	int iter_fd = -1, ret = -1;
	ssize_t got;

	skel = shm_iter_bpf__open();
	if (!skel) {
		snprintf(st->why, sizeof(st->why), "opening it failed: %s",
			 strerror(errno));
		return -1;
	}
	skel->rodata->target_tgid = only_pid;
	ret = shm_iter_bpf__load(skel);
	if (ret) {
		snprintf(st->why, sizeof(st->why), "loading it failed: %s",
			 ipcs_strerr(ret));
		ret = -1;
		goto out;
	}
	ret = -1;
	link = bpf_program__attach_iter(skel->progs.dump_shm_vmas, NULL);
	iter_fd = link ? bpf_iter_create(bpf_link__fd(link)) : -1;
	if (iter_fd < 0) {
		snprintf(st->why, sizeof(st->why), "creating it failed: %s",
			 strerror(errno));
		goto out;
	}
	while ((got = read(iter_fd, (char *)&rec + have,
			   sizeof(rec) - have)) > 0) {
		have += got;
		if (have < sizeof(rec))
			continue;
		have = 0;
		if (n == cap) {
			size_t c = cap ? 2 * cap : 64;
			void *grown = realloc(v, c * sizeof(*v));

			if (!grown) {
				snprintf(st->why, sizeof(st->why),
					 "out of memory");
				goto out;
			}
			v = grown;
			cap = c;
		}
		v[n++] = rec;
	}
	if (got < 0) {
		snprintf(st->why, sizeof(st->why), "reading it failed: %s",
			 strerror(errno));
		goto out;
	}
	*out = v;
	*nout = n;
	v = NULL;
	ret = 0;
out:
	free(v);
	if (iter_fd >= 0)
		close(iter_fd);
	bpf_link__destroy(link);
	shm_iter_bpf__destroy(skel);
	return ret;
}

static int by_pid_start(const void *a, const void *b)
{
	const struct ipcscope_shm_vma *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/* The mappers from the iterator; -1 if it is not there (@st->why). */
static int read_mappers_bpf(struct shm_list *l, uint32_t only_pid,
			    struct shm_stats *st, struct ipcs_error *err)
{
	struct ipcscope_shm_vma *v = NULL;
	size_t i, n = 0;
	int j, k;

	if (read_vmas(&v, &n, only_pid, st))
		return -1;
	st->bpf = true;
	/* by process, then address: the order smaps gave them in.  A VMA
	 * comes twice when a thread shares its leader's mm but not its file
	 * table (the iterator visits such a thread as a task of its own):
	 * it is the same mapping, shown once. */
	qsort(v, n, sizeof(*v), by_pid_start);
	for (i = 0; i < n; i++) {
		if (i && !by_pid_start(&v[i - 1], &v[i]))
			continue;
		/* the text is the kernel's: make sure it ends */
		v[i].path[IPCSCOPE_SHM_PATH_MAX - 1] = '\0';
		if (add_vma(l, &v[i], st)) {
			free(v);
			return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
		}
	}
	free(v);
	for (j = 0; j < l->n; j++)
		for (k = 0; k < l->v[j].nmappers; k++) {
			struct shm_mapper *m = &l->v[j].mappers[k];

			if (resident_bytes(m->pid, m->addr, m->size,
					   &m->resident)) {
				m->resident = 0;
				st->resident_err++;
			}
		}
	return 0;
}

/* What was left out, on stderr: the output itself keeps its format. */
static void report_stats(const struct shm_stats *st)
{
	if (st->path_err)
		fprintf(stderr, "ipcscope shm: %lu shared mappings left out: "
			"their path could not be read (%s)\n", st->path_err,
			strerror(st->path_errno));
	if (st->other_ns)
		fprintf(stderr, "ipcscope shm: %lu SysV attaches left out: "
			"segments of another IPC namespace\n", st->other_ns);
	if (st->unlisted)
		fprintf(stderr, "ipcscope shm: %lu SysV attaches left out: "
			"their segment is not in /proc/sysvipc/shm (created "
			"or removed while reading)\n", st->unlisted);
	if (st->resident_err)
		fprintf(stderr, "ipcscope shm: %lu mappings show resident 0: "
			"/proc/PID/pagemap could not be read (the process "
			"exited?)\n", st->resident_err);
}

/* ---- /proc/PID/smaps, where the iterator cannot be loaded -------------- */

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
"address, size, resident bytes).  From /proc/sysvipc/shm and a BPF\n"
"task_vma iterator (every process's /proc/PID/smaps where it cannot be\n"
"loaded).  See ipcscope(8).";

static const struct argp_option shm_options[] = {
	IPCS_OPTION_FORMAT,
	{ "pid", 'p', "PID", 0, "Only the mappings of this process", 0 },
	{ 0 }
};

static error_t shm_parser(int key, char *arg, struct argp_state *state)
{
	return ipcs_state_option(key, arg, state, state->input);
}

int shm_parse_args(int argc, char **argv, struct shm_opts *opts,
		   struct ipcs_error *err)
{
	static const struct argp argp = {
		.options = shm_options,
		.parser = shm_parser,
		.doc = shm_doc,
	};
	struct ipcs_state_args a = {
		.format = &opts->format, .pid = &opts->pid, .err = err,
	};

	memset(opts, 0, sizeof(*opts));
	return ipcs_argp_parse(&argp, argc, argv, &a, err);
}

/*
 * Whether `ipcscope shm` reads its mappers from the task_vma iterator here:
 * 0, or -1 with the reason in @why (for `ipcscope features`).
 */
int shm_iter_available(char *why, size_t len)
{
	struct shm_stats st = { 0 };
	struct ipcscope_shm_vma *v = NULL;
	size_t n;

	/* the iterator of one process only: this one, quickly done */
	if (read_vmas(&v, &n, getpid(), &st)) {
		snprintf(why, len, "%s", st.why);
		return -1;
	}
	free(v);
	return 0;
}

int shm_run(const struct shm_opts *opts, struct ipcs_error *err)
{
	struct shm_list list = { 0 };
	struct shm_stats st = { 0 };
	struct ipcs_output out;
	int i, ret;

	ret = read_sysv(&list, err);
	if (ret)
		goto out;
	ipcs_libbpf_logging(false);
	ret = read_mappers_bpf(&list, opts->pid, &st, err);
	if (ret && !st.bpf) {
		/* say it: the numbers come from another source */
		fprintf(stderr, "ipcscope shm: the task_vma iterator is not "
			"available (%s): reading /proc/PID/smaps instead\n",
			st.why);
		ret = read_mappers(&list, opts->pid, err);
	}
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
	report_stats(&st);
out:
	list_free(&list);
	return ret;
}
