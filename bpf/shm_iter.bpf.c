// SPDX-License-Identifier: GPL-2.0
/*
 * Every shared mapping of a shared memory file, for `ipcscope shm`: a
 * task_vma iterator (one call per VMA of every process, under the mm's
 * mmap_lock held for reading) that writes one struct ipcscope_shm_vma per
 * VMA mapping a file of tmpfs, hugetlbfs or ramfs with VM_MAYSHARE, which
 * is what /proc/PID/smaps shows with an 's': SysV attaches, POSIX shm
 * objects, memfds, and shared mappings of other tmpfs files (the collector
 * keeps the first three by path).
 *
 * The path is bpf_d_path()'s, the string smaps prints ("/SYSV0000abcd
 * (deleted)", "/memfd:NAME (deleted)", "/dev/shm/NAME").  A SysV attach
 * (ipc/shm.c, do_shmat()) is a clone of the segment's shmem file whose
 * private_data is a struct shm_file_data { int id; ns; file; vm_ops }, the
 * same from 6.1 to 7.3; the id is read from it when the attach's name is
 * "SYSV..." and shm_file_data.file is a file of the same inode, so a
 * private_data of any other kind is never taken for one.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "ipcscope_shm.h"

#define VM_MAYSHARE		0x00000080	/* include/linux/mm.h */
#define TMPFS_MAGIC		0x01021994	/* include/uapi/linux/magic.h */
#define HUGETLBFS_MAGIC		0x958458f6
#define RAMFS_MAGIC		0x858458f6

/* 0: every process; else only this tgid's VMAs */
const volatile __u32 target_tgid = 0;

/* The record is built here: it is larger than the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ipcscope_shm_vma);
} scratch SEC(".maps");

/* The segment's id if @file is a SysV attach of inode @inode, else -1. */
static __always_inline int sysv_id(struct file *file, struct inode *inode,
				   struct ipc_namespace **ns)
{
	struct shm_file_data *sfd;
	char head[4] = {};

	if (!bpf_core_type_exists(struct shm_file_data))
		return -1;
	bpf_probe_read_kernel(head, sizeof(head),
			      BPF_CORE_READ(file, f_path.dentry, d_name.name));
	if (head[0] != 'S' || head[1] != 'Y' || head[2] != 'S' ||
	    head[3] != 'V')
		return -1;
	sfd = BPF_CORE_READ(file, private_data);
	if (!sfd || BPF_CORE_READ(sfd, file, f_inode) != inode)
		return -1;
	*ns = BPF_CORE_READ(sfd, ns);
	return BPF_CORE_READ(sfd, id);
}

SEC("iter/task_vma")
int dump_shm_vmas(struct bpf_iter__task_vma *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct vm_area_struct *vma = ctx->vma;
	struct task_struct *reader;
	struct ipc_namespace *ns = NULL;
	struct ipcscope_shm_vma *r;
	struct inode *inode;
	struct file *file;
	unsigned long magic;
	__u32 zero = 0;
	__u32 tgid;
	int id;

	if (!task || !vma)
		return 0;
	tgid = BPF_CORE_READ(task, tgid);
	if (target_tgid && tgid != target_tgid)
		return 0;
	if (!(BPF_CORE_READ(vma, vm_flags) & VM_MAYSHARE))
		return 0;
	file = vma->vm_file;
	if (!file)
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	magic = BPF_CORE_READ(inode, i_sb, s_magic);
	if (magic != TMPFS_MAGIC && magic != HUGETLBFS_MAGIC &&
	    magic != RAMFS_MAGIC)
		return 0;
	r = bpf_map_lookup_elem(&scratch, &zero);
	if (!r)
		return 0;
	r->start = BPF_CORE_READ(vma, vm_start);
	r->end = BPF_CORE_READ(vma, vm_end);
	r->ino = BPF_CORE_READ(inode, i_ino);
	r->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	r->pid = tgid;
	r->flags = 0;
	r->pad0 = 0;
	BPF_CORE_READ_STR_INTO(&r->comm, task, group_leader, comm);
	r->shmid = -1;
	id = sysv_id(file, inode, &ns);
	if (id >= 0) {
		r->shmid = id;
		r->flags |= IPCSCOPE_SHM_VMA_SYSV;
		/* the iterator runs in the reading process */
		reader = (void *)bpf_get_current_task();
		if (ns != BPF_CORE_READ(reader, nsproxy, ipc_ns))
			r->flags |= IPCSCOPE_SHM_VMA_OTHER_NS;
	}
	r->path_len = bpf_d_path((struct path *)&file->f_path, r->path,
				 sizeof(r->path));
	bpf_seq_write(seq, r, sizeof(*r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
