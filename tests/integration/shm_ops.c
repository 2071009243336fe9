// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory: a SysV segment's get, attach, detach, IPC_STAT and
 * IPC_RMID carry the ids, sizes and addresses the workload saw; an attach
 * of the removed id is EINVAL, a second IPC_EXCL get of a key is EEXIST;
 * memfd_create and shm_open carry their names, flags and fds.  `ipcscope shm` shows a
 * segment's size, nattch, creator, last attacher and mappers (address,
 * size, resident) at each step of its life, and a memfd's mappers; with
 * a crowd of 13 mappers, each one's address and resident bytes, and the
 * same lines from the /proc fallback (run without CAP_BPF, so the
 * iterator cannot load).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include "harness.h"

/* A string fact from the first line that has it. */
static const char *fact_str(const struct workload *w, const char *key)
{
	int i;

	for (i = 0; i < w->facts.n; i++)
		if (fj_has(&w->facts.ev[i], key))
			return fj_str(&w->facts.ev[i], key);
	tap_diag("the workload reported no \"%s\"", key);
	return "";
}

static void sysv(void)
{
	const char *argv[] = { "shm-workload", "sysv", NULL };
	const struct fj_object *e;
	long long pid, shmid, kshmid, addr, key;
	struct workload w;
	struct tracer t;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	key = fact_int(&w, "key");
	tracer_start_family(&t, "shm", pid, 0);
	workload_finish(&w);
	tracer_stop(&t);
	shmid = fact_int(&w, "shmid");
	kshmid = fact_int(&w, "kshmid");
	addr = fact_int(&w, "addr");

	tap_is_int(w.status, 0, "sysv: workload ran to the end");
	tap_is_int(t.events.bad_lines, 0, "sysv: every line is a JSON object");
	tap_is_int(events_count(&t.events, "shmget", pid, 0), 3,
		   "sysv: 3 shmget events");
	tap_is_int(events_count(&t.events, "shmat", pid, 0), 2,
		   "sysv: 2 shmat events");
	tap_is_int(events_count(&t.events, "shmdt", pid, 0), 1,
		   "sysv: 1 shmdt event");
	tap_is_int(events_count(&t.events, "shmctl", pid, 0), 3,
		   "sysv: 3 shmctl events");
	tap_is_int(events_count(&t.events, "memfd_create", pid, 0), 1,
		   "sysv: 1 memfd_create event");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "sysv: every event's \"tier\" is a hook of --probe %s",
		   probe_tier());

	e = events_nth(&t.events, "shmget", pid, 0, 0);
	tap_key_int(e, "key", IPC_PRIVATE, "shmget: key IPC_PRIVATE");
	tap_key_int(e, "size", 8192, "shmget: size 8192");
	tap_key_int(e, "size", fact_int(&w, "size"),
		    "shmget: the size IPC_STAT reported");
	tap_key_str(e, "flags", "IPC_CREAT", "shmget: IPC_CREAT");
	tap_key_int(e, "mode", 0600, "shmget: mode 0600");
	tap_key_int(e, "shmid", shmid, "shmget: shmid %lld", shmid);
	tap_key_int(e, "errno", 0, "shmget: errno 0");

	e = events_nth(&t.events, "shmat", pid, 0, 0);
	tap_key_int(e, "shmid", shmid, "shmat: shmid %lld", shmid);
	tap_key_int(e, "shmaddr", 0, "shmat: no address asked");
	tap_key_int(e, "addr", addr, "shmat: attached at the workload's address");
	tap_key_int(e, "errno", 0, "shmat: errno 0");

	e = events_nth(&t.events, "shmdt", pid, 0, 0);
	tap_key_int(e, "addr", addr, "shmdt: the same address");
	tap_key_int(e, "errno", 0, "shmdt: errno 0");

	e = events_nth(&t.events, "shmctl", pid, 0, 0);
	tap_key_int(e, "shmid", shmid, "shmctl 0: shmid");
	tap_key_str(e, "cmd_name", "IPC_STAT", "shmctl 0: IPC_STAT");
	e = events_nth(&t.events, "shmctl", pid, 0, 1);
	tap_key_int(e, "shmid", shmid, "shmctl 1: shmid");
	tap_key_str(e, "cmd_name", "IPC_RMID", "shmctl 1: IPC_RMID");
	tap_key_int(e, "errno", 0, "shmctl 1: errno 0");

	e = events_nth(&t.events, "shmat", pid, 0, 1);
	tap_is_int(fact_int(&w, "einval"), 1, "shmat of the removed id: EINVAL in the workload");
	tap_key_int(e, "errno", EINVAL, "shmat of the removed id: errno EINVAL");
	tap_key_null(e, "addr", "shmat of the removed id: no address");

	e = events_nth(&t.events, "shmget", pid, 0, 1);
	tap_key_int(e, "key", key, "keyed shmget: key %lld", key);
	tap_key_int(e, "size", 4096, "keyed shmget: size 4096");
	tap_key_str(e, "flags", "IPC_CREAT|IPC_EXCL",
		    "keyed shmget: IPC_CREAT|IPC_EXCL");
	tap_key_int(e, "mode", 0640, "keyed shmget: mode 0640");
	tap_key_int(e, "shmid", kshmid, "keyed shmget: shmid %lld", kshmid);
	e = events_nth(&t.events, "shmget", pid, 0, 2);
	tap_is_int(fact_int(&w, "eexist"), 1, "again: EEXIST in the workload");
	tap_key_int(e, "errno", EEXIST, "again: errno EEXIST");
	tap_key_null(e, "shmid", "again: no shmid");
	e = events_nth(&t.events, "shmctl", pid, 0, 2);
	tap_key_int(e, "shmid", kshmid, "keyed IPC_RMID: shmid");

	e = events_nth(&t.events, "memfd_create", pid, 0, 0);
	tap_key_str(e, "name", "ipcscope-memfd", "memfd_create: name");
	tap_key_str(e, "flags", "MFD_CLOEXEC", "memfd_create: MFD_CLOEXEC");
	tap_key_int(e, "fd", fact_int(&w, "memfd"), "memfd_create: the fd");
	tap_key_int(e, "errno", 0, "memfd_create: errno 0");

	tap_is_int(events_count(&t.events, "shm_open", pid, 0), 1,
		   "shm_open: one event (no other open under /dev/shm)");
	e = events_nth(&t.events, "shm_open", pid, 0, 0);
	tap_key_str(e, "name", fact_str(&w, "shm_name"),
		    "shm_open: the name it was given");
	tap_key_str(e, "flags", "O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC",
		    "shm_open: libc's flags and ours");
	tap_key_int(e, "fd", fact_int(&w, "shm_fd"), "shm_open: the fd");
	tap_key_int(e, "errno", 0, "shm_open: errno 0");
	tracer_free(&t);
	workload_free(&w);
}

/* ---- ipcscope shm ------------------------------------------------------ */

#define MAX_MAPPERS 16

/* One object of `ipcscope shm -f json`, and its mappers. */
struct shm_obj {
	bool found;
	struct fj_object obj;
	struct fj_object mappers[MAX_MAPPERS];
	int nmappers;
};

static void shm_obj_free(struct shm_obj *o)
{
	int i;

	for (i = 0; i < o->nmappers; i++)
		fj_free(&o->mappers[i]);
	if (o->found)
		fj_free(&o->obj);
	memset(o, 0, sizeof(*o));
}

/* Run `ipcscope shm -f json`; the SysV segment @shmid into @seg, the
 * memfd named @memfd (mapped by @pid) into @mfd. */
static void shm_state(long long shmid, const char *memfd, long long pid,
		      struct shm_obj *seg, struct shm_obj *mfd)
{
	const char *argv[] = { ipcscope_bin(), "shm", "-f", "json", NULL };
	static struct cmd_result r;
	char *line, *save = NULL;

	memset(seg, 0, sizeof(*seg));
	memset(mfd, 0, sizeof(*mfd));
	run_cmd(argv, &r, 60);
	if (r.status)
		tap_diag("ipcscope shm: status %d: %s", r.status, r.err);
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct fj_object o;
		struct shm_obj *into = NULL;
		int i;

		if (fj_parse(line, &o)) {
			tap_diag("ipcscope shm: not JSON: %.200s", line);
			continue;
		}
		if (!strcmp(fj_str(&o, "type"), "sysv") &&
		    fj_int(&o, "shmid") == shmid)
			into = seg;
		else if (!strcmp(fj_str(&o, "type"), "memfd") &&
			 !strcmp(fj_str(&o, "name"), memfd))
			into = mfd;
		if (!into || into->found) {
			fj_free(&o);
			continue;
		}
		into->nmappers = fj_array(&o, "mappers", into->mappers,
					  MAX_MAPPERS);
		/* a memfd of that name of another process: not ours */
		for (i = 0; into == mfd && i < into->nmappers; i++)
			if (fj_int(&into->mappers[i], "pid") == pid)
				break;
		if (into == mfd && i == into->nmappers) {
			shm_obj_free(into);
			fj_free(&o);
			continue;
		}
		into->obj = o;
		into->found = true;
	}
}

/* The mapper of @o that is process @pid, or NULL. */
static const struct fj_object *mapper(const struct shm_obj *o, long long pid)
{
	int i;

	for (i = 0; i < o->nmappers; i++)
		if (fj_int(&o->mappers[i], "pid") == pid)
			return &o->mappers[i];
	return NULL;
}

/*
 * Segment @shmid's size and nattch as the system's own tools say: `ipcs
 * -m` (util-linux) where it runs, else /proc/sysvipc/shm, which is what
 * it reads (the VMs' busybox has no ipcs).  @how names the source.
 */
static bool ipcs_segment(long long shmid, long long *size, long long *nattch,
			 const char **how)
{
	const char *argv[] = { "ipcs", "-m", NULL };
	static struct cmd_result r;
	char *line, *save = NULL, *all;
	bool found = false;

	run_cmd(argv, &r, 30);
	if (!r.status) {
		*how = "ipcs -m";
		/* key shmid owner perms bytes nattch status */
		for (line = strtok_r(r.out, "\n", &save); line && !found;
		     line = strtok_r(NULL, "\n", &save)) {
			long long id;

			found = sscanf(line, "%*s %lld %*s %*s %lld %lld", &id,
				       size, nattch) == 3 && id == shmid;
		}
		return found;
	}
	*how = "/proc/sysvipc/shm";
	all = slurp("/proc/sysvipc/shm");
	/* key shmid perms size cpid lpid nattch ... */
	for (line = strtok_r(all, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		long long id;

		found = sscanf(line, "%*s %lld %*s %lld %*s %*s %lld", &id,
			       size, nattch) == 3 && id == shmid;
	}
	free(all);
	return found;
}

/*
 * Where process @pid maps the object with inode @ino (SysV: the shmid)
 * and a path containing @name, by /proc/PID/maps: start and size.
 */
static bool maps_range(long long pid, long long ino, const char *name,
		       long long *start, long long *size)
{
	char path[64], *all, *line, *save = NULL;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%lld/maps", pid);
	all = slurp(path);
	for (line = strtok_r(all, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long lo, hi, inode;
		int n = 0;

		if (sscanf(line, "%llx-%llx %*s %*s %*s %llu %n", &lo, &hi,
			   &inode, &n) < 3 || !n)
			continue;
		if (inode != (unsigned long long)ino || !strstr(line + n, name))
			continue;
		*start = lo;
		*size = hi - lo;
		found = true;
	}
	free(all);
	return found;
}

/* `ipcscope shm`'s view of the segment and the memfd against ipcs and
 * /proc/PID/maps, with the workload and its child both mapping them. */
static void agrees(long long shmid, long long pid, long long child,
		   const struct shm_obj *seg, const struct shm_obj *mfd)
{
	long long size = -1, nattch = -1, start = -1, len = -1;
	const struct fj_object *m;
	const char *how = "";
	char sysv[32];

	ipcs_segment(shmid, &size, &nattch, &how);
	tap_key_int(&seg->obj, "size", size, "shm: agrees with %s: size", how);
	tap_key_int(&seg->obj, "nattch", nattch, "shm: agrees with %s: nattch",
		    how);
	snprintf(sysv, sizeof(sysv), "/SYSV");
	maps_range(pid, shmid, sysv, &start, &len);
	m = mapper(seg, pid);
	tap_key_int(m, "addr", start, "shm: the workload's mapping: address as in its maps");
	tap_key_int(m, "size", len, "shm: the workload's mapping: size as in its maps");
	start = len = -1;
	maps_range(child, shmid, sysv, &start, &len);
	m = mapper(seg, child);
	tap_key_int(m, "addr", start, "shm: the child's mapping: address as in its maps");
	tap_key_int(m, "size", len, "shm: the child's mapping: size as in its maps");
	start = len = -1;
	m = mapper(mfd, pid);
	maps_range(pid, fj_int(&mfd->obj, "ino"), "/memfd:ipcscope-hold",
		   &start, &len);
	tap_key_int(m, "addr", start, "shm: the memfd's mapping: address as in maps");
	tap_key_int(m, "size", len, "shm: the memfd's mapping: size as in maps");
}

static void state(void)
{
	const char *argv[] = { "shm-workload", "hold", NULL };
	const struct fj_object *m;
	long long pid, shmid, addr, child;
	struct shm_obj seg, mfd;
	struct workload w;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	shmid = fact_int(&w, "shmid");

	shm_state(shmid, "ipcscope-hold", pid, &seg, &mfd);
	tap_ok(seg.found, "shm: got: segment %lld listed", shmid);
	tap_key_int(&seg.obj, "size", 3 * 4096, "shm: got: size 12288");
	tap_key_int(&seg.obj, "nattch", 0, "shm: got: nattch 0");
	tap_key_int(&seg.obj, "creator_pid", pid, "shm: got: creator_pid");
	tap_key_int(&seg.obj, "mode", 0600, "shm: got: mode 0600");
	tap_is_int(seg.nmappers, 0, "shm: got: no mappers");
	tap_ok(mfd.found, "shm: the memfd ipcscope-hold is listed");
	m = mapper(&mfd, pid);
	tap_key_int(m, "addr", fact_int(&w, "maddr"),
		    "shm: memfd: mapped at the workload's address");
	tap_key_int(m, "size", 2 * 4096, "shm: memfd: 8192 bytes mapped");
	tap_key_int(m, "resident", 4096, "shm: memfd: the page touched");
	shm_obj_free(&seg);
	shm_obj_free(&mfd);

	workload_resume(&w);
	addr = fact_int(&w, "addr");
	shm_state(shmid, "ipcscope-hold", pid, &seg, &mfd);
	tap_key_int(&seg.obj, "nattch", 1, "shm: attached: nattch 1");
	tap_key_int(&seg.obj, "last_pid", pid, "shm: attached: last_pid");
	tap_is_int(seg.nmappers, 1, "shm: attached: one mapper");
	m = mapper(&seg, pid);
	tap_key_int(m, "addr", addr, "shm: attached: at shmat's address");
	tap_key_int(m, "size", 3 * 4096, "shm: attached: 12288 bytes");
	tap_key_int(m, "resident", 2 * 4096,
		    "shm: attached: the 2 pages touched are resident");
	tap_key_str(m, "comm", "shm-workload", "shm: attached: comm");
	shm_obj_free(&seg);
	shm_obj_free(&mfd);

	workload_resume(&w);
	child = fact_int(&w, "child");
	shm_state(shmid, "ipcscope-hold", pid, &seg, &mfd);
	tap_key_int(&seg.obj, "nattch", 2, "shm: forked: nattch 2");
	tap_is_int(seg.nmappers, 2, "shm: forked: two mappers");
	m = mapper(&seg, child);
	tap_key_int(m, "addr", addr, "shm: forked: the child at the same address");
	tap_is_int(mfd.nmappers, 2, "shm: forked: the memfd has two mappers");
	tap_ok(mapper(&mfd, child) != NULL, "shm: forked: the child maps the memfd");
	agrees(shmid, pid, child, &seg, &mfd);
	shm_obj_free(&seg);
	shm_obj_free(&mfd);

	workload_resume(&w);
	shm_state(shmid, "ipcscope-hold", pid, &seg, &mfd);
	tap_key_int(&seg.obj, "nattch", 0, "shm: detached: nattch 0");
	tap_is_int(seg.nmappers, 0, "shm: detached: no mappers");
	shm_obj_free(&seg);
	shm_obj_free(&mfd);

	workload_resume(&w);
	shm_state(shmid, "ipcscope-hold", pid, &seg, &mfd);
	tap_ok(!seg.found, "shm: removed: segment %lld gone", shmid);
	shm_obj_free(&seg);
	shm_obj_free(&mfd);
	workload_finish(&w);
	tap_is_int(w.status, 0, "shm: workload ran to the end");
	workload_free(&w);
}

/* ---- many mappers, and the /proc fallback ------------------------------ */

#define CROWD 12

/*
 * `ipcscope shm -f json` into @r (-p @pid_only unless 0); with @nocaps, from a process with no
 * capability but CAP_SYS_PTRACE (bounding, inheritable and ambient sets
 * cleared before the exec), so that no BPF program loads and
 * /proc/PID/smaps is read: CAP_SYS_PTRACE is what lets it read the smaps
 * of the workload, a process with more capabilities than its own.
 */
static void shm_json(bool nocaps, long long pid_only, struct cmd_result *r)
{
	const char *argv[] = { ipcscope_bin(), "shm", "-f", "json", NULL, NULL,
			       NULL };
	char pid_arg[24];
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	struct cmd_result *shared;
	pid_t pid;
	int cap;

	if (pid_only) {
		snprintf(pid_arg, sizeof(pid_arg), "%lld", pid_only);
		argv[4] = "-p";
		argv[5] = pid_arg;
	}
	if (!nocaps) {
		run_cmd(argv, r, 60);
		return;
	}
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		tap_bail("mmap: %s", strerror(errno));
	memset(shared, 0, sizeof(*shared));
	shared->status = -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		for (cap = 0; cap < 64; cap++)
			if (cap != CAP_SYS_PTRACE)
				prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
		if (!syscall(SYS_capget, &hdr, data)) {
			data[0].inheritable = data[1].inheritable = 0;
			syscall(SYS_capset, &hdr, data);
		}
		run_cmd(argv, shared, 60);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	memcpy(r, shared, sizeof(*r));
	munmap(shared, sizeof(*shared));
}

/* The crowd's three objects in one run's output: raw lines, parsed. */
struct crowd_view {
	char *line[3];			/* sysv, memfd, posix */
	struct shm_obj obj[3];
	int alien;			/* SysV mappers that are @alien */
};

static void crowd_view(char *out, long long shmid, const char *posix,
		       long long pid, long long alien, struct crowd_view *v)
{
	char *line, *save = NULL;

	memset(v, 0, sizeof(*v));
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *type, *name;
		struct fj_object o;
		int k = -1;

		if (fj_parse(line, &o))
			continue;
		type = fj_str(&o, "type");
		name = fj_has(&o, "name") ? fj_str(&o, "name") : "";
		if (!strcmp(type, "sysv")) {
			struct fj_object ms[64];
			int i, n = fj_array(&o, "mappers", ms, 64);

			for (i = 0; i < n; i++) {
				v->alien += fj_int(&ms[i], "pid") == alien;
				fj_free(&ms[i]);
			}
		}
		if (!strcmp(type, "sysv") && fj_int(&o, "shmid") == shmid)
			k = 0;
		else if (!strcmp(type, "memfd") &&
			 !strcmp(name, "ipcscope-crowd"))
			k = 1;
		else if (!strcmp(type, "posix") && !strcmp(name, posix))
			k = 2;
		if (k < 0 || v->obj[k].found) {
			fj_free(&o);
			continue;
		}
		v->obj[k].nmappers = fj_array(&o, "mappers", v->obj[k].mappers,
					      MAX_MAPPERS);
		v->obj[k].obj = o;
		v->obj[k].found = true;
		/* another process's memfd of that name: not ours */
		if (k == 1 && !mapper(&v->obj[k], pid)) {
			shm_obj_free(&v->obj[k]);
			continue;
		}
		v->line[k] = line;
	}
}

static void crowd_view_free(struct crowd_view *v)
{
	int k;

	for (k = 0; k < 3; k++)
		shm_obj_free(&v->obj[k]);
}

static void crowd(void)
{
	static const char *const what[3] = { "segment", "memfd", "POSIX object" };
	static const long long sizes[3] = { 4 * 4096, 2 * 4096, 4096 };
	const char *argv[] = { "shm-workload", "crowd", NULL };
	static struct cmd_result r, rp;
	struct crowd_view v, vp;
	long long pid, shmid, alien, last, nattch = -1, size = -1, addr[3];
	const char *how = "";
	char posix[64];
	struct workload w;
	int k, i, at, sized, res, inmaps, kids;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	shmid = fact_int(&w, "shmid");
	alien = fact_int(&w, "alien");
	addr[0] = fact_int(&w, "seg");
	addr[1] = fact_int(&w, "mem");
	addr[2] = fact_int(&w, "pos");
	snprintf(posix, sizeof(posix), "%s", fact_str(&w, "name"));
	tap_is_int(fact_int(&w, "crowd"), CROWD, "crowd: %d children", CROWD);

	shm_json(false, 0, &r);
	tap_is_int(r.status, 0, "crowd: ipcscope shm: status 0");
	tap_ok(!strstr(r.err, "/proc/PID/smaps instead"),
	       "crowd: the mappers came from the task_vma iterator");
	if (r.err[0])
		tap_diag("stderr: %s", r.err);
	crowd_view(r.out, shmid, posix, pid, alien, &v);
	/* the attach says its namespace: not joined by its id */
	tap_ok(strstr(r.err, "segments of another IPC namespace") != NULL,
	       "crowd: the attach in another IPC namespace is counted");
	tap_is_int(v.alien, 0, "crowd: ... and not shown as a mapper");
	ipcs_segment(shmid, &size, &nattch, &how);
	tap_key_int(&v.obj[0].obj, "nattch", CROWD + 1,
		    "crowd: segment: nattch %d", CROWD + 1);
	tap_key_int(&v.obj[0].obj, "nattch", nattch,
		    "crowd: segment: nattch as %s says", how);
	for (k = 0; k < 3; k++) {
		tap_ok(v.obj[k].found, "crowd: the %s is listed", what[k]);
		tap_is_int(v.obj[k].nmappers, CROWD + 1,
			   "crowd: the %s has %d mappers", what[k], CROWD + 1);
		at = sized = inmaps = kids = 0;
		for (i = 0; i < v.obj[k].nmappers; i++) {
			const struct fj_object *m = &v.obj[k].mappers[i];
			long long mpid = fj_int(m, "pid"), lo = -1, len = -1;

			kids += mpid != pid &&
				fact_line(&w, "child", mpid) != NULL;
			at += fj_int(m, "addr") == addr[k];
			sized += fj_int(m, "size") == sizes[k];
			maps_range(mpid, k == 0 ? shmid :
					 fj_int(&v.obj[k].obj, "ino"),
				   k == 0 ? "/SYSV" : k == 1 ?
				   "/memfd:ipcscope-crowd" : posix, &lo, &len);
			inmaps += lo == fj_int(m, "addr") &&
				  len == fj_int(m, "size");
		}
		tap_is_int(kids, CROWD, "crowd: the %s: every child a mapper",
			   what[k]);
		tap_ok(mapper(&v.obj[k], pid) != NULL,
		       "crowd: the %s: the parent a mapper", what[k]);
		tap_is_int(at, CROWD + 1, "crowd: the %s: all at the parent's "
			   "address", what[k]);
		tap_is_int(sized, CROWD + 1, "crowd: the %s: all %lld bytes",
			   what[k], sizes[k]);
		tap_is_int(inmaps, CROWD + 1, "crowd: the %s: every mapping as "
			   "in the mapper's /proc/PID/maps", what[k]);
	}
	/* resident is per mapper: only the pages it wrote itself */
	res = 0;
	for (i = 0; i < v.obj[0].nmappers; i++) {
		const struct fj_object *m = &v.obj[0].mappers[i];
		const struct fj_object *f = fact_line(&w, "child",
						      fj_int(m, "pid"));
		long long want = f ? fj_int(f, "touched") * 4096 : 0;

		res += fj_int(m, "resident") == want;
	}
	tap_is_int(res, CROWD + 1, "crowd: segment: each mapper's resident "
		   "bytes are the pages it wrote");

	/* -p: only that process's mappings, in the kernel's filter */
	last = fact_int(&w, "child");
	shm_json(false, last, &rp);
	crowd_view(rp.out, shmid, posix, last, alien, &vp);
	for (k = 0; k < 3; k++)
		tap_ok(vp.obj[k].nmappers == 1 && mapper(&vp.obj[k], last),
		       "crowd: -p %lld: the %s with that one mapper", last,
		       what[k]);
	tap_key_int(mapper(&vp.obj[0], last), "resident", 3 * 4096,
		    "crowd: -p %lld: the 3 pages it wrote", last);
	crowd_view_free(&vp);

	shm_json(true, 0, &rp);
	tap_is_int(rp.status, 0, "crowd: without CAP_BPF: status 0");
	tap_ok(strstr(rp.err, "reading /proc/PID/smaps instead") != NULL,
	       "crowd: without CAP_BPF: the /proc fallback, said on stderr");
	crowd_view(rp.out, shmid, posix, pid, alien, &vp);
	for (k = 0; k < 3; k++)
		tap_ok(v.line[k] && vp.line[k] &&
		       !strcmp(v.line[k], vp.line[k]),
		       "crowd: the %s: the same line from the iterator and "
		       "from /proc", what[k]);
	for (k = 0; k < 3; k++)
		if (v.line[k] && vp.line[k] && strcmp(v.line[k], vp.line[k]))
			tap_diag("iterator: %s\nproc:     %s", v.line[k],
				 vp.line[k]);
	crowd_view_free(&v);
	crowd_view_free(&vp);
	workload_finish(&w);
	tap_is_int(w.status, 0, "crowd: workload ran to the end");
	workload_free(&w);
}

/*
 * MAP_SHARED mmap and munmap of a POSIX shm object and a memfd, with the
 * sizes, addresses, names and inodes the workload saw; private,
 * anonymous and regular-file mappings, and their munmaps, not reported.
 */
static void map(void)
{
	const char *argv[] = { "shm-workload", "map", NULL };
	const struct fj_object *e;
	long long pid;
	struct workload w;
	struct tracer t;
	const char *name;

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	tracer_start_family(&t, "shm", pid, 0);
	workload_finish(&w);
	tracer_stop(&t);
	name = fact_str(&w, "name");

	tap_is_int(w.status, 0, "map: workload ran to the end");
	tap_is_int(events_count(&t.events, "mmap", pid, 0), 2,
		   "map: 2 mmap events (shm object and memfd, nothing else)");
	tap_is_int(events_count(&t.events, "munmap", pid, 0), 2,
		   "map: 2 munmap events");
	e = events_nth(&t.events, "mmap", pid, 0, 0);
	tap_key_str(e, "name", name, "map: mmap 0 names %s", name);
	tap_key_str(e, "kind", "posix", "map: mmap 0 is a POSIX shm object");
	tap_key_int(e, "ino", fact_int(&w, "shm_ino"), "map: mmap 0: its inode");
	tap_key_int(e, "size", 3 * 4096, "map: mmap 0: 3 pages");
	tap_key_int(e, "addr", fact_int(&w, "shm_addr"),
		    "map: mmap 0: the address mmap returned");
	tap_key_int(e, "fd", fact_int(&w, "fd"), "map: mmap 0: its fd");
	tap_key_str(e, "prot_flags", "PROT_READ|PROT_WRITE",
		    "map: mmap 0: PROT_READ|PROT_WRITE");
	tap_key_str(e, "flags", "MAP_SHARED", "map: mmap 0: MAP_SHARED");
	tap_key_int(e, "errno", 0, "map: mmap 0: errno 0");
	e = events_nth(&t.events, "mmap", pid, 0, 1);
	tap_key_str(e, "name", "memfd:ipcscope-map", "map: mmap 1 names the memfd");
	tap_key_str(e, "kind", "memfd", "map: mmap 1 is a memfd");
	tap_key_int(e, "ino", fact_int(&w, "mfd_ino"), "map: mmap 1: its inode");
	tap_key_int(e, "size", 2 * 4096, "map: mmap 1: 2 pages");
	tap_key_int(e, "addr", fact_int(&w, "mfd_addr"),
		    "map: mmap 1: the address mmap returned");
	tap_key_str(e, "prot_flags", "PROT_READ", "map: mmap 1: PROT_READ");
	e = events_nth(&t.events, "munmap", pid, 0, 0);
	tap_key_int(e, "addr", fact_int(&w, "shm_addr"),
		    "map: munmap 0: the shm object's address");
	tap_key_int(e, "size", 3 * 4096, "map: munmap 0: 3 pages");
	tap_key_str(e, "name", name, "map: munmap 0 names it");
	tap_key_int(e, "errno", 0, "map: munmap 0: errno 0");
	e = events_nth(&t.events, "munmap", pid, 0, 1);
	tap_key_int(e, "addr", fact_int(&w, "mfd_addr"),
		    "map: munmap 1: the memfd's address");
	tap_key_int(e, "size", 2 * 4096, "map: munmap 1: 2 pages");
	tap_key_str(e, "name", "memfd:ipcscope-map", "map: munmap 1 names it");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "map: every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	tap_plan(107 + 39);
	sysv();
	state();
	crowd();
	map();
	return tap_done();
}
