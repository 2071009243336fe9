/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps, filters and helpers every ipcscope BPF object shares.  Each IPC
 * family has its own object; the collector makes them share one ring buffer
 * and one loss counter (bpf_map__reuse_fd), so the names here must match.
 */
#ifndef IPCSCOPE_COMMON_BPF_H
#define IPCSCOPE_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "ipcscope.h"
#include "ipcscope_summary.h"

/* Filters, set by the collector before load (rodata). */
const volatile __u32 self_tgid;		/* never trace the collector itself */
const volatile bool filter_pids;	/* keep only tgids in pid_filter */
const volatile bool filter_comm;
const volatile char target_comm[IPCSCOPE_COMM_LEN];
const volatile __u64 target_ino;	/* 0: any inode */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);	/* resized by the collector */
} events SEC(".maps");

/* Records that bpf_ringbuf_reserve() refused: reported, never hidden. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps");

/* --summary: aggregate here instead of the ring buffer.  The collector
 * shrinks it to one entry when summary_mode is off. */
const volatile bool summary_mode;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IPCSCOPE_SUMMARY_MAX);
	__type(key, struct ipcscope_summary_key);
	__type(value, struct ipcscope_summary_val);
} summary SEC(".maps");

/* An all-zero value to insert from (too big for the BPF stack). */
const struct ipcscope_summary_val zero_summary = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IPCSCOPE_MAX_PIDS);
	__type(key, __u32);
	__type(value, __u8);
} pid_filter SEC(".maps");

static __always_inline bool comm_matches(void)
{
	char comm[IPCSCOPE_COMM_LEN];
	int i;

	bpf_get_current_comm(comm, sizeof(comm));
	for (i = 0; i < IPCSCOPE_COMM_LEN; i++) {
		if (comm[i] != target_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/* The task filters (-p, -c and self); cheap enough for every syscall. */
static __always_inline bool task_wanted(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (tgid == self_tgid)
		return false;
	if (filter_pids && !bpf_map_lookup_elem(&pid_filter, &tgid))
		return false;
	if (filter_comm && !comm_matches())
		return false;
	return true;
}

static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost_events, &zero);

	if (n)
		*n += 1;	/* per-CPU slot: no atomics needed */
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	return r | (v >> 1);
}

/*
 * Count one operation of the current process on @object in the summary
 * map.  @ret is bytes moved (>= 0) or -errno.  A full map loses the
 * operation into lost_events, so the loss is reported like any other.
 */
static __always_inline void summary_add(__u32 type, __u64 object, __s64 ret,
					__u64 duration_ns)
{
	struct ipcscope_summary_key key = {
		.type = type,
		.pid = bpf_get_current_pid_tgid() >> 32,
		.object = object,
	};
	struct ipcscope_summary_val *v;
	__u64 slot;

	v = bpf_map_lookup_elem(&summary, &key);
	if (!v) {
		bpf_map_update_elem(&summary, &key, &zero_summary,
				    BPF_NOEXIST);
		v = bpf_map_lookup_elem(&summary, &key);
		if (!v) {
			count_lost();
			return;
		}
		bpf_get_current_comm(v->comm, sizeof(v->comm));
	}
	__sync_fetch_and_add(&v->count, 1);
	if (ret >= 0)
		__sync_fetch_and_add(&v->bytes, ret);
	else
		__sync_fetch_and_add(&v->errors, 1);
	__sync_fetch_and_add(&v->total_ns, duration_ns);
	if (duration_ns > v->max_ns)
		v->max_ns = duration_ns;	/* racy max: a sample */
	slot = log2_u64(duration_ns);
	if (slot >= IPCSCOPE_HIST_SLOTS)
		slot = IPCSCOPE_HIST_SLOTS - 1;
	/* The 6.1 verifier loses the clamp's bound on the register clang
	 * indexes with ("R7 unbounded memory access"); a mask it cannot
	 * optimise away (the barrier hides that it is a no-op) restores it. */
	asm volatile("" : "+r"(slot));
	slot &= IPCSCOPE_HIST_SLOTS - 1;
	__sync_fetch_and_add(&v->hist[slot], 1);
}

static __always_inline void fill_hdr(struct ipcscope_hdr *hdr, __u32 type,
				     __u32 size)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	hdr->ts_ns = bpf_ktime_get_ns();
	hdr->type = type;
	hdr->size = size;
	hdr->pid = pid_tgid >> 32;
	hdr->tid = (__u32)pid_tgid;
	bpf_get_current_comm(hdr->comm, sizeof(hdr->comm));
}

char LICENSE[] SEC("license") = "GPL";

#endif /* IPCSCOPE_COMMON_BPF_H */
