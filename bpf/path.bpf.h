/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A FIFO's path, resolved in the kernel from the event's struct file, while
 * the task that reads or writes it still holds it open: a writer that has
 * closed the FIFO, exited, or unlinked it by the time the collector reads
 * the event still gets the path it wrote through.
 *
 * The walk is the kernel's prepend_path() (fs/d_path.c), bounded:
 *
 *  - it goes up the dentry chain from file->f_path, and at the root of a
 *    mount crosses to the mountpoint in the parent mount (struct mount:
 *    mnt_parent, mnt_mountpoint), as d_path() does;
 *  - it stops at the root of the traced task (current->fs->root), so the
 *    path is the one that task sees, in its own mount namespace and chroot,
 *    the same string readlink(/proc/PID/fd/N) gives;
 *  - a FIFO outside that root (reached through a descriptor passed in from
 *    outside a chroot or namespace) gets its path from the top of its own
 *    mount tree, as d_path() gives it too;
 *  - it takes at most IPCSCOPE_PATH_DEPTH (16) path components, and crosses
 *    at most PATH_MOUNT_HOPS (8) mounts, which do not count as components.
 *
 * What the event carries (ev.path_status):
 *
 *  FULL        "/a/b/fifo": the whole path, at most IPCSCOPE_PATH_MAX - 1
 *              (255) bytes.  The root itself is "/".
 *  TRUNCATED   the path was deeper than 16 components (or crossed more than
 *              8 mounts), or longer than 255 bytes: ".../" followed by the
 *              last whole components that fit, in both limits, e.g.
 *              ".../c/d/fifo" (at most 16 components, at most 255 bytes).
 *              A last component that does not fit alone (a name of more
 *              than 251 bytes) is cut to its first 251 bytes.
 *  UNREADABLE  the dentry chain could not be read, or another pipe program
 *              preempting this one on its CPU held the scratch: path is "".
 *
 * A FIFO unlinked while open keeps the name it had (d_path would add
 * " (deleted)"); a rename racing with the walk may give either name.
 */
#ifndef IPCSCOPE_PATH_BPF_H
#define IPCSCOPE_PATH_BPF_H

#include "common.bpf.h"

#define PATH_MOUNT_HOPS		8
#define NAME_MAX		255	/* include/uapi/linux/limits.h */
#define PATH_TRUNC_MARK		"..."
#define PATH_TRUNC_MARK_LEN	3

/* The walk's state, carried from one bpf_loop() step to the next. */
struct path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__u32 n;		/* components stored */
	__u32 hops;		/* mounts crossed */
	__u32 complete;		/* reached the top */
	__u32 unreadable;	/* a name could not be read */
};

/*
 * Per-CPU room to build the path in.  buf is twice the path so that any
 * name (at most 255 bytes) read at any offset below IPCSCOPE_PATH_MAX stays
 * inside it, which is what the verifier checks.  Programs that use it do
 * not nest on a CPU (one pipe program per task at a time, never in
 * interrupts), but on a preemptible kernel one can preempt another: busy
 * marks the scratch taken (fifo_path_fill).
 *
 * The walk's state lives here too, not on the stack: kernels before 6.7
 * verify a bpf_loop() callback as if it ran once, so state on the stack
 * that the callback changes can be taken for a constant, and the branches
 * that depend on it pruned as dead (on 6.1 every path came out truncated,
 * and the depth check was gone).  Map memory is never assumed to hold a
 * known value.
 */
struct path_scratch {
	char buf[2 * IPCSCOPE_PATH_MAX];
	const unsigned char *name[IPCSCOPE_PATH_DEPTH];	/* leaf first */
	__u32 len[IPCSCOPE_PATH_DEPTH];
	struct path_walk walk;
	__u32 busy;		/* a program on this CPU is using it */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} path_scratch SEC(".maps");

/*
 * @off, already checked below IPCSCOPE_PATH_MAX, masked so that the
 * verifier sees the bound on the very register used to index: clang may
 * test a copy of it (the 6.1 verifier then rejects the access).  The empty
 * asm keeps clang from dropping the mask as a no-op.
 */
static __always_inline __u64 path_bound(__u64 off)
{
	asm volatile("" : "+r"(off));
	return off & (IPCSCOPE_PATH_MAX - 1);
}

/*
 * One step of the walk up: stop at the root, cross a mount, or store one
 * component's name, leaf first.  Returns 1 to end the walk.
 */
static int path_walk_step(__u32 i, void *unused)
{
	struct dentry *dentry, *parent;
	struct vfsmount *vfsmnt;
	struct mount *mnt, *up;
	struct path_scratch *s;
	struct path_walk *w;
	__u32 zero = 0, n, len;

	s = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!s)
		return 1;
	w = &s->walk;
	/* locals: CO-RE reads through w's fields would relocate its type */
	dentry = w->dentry;
	vfsmnt = w->vfsmnt;
	mnt = w->mnt;
	if (dentry == w->root_dentry && vfsmnt == w->root_mnt) {
		w->complete = 1;
		return 1;
	}
	if (dentry == BPF_CORE_READ(vfsmnt, mnt_root)) {
		up = BPF_CORE_READ(mnt, mnt_parent);
		if (!up || up == mnt) {
			/* the top of a mount tree the root is not in */
			w->complete = 1;
			return 1;
		}
		if (++w->hops > PATH_MOUNT_HOPS)
			return 1;
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vfsmnt = &up->mnt;
		return 0;
	}
	parent = BPF_CORE_READ(dentry, d_parent);
	if (!parent || parent == dentry) {
		/* a disconnected dentry: d_path stops there too */
		w->complete = 1;
		return 1;
	}
	n = w->n;
	if (n >= IPCSCOPE_PATH_DEPTH)
		return 1;
	s->name[n] = BPF_CORE_READ(dentry, d_name.name);
	len = BPF_CORE_READ(dentry, d_name.len);
	s->len[n] = len < NAME_MAX ? len : NAME_MAX;
	if (!s->name[n]) {
		w->unreadable = 1;
		return 1;
	}
	w->n = n + 1;
	w->dentry = parent;
	return 0;
}

/*
 * Walk up from @file, leaf first, storing each component's name into @s.
 * Returns how many were stored, sets *complete when the walk reached the
 * top (the task's root, or the top of the mount tree), or -1 when the
 * chain could not be read.  bpf_loop() (5.17) keeps the verifier's work to
 * one step, whatever the depth.
 */
static __always_inline int path_walk(struct file *file,
				     struct path_scratch *s, bool *complete)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct path_walk *w = &s->walk;
	struct vfsmount *vfsmnt;

	*complete = false;
	vfsmnt = BPF_CORE_READ(file, f_path.mnt);
	w->dentry = BPF_CORE_READ(file, f_path.dentry);
	w->vfsmnt = vfsmnt;
	w->mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
	w->root_dentry = BPF_CORE_READ(task, fs, root.dentry);
	w->root_mnt = BPF_CORE_READ(task, fs, root.mnt);
	w->n = 0;
	w->hops = 0;
	w->complete = 0;
	w->unreadable = 0;
	if (!w->dentry || !vfsmnt || !w->root_dentry)
		return -1;
	/* + 1: the root check after the last component and mount */
	bpf_loop(IPCSCOPE_PATH_DEPTH + PATH_MOUNT_HOPS + 1, path_walk_step,
		 NULL, 0);
	if (w->unreadable)
		return -1;
	*complete = w->complete;
	return w->n;
}

/*
 * Build the path of @file_addr (a struct file *, passed as a number: a
 * global function takes only scalars and memory it can size) into this
 * CPU's path_scratch.buf, as described at the top of this file, and return
 * its IPCSCOPE_PATH_* status.
 *
 * A global function, not inlined: the verifier checks it once per program
 * on its own, instead of once per call site in every state of the caller.
 * Inlined, the walk cost 0.8 s of verification per fexit program natively
 * (tens of seconds under emulation), four times on the fentry tier.
 */
__noinline int fifo_path_build(__u64 file_addr)
{
	struct file *file = (struct file *)file_addr;
	__u32 zero = 0, total = 0, keep = 0, len, j;
	__u64 off = 0;
	bool complete, truncated = false;
	struct path_scratch *s;
	int n, t;
	long ret;

	s = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!s)
		return IPCSCOPE_PATH_UNREADABLE;
	s->buf[0] = '\0';
	n = path_walk(file, s, &complete);
	if (n < 0)
		return IPCSCOPE_PATH_UNREADABLE;

	/* How many components, from the leaf, go into the path. */
	for (t = 0; t < IPCSCOPE_PATH_DEPTH && t < n; t++)
		total += s->len[t] + 1;
	if (complete && total < IPCSCOPE_PATH_MAX) {
		keep = n;
	} else {
		truncated = true;
		total = PATH_TRUNC_MARK_LEN;
		for (t = 0; t < IPCSCOPE_PATH_DEPTH && t < n; t++) {
			if (total + s->len[t] + 1 >= IPCSCOPE_PATH_MAX)
				break;
			total += s->len[t] + 1;
			keep++;
		}
		if (!keep && n > 0) {
			keep = 1;
			s->len[0] = IPCSCOPE_PATH_MAX - 1 -
				    PATH_TRUNC_MARK_LEN - 1;
		}
		__builtin_memcpy(s->buf, PATH_TRUNC_MARK, PATH_TRUNC_MARK_LEN);
		off = PATH_TRUNC_MARK_LEN;
	}

	/* Write them outermost first: "/" name, for each. */
	for (t = 0; t < IPCSCOPE_PATH_DEPTH; t++) {
		if (t >= keep || off > IPCSCOPE_PATH_MAX - 2)
			break;
		j = (keep - 1 - t) & (IPCSCOPE_PATH_DEPTH - 1);
		s->buf[off++] = '/';
		off = path_bound(off);
		len = s->len[j] & (IPCSCOPE_PATH_MAX - 1);
		ret = bpf_probe_read_kernel_str(&s->buf[off], len + 1,
						s->name[j]);
		if (ret < 1) {
			s->buf[0] = '\0';
			return IPCSCOPE_PATH_UNREADABLE;
		}
		off += ret - 1;
	}
	if (!keep && complete)
		s->buf[off++] = '/';		/* the root itself */
	if (off > IPCSCOPE_PATH_MAX - 1)
		off = IPCSCOPE_PATH_MAX - 1;
	s->buf[path_bound(off)] = '\0';
	return truncated ? IPCSCOPE_PATH_TRUNCATED : IPCSCOPE_PATH_FULL;
}

/*
 * Fill @e's path and ev.path_status from @file.  Self-contained: it needs
 * only the file and the current task, so any hook that has the file can
 * call it.
 */
static __always_inline void fifo_path_fill(struct file *file,
					   struct ipcscope_pipe_path_event *e)
{
	struct path_scratch *s;
	__u32 zero = 0;

	e->ev.path_status = IPCSCOPE_PATH_UNREADABLE;
	e->path[0] = '\0';
	s = bpf_map_lookup_elem(&path_scratch, &zero);
	/* fentry programs run preemptible (migrate_disable() only): another
	 * pipe program preempting this one on the CPU finds the scratch
	 * taken and says UNREADABLE rather than mix two paths */
	if (!s || s->busy)
		return;
	s->busy = 1;
	e->ev.path_status = fifo_path_build((__u64)file);
	if (e->ev.path_status != IPCSCOPE_PATH_UNREADABLE)
		bpf_probe_read_kernel(e->path, sizeof(e->path), s->buf);
	s->busy = 0;
}

#endif /* IPCSCOPE_PATH_BPF_H */
