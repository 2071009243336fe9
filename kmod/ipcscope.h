/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcscope: a snapshot of every pipe and FIFO, or of every unix socket, that
 * some process holds open.
 *
 * The debugfs files are views of one snapshot, built when a file is opened.
 * A snapshot holds plain values only: no pointer in it is dereferenced
 * after the scan, so pipes may close, and tasks may exit, while a reader
 * is still walking the output.
 */
#ifndef _IPCSCOPE_H
#define _IPCSCOPE_H

#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/types.h>

#define IPS_NONE	U32_MAX

/* A pipe end's access, from its file's FMODE_READ and FMODE_WRITE. */
enum ips_mode {
	IPS_MODE_NONE,
	IPS_MODE_R,
	IPS_MODE_W,
	IPS_MODE_RW,
};

/*
 * Which wait queue an entry sits on: one of struct pipe_inode_info, or of a
 * unix socket (the socket's own, sk_sleep(), and unix_sock->peer_wait).
 */
enum ips_queue {
	IPS_RD_WAIT,
	IPS_WR_WAIT,
	IPS_SK_WAIT,
	IPS_PEER_WAIT,
	IPS_QUEUE_MAX,
};

/* What a snapshot holds. */
enum ips_kind {
	IPS_PIPES,	/* pipes, their holders and waiters */
	IPS_PIPE_BUFS,	/* the same, and every used slot of every ring */
	IPS_SOCKS,	/* unix sockets, their holders and sleepers */
};

/* What a wait-queue entry stands for, from its ->func and ->flags. */
enum ips_how {
	IPS_HOW_READ,	/* exclusive task wait on rd_wait: pipe_read() */
	IPS_HOW_WRITE,	/* exclusive task wait on wr_wait: pipe_write() */
	IPS_HOW_WAIT,	/* other task wait: splice, tee, FIFO open */
	IPS_HOW_POLL,	/* pollwake(): poll(), select() */
	IPS_HOW_EPOLL,	/* ep_poll_callback(): an epoll instance */
	IPS_HOW_OTHER,	/* any other callback (io_uring, aio, ...) */
	IPS_HOW_PIPE_MAX,	/* the ones above are the pipes' */
	IPS_HOW_RECV = IPS_HOW_PIPE_MAX,	/* sockets: recv(), read() */
	IPS_HOW_SEND,	/* send(), write(); a datagram's room in its peer */
	IPS_HOW_ACCEPT,	/* accept() on a listening socket */
	IPS_HOW_CONNECT,	/* connect(), a listener's backlog full */
	IPS_HOW_MAX,
};

#define IPS_NO_SYSCALL	(-1)

struct ips_pipe {
	const void *key;	/* the pipe_inode_info: compared, never used */
	unsigned long ino;
	dev_t dev;
	bool fifo;
	bool busy;		/* pipe->mutex stayed held: ips_lock_pipe() */
	unsigned int head;
	unsigned int tail;
	unsigned int max_usage;
	unsigned int ring_size;
	unsigned int nr_accounted;
	unsigned int readers;
	unsigned int writers;
	unsigned int files;
	unsigned int r_counter;
	unsigned int w_counter;
	unsigned int used;	/* occupied slots, head - tail */
	u64 bytes;		/* sum of ->len over the occupied slots */
	u32 first_waiter;	/* waiters[first_waiter ...] */
	u32 nr_waiters;
	u32 truncated;		/* queue entries not listed */
	u32 first_buf;		/* bufs[first_buf ...], if asked for */
	u32 nr_bufs;
	u32 first_holder;	/* chained through ips_holder.next */
	u32 last_holder;
	u32 nr_holders;
};

/* A unix socket: its struct socket, which an open file keeps alive. */
struct ips_sock {
	const void *key;	/* the struct socket: compared, never used */
	unsigned long ino;
	dev_t dev;
	u16 type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	u8 state;		/* sk->sk_state: TCP_LISTEN, ... */
	u32 first_waiter;	/* waiters[first_waiter ...] */
	u32 nr_waiters;
	u32 truncated;		/* queue entries not listed */
	u32 first_holder;	/* chained through ips_holder.next */
	u32 last_holder;
	u32 nr_holders;
};

struct ips_holder {
	u32 obj;		/* index into pipes[] or socks[] */
	u32 next;
	pid_t pid;
	unsigned int fd;
	u8 mode;		/* enum ips_mode */
	char comm[TASK_COMM_LEN];
};

struct ips_waiter {
	const void *func;	/* ->func: compared and named, never called */
	u32 obj;		/* index into pipes[] or socks[] */
	pid_t pid;		/* tgid of the waiting task, 0 if none */
	pid_t tid;
	int syscall;		/* the task's system call, or IPS_NO_SYSCALL */
	u8 queue;
	u8 how;
	u8 excl;
	u8 fn;			/* index into ips_snap.fn_name */
	char comm[TASK_COMM_LEN];
};

/* One used slot of a pipe's ring: a struct pipe_buffer. */
struct ips_buf {
	const void *ops;	/* ->ops: compared and named, never used */
	u32 pipe;
	unsigned int index;	/* tail + i; the slot is index & mask */
	unsigned int offset;
	unsigned int len;
	unsigned int flags;
	u8 fn;			/* ->ops by name: ips_snap.fn_name */
};

#define IPS_NR_FN	32
#define IPS_FN_LEN	48

struct ips_snap {
	enum ips_kind kind;
	struct ips_pipe *pipes;
	u32 nr_pipes;
	u32 max_pipes;
	struct ips_sock *socks;
	u32 nr_socks;
	u32 max_socks;
	struct ips_holder *holders;
	u32 nr_holders;
	u32 max_holders;
	struct ips_waiter *waiters;
	u32 nr_waiters;
	u32 max_waiters;
	u32 lost_waiters;	/* entries dropped: cap, or queue growing */
	struct ips_buf *bufs;
	u32 nr_bufs;
	u32 max_bufs;
	u32 *hash;		/* pipe or socket index + 1, open addressing */
	u32 hash_size;
	u32 nr_tasks;		/* thread groups visited */
	u32 nr_tables;		/* fd tables scanned */
	u32 nr_busy;		/* pipes whose mutex stayed held */
	/* What the snapshot left out; summary's lost_* keys. */
	u32 lost_pipe_fds;	/* fds of pipes past the max_pipes cap */
	u32 lost_sock_fds;	/* fds of sockets past the max_socks cap */
	u32 lost_fds;		/* fds past the max_fds cap */
	u64 lost_queue;		/* queue entries past queue_limit */
	u32 lost_queue_uncounted;	/* queues too long to count through */
	u32 lost_bufs;		/* used slots not in bufs[] */
	u32 lost_fd_tables;	/* threads whose own fd table was skipped */
	bool poll_proven;	/* pollwake's address was proven */
	u64 wait_budget_ns;	/* left for waiting on pipe mutexes */
	u64 scan_ns;
	u32 nr_fn;
	const void *fn[IPS_NR_FN];
	char fn_name[IPS_NR_FN + 1][IPS_FN_LEN];
};

struct ips_snap *ips_snap_build(struct file *file, enum ips_kind kind);
const char *ips_syscall_name(int nr);
void ips_snap_free(struct ips_snap *s);

#endif /* _IPCSCOPE_H */
