/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calls in flight, from a family's entry hook to its return hook, one per
 * task.  They live in task-local storage (BPF_MAP_TYPE_TASK_STORAGE):
 * reached from the task itself, no hash of the tid, freed with the task.
 * Where the kernel lacks task storage for the tier's program type (or
 * IPCSCOPE_NO_TASK_STORAGE=1 forces it, for testing), the collector turns
 * the same map into an LRU hash keyed by tid before load and clears
 * use_task_storage; the verifier then never walks the other branch.
 *
 * Every family's record starts with `__u64 start_ns`, nonzero while a call
 * is in flight: a task's storage outlives its calls and is marked free
 * (start_ns = 0) instead of being deleted.
 *
 * bpf_task_storage_get() returns NULL when the storage is busy on this CPU
 * (a BPF program recursing into task storage): the entry counts the call
 * as lost.  A return that cannot reach its record leaves the record in
 * flight, and the task's next entry counts it as lost then.
 */
#ifndef IPCSCOPE_INFLIGHT_BPF_H
#define IPCSCOPE_INFLIGHT_BPF_H

#include "common.bpf.h"
#include "peers.bpf.h"

const volatile bool use_task_storage = true;

#define DEFINE_INFLIGHT_MAP(value_type)					\
struct {								\
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);			\
	__uint(map_flags, BPF_F_NO_PREALLOC);				\
	__type(key, int);						\
	__type(value, value_type);					\
} inflight SEC(".maps")

/* The current task's call in flight, or NULL. */
static __always_inline void *inflight_find(void *map)
{
	__u32 tid;
	__u64 *rec;

	if (use_task_storage) {
		rec = bpf_task_storage_get(map, bpf_get_current_task_btf(),
					   NULL, 0);
		return rec && *rec ? rec : NULL;
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	return bpf_map_lookup_elem(map, &tid);
}

/*
 * Record *@rec as the current task's call in flight.  False, with the call
 * counted as lost, when there is no storage for it.
 */
#define inflight_start(map, rec)					\
({									\
	bool __ok;							\
									\
	if (use_task_storage) {						\
		typeof(rec) __p = bpf_task_storage_get(map,		\
				bpf_get_current_task_btf(), NULL,	\
				BPF_LOCAL_STORAGE_GET_F_CREATE);	\
		if (__p)						\
			*__p = *(rec);					\
		__ok = __p != NULL;					\
	} else {							\
		__u32 __tid = (__u32)bpf_get_current_pid_tgid();	\
									\
		__ok = !bpf_map_update_elem(map, &__tid, rec, BPF_ANY);	\
	}								\
	if (!__ok)							\
		count_lost();						\
	else								\
		peers_arm();	/* --peers: who wakes this call */	\
	__ok;								\
})

/* The call of @rec (from inflight_find) is over. */
static __always_inline void inflight_done(void *map, void *rec)
{
	__u32 tid;

	if (use_task_storage) {
		*(__u64 *)rec = 0;
		return;
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_delete_elem(map, &tid);
}

#endif /* IPCSCOPE_INFLIGHT_BPF_H */
