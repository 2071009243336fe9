/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ipcscope event ABI, shared by the BPF programs (bpf/) and the collector
 * (tools/).  Every record that crosses the ring buffer starts with
 * struct ipcscope_hdr; hdr.type says which body follows.
 *
 * Rules that keep the two sides in step (tests/unit/test_abi.c pins them):
 *  - fixed-width types only, naturally aligned, explicit padding fields;
 *  - a change of any layout bumps IPCSCOPE_ABI_VERSION;
 *  - new fields go at the end of a body, never in the middle.
 */
#ifndef IPCSCOPE_H
#define IPCSCOPE_H

#ifdef __bpf__
/* vmlinux.h provides __u8 ... __u64 */
#else
#include <linux/types.h>
#endif

#define IPCSCOPE_ABI_VERSION	2	/* 2: semop, msgsnd/msgrcv, signals */

#define IPCSCOPE_COMM_LEN	16
#define IPCSCOPE_MAX_PIDS	64	/* -p may be given this many times */

enum ipcscope_event_type {
	IPCSCOPE_EV_PIPE_READ	= 1,
	IPCSCOPE_EV_PIPE_WRITE	= 2,
	IPCSCOPE_EV_SEMOP	= 3,
	IPCSCOPE_EV_MSGSND	= 4,
	IPCSCOPE_EV_MSGRCV	= 5,
	IPCSCOPE_EV_SIGNAL_GENERATE = 6,
	IPCSCOPE_EV_SIGNAL_DELIVER = 7,
};

/* Which mechanism produced an event; the collector reports it. */
enum ipcscope_tier {
	IPCSCOPE_TIER_NONE	= 0,
	IPCSCOPE_TIER_FENTRY	= 1,
	IPCSCOPE_TIER_KPROBE	= 2,
	IPCSCOPE_TIER_TRACEPOINT = 3,
};

enum ipcscope_pipe_kind {
	IPCSCOPE_PIPE_ANON	= 1,	/* pipe(2): inode on pipefs */
	IPCSCOPE_PIPE_FIFO	= 2,	/* mkfifo(3): inode on a real fs */
};

struct ipcscope_hdr {
	__u64 ts_ns;			/* bpf_ktime_get_ns() at the end */
	__u32 type;			/* enum ipcscope_event_type */
	__u32 size;			/* bytes of the whole record */
	__u32 pid;			/* tgid */
	__u32 tid;
	char  comm[IPCSCOPE_COMM_LEN];
};

struct ipcscope_pipe_event {
	struct ipcscope_hdr hdr;
	__u64 ino;			/* pipe inode number (fstat st_ino) */
	__u64 requested;		/* bytes asked for (iov_iter_count) */
	__s64 ret;			/* bytes moved, or -errno */
	__u64 duration_ns;		/* entry to return, sleeps included */
	__u32 dev;			/* inode->i_sb->s_dev (kernel encoding) */
	__s32 fd;			/* fd used, or -1 when the tier can't tell */
	__u32 buffered;			/* bytes in the ring after the call */
	__u32 capacity;			/* max_usage * PAGE_SIZE (F_GETPIPE_SZ) */
	__u16 slots_used;		/* head - tail after the call */
	__u16 slots;			/* max_usage */
	__u8  kind;			/* enum ipcscope_pipe_kind */
	__u8  tier;			/* enum ipcscope_tier */
	__u8  buffered_partial;		/* 1: more slots than the BPF loop walks */
	__u8  pad0;
};

/*
 * SysV semaphores: one event per semop(2)/semtimedop(2).  The first
 * IPCSCOPE_SEM_MAX_OPS operations are copied; ops_copied says how many,
 * and fewer than nsops means the list was cut (or could not be read).
 */
#define IPCSCOPE_SEM_MAX_OPS	8

struct ipcscope_sembuf {		/* struct sembuf, as the kernel has it */
	__u16 num;
	__s16 op;
	__s16 flg;
};

struct ipcscope_semop_event {
	struct ipcscope_hdr hdr;
	__s64 ret;			/* 0, or -errno */
	__u64 duration_ns;		/* entry to return: time blocked */
	__s64 timeout_ns;		/* semtimedop's timeout (has_timeout), as
				 * passed: negative when invalid */
	__s32 semid;
	__u32 nsops;			/* as passed by the caller */
	struct ipcscope_sembuf ops[IPCSCOPE_SEM_MAX_OPS];
	__u8  ops_copied;		/* valid entries of ops[] */
	__u8  has_timeout;		/* 0: semop, or semtimedop with NULL */
	__u8  tier;			/* enum ipcscope_tier */
	__u8  pad0[5];
};

/* SysV message queues: IPCSCOPE_EV_MSGSND and IPCSCOPE_EV_MSGRCV. */
struct ipcscope_msg_event {
	struct ipcscope_hdr hdr;
	__s64 ret;			/* msgsnd: 0; msgrcv: bytes; or -errno */
	__u64 duration_ns;		/* entry to return: time blocked */
	__s64 mtype;			/* sent, or received (mtype_valid) */
	__s64 msgtyp;			/* msgrcv: the type asked for */
	__u64 size;			/* msgsnd: msgsz; msgrcv: bufsz (msgsz) */
	__s32 msqid;
	__u32 msgflg;			/* IPC_NOWAIT, MSG_EXCEPT, ... */
	__u8  mtype_valid;		/* mtype could be read */
	__u8  tier;
	__u8  pad0[6];
};

/*
 * Signals, from the signal:signal_generate and signal:signal_deliver
 * tracepoints in every tier.  hdr is the sender (the task current when the
 * signal was generated) for generate, and the receiver for deliver.
 */
enum ipcscope_sig_result {		/* TRACE_SIGNAL_* of the tracepoint */
	IPCSCOPE_SIG_DELIVERED		= 0,
	IPCSCOPE_SIG_IGNORED		= 1,
	IPCSCOPE_SIG_ALREADY_PENDING	= 2,
	IPCSCOPE_SIG_OVERFLOW_FAIL	= 3,
	IPCSCOPE_SIG_LOSE_INFO		= 4,
};

enum ipcscope_sig_action {
	IPCSCOPE_SIG_ACT_DEFAULT	= 0,	/* SIG_DFL */
	IPCSCOPE_SIG_ACT_IGNORE		= 1,	/* SIG_IGN */
	IPCSCOPE_SIG_ACT_HANDLER	= 2,
};

struct ipcscope_signal_generate_event {
	struct ipcscope_hdr hdr;	/* the sender */
	char  target_comm[IPCSCOPE_COMM_LEN];
	__u32 target_pid;		/* tgid */
	__u32 target_tid;
	__s32 sig;
	__s32 code;			/* si_code: SI_USER, SI_QUEUE, ... */
	__s32 result;			/* enum ipcscope_sig_result */
	__u8  group;			/* 1: to the process, 0: to the thread */
	__u8  tier;
	__u8  pad0[2];
};

struct ipcscope_signal_deliver_event {
	struct ipcscope_hdr hdr;	/* the receiver */
	__u64 handler;			/* ka->sa.sa_handler (not named so: libc macro) */
	__u64 sa_flags;
	__u64 latency_ns;		/* since its generate (latency_known) */
	__s32 sig;
	__s32 code;
	__u8  action;			/* enum ipcscope_sig_action */
	__u8  latency_known;
	__u8  tier;
	__u8  pad0[5];
};

#endif /* IPCSCOPE_H */
