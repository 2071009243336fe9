/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --peers on the families' side: arm the task's wake record at a call's
 * entry (inflight_start does it), and at its return send the note that
 * says who woke it, reserved just before the event it belongs to.
 */
#ifndef IPCSCOPE_PEERS_BPF_H
#define IPCSCOPE_PEERS_BPF_H

#include "common.bpf.h"
#include "wakes.bpf.h"

/* The current task enters a call that may sleep. */
static __always_inline void peers_arm(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct wake_rec *r, armed = { .state = WAKE_ARMED };

	if (!peers_mode)
		return;
	r = bpf_map_lookup_elem(&wakes, &tid);
	if (r)
		r->state = WAKE_ARMED;	/* in place: no allocation */
	else
		bpf_map_update_elem(&wakes, &tid, &armed, BPF_ANY);
}

/*
 * The current task's call returns: the note for its event, reserved now
 * so it precedes the event in the ring, or NULL when the call did not
 * sleep (or --peers is off, or the ring is full).  Disarms the record.
 */
static __always_inline struct ipcscope_wake_event *peers_wake_note(__u64 *have)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ipcscope_wake_event *w;
	struct wake_rec *r;
	__u32 state;

	*have = 0;
	if (!peers_mode || (summary_mode && !summary_events))
		return NULL;
	r = bpf_map_lookup_elem(&wakes, &tid);
	if (!r)
		return NULL;
	state = r->state;
	r->state = WAKE_IDLE;
	if (state != WAKE_BY_TASK && state != WAKE_BY_IRQ)
		return NULL;
	w = bpf_ringbuf_reserve(&events, sizeof(*w), 0);
	if (!w) {
		count_lost();
		return NULL;
	}
	*have = 1;
	fill_hdr(&w->hdr, IPCSCOPE_EV_PEER_WAKE, sizeof(*w));
	w->from_irq = state == WAKE_BY_IRQ;
	w->waker_pid = w->from_irq ? 0 : r->waker_pid;
	w->waker_tid = w->from_irq ? 0 : r->waker_tid;
	__builtin_memcpy(w->waker_comm, r->waker_comm, sizeof(w->waker_comm));
	if (w->from_irq)
		__builtin_memset(w->waker_comm, 0, sizeof(w->waker_comm));
	__builtin_memset(w->pad0, 0, sizeof(w->pad0));
	return w;
}

/*
 * Send the note with its event, or drop it with the event.  @have (set
 * where the note was reserved) says whether there is one, not a second
 * NULL test of @note: the 6.1 verifier cannot tell that a reserved record
 * it has seen non-NULL is still non-NULL, walks the NULL branch and
 * rejects the program for the record never released.  The empty asm keeps
 * clang from turning the test of @have back into one of @note.
 */
static __always_inline void peers_note_done(void *note, __u64 have,
					    bool event_sent)
{
	asm volatile("" : "+r"(have));
	if (!have)
		return;
	if (event_sent)
		bpf_ringbuf_submit(note, BPF_RB_NO_WAKEUP);
	else
		bpf_ringbuf_discard(note, BPF_RB_NO_WAKEUP);
}

#endif /* IPCSCOPE_PEERS_BPF_H */
