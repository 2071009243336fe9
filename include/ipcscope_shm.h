/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Records of the shared memory mapping iterator (bpf/shm_iter.bpf.c), read
 * by `ipcscope shm`: one per VMA that maps a file of tmpfs, hugetlbfs or
 * ramfs shared (VM_MAYSHARE): the mappings of SysV segments, of POSIX shm
 * objects under /dev/shm and of memfds, among others the collector leaves
 * out by path.
 */
#ifndef IPCSCOPE_SHM_H
#define IPCSCOPE_SHM_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* bytes of path, its NUL included: a longer path is counted, not cut */
#define IPCSCOPE_SHM_PATH_MAX	512

enum ipcscope_shm_vma_flags {
	/* a SysV attach: shmid is shm_file_data.id of the attach's file */
	IPCSCOPE_SHM_VMA_SYSV		= 1 << 0,
	/* ... of a segment of another IPC namespace than the reader's */
	IPCSCOPE_SHM_VMA_OTHER_NS	= 1 << 1,
};

struct ipcscope_shm_vma {
	__u64 start;
	__u64 end;
	__u64 ino;
	__u32 pid;		/* tgid of the mapper */
	__u32 dev;		/* s_dev, the kernel's encoding */
	__s32 shmid;		/* IPCSCOPE_SHM_VMA_SYSV: the segment's id */
	__s32 path_len;		/* bpf_d_path(): bytes with the NUL, or -errno */
	__u32 flags;		/* enum ipcscope_shm_vma_flags */
	__u32 pad0;
	char  comm[16];		/* the thread group leader's */
	char  path[IPCSCOPE_SHM_PATH_MAX];
};

_Static_assert(sizeof(struct ipcscope_shm_vma) == 576,
	       "ipcscope_shm_vma is 576 bytes");
_Static_assert(__builtin_offsetof(struct ipcscope_shm_vma, comm) == 48,
	       "ipcscope_shm_vma.comm at 48");
_Static_assert(__builtin_offsetof(struct ipcscope_shm_vma, path) == 64,
	       "ipcscope_shm_vma.path at 64");

#endif /* IPCSCOPE_SHM_H */
