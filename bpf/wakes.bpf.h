/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --peers: who woke whom.  A call that may block arms its task's record in
 * `wakes` at entry; the sched_waking program (peers.bpf.c) fills in the
 * waker when the armed task is made runnable; the call's return reads it
 * and sends an IPCSCOPE_EV_PEER_WAKE note ahead of its event (peers.bpf.h).
 *
 * One map for every family and the sched_waking program, shared with
 * bpf_map__reuse_fd.  A hash of tids rather than task storage: kprobe
 * programs on 6.1 may not use task storage, the raw_tp flavour of
 * sched_waking has no trusted task pointer, and one map must serve both
 * sides in every tier.  Without --peers the collector shrinks it to one
 * entry and no program touches it.
 */
#ifndef IPCSCOPE_WAKES_BPF_H
#define IPCSCOPE_WAKES_BPF_H

#define WAKES_ENTRIES	16384	/* tasks in a call at once */

enum wake_state {
	WAKE_IDLE,		/* no call in flight */
	WAKE_ARMED,		/* in a call, not woken (yet) */
	WAKE_BY_TASK,		/* woken by waker_pid/tid/comm */
	WAKE_BY_IRQ,		/* woken from interrupt context */
};

struct wake_rec {
	__u32 state;		/* enum wake_state */
	__u32 waker_pid;
	__u32 waker_tid;
	__u32 pad;
	char waker_comm[IPCSCOPE_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, WAKES_ENTRIES);	/* 1 without --peers */
	__type(key, __u32);
	__type(value, struct wake_rec);
} wakes SEC(".maps");

#endif /* IPCSCOPE_WAKES_BPF_H */
