/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which send a received message came from, for the message queue families
 * (mq, msg) on the fentry and kprobe tiers.  The kernel copies every
 * message in with load_msg() and out with store_msg() (ipc/msgutil.c),
 * POSIX and SysV alike, and the struct msg_msg pointer is the same in
 * both, even when a send hands the message straight to a sleeping
 * receiver.  The return of load_msg notes the sender under that pointer
 * (`senders`); store_msg, called inside the receive, takes the note into
 * the receive's record (sender_take); free_msg drops the notes of messages
 * never received (a failed send, a queue removed full), so a reused
 * address cannot name a stale sender.  Messages queued before tracing
 * began have no note: sender unknown.
 *
 * Senders are noted whatever the -p and -c filters say: a traced receiver
 * may take an untraced sender's message.
 */
#ifndef IPCSCOPE_MSGSENDER_BPF_H
#define IPCSCOPE_MSGSENDER_BPF_H

#include "common.bpf.h"

struct sender {
	__u64 ts_ns;		/* when load_msg returned */
	__u32 pid;
	__u32 tid;
	char comm[IPCSCOPE_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);	/* messages in flight, all queues */
	__type(key, __u64);
	__type(value, struct sender);
} senders SEC(".maps");

/* load_msg returned @msg (or an ERR_PTR) in the current task. */
static __always_inline void sender_note(void *msg)
{
	__u64 key = (__u64)msg;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct sender s = {};

	if (!msg || key >= (__u64)-4095)
		return;
	if ((pid_tgid >> 32) == self_tgid)
		return;
	s.ts_ns = bpf_ktime_get_ns();
	s.pid = pid_tgid >> 32;
	s.tid = (__u32)pid_tgid;
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	bpf_map_update_elem(&senders, &key, &s, BPF_ANY);
}

/* The note of @msg into *@s, and forget it; false when there is none. */
static __always_inline bool sender_take(void *msg, struct sender *s)
{
	__u64 key = (__u64)msg;
	struct sender *found = bpf_map_lookup_elem(&senders, &key);

	if (!found)
		return false;
	*s = *found;
	bpf_map_delete_elem(&senders, &key);
	return true;
}

/* free_msg(@msg): its note, if any, is stale from now on. */
static __always_inline void sender_forget(void *msg)
{
	__u64 key = (__u64)msg;

	bpf_map_delete_elem(&senders, &key);
}

/*
 * msg_stored() for a family whose in-flight record (struct inflight, map
 * `inflight`) has the sender_* fields: inside a receive of @rcv_type,
 * store_msg(@msg) hands the message's note to the receive.
 */
#define MSGSENDER_STORED(rcv_type)					\
static __always_inline void msg_stored(void *msg)			\
{									\
	struct inflight *rec = inflight_find(&inflight);		\
	struct sender s;						\
									\
	if (!rec || rec->type != (rcv_type) || !sender_take(msg, &s))	\
		return;							\
	rec->sender_known = 1;						\
	rec->sender_pid = s.pid;					\
	rec->sender_tid = s.tid;					\
	rec->sent_ts_ns = s.ts_ns;					\
	rec->taken_ns = bpf_ktime_get_ns();				\
	__builtin_memcpy(rec->sender_comm, s.comm,			\
			 sizeof(rec->sender_comm));			\
}

/*
 * The six pairing programs, named alike in every family that has them
 * (tools/msgsender.c loads and attaches them by these names): fexit or a
 * kretprobe on load_msg calls @loaded with the message, fentry or a kprobe
 * on store_msg calls msg_stored(), free_msg forgets the note.
 */
#define MSGSENDER_PROGRAMS(loaded)					\
SEC("fexit/load_msg")							\
int BPF_PROG(load_msg_fexit, const void *src, size_t len, void *ret)	\
{									\
	loaded(ret);							\
	return 0;							\
}									\
									\
SEC("fentry/store_msg")							\
int BPF_PROG(store_msg_fentry, void *dest, void *msg, size_t len)	\
{									\
	msg_stored(msg);						\
	return 0;							\
}									\
									\
SEC("fentry/free_msg")							\
int BPF_PROG(free_msg_fentry, void *msg)				\
{									\
	sender_forget(msg);						\
	return 0;							\
}									\
									\
SEC("kretprobe")							\
int BPF_KRETPROBE(load_msg_kretprobe, void *ret)			\
{									\
	loaded(ret);							\
	return 0;							\
}									\
									\
SEC("kprobe")								\
int BPF_KPROBE(store_msg_kprobe, void *dest, void *msg)			\
{									\
	msg_stored(msg);						\
	return 0;							\
}									\
									\
SEC("kprobe")								\
int BPF_KPROBE(free_msg_kprobe, void *msg)				\
{									\
	sender_forget(msg);						\
	return 0;							\
}

#endif /* IPCSCOPE_MSGSENDER_BPF_H */
