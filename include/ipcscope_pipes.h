/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Records of the pipe-state BPF iterator (bpf/pipes_iter.bpf.c), read by
 * `ipcscope pipes --source bpf`: one per (process, fd) that holds a pipe or
 * FIFO, carrying the pipe's state as seen at that moment.  The collector
 * groups them by pipe_id into one record per pipe.
 */
#ifndef IPCSCOPE_PIPES_H
#define IPCSCOPE_PIPES_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define IPCSCOPE_PIPES_ABI_VERSION 1

struct ipcscope_pipe_holder {
	__u64 pipe_id;		/* the pipe_inode_info's address: a grouping
				 * key only, never printed */
	__u64 ino;
	__u32 dev;		/* kernel encoding, major << 20 | minor */
	__u32 pid;		/* tgid of the holder */
	__u32 fd;
	__u32 f_mode;		/* FMODE_READ 0x1, FMODE_WRITE 0x2 */
	char  comm[16];
	__u32 head;
	__u32 tail;
	__u32 max_usage;	/* slots the pipe may use: capacity / page */
	__u32 ring_size;	/* slots allocated, a power of two */
	__u32 readers;
	__u32 writers;
	__u32 files;
	__u32 r_counter;
	__u32 w_counter;
	__u32 buffered;		/* bytes in bufs[tail..head) */
	__u8  kind;		/* enum ipcscope_pipe_kind */
	__u8  buffered_partial;	/* more slots than the BPF loop walks */
	__u16 pad0;
	__u32 pad1;
};

/* Layout checks, in clang -target bpf and gcc alike. */
_Static_assert(sizeof(struct ipcscope_pipe_holder) == 96,
	       "ipcscope_pipe_holder is 96 bytes");
_Static_assert(__builtin_offsetof(struct ipcscope_pipe_holder, comm) == 32,
	       "ipcscope_pipe_holder.comm at 32");
_Static_assert(__builtin_offsetof(struct ipcscope_pipe_holder, head) == 48,
	       "ipcscope_pipe_holder.head at 48");
_Static_assert(__builtin_offsetof(struct ipcscope_pipe_holder, buffered) == 84,
	       "ipcscope_pipe_holder.buffered at 84");
_Static_assert(__builtin_offsetof(struct ipcscope_pipe_holder, kind) == 88,
	       "ipcscope_pipe_holder.kind at 88");
_Static_assert(__builtin_offsetof(struct ipcscope_pipe_holder, pad1) == 92,
	       "ipcscope_pipe_holder.pad1 at 92");

#endif /* IPCSCOPE_PIPES_H */
