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

/*
 * Wakeups.  Waking the collector for every record costs an IPI, and on an
 * idle machine the exit of a halted CPU, per event.  Records are therefore
 * submitted without a wakeup; the collector polls at a bounded interval
 * (--max-delay) and is woken early only when the ring holds wakeup_bytes
 * (a quarter of it, set by the collector), so a burst cannot fill the ring
 * between two polls.  Above that level one forced wakeup per wakeup_bytes
 * of records is enough: the collector, once awake, drains the ring before
 * it sleeps again, and forcing on every record would raise an IPI each.
 */
const volatile __u64 wakeup_bytes = 1 << 20;
/* ring position of the last forced wakeup (racy: at worst one extra) */
__u64 last_wakeup_pos;

static __always_inline void submit_event(void *e)
{
	__u64 pos;

	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < wakeup_bytes) {
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
		return;
	}
	pos = bpf_ringbuf_query(&events, BPF_RB_PROD_POS);
	if (pos - last_wakeup_pos < wakeup_bytes) {
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
		return;
	}
	last_wakeup_pos = pos;
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
}

/* Records that bpf_ringbuf_reserve() refused: reported, never hidden. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps");

/*
 * --summary: aggregate here instead of the ring buffer.  Per CPU, so an
 * operation adds to its own CPU's copy with plain increments (no atomics,
 * no shared cache line); the collector sums the CPUs.  The map is
 * preallocated: allocating per-CPU values as keys appear (BPF_F_NO_PREALLOC)
 * fails in bursts on 6.18, whose BPF allocator refills its per-CPU caches
 * from irq_work (2000 new keys lost 89).  Preallocation costs entries x
 * CPUs x 312 bytes of kernel memory, so the collector sizes the map to a
 * budget (summary_map_entries() in tools/family.c).  Nothing ever deletes
 * or resets an entry: counters only grow.  The collector shrinks the map
 * to one entry when summary_mode is off.
 */
const volatile bool summary_mode;
/* The task's cgroup v2 id in the key (the exporter's --by cgroup).  Off,
 * the key's cgroup stays 0 and the verifier drops the helper call: the
 * only cost left is hashing 8 more zero bytes per operation. */
const volatile bool summary_cgroup;
/* --peers: woken_by notes and pipe `from` (peers.bpf.h) */
const volatile bool peers_mode;
/* top --peers: with summary_mode, the events too (their edges); shm has
 * none and keeps to the summary */
const volatile bool summary_events;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, IPCSCOPE_SUMMARY_MAX);	/* sized by the collector */
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

/* Which hook the object runs on (rodata, set by the collector). */
extern const volatile __u8 tier;

/* Called from the syscall dispatcher, which has run task_wanted() already:
 * the tracepoint tier's hooks (a constant, so the verifier prunes). */
static __always_inline bool syscall_dispatched(void)
{
	return tier == IPCSCOPE_HOOK_TP_BTF || tier == IPCSCOPE_HOOK_RAW_TP;
}

/* ... unless --peers made the dispatcher pass every task (syscalls.bpf.c) */
static __always_inline bool task_filtered(void)
{
	return syscall_dispatched() && !peers_mode;
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
 * Count one operation of the current process on @object in this CPU's copy
 * of its summary entry.  @ret is bytes moved (>= 0) or -errno.  A full map
 * loses the operation into lost_events, so the loss is reported like any
 * other.  Programs run with migration disabled, so no other CPU writes this
 * copy; only a fully preemptible kernel could let another task's run of a
 * program on this CPU interleave with ours and lose an increment, the
 * trade count_lost() makes too.
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

	if (summary_cgroup)
		key.cgroup = bpf_get_current_cgroup_id();

	v = bpf_map_lookup_elem(&summary, &key);
	if (!v) {
		/* zeroes every CPU's copy */
		bpf_map_update_elem(&summary, &key, &zero_summary,
				    BPF_NOEXIST);
		v = bpf_map_lookup_elem(&summary, &key);
		if (!v) {
			count_lost();
			return;
		}
	}
	if (!v->count)		/* first operation on this CPU */
		bpf_get_current_comm(v->comm, sizeof(v->comm));
	v->count++;
	if (ret >= 0)
		v->bytes += ret;
	else
		v->errors++;
	v->total_ns += duration_ns;
	if (duration_ns > v->max_ns)
		v->max_ns = duration_ns;
	slot = log2_u64(duration_ns);
	if (slot >= IPCSCOPE_HIST_SLOTS)
		slot = IPCSCOPE_HIST_SLOTS - 1;
	/* The 6.1 verifier loses the clamp's bound on the register clang
	 * indexes with ("R7 unbounded memory access"); a mask it cannot
	 * optimise away (the barrier hides that it is a no-op) restores it. */
	asm volatile("" : "+r"(slot));
	slot &= IPCSCOPE_HIST_SLOTS - 1;
	v->hist[slot]++;
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
