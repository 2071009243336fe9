// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory calls whose numbers are known in advance, for the
 * integration tests.  Facts go to $IPCSCOPE_FACTS.
 *
 *   shm-workload sysv   a private segment of 8192 bytes: shmget, shmat,
 *                       shmdt, shmctl IPC_STAT and IPC_RMID, then shmat of
 *                       the removed id (EINVAL); a keyed segment of 4096
 *                       bytes created with IPC_EXCL, and again (EEXIST),
 *                       removed; memfd_create("ipcscope-memfd", CLOEXEC);
 *                       shm_open("/ipcscope-shm-<pid>", O_CREAT|O_EXCL|
 *                       O_RDWR), unlinked
 *   shm-workload hold   for `ipcscope shm`: a segment of 3 pages and a
 *                       memfd of 2 pages mapped shared (1 page touched);
 *                       stops after each step: got (nattch 0), attached
 *                       with 2 pages touched (1), a child forked that
 *                       holds both mappings (2), child gone and detached
 *                       (0), removed
 *   shm-workload map    MAP_SHARED mappings: a POSIX shm object of 3
 *                       pages mapped and unmapped, a memfd of 2 pages
 *                       mapped (PROT_READ) and unmapped; not reported: a
 *                       MAP_PRIVATE mapping of the shm object, an
 *                       anonymous shared one, a shared mapping of a
 *                       regular file, and their munmaps; a mapping of a
 *                       closed descriptor (EBADF) is not one either
 *   shm-workload crowd  for `ipcscope shm` with many mappers: a segment of
 *                       4 pages, a memfd of 2 and a POSIX shm object of 1,
 *                       all mapped shared, then 12 children forked that
 *                       inherit the three mappings; child i writes the
 *                       first i % 4 pages of the segment (a write fault
 *                       maps only the page written), the parent none;
 *                       and one more child ("alien", forked first, so it
 *                       maps none of them) in an IPC namespace of its
 *                       own, attached to a segment of that namespace;
 *                       and a thread of the parent's that shares its mm
 *                       but not its descriptor table (so the task_vma
 *                       iterator visits it as a task of its own); stops once every child has written,
 *                       then kills them and removes everything
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "workload.h"

static int cmd_sysv(void)
{
	struct shmid_ds ds;
	int id, kid, again, einval, eexist, fd, sfd;
	char name[64];
	key_t key = 0x5eed0000 | (getpid() & 0xffff);
	void *addr;

	fact("{\"pid\":%d,\"key\":%d}", getpid(), (int)key);
	pause_for_test();
	id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
	if (id < 0)
		die("shmget");
	addr = shmat(id, NULL, 0);
	if (addr == (void *)-1)
		die("shmat");
	memset(addr, 1, 8192);
	if (shmdt(addr))
		die("shmdt");
	if (shmctl(id, IPC_STAT, &ds))
		die("IPC_STAT");
	if (shmctl(id, IPC_RMID, NULL))
		die("IPC_RMID");
	einval = shmat(id, NULL, 0) == (void *)-1 && errno == EINVAL;
	kid = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0640);
	if (kid < 0)
		die("shmget key");
	again = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0640);
	eexist = again < 0 && errno == EEXIST;
	shmctl(kid, IPC_RMID, NULL);
	fd = memfd_create("ipcscope-memfd", MFD_CLOEXEC);
	if (fd < 0)
		die("memfd_create");
	close(fd);
	snprintf(name, sizeof(name), "/ipcscope-shm-%d", getpid());
	sfd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (sfd < 0)
		die("shm_open %s", name);
	close(sfd);
	shm_unlink(name);
	fact("{\"shmid\":%d,\"addr\":%llu,\"size\":%llu,\"einval\":%d,"
	     "\"kshmid\":%d,\"eexist\":%d,\"memfd\":%d,\"shm_fd\":%d,"
	     "\"shm_name\":\"%s\"}", id,
	     (unsigned long long)(unsigned long)addr,
	     (unsigned long long)ds.shm_segsz, einval, kid, eexist, fd, sfd,
	     name);
	return 0;
}

static int cmd_hold(void)
{
	int id, mfd, status;
	char *addr, *maddr;
	pid_t child;

	id = shmget(IPC_PRIVATE, 3 * 4096, IPC_CREAT | 0600);
	if (id < 0)
		die("shmget");
	mfd = memfd_create("ipcscope-hold", 0);
	if (mfd < 0 || ftruncate(mfd, 2 * 4096))
		die("memfd");
	maddr = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		     mfd, 0);
	if (maddr == MAP_FAILED)
		die("mmap memfd");
	maddr[0] = 1;
	fact("{\"pid\":%d,\"shmid\":%d,\"size\":%d,\"maddr\":%llu,"
	     "\"msize\":%d}", getpid(), id, 3 * 4096,
	     (unsigned long long)(unsigned long)maddr, 2 * 4096);
	pause_for_test();				/* got */
	addr = shmat(id, NULL, 0);
	if (addr == (void *)-1)
		die("shmat");
	addr[0] = addr[4096] = 1;
	fact("{\"addr\":%llu}", (unsigned long long)(unsigned long)addr);
	pause_for_test();				/* attached */
	fflush(NULL);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		for (;;)
			pause();
	}
	fact("{\"child\":%d}", child);
	pause_for_test();				/* shared with a child */
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	if (shmdt(addr))
		die("shmdt");
	pause_for_test();				/* detached */
	if (shmctl(id, IPC_RMID, NULL))
		die("IPC_RMID");
	pause_for_test();				/* removed */
	munmap(maddr, 2 * 4096);
	close(mfd);
	return 0;
}

static int cmd_map(void)
{
	char name[64], tmp[] = "/tmp/ipcscope-map-XXXXXX";
	struct stat st_shm, st_mfd;
	char *shm, *mfdp, *priv, *anon, *file;
	int fd, mfd, tfd;

	snprintf(name, sizeof(name), "/ipcscope-map-%d", getpid());
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	mfd = memfd_create("ipcscope-map", MFD_CLOEXEC);
	tfd = mkstemp(tmp);
	if (fd < 0 || mfd < 0 || tfd < 0 || ftruncate(fd, 3 * 4096) ||
	    ftruncate(mfd, 2 * 4096) || ftruncate(tfd, 4096) ||
	    fstat(fd, &st_shm) || fstat(mfd, &st_mfd))
		die("setup");
	fact("{\"pid\":%d,\"name\":\"%s\",\"shm_ino\":%llu,"
	     "\"mfd_ino\":%llu,\"fd\":%d,\"mfd\":%d}", getpid(), name,
	     (unsigned long long)st_shm.st_ino,
	     (unsigned long long)st_mfd.st_ino, fd, mfd);
	pause_for_test();
	shm = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	mfdp = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, mfd, 0);
	priv = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	file = mmap(NULL, 4096, PROT_READ, MAP_SHARED, tfd, 0);
	if (shm == MAP_FAILED || mfdp == MAP_FAILED || priv == MAP_FAILED ||
	    anon == MAP_FAILED || file == MAP_FAILED)
		die("mmap");
	shm[0] = 1;
	fact("{\"shm_addr\":%llu,\"mfd_addr\":%llu}",
	     (unsigned long long)(unsigned long)shm,
	     (unsigned long long)(unsigned long)mfdp);
	if (munmap(priv, 4096) || munmap(anon, 4096) || munmap(file, 4096) ||
	    munmap(shm, 3 * 4096) || munmap(mfdp, 2 * 4096))
		die("munmap");
	close(tfd);
	unlink(tmp);
	close(mfd);
	/* the descriptor is gone: EBADF, no event */
	if (mmap(NULL, 4096, PROT_READ, MAP_SHARED, mfd, 0) != MAP_FAILED)
		die("mmap of a closed fd");
	close(fd);
	shm_unlink(name);
	return 0;
}

#define CROWD 12

/* A thread that only sleeps: raw syscalls, it has no TLS of its own. */
static int sleeper(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_pause);
	return 0;
}

static int cmd_crowd(void)
{
	char name[64], *seg, *mem, *pos, *stack, c;
	int id, mfd, fd, i, p, ready[2];
	pid_t kids[CROWD + 1];

	if (pipe(ready))
		die("pipe");
	/* the alien first: it inherits none of the mappings below */
	kids[CROWD] = fork();
	if (kids[CROWD] < 0)
		die("fork");
	if (kids[CROWD] == 0) {
		char *alien = (void *)-1;

		/* says 'x' on failure: the parent must not wait for it */
		if (!unshare(CLONE_NEWIPC)) {
			id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
			alien = id < 0 ? (void *)-1 : shmat(id, NULL, 0);
		}
		if (alien != (void *)-1)
			alien[0] = 1;
		if (write(ready[1], alien == (void *)-1 ? "x" : "r", 1) != 1 ||
		    alien == (void *)-1)
			_exit(1);
		for (;;)
			pause();
	}
	fact("{\"alien\":%d}", kids[CROWD]);
	snprintf(name, sizeof(name), "/ipcscope-crowd-%d", getpid());
	id = shmget(IPC_PRIVATE, 4 * 4096, IPC_CREAT | 0600);
	mfd = memfd_create("ipcscope-crowd", MFD_CLOEXEC);
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (id < 0 || mfd < 0 || fd < 0 || ftruncate(mfd, 2 * 4096) ||
	    ftruncate(fd, 4096))
		die("setup");
	seg = shmat(id, NULL, 0);
	mem = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	pos = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (seg == (void *)-1 || mem == MAP_FAILED || pos == MAP_FAILED)
		die("map");
	fflush(NULL);
	stack = malloc(64 * 1024);
	if (!stack || clone(sleeper, stack + 64 * 1024, CLONE_VM | CLONE_THREAD |
			    CLONE_SIGHAND, NULL) < 0)
		die("clone");
	for (i = 0; i < CROWD; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			die("fork");
		if (kids[i] == 0) {
			for (p = 0; p < i % 4; p++)
				seg[p * 4096] = 1;
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		fact("{\"child\":%d,\"touched\":%d}", kids[i], i % 4);
	}
	for (i = 0; i < CROWD + 1; i++)
		if (read(ready[0], &c, 1) != 1 || c != 'r')
			die("a child failed");
	fact("{\"pid\":%d,\"shmid\":%d,\"name\":\"%s\",\"crowd\":%d,"
	     "\"seg\":%llu,\"mem\":%llu,\"pos\":%llu}", getpid(), id, name,
	     CROWD, (unsigned long long)(unsigned long)seg,
	     (unsigned long long)(unsigned long)mem,
	     (unsigned long long)(unsigned long)pos);
	pause_for_test();
	for (i = 0; i < CROWD + 1; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < CROWD + 1; i++)
		waitpid(kids[i], NULL, 0);
	if (shmdt(seg) || shmctl(id, IPC_RMID, NULL))
		die("remove");
	munmap(mem, 2 * 4096);
	munmap(pos, 4096);
	close(mfd);
	close(fd);
	shm_unlink(name);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "sysv") && argc == 2)
		return cmd_sysv();
	if (!strcmp(mode, "hold") && argc == 2)
		return cmd_hold();
	if (!strcmp(mode, "map") && argc == 2)
		return cmd_map();
	if (!strcmp(mode, "crowd") && argc == 2)
		return cmd_crowd();
	fprintf(stderr, "usage: shm-workload sysv | hold | map | crowd\n");
	return 2;
}
