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

#define IPCSCOPE_ABI_VERSION	1

#define IPCSCOPE_COMM_LEN	16
#define IPCSCOPE_MAX_PIDS	64	/* -p may be given this many times */

enum ipcscope_event_type {
	IPCSCOPE_EV_PIPE_READ	= 1,
	IPCSCOPE_EV_PIPE_WRITE	= 2,
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

#endif /* IPCSCOPE_H */
