// SPDX-License-Identifier: GPL-2.0
/*
 * Who sleeps on which SysV semaphore set or message queue, for
 * `ipcscope sysv`: an iterator over the "objects" array map, which user
 * space fills with the ids of /proc/sysvipc/{sem,msg}.  For each id the
 * program finds the object in the reader's IPC namespace the way
 * ipc_obtain_object_idr() does (the idr, an xarray, walked by index) and
 * walks the kernel's own wait queues of it:
 *
 *   sem_array: pending_alter and pending_const (operations on several
 *              semaphores), then each semaphore's pending_alter and
 *              pending_const (single operations); one struct sem_queue
 *              per sleeping semop(2), with the kernel's copy of its sops;
 *   msg_queue: q_receivers (struct msg_receiver: mode, type, max size) and
 *              q_senders (struct msg_sender: msgsz).
 *
 * These types are private to ipc/sem.c and ipc/msg.c; BTF describes them
 * and CO-RE relocates every offset.  The queues are read without the
 * object's spinlock, which BPF cannot take: the object itself cannot be
 * freed while the program runs (the iterator runs it under
 * rcu_read_lock(), and SysV objects are freed after an RCU grace period),
 * and every read is a bpf_probe_read_kernel(), which cannot fault; a
 * queue that changes under the walk gives a stale but bounded answer.
 *
 * A queued task is reported only while its state is not TASK_RUNNING: a
 * waiter puts itself on the queue and sets TASK_INTERRUPTIBLE under the
 * object's lock, and wakers take semaphore waiters and receivers off the
 * queue before waking them, but a woken sender, or a waiter woken by a
 * signal or a timeout, stays queued until it runs again.  Those are
 * counted in the object's "waking".
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "ipcscope_sysv.h"

#define IPC_SEM_IDS	0
#define IPC_MSG_IDS	1
#define XA_MAX_LEVELS	6	/* >= 24 bits of index, the most an id has */
#define TASK_RUNNING	0
/* struct list_head walked per object at most */
#define MAX_ENTRIES	(1 << 20)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ipcscope_sysv_object);
	__uint(max_entries, 1);		/* sized by user space */
} objects SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ipcscope_sysv_waiter);
	__uint(max_entries, 1);		/* sized by user space */
} waiters SEC(".maps");

/* waiter records written so far (one reader runs the iterator) */
__u32 nwaiters;

/* One object's walk, list after list, one step per bpf_loop() round. */
struct walk {
	unsigned long obj;	/* struct sem_array or struct msg_queue */
	unsigned long sems;	/* &sem_array->sems[0] */
	unsigned long head;	/* the list being walked */
	unsigned long pos;	/* its current entry, head when done */
	__u32 sem_size;		/* sizeof(struct sem) */
	__u32 nlists;
	__u32 next_list;
	__u32 key;		/* the object's key in "objects" */
	__u32 kind;
	__u32 written;
	__u32 waking;
	bool full;		/* "waiters" has no room left */
};

/*
 * The walk lives in .bss, not on the stack: the verifier follows exact
 * values on the stack, so a list counter there made every bpf_loop()
 * round a new state and the callback never converged (6.8+ verifies
 * callbacks until their states repeat).  One program run at a time uses
 * it: the iterator's file is read by its one reader.
 */
static struct walk cur;

static __always_inline unsigned long read_ulong(unsigned long addr)
{
	unsigned long v;

	if (bpf_probe_read_kernel(&v, sizeof(v), (void *)addr))
		return 0;
	return v;
}

static __always_inline bool xa_is_node(unsigned long entry)
{
	return (entry & 3) == 2 && entry > 4096;
}

/*
 * idr_find(): the entry at @index of the idr at @idr, or 0.  Internal
 * entries other than nodes (retry, zero, sibling) are "nothing here".
 */
static __always_inline unsigned long idr_find(unsigned long idr, __u32 index)
{
	unsigned long slots_off = bpf_core_field_offset(struct xa_node, slots);
	/* XA_CHUNK_SIZE: 64, or 16 with CONFIG_BASE_SMALL */
	unsigned long mask = bpf_core_field_size(struct xa_node, slots) /
			     sizeof(void *) - 1;
	unsigned long entry, node;
	unsigned int base;
	__u8 shift;
	int level;

	base = read_ulong(idr + bpf_core_field_offset(struct idr, idr_base));
	index -= base;
	entry = read_ulong(idr + bpf_core_field_offset(struct idr, idr_rt) +
			   bpf_core_field_offset(struct xarray, xa_head));
	if (!xa_is_node(entry))
		return index || (entry & 3) == 2 ? 0 : entry;
	node = entry - 2;
	shift = BPF_CORE_READ((struct xa_node *)node, shift);
	if (shift > 30 || (index >> shift) > mask)
		return 0;	/* beyond the tree's reach */
	for (level = 0; level < XA_MAX_LEVELS; level++) {
		shift = BPF_CORE_READ((struct xa_node *)node, shift);
		if (shift > 30)
			return 0;
		entry = read_ulong(node + slots_off +
				   ((index >> shift) & mask) * sizeof(void *));
		if (!shift)
			return (entry & 3) == 2 ? 0 : entry;
		if (!xa_is_node(entry))
			return 0;
		node = entry - 2;
	}
	return 0;
}

/*
 * ipc_obtain_object_idr() and the id check of ipc_obtain_object_check():
 * the index is the id's low ipc_mni_shift bits, 15, or 24 when the kernel
 * was booted with ipcmni_extend; the object found must carry the id.
 */
static __always_inline struct kern_ipc_perm *ipc_find(unsigned long ids,
						      int id)
{
	unsigned long idr = ids + bpf_core_field_offset(struct ipc_ids,
							ipcs_idr);
	struct kern_ipc_perm *perm;
	int i;

	for (i = 0; i < 2; i++) {
		__u32 index = id & (i ? 0xffffff : 0x7fff);

		perm = (void *)idr_find(idr, index);
		if (perm && BPF_CORE_READ(perm, id) == id &&
		    !BPF_CORE_READ(perm, deleted))
			return perm;
	}
	return NULL;
}

/* The address of list @n of the object: struct list_head. */
static __always_inline unsigned long list_at(const struct walk *w, __u32 n)
{
	unsigned long off;

	if (w->kind == IPCSCOPE_SYSV_MSG)
		return w->obj + (n ? bpf_core_field_offset(struct msg_queue,
							   q_senders) :
				 bpf_core_field_offset(struct msg_queue,
						       q_receivers));
	if (n < 2)
		return w->obj + (n ? bpf_core_field_offset(struct sem_array,
							   pending_const) :
				 bpf_core_field_offset(struct sem_array,
						       pending_alter));
	off = n & 1 ? bpf_core_field_offset(struct sem, pending_const) :
		      bpf_core_field_offset(struct sem, pending_alter);
	return w->sems + (unsigned long)((n - 2) / 2) * w->sem_size + off;
}

static __always_inline void fill_task(struct ipcscope_sysv_waiter *r,
				      struct task_struct *task)
{
	r->pid = BPF_CORE_READ(task, tgid);
	r->tid = BPF_CORE_READ(task, pid);
	BPF_CORE_READ_STR_INTO(&r->comm, task, comm);
}

/* A struct sem_queue: the sembufs are the kernel's copy (on the sleeper's
 * stack, or allocated for more than SEMOPM_FAST). */
static __always_inline void fill_sem(struct ipcscope_sysv_waiter *r,
				     struct sem_queue *q)
{
	unsigned long sops = (unsigned long)BPF_CORE_READ(q, sops);
	unsigned long blocking = (unsigned long)BPF_CORE_READ(q, blocking);
	int nsops = BPF_CORE_READ(q, nsops);
	__u32 n = nsops, size;

	r->role = IPCSCOPE_SYSV_SEM_WAITER;
	r->nsops = nsops > 0 ? nsops : 0;
	if (n > IPCSCOPE_SYSV_MAX_SOPS)
		n = IPCSCOPE_SYSV_MAX_SOPS;
	size = n * sizeof(struct ipcscope_sysv_sembuf);
	if (size && size <= sizeof(r->sops))
		bpf_probe_read_kernel(r->sops, size, (void *)sops);
	r->blocking = IPCSCOPE_SYSV_NO_BLOCKING;
	if (blocking >= sops && nsops > 0 &&
	    blocking < sops + (unsigned long)nsops *
			      sizeof(struct ipcscope_sysv_sembuf))
		r->blocking = (blocking - sops) /
			      sizeof(struct ipcscope_sysv_sembuf);
}

/* The entry at w->pos of list w->next_list - 1: write its record. */
static __always_inline void visit(struct walk *w)
{
	struct ipcscope_sysv_waiter *r;
	struct task_struct *task;
	__u32 list = w->next_list - 1;
	unsigned long entry;
	__u32 slot;

	if (w->kind == IPCSCOPE_SYSV_SEM) {
		entry = w->pos - bpf_core_field_offset(struct sem_queue, list);
		task = BPF_CORE_READ((struct sem_queue *)entry, sleeper);
	} else if (list == 0) {
		entry = w->pos - bpf_core_field_offset(struct msg_receiver,
						       r_list);
		task = BPF_CORE_READ((struct msg_receiver *)entry, r_tsk);
	} else {
		entry = w->pos - bpf_core_field_offset(struct msg_sender, list);
		task = BPF_CORE_READ((struct msg_sender *)entry, tsk);
	}
	if (!task)
		return;
	if (BPF_CORE_READ(task, __state) == TASK_RUNNING) {
		w->waking++;
		return;
	}
	slot = nwaiters;
	r = bpf_map_lookup_elem(&waiters, &slot);
	if (!r) {
		w->full = true;
		return;
	}
	__builtin_memset(r, 0, sizeof(*r));
	r->object = w->key;
	fill_task(r, task);
	if (w->kind == IPCSCOPE_SYSV_SEM) {
		fill_sem(r, (struct sem_queue *)entry);
	} else if (list == 0) {
		struct msg_receiver *m = (void *)entry;

		r->role = IPCSCOPE_SYSV_MSG_RECEIVER;
		r->r_mode = BPF_CORE_READ(m, r_mode);
		r->msgtype = BPF_CORE_READ(m, r_msgtype);
		r->size = BPF_CORE_READ(m, r_maxsize);
	} else {
		r->role = IPCSCOPE_SYSV_MSG_SENDER;
		r->size = BPF_CORE_READ((struct msg_sender *)entry, msgsz);
	}
	nwaiters = slot + 1;
	w->written++;
}

static long walk_step(__u64 i, void *ctx)
{
	struct walk *w = &cur;

	if (w->pos == w->head) {
		/* this list is done: on to the next one */
		if (w->next_list >= w->nlists)
			return 1;
		w->head = list_at(w, w->next_list);
		w->next_list++;
		w->pos = read_ulong(w->head);
		if (!w->pos)
			w->pos = w->head;	/* unreadable: nothing queued */
		return 0;
	}
	visit(w);
	if (w->full)
		return 1;
	w->pos = read_ulong(w->pos);
	if (!w->pos)
		w->pos = w->head;	/* unlinked under us: end of list */
	return 0;
}

SEC("iter/bpf_map_elem")
int dump_sysv_waiters(struct bpf_iter__bpf_map_elem *ctx)
{
	struct ipcscope_sysv_object *o = ctx->value;
	struct task_struct *current;
	struct kern_ipc_perm *perm;
	struct walk *w = &cur;
	unsigned long ns;
	__u32 *key = ctx->key;
	__u32 nsems = 0;

	if (!o || !key)
		return 0;
	__builtin_memset(w, 0, sizeof(*w));
	w->key = *key;
	w->kind = o->kind;
	o->status = 0;
	o->waiters = 0;
	o->waking = 0;
	if (w->kind != IPCSCOPE_SYSV_SEM && w->kind != IPCSCOPE_SYSV_MSG)
		return 0;

	/* the reader's namespace, as /proc/sysvipc shows it to the reader */
	current = (struct task_struct *)bpf_get_current_task();
	ns = (unsigned long)BPF_CORE_READ(current, nsproxy, ipc_ns);
	if (!ns)
		return 0;
	perm = ipc_find(ns + bpf_core_field_offset(struct ipc_namespace, ids) +
			(w->kind == IPCSCOPE_SYSV_SEM ? IPC_SEM_IDS :
						       IPC_MSG_IDS) *
			bpf_core_type_size(struct ipc_ids), o->id);
	if (!perm)
		return 0;
	o->status = IPCSCOPE_SYSV_FOUND;

	if (w->kind == IPCSCOPE_SYSV_SEM) {
		struct sem_array *sma = (void *)perm -
			bpf_core_field_offset(struct sem_array, sem_perm);

		w->obj = (unsigned long)sma;
		nsems = BPF_CORE_READ(sma, sem_nsems);
		o->nsems = nsems;
		if (nsems > IPCSCOPE_SYSV_MAX_SEMS) {
			nsems = IPCSCOPE_SYSV_MAX_SEMS;
			o->status |= IPCSCOPE_SYSV_TRUNCATED;
		}
		w->sems = w->obj + bpf_core_field_offset(struct sem_array, sems);
		w->sem_size = bpf_core_type_size(struct sem);
		w->nlists = 2 + 2 * nsems;
	} else {
		struct msg_queue *msq = (void *)perm -
			bpf_core_field_offset(struct msg_queue, q_perm);

		w->obj = (unsigned long)msq;
		o->qbytes = BPF_CORE_READ(msq, q_qbytes);
		w->nlists = 2;
	}
	bpf_loop(w->nlists + MAX_ENTRIES, walk_step, NULL, 0);
	if (w->full || w->next_list < w->nlists || w->pos != w->head)
		o->status |= IPCSCOPE_SYSV_TRUNCATED;
	o->waiters = w->written;
	o->waking = w->waking;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
