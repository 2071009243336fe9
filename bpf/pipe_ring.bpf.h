/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a pipe's ring from BPF, for every kernel since 5.5.  Before 6.16
 * head and tail were two plain fields; newer kernels overlay them with
 * head_tail (union pipe_index) so both can be read in one load.
 */
#ifndef IPCSCOPE_PIPE_RING_BPF_H
#define IPCSCOPE_PIPE_RING_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>

#define S_IFMT		00170000
#define S_IFIFO		0010000
#define PIPEFS_MAGIC	0x50495045
#define PAGE_SIZE	4096
/* Slots walked to sum the bytes buffered; the default pipe has 16, the
 * default maximum (1 MiB) 256.  Larger pipes are flagged partial. */
#define MAX_SLOTS_WALKED 256

struct pipe_inode_info___v5_5 {
	unsigned int head;
	unsigned int tail;
} __attribute__((preserve_access_index));

struct pipe_ring {
	unsigned int head;
	unsigned int tail;
	unsigned int ring_size;
	unsigned int max_usage;
	__u32 buffered;
	bool partial;
};

static __always_inline bool inode_is_pipe(struct inode *inode)
{
	__u16 mode = BPF_CORE_READ(inode, i_mode);

	return (mode & S_IFMT) == S_IFIFO && BPF_CORE_READ(inode, i_pipe);
}

static __always_inline void pipe_ring_read(struct pipe_inode_info *pipe,
					   struct pipe_ring *r)
{
	__u32 stride = bpf_core_type_size(struct pipe_buffer);
	struct pipe_buffer *bufs;
	unsigned int i;

	if (bpf_core_field_exists(pipe->head_tail)) {
		/* one 64-bit load: head and tail from the same instant */
		unsigned long head_tail = BPF_CORE_READ(pipe, head_tail);

		r->head = (unsigned int)head_tail;
		r->tail = head_tail >> 32;
	} else {
		struct pipe_inode_info___v5_5 *old = (void *)pipe;

		r->head = BPF_CORE_READ(old, head);
		r->tail = BPF_CORE_READ(old, tail);
	}
	r->ring_size = BPF_CORE_READ(pipe, ring_size);
	r->max_usage = BPF_CORE_READ(pipe, max_usage);
	r->buffered = 0;
	r->partial = r->head - r->tail > MAX_SLOTS_WALKED;
	bufs = BPF_CORE_READ(pipe, bufs);
	if (!r->ring_size || !bufs)
		return;
	for (i = 0; i < MAX_SLOTS_WALKED; i++) {
		struct pipe_buffer *buf;
		unsigned int slot = r->tail + i;

		if (slot == r->head)
			break;
		buf = (void *)bufs + (slot & (r->ring_size - 1)) * stride;
		r->buffered += BPF_CORE_READ(buf, len);
	}
}

#endif /* IPCSCOPE_PIPE_RING_BPF_H */
