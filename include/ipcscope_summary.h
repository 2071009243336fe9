/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `ipcscope trace --summary`: the BPF programs aggregate in a hash map
 * instead of sending one ring-buffer record per operation.  Key: event
 * type, process, IPC object; value: counts, bytes, errors and a log2
 * histogram of durations.  Shared by every family's BPF object.
 */
#ifndef IPCSCOPE_SUMMARY_H
#define IPCSCOPE_SUMMARY_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define IPCSCOPE_HIST_SLOTS	32	/* slot i: [2^i, 2^(i+1)) ns */
#define IPCSCOPE_SUMMARY_MAX	16384	/* (type, pid, object) entries */

struct ipcscope_summary_key {
	__u32 type;		/* enum ipcscope_event_type */
	__u32 pid;		/* tgid */
	__u64 object;		/* pipe inode, semid, msqid or signal number */
};

struct ipcscope_summary_val {
	__u64 count;
	__u64 bytes;		/* bytes moved, where the event moves bytes */
	__u64 errors;		/* calls that returned an error */
	__u64 total_ns;		/* sum of durations (latencies for signals) */
	__u64 max_ns;
	char  comm[16];		/* of the first task seen */
	__u64 hist[IPCSCOPE_HIST_SLOTS];
};

#endif /* IPCSCOPE_SUMMARY_H */
