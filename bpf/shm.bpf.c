// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory: SysV shmget(2), shmat(2), shmdt(2), shmctl(2), and
 * memfd_create(2), from the syscall dispatcher's handlers (syscalls.bpf.c,
 * raw sys_enter/sys_exit) in every tier.  The kernel functions behind
 * them are no better hook: shmctl's (ksys_shmctl) is not in the BTF of
 * Debian's 6.1 and 6.12, and every argument an event needs is a syscall
 * argument or result.  The events' `tier` names the hook (tp_btf, raw_tp).
 *
 * One event per call, emitted at return.  memfd_create's name is read
 * back from the caller's memory at return, where the kernel read it.
 *
 * shm_open(3) is an openat(2) of "/dev/shm/NAME" in libc: the openat
 * handler looks at the path's first 9 bytes and keeps only those calls.
 * That look is the whole cost -shm adds to every other openat.
 *
 * mmap(2) with MAP_SHARED of a descriptor whose file is a POSIX shm
 * object (on the tmpfs mounted on /dev/shm, directly in it) or a memfd
 * (a tmpfs file named "memfd:NAME"): the mapping is remembered by
 * process and address (`mappings`), so that munmap(2) of it is reported
 * with its name.  Other mmaps cost a look at the flags (and for shared
 * file mappings the file's superblock); other munmaps one hash lookup.
 */
#include "common.bpf.h"
#include "inflight.bpf.h"
#include "syscalls.bpf.h"

struct inflight {
	__u64 start_ns;		/* first: nonzero while in flight */
	__u64 size;
	__u64 addr;
	__s64 key;
	const char *name;	/* memfd_create: user memory */
	struct dentry *dentry;	/* mmap: the object's */
	__u64 offset;		/* mmap */
	__u64 ino;		/* mmap */
	__s32 shmid;
	__s32 cmd;
	__u32 flags;
	__u32 prot;		/* mmap */
	__s32 fd;		/* mmap */
	__u16 type;		/* IPCSCOPE_EV_SHM* and MEMFD_CREATE */
	__u8 kind;		/* mmap: enum ipcscope_shm_kind */
};

DEFINE_INFLIGHT_MAP(struct inflight);

#define TMPFS_MAGIC		0x01021994	/* shmem: /dev/shm, memfd */
#define MAP_TYPE		0x0f
#define MAP_SHARED		0x01
#define MAP_SHARED_VALIDATE	0x03

/* A mapping made while tracing, by (tgid, address): munmap names it. */
struct mapping_key {
	__u32 tgid;
	__u32 pad;
	__u64 addr;
};

struct mapping {
	__u64 size;
	__u64 ino;
	__u8 kind;
	__u8 name_status;
	__u8 pad[6];
	char name[IPCSCOPE_MEMFD_NAME_MAX];
};

/* LRU: a process that exits with its mappings leaves entries no munmap
 * deletes; the oldest go first */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct mapping_key);
	__type(value, struct mapping);
} mappings SEC(".maps");

/* too big for the stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mapping);
} mapping_scratch SEC(".maps");

const volatile __u8 tier = IPCSCOPE_TIER_NONE;

static __always_inline int shm_enter(__u16 type, __s64 key, __u64 size,
				     __u64 addr, int shmid, int cmd,
				     __u32 flags, const char *name)
{
	struct inflight rec = {};

	if (!task_wanted())
		return 0;
	if (inflight_find(&inflight))
		count_lost();
	rec.type = type;
	rec.key = key;
	rec.size = size;
	rec.addr = addr;
	rec.shmid = shmid;
	rec.cmd = cmd;
	rec.flags = flags;
	rec.name = name;
	rec.start_ns = bpf_ktime_get_ns();
	inflight_start(&inflight, &rec);
	return 0;
}

static __always_inline void emit_memfd(struct inflight *rec, long ret)
{
	struct ipcscope_memfd_event *e;
	long n;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	fill_hdr(&e->hdr, rec->type, sizeof(*e));
	e->ret = ret;
	e->flags = rec->flags;
	e->tier = tier;
	__builtin_memset(e->pad0, 0, sizeof(e->pad0));
	n = bpf_probe_read_user_str(e->name, sizeof(e->name), rec->name);
	if (n < 0) {
		e->name[0] = '\0';
		e->name_status = IPCSCOPE_PATH_UNREADABLE;
	} else {
		/* a full buffer may have cut the name: the kernel takes 249 */
		e->name_status = n == sizeof(e->name) ?
				 IPCSCOPE_PATH_TRUNCATED : IPCSCOPE_PATH_FULL;
	}
	submit_event(e);
}

/* The open file of descriptor @fd of the current task, or NULL. */
static __always_inline struct file *fd_file(int fd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct file *file = NULL;
	struct fdtable *fdt;
	struct file **fds;

	if (fd < 0)
		return NULL;
	fdt = BPF_CORE_READ(task, files, fdt);
	if ((unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_core_read(&file, sizeof(file), &fds[fd]);
	return file;
}

/* POSIX shm object, memfd, or 0 (anything else). */
static __always_inline __u8 shm_file_kind(struct file *file)
{
	struct dentry *dentry, *mountpoint;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	char head[6] = {};
	int i;

	if (!file || BPF_CORE_READ(file, f_inode, i_sb, s_magic) != TMPFS_MAGIC)
		return 0;
	dentry = BPF_CORE_READ(file, f_path.dentry);
	bpf_probe_read_kernel(head, sizeof(head),
			      BPF_CORE_READ(dentry, d_name.name));
	if (head[0] == 'm' && head[1] == 'e' && head[2] == 'm' &&
	    head[3] == 'f' && head[4] == 'd' && head[5] == ':')
		return IPCSCOPE_SHM_MEMFD;
	/* directly in the root of a tmpfs mounted on a directory "shm" */
	vfsmnt = BPF_CORE_READ(file, f_path.mnt);
	if (BPF_CORE_READ(dentry, d_parent) != BPF_CORE_READ(vfsmnt, mnt_root))
		return 0;
	mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
	mountpoint = BPF_CORE_READ(mnt, mnt_mountpoint);
	/* mounted over another mount's root (a tmpfs on /dev/shm twice):
	 * the directory is the one that mount sits on */
#pragma unroll
	for (i = 0; i < 4; i++) {
		struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);

		if (parent == mnt ||
		    mountpoint != BPF_CORE_READ(parent, mnt.mnt_root))
			break;
		mnt = parent;
		mountpoint = BPF_CORE_READ(mnt, mnt_mountpoint);
	}
	__builtin_memset(head, 0, sizeof(head));
	bpf_probe_read_kernel(head, 4, BPF_CORE_READ(mountpoint, d_name.name));
	if (head[0] == 's' && head[1] == 'h' && head[2] == 'm' && !head[3])
		return IPCSCOPE_SHM_POSIX;
	return 0;
}

/* The object's name into @name: "/NAME" or "memfd:NAME". */
static __always_inline __u8 read_shm_name(char *name, struct dentry *dentry,
					  __u8 kind)
{
	const unsigned char *s = BPF_CORE_READ(dentry, d_name.name);
	__u32 len = BPF_CORE_READ(dentry, d_name.len);
	long n;

	if (kind == IPCSCOPE_SHM_POSIX) {
		name[0] = '/';
		n = bpf_probe_read_kernel_str(name + 1,
					      IPCSCOPE_MEMFD_NAME_MAX - 1, s);
		len++;
	} else {
		n = bpf_probe_read_kernel_str(name, IPCSCOPE_MEMFD_NAME_MAX, s);
	}
	if (n < 0) {
		name[0] = '\0';
		return IPCSCOPE_PATH_UNREADABLE;
	}
	return len > IPCSCOPE_MEMFD_NAME_MAX - 1 ? IPCSCOPE_PATH_TRUNCATED :
						    IPCSCOPE_PATH_FULL;
}

static __always_inline void emit_mmap(struct inflight *rec, long ret)
{
	struct mapping_key key = {
		.tgid = bpf_get_current_pid_tgid() >> 32,
	};
	struct ipcscope_mmap_event *e;
	struct mapping *m;
	__u32 zero = 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	fill_hdr(&e->hdr, rec->type, sizeof(*e));
	e->ret = ret;
	e->addr = rec->addr;
	e->size = rec->size;
	e->offset = rec->offset;
	e->fd = rec->fd;
	e->prot = rec->prot;
	e->flags = rec->flags;
	e->tier = tier;
	e->pad0 = 0;
	e->name[0] = '\0';
	if (rec->type == IPCSCOPE_EV_MMAP) {
		e->ino = rec->ino;
		e->kind = rec->kind;
		e->name_status = read_shm_name(e->name, rec->dentry, rec->kind);
		/* remember a mapping made, for its munmap */
		m = bpf_map_lookup_elem(&mapping_scratch, &zero);
		if (m && (ret >= 0 || ret < -4095)) {
			key.addr = ret;
			m->size = rec->size;
			m->ino = rec->ino;
			m->kind = rec->kind;
			m->name_status = e->name_status;
			bpf_probe_read_kernel(m->name, sizeof(m->name), e->name);
			bpf_map_update_elem(&mappings, &key, m, BPF_ANY);
		}
	} else {
		key.addr = rec->addr;
		m = bpf_map_lookup_elem(&mappings, &key);
		if (m) {
			e->ino = m->ino;
			e->kind = m->kind;
			e->name_status = m->name_status;
			bpf_probe_read_kernel(e->name, sizeof(e->name), m->name);
			if (ret == 0)
				bpf_map_delete_elem(&mappings, &key);
		} else {
			e->ino = 0;
			e->kind = 0;
			e->name_status = IPCSCOPE_PATH_UNREADABLE;
		}
	}
	submit_event(e);
}

static __always_inline int shm_exit(long ret)
{
	struct ipcscope_shm_event *e;
	struct inflight *rec;

	rec = inflight_find(&inflight);
	if (!rec)
		return 0;
	if (summary_mode) {
		/* object: the segment (shmget's result, the shmid passed),
		 * the new fd of memfd_create */
		bool made = rec->type == IPCSCOPE_EV_SHMGET ||
			    rec->type == IPCSCOPE_EV_MEMFD_CREATE ||
			    rec->type == IPCSCOPE_EV_SHM_OPEN;

		bool mapped = rec->type == IPCSCOPE_EV_MMAP ||
			      rec->type == IPCSCOPE_EV_MUNMAP;

		if (mapped && rec->type == IPCSCOPE_EV_MUNMAP) {
			struct mapping_key key = {
				.tgid = bpf_get_current_pid_tgid() >> 32,
				.addr = rec->addr,
			};

			if (ret == 0)
				bpf_map_delete_elem(&mappings, &key);
		}
		summary_add(rec->type, mapped ? rec->ino :
			    made ? (ret < 0 ? 0 : ret) : (__u32)rec->shmid,
			    ret < 0 ? ret : 0,
			    bpf_ktime_get_ns() - rec->start_ns);
		goto out;
	}
	if (rec->type == IPCSCOPE_EV_MEMFD_CREATE ||
	    rec->type == IPCSCOPE_EV_SHM_OPEN) {
		emit_memfd(rec, ret);
		goto out;
	}
	if (rec->type == IPCSCOPE_EV_MMAP || rec->type == IPCSCOPE_EV_MUNMAP) {
		emit_mmap(rec, ret);
		goto out;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		goto out;
	}
	fill_hdr(&e->hdr, rec->type, sizeof(*e));
	e->ret = ret;
	e->size = rec->size;
	e->addr = rec->addr;
	e->key = rec->key;
	e->shmid = rec->shmid;
	e->cmd = rec->cmd;
	e->flags = rec->flags;
	e->tier = tier;
	__builtin_memset(e->pad0, 0, sizeof(e->pad0));
	submit_event(e);
out:
	inflight_done(&inflight, rec);
	return 0;
}

/* shmget(key, size, shmflg): key_t is an int */
static __always_inline int enter_shmget(struct pt_regs *regs, bool btf)
{
	return shm_enter(IPCSCOPE_EV_SHMGET, (int)sc_arg(regs, 0, btf),
			 sc_arg(regs, 1, btf), 0, -1, 0, sc_arg(regs, 2, btf),
			 NULL);
}

/* shmat(shmid, shmaddr, shmflg) */
static __always_inline int enter_shmat(struct pt_regs *regs, bool btf)
{
	return shm_enter(IPCSCOPE_EV_SHMAT, 0, 0, sc_arg(regs, 1, btf),
			 sc_arg(regs, 0, btf), 0, sc_arg(regs, 2, btf), NULL);
}

/* shmdt(shmaddr) */
static __always_inline int enter_shmdt(struct pt_regs *regs, bool btf)
{
	return shm_enter(IPCSCOPE_EV_SHMDT, 0, 0, sc_arg(regs, 0, btf), -1, 0,
			 0, NULL);
}

/* shmctl(shmid, cmd, buf) */
static __always_inline int enter_shmctl(struct pt_regs *regs, bool btf)
{
	return shm_enter(IPCSCOPE_EV_SHMCTL, 0, 0, 0, sc_arg(regs, 0, btf),
			 sc_arg(regs, 1, btf), 0, NULL);
}

/* memfd_create(name, flags) */
static __always_inline int enter_memfd(struct pt_regs *regs, bool btf)
{
	return shm_enter(IPCSCOPE_EV_MEMFD_CREATE, 0, 0, 0, -1, 0,
			 sc_arg(regs, 1, btf), (void *)sc_arg(regs, 0, btf));
}

/* openat(dfd, path, flags, mode): only paths under /dev/shm/ */
static __always_inline int enter_openat(struct pt_regs *regs, bool btf)
{
	const char *path = (const char *)sc_arg(regs, 1, btf);
	char head[9];

	if (bpf_probe_read_user(head, sizeof(head), path) ||
	    head[0] != '/' || head[1] != 'd' || head[2] != 'e' ||
	    head[3] != 'v' || head[4] != '/' || head[5] != 's' ||
	    head[6] != 'h' || head[7] != 'm' || head[8] != '/')
		return 0;
	/* the name as shm_open was given it: "/NAME" */
	return shm_enter(IPCSCOPE_EV_SHM_OPEN, 0, 0, 0, -1, 0,
			 sc_arg(regs, 2, btf), path + 8);
}

/* mmap(addr, len, prot, flags, fd, off): shared mappings of shm objects */
static __always_inline int enter_mmap(struct pt_regs *regs, bool btf)
{
	__u32 flags = sc_arg(regs, 3, btf);
	int fd = sc_arg(regs, 4, btf);
	struct inflight *rec;
	struct file *file;
	__u8 kind;

	if ((flags & MAP_TYPE) != MAP_SHARED &&
	    (flags & MAP_TYPE) != MAP_SHARED_VALIDATE)
		return 0;
	if (fd < 0 || !task_wanted())
		return 0;
	file = fd_file(fd);
	kind = shm_file_kind(file);
	if (!kind)
		return 0;
	shm_enter(IPCSCOPE_EV_MMAP, 0, sc_arg(regs, 1, btf),
		  sc_arg(regs, 0, btf), -1, 0, flags, NULL);
	rec = inflight_find(&inflight);
	if (!rec)
		return 0;
	rec->dentry = BPF_CORE_READ(file, f_path.dentry);
	rec->ino = BPF_CORE_READ(file, f_inode, i_ino);
	rec->kind = kind;
	rec->fd = fd;
	rec->prot = sc_arg(regs, 2, btf);
	rec->offset = sc_arg(regs, 5, btf);
	return 0;
}

/* munmap(addr, len): of a mapping remembered at its mmap */
static __always_inline int enter_munmap(struct pt_regs *regs, bool btf)
{
	struct mapping_key key = {
		.tgid = bpf_get_current_pid_tgid() >> 32,
		.addr = sc_arg(regs, 0, btf),
	};
	struct mapping *m = bpf_map_lookup_elem(&mappings, &key);
	struct inflight *rec;

	if (!m)
		return 0;
	shm_enter(IPCSCOPE_EV_MUNMAP, 0, sc_arg(regs, 1, btf), key.addr, -1,
		  0, 0, NULL);
	rec = inflight_find(&inflight);
	if (rec)
		rec->ino = m->ino;
	return 0;
}

SYSCALL_ENTER(shm_sys_enter_mmap, enter_mmap)
SYSCALL_ENTER(shm_sys_enter_munmap, enter_munmap)
SYSCALL_ENTER(shm_sys_enter_shmget, enter_shmget)
SYSCALL_ENTER(shm_sys_enter_shmat, enter_shmat)
SYSCALL_ENTER(shm_sys_enter_shmdt, enter_shmdt)
SYSCALL_ENTER(shm_sys_enter_shmctl, enter_shmctl)
SYSCALL_ENTER(shm_sys_enter_memfd, enter_memfd)
SYSCALL_ENTER(shm_sys_enter_openat, enter_openat)
SYSCALL_EXIT(shm_sys_exit, shm_exit)
