/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `ipcscope trace --summary`: the BPF programs aggregate in a per-CPU hash
 * map instead of sending one ring-buffer record per operation.  Key: event
 * type, process, IPC object and, when asked for, cgroup; value (one per CPU, summed by the collector):
 * counts, bytes, errors and a log2 histogram of durations.  Shared by every
 * family's BPF object.  Entries only grow: nothing resets them.
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
	__u64 cgroup;		/* cgroup v2 id if summary_cgroup, else 0 */
};

struct ipcscope_summary_val {
	__u64 count;
	__u64 bytes;		/* bytes moved, where the event moves bytes */
	__u64 errors;		/* calls that returned an error */
	__u64 total_ns;		/* sum of durations (latencies for signals) */
	__u64 max_ns;
	char  comm[16];		/* of the first task seen on this CPU */
	__u64 hist[IPCSCOPE_HIST_SLOTS];
};

_Static_assert(sizeof(struct ipcscope_summary_key) == 24,
	       "ipcscope_summary_key is 24 bytes");
_Static_assert(__builtin_offsetof(struct ipcscope_summary_key, object) == 8,
	       "ipcscope_summary_key.object at 8");
_Static_assert(__builtin_offsetof(struct ipcscope_summary_key, cgroup) == 16,
	       "ipcscope_summary_key.cgroup at 16");
_Static_assert(sizeof(struct ipcscope_summary_val) == 56 + 8 * IPCSCOPE_HIST_SLOTS,
	       "ipcscope_summary_val is 56 bytes + the histogram");
_Static_assert(__builtin_offsetof(struct ipcscope_summary_val, comm) == 40,
	       "ipcscope_summary_val.comm at 40");
_Static_assert(__builtin_offsetof(struct ipcscope_summary_val, hist) == 56,
	       "ipcscope_summary_val.hist at 56");

#endif /* IPCSCOPE_SUMMARY_H */
