// SPDX-License-Identifier: GPL-2.0
/*
 * Every open pipe and FIFO, for `ipcscope pipes --source bpf`: a task_file
 * iterator (one call per open file of every process; threads sharing a file
 * table are visited once) that writes one struct ipcscope_pipe_holder per
 * descriptor whose inode is a FIFO with a live pipe_inode_info.
 *
 * The iterator runs with the task's file table pinned, so the file and its
 * inode stay valid during the call.  The pipe's fields are read without the
 * pipe's mutex (BPF cannot take it): each is a snapshot, and the wait
 * queues are not walked at all — that needs their spinlock, which only the
 * kernel module takes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "ipcscope.h"
#include "ipcscope_pipes.h"
#include "pipe_ring.bpf.h"

SEC("iter/task_file")
int dump_pipe_holders(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct ipcscope_pipe_holder h = {};
	struct pipe_inode_info *pipe;
	struct inode *inode;
	struct pipe_ring r;

	if (!task || !file)
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode || !inode_is_pipe(inode))
		return 0;
	pipe = BPF_CORE_READ(inode, i_pipe);

	h.pipe_id = (__u64)(unsigned long)pipe;
	h.ino = BPF_CORE_READ(inode, i_ino);
	h.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	h.kind = BPF_CORE_READ(inode, i_sb, s_magic) == PIPEFS_MAGIC ?
		 IPCSCOPE_PIPE_ANON : IPCSCOPE_PIPE_FIFO;
	h.pid = BPF_CORE_READ(task, tgid);
	h.fd = ctx->fd;
	h.f_mode = BPF_CORE_READ(file, f_mode);
	BPF_CORE_READ_STR_INTO(&h.comm, task, group_leader, comm);

	pipe_ring_read(pipe, &r);
	h.head = r.head;
	h.tail = r.tail;
	h.max_usage = r.max_usage;
	h.ring_size = r.ring_size;
	h.buffered = r.buffered;
	h.buffered_partial = r.partial;
	h.readers = BPF_CORE_READ(pipe, readers);
	h.writers = BPF_CORE_READ(pipe, writers);
	h.files = BPF_CORE_READ(pipe, files);
	h.r_counter = BPF_CORE_READ(pipe, r_counter);
	h.w_counter = BPF_CORE_READ(pipe, w_counter);
	bpf_seq_write(seq, &h, sizeof(h));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
