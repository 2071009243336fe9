/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Records of the unix socket iterator (bpf/sockets_iter.bpf.c), read by
 * `ipcscope sockets`: one per (process, fd) that holds an AF_UNIX socket,
 * with the socket's state as seen at that moment.  The collector groups
 * them by inode into one entry per socket.
 */
#ifndef IPCSCOPE_SOCKETS_H
#define IPCSCOPE_SOCKETS_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define IPCSCOPE_SOCK_PATH_MAX	108	/* sizeof(sun_path) */

struct ipcscope_sock_holder {
	__u64 ino;
	__u64 peer_ino;		/* 0: no peer, or one without a socket */
	__u32 pid;		/* tgid of the holder */
	__u32 fd;
	char  comm[16];
	__u32 rq_bytes;		/* bytes in the receive queue (walked) */
	__u32 rq_len;		/* buffers (datagrams) in it */
	__u32 backlog;		/* listeners: connections waiting */
	__u32 max_backlog;	/* listen(2)'s backlog */
	__u16 path_len;		/* bytes of path; 0: unbound */
	__u8  type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	__u8  state;		/* sk_state: TCP_ESTABLISHED, TCP_LISTEN, TCP_CLOSE */
	__u8  rq_partial;	/* more buffers than walked */
	__u8  pad0[3];
	char  path[IPCSCOPE_SOCK_PATH_MAX];
};

_Static_assert(sizeof(struct ipcscope_sock_holder) == 176,
	       "ipcscope_sock_holder is 176 bytes");
_Static_assert(__builtin_offsetof(struct ipcscope_sock_holder, comm) == 24,
	       "ipcscope_sock_holder.comm at 24");
_Static_assert(__builtin_offsetof(struct ipcscope_sock_holder, path_len) == 56,
	       "ipcscope_sock_holder.path_len at 56");
_Static_assert(__builtin_offsetof(struct ipcscope_sock_holder, path) == 64,
	       "ipcscope_sock_holder.path at 64");

#endif /* IPCSCOPE_SOCKETS_H */
