/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --peers: the sched_waking probe (bpf/peers.bpf.c) and the notes the
 * families send ahead of an event (IPCSCOPE_EV_PEER_*), which the event
 * loop keeps per tid until the event they belong to comes.
 */
#ifndef IPCSCOPE_PEERS_H
#define IPCSCOPE_PEERS_H

#include <stdbool.h>
#include "ipcscope.h"
#include "error.h"

struct peers_bpf;
struct bpf_link;
struct family_probe;
struct kernel_info;
struct shared_maps;

struct ipcs_peers {
	struct peers_bpf *skel;
	struct bpf_link *link;
};

/* The fd of @p's wake map, or -1 when its family has none. */
int peers_wakes_fd(const struct family_probe *p);
/* Load and attach the sched_waking program on the families' wake map
 * (nothing to do when no traced family has one). */
int peers_attach(struct ipcs_peers *peers, const struct kernel_info *ki,
		 const struct shared_maps *shared, struct ipcs_error *err);
void peers_detach(struct ipcs_peers *peers);

/*
 * Notes waiting for their event.  The note and its event are reserved one
 * after the other by one program run, so at most a record of each other
 * CPU falls between them: a few slots by tid are plenty.
 */
#define IPCS_NOTE_SLOTS	64

struct ipcs_note_slot {
	__u32 tid;
	bool has_wake;
	bool has_from;
	struct ipcscope_wake_event wake;
	struct ipcscope_from_event from;
};

struct ipcs_notes {
	struct ipcs_note_slot slot[IPCS_NOTE_SLOTS];
};

/* Keep the record if it is a note: true when it was one (not an event). */
bool ipcs_notes_put(struct ipcs_notes *n, const void *data, size_t size);
/* The notes for @tid's event into @o (o->wake, o->from: NULL when none);
 * valid until the next ipcs_notes_put(). */
struct ipcs_output;
void ipcs_notes_take(struct ipcs_notes *n, __u32 tid, struct ipcs_output *o);

#endif /* IPCSCOPE_PEERS_H */
