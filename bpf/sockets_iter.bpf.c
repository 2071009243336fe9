// SPDX-License-Identifier: GPL-2.0
/*
 * Every unix socket held by a descriptor, for `ipcscope sockets`: a
 * task_file iterator (one call per open file of every process) that writes
 * one struct ipcscope_sock_holder per descriptor of an AF_UNIX socket.
 * The socket's fields are read without its locks: each is a snapshot.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "ipcscope_sockets.h"

#define AF_UNIX		1
#define S_IFMT		00170000
#define S_IFSOCK	0140000
#define QUEUE_WALK	64
#define SUN_PATH_OFF	2
#define TCP_LISTEN	10

static __always_inline __u64 sk_ino(struct sock *sk)
{
	struct socket_alloc *sa;

	if (!sk)
		return 0;
	sa = (void *)BPF_CORE_READ(sk, sk_socket);
	return sa ? BPF_CORE_READ(sa, vfs_inode.i_ino) : 0;
}

SEC("iter/task_file")
int dump_unix_holders(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct ipcscope_sock_holder h = {};
	struct unix_address *addr;
	struct sk_buff_head *q;
	struct sk_buff *skb;
	struct socket *sock;
	struct sock *sk;
	int i, len;

	if (!task || !file)
		return 0;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return 0;
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || BPF_CORE_READ(sk, __sk_common.skc_family) != AF_UNIX)
		return 0;
	h.ino = BPF_CORE_READ(file, f_inode, i_ino);
	h.peer_ino = sk_ino(BPF_CORE_READ((struct unix_sock *)sk, peer));
	h.pid = BPF_CORE_READ(task, tgid);
	h.fd = ctx->fd;
	BPF_CORE_READ_STR_INTO(&h.comm, task, group_leader, comm);
	h.type = BPF_CORE_READ(sock, type);
	h.state = BPF_CORE_READ(sk, __sk_common.skc_state);
	h.rq_len = BPF_CORE_READ(sk, sk_receive_queue.qlen);
	/* af_unix queues each pending connection as an skb on the
	 * listener and bounds the queue's length by sk_max_ack_backlog;
	 * sk_ack_backlog is not kept */
	h.backlog = h.state == TCP_LISTEN ? h.rq_len : 0;
	h.max_backlog = BPF_CORE_READ(sk, sk_max_ack_backlog);
	q = &sk->sk_receive_queue;
	skb = BPF_CORE_READ(sk, sk_receive_queue.next);
	for (i = 0; i < QUEUE_WALK; i++) {
		if (!skb || skb == (void *)q)
			break;
		h.rq_bytes += BPF_CORE_READ(skb, len);
		skb = BPF_CORE_READ(skb, next);
	}
	h.rq_partial = skb && skb != (void *)q;
	addr = BPF_CORE_READ((struct unix_sock *)sk, addr);
	if (addr) {
		len = BPF_CORE_READ(addr, len) - SUN_PATH_OFF;
		if (len > 0 && len <= IPCSCOPE_SOCK_PATH_MAX &&
		    !bpf_probe_read_kernel(h.path, sizeof(h.path),
					   (void *)addr->name + SUN_PATH_OFF))
			h.path_len = len;
	}
	bpf_seq_write(seq, &h, sizeof(h));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
