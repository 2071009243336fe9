/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An IPC family (pipe, sem, msg, signal) is one BPF object (bpf/NAME.bpf.c)
 * with programs for each probe tier, one loader (tools/NAME_probe.c) and
 * one decoder (tools/NAME_decode.c).  The loader fills in a struct
 * ipcs_family; family_probe_attach() does the rest the same way for all:
 * shared ring buffer, filters, load, attach, error messages.  The decoder
 * declares the family's event types (struct ipcs_event_type): the one
 * registry that the event loop, --summary, -t and `features` read.
 * Documentation/design.rst, "Adding a family", lists what a family brings.
 */
#ifndef IPCSCOPE_FAMILY_H
#define IPCSCOPE_FAMILY_H

#include "probe.h"

struct family_probe;

/*
 * --peers: an edge between two processes that one event shows (`graph`,
 * `top --peers`).  from -> to is the way the data, the wakeup or the signal
 * went; @from 0 is bytes of no known sender (there before tracing began,
 * or not attributable), which are counted but are no edge.  Time a call
 * slept until the other end woke it comes as a record of its own, with no
 * ops and no bytes, whichever way the data goes.
 */
struct ipcs_edge {
	__u32 from, to;
	const char *from_comm, *to_comm;	/* NULL: not known here */
	const char *kind;			/* "pipe", "sem", ... */
	__u64 object;				/* ino, semid, msqid, sig */
	__u64 bytes, ops, blocked_ns;
};

typedef void (*ipcs_edge_fn)(void *ctx, const struct ipcs_edge *edge);

/* Where an event's edges go, with the --peers notes that came with it
 * (wake, from: NULL when none). */
struct ipcs_edge_sink {
	const struct ipcscope_wake_event *wake;
	const struct ipcscope_from_event *from;
	ipcs_edge_fn fn;
	void *ctx;
};

/*
 * One event type a family emits.  A family's table is ordered by type id,
 * IPCSCOPE_EV(FAM, 1) first, and ends with an entry whose name is NULL.
 */
struct ipcs_event_type {
	unsigned int type;		/* IPCSCOPE_EV_*: hdr.type */
	const char *name;		/* "pipe_read": JSON type, --summary */
	const char *object;		/* key of its object: "ino", "semid" */
	size_t min_size;		/* hdr.size (and the record) at least */
	/*
	 * The event's own fields, after the common ones that
	 * ipcs_event_write() puts first (ipcs_event_begin: type, ts_ns, pid,
	 * tid, comm; in text TIME PID COMM) and before it closes the record.
	 * Type and size are checked by then; @size is the record's.
	 */
	void (*json)(struct ipcs_output *o, const void *data, size_t size);
	void (*text)(struct ipcs_output *o, const void *data, size_t size);
	/*
	 * --peers: the edges the event shows, each through @sink's fn with
	 * the event's notes at hand (NULL: it shows none).  Type and size
	 * (min_size) are checked by then.
	 */
	void (*edges)(const void *data, const struct ipcs_edge_sink *sink);
};

/*
 * Tracepoint tier: the family's handler of syscall @nr (x86_64 numbers),
 * tail-called by the syscall dispatcher (tools/syscalls.c).  @enter and
 * @exit name tp_btf programs of the family's object; the raw_tp flavour
 * of each is the same name with "_raw" appended.
 */
struct ipcs_syscall_handler {
	int nr;				/* -1 ends the table */
	const char *enter;
	const char *exit;
};

struct ipcs_family {
	const char *name;		/* as given to -t: pipe, sem, ... */
	const char *what;		/* "pipe reads and writes" */
	enum ipcscope_family_id id;	/* its range of event type ids */
	const struct ipcs_event_type *events;	/* its registry entries */
	/*
	 * Check the kernel offers @tier, open the skeleton into p->skel and
	 * p->obj, set its rodata (IPCS_SET_COMMON_RODATA and the family's
	 * own), choose the programs to load and fill p->desc.  Errors go
	 * into err without the tier's name, which the caller adds.
	 */
	int (*open)(struct family_probe *p, const struct kernel_info *ki,
		    const struct trace_config *cfg, enum ipcscope_tier tier,
		    struct ipcs_error *err);
	/* Attach what open() chose; NULL: attach every loaded program. */
	int (*attach)(struct family_probe *p, struct ipcs_error *err);
	/* Free p->skel and p->priv. */
	void (*destroy)(struct family_probe *p);
	/* Text column headings, printed when this family is traced alone. */
	void (*print_header)(struct ipcs_output *o);
	/* Tracepoint tier through the syscall dispatcher; NULL: none. */
	const struct ipcs_syscall_handler *syscalls;
	/* The syscall handlers serve every tier: there is no kernel
	 * function for fentry or kprobes (the events' hook says so). */
	bool syscalls_every_tier;
	/* The dispatcher calls its handlers for every task but the
	 * collector, whatever -p and -c say: they apply task_wanted()
	 * themselves (model_task() in bpf/syscalls.bpf.h).  Only for
	 * syscalls no other family handles. */
	bool syscalls_all_tasks;
	/* --payload: the types whose events the BPF side follows with a
	 * struct ipcscope_payload record (tools/payload.h), bit n - 1 for
	 * IPCSCOPE_EV(FAM, n) */
	unsigned int payload_types;
};

struct family_probe {
	const struct ipcs_family *family;
	void *skel;
	struct bpf_object *obj;
	struct link_set links;
	enum ipcscope_tier tier;
	enum ipcscope_hook hook;	/* stamped in its events' `tier` */
	void *priv;			/* the family's own, freed by it */
	char desc[256];			/* what is attached, for the user */
	bool task_storage;		/* `inflight` in task storage, not LRU */
	bool dispatched;		/* handlers are in the dispatcher */
	bool dispatched_all;		/* all of them, counted per syscall */
};

/* The ring buffer and loss counter, shared by every family's object. */
struct shared_maps {
	int events_fd;			/* -1: the first object creates them */
	int lost_fd;
	int summary_fd;
	int wakes_fd;			/* --peers' wake records; -1: none yet */
};

int family_probe_attach(struct family_probe *p,
			const struct ipcs_family *family,
			const struct kernel_info *ki,
			const struct trace_config *cfg,
			enum ipcscope_tier tier, const struct shared_maps *shared,
			struct ipcs_error *err);
void family_probe_destroy(struct family_probe *p);
/* The maps of an attached probe, to share with the next family. */
void family_probe_maps(const struct family_probe *p,
		       struct shared_maps *shared);

/*
 * Program runs the kernel skipped (bpf_prog_info.recursion_misses): an
 * fentry, tp_btf or raw_tp program is not run on a CPU where it is already
 * running, which happens when a task is preempted inside it (preempt=full
 * or lazy kernels) or a probe fires inside a probe.  Each may be an event
 * lost, or a call of no interest (the dispatcher sees every syscall).
 */
__u64 ipcs_object_recursion_misses(const struct bpf_object *obj);
__u64 ipcs_recursion_misses(const struct family_probe *probes, int n);

/* Entries of the --summary map on a machine with @ncpus possible CPUs. */
unsigned int summary_map_entries(int ncpus);

/* Attach every program of p->obj that is set to load. */
int family_attach_loaded(struct family_probe *p, struct ipcs_error *err);

/* The hook a tier uses where it has its own (fentry, kprobe, tracepoint). */
static inline enum ipcscope_hook ipcs_tier_hook(enum ipcscope_tier tier)
{
	switch (tier) {
	case IPCSCOPE_TIER_FENTRY:
		return IPCSCOPE_HOOK_FENTRY;
	case IPCSCOPE_TIER_KPROBE:
		return IPCSCOPE_HOOK_KPROBE;
	case IPCSCOPE_TIER_TRACEPOINT:
		return IPCSCOPE_HOOK_TRACEPOINT;
	default:
		return IPCSCOPE_HOOK_NONE;
	}
}

/*
 * The filters and the hook, in every object's common rodata: the loader
 * names the hook its programs really use (p->hook too, for `features`);
 * the BPF side stamps it into every event's `tier` byte.
 */
#define IPCS_SET_COMMON_RODATA(skel, cfg, hook_)			\
	do {								\
		(skel)->rodata->self_tgid = getpid();			\
		(skel)->rodata->tier = (hook_);				\
		(skel)->rodata->filter_pids = (cfg)->npids > 0;		\
		(skel)->rodata->filter_comm = (cfg)->comm[0] != '\0';	\
		(skel)->rodata->summary_mode = (cfg)->summary;		\
		(skel)->rodata->summary_cgroup = (cfg)->summary_cgroup; \
		(skel)->rodata->peers_mode = (cfg)->peers;		\
		(skel)->rodata->summary_events = (cfg)->summary &&	\
						 (cfg)->peers;		\
		(skel)->rodata->wakeup_bytes = ipcs_ringbuf_bytes(cfg) / \
					       IPCS_WAKEUP_FRACTION;	\
		memcpy((char *)(skel)->rodata->target_comm, (cfg)->comm, \
		       sizeof((cfg)->comm));				\
	} while (0)

extern const struct ipcs_family pipe_family;
extern const struct ipcs_family sem_family;
extern const struct ipcs_family msg_family;
extern const struct ipcs_family signal_family;
extern const struct ipcs_family unix_family;
extern const struct ipcs_family mq_family;
extern const struct ipcs_family shm_family;

/* Every family, in the order -t lists them and trace attaches them. */
extern const struct ipcs_family *const ipcs_families[];
extern const unsigned int ipcs_nfamilies;

/* The -t bit of the family called @name (0 if none). */
unsigned int ipcs_family_bit(const char *name);

/* Parse a -t list ("pipe,sem") into a bitmask of ipcs_families indexes. */
int ipcs_parse_families(const char *list, unsigned int *mask,
			struct ipcs_error *err);

/* "pipe, sem, msg, signal": the -t names, for help and messages. */
const char *ipcs_family_names(void);

/* ---- the event registry --------------------------------------------- */

/* The registered event type @type, or NULL: O(1), by family then index. */
const struct ipcs_event_type *ipcs_event_type_find(unsigned int type);

/* The family that owns event type @type, or NULL. */
const struct ipcs_family *ipcs_family_of_type(unsigned int type);

/* Events of type @type carry a payload record under --payload. */
bool ipcs_type_has_payload(unsigned int type);

/*
 * Print one ring buffer record through its registry entry.  -1 (nothing
 * printed) for a record shorter than a header, an unknown type (a newer
 * BPF object than this collector) or a hdr.size or record size below the
 * type's min_size.
 */
int ipcs_event_write(struct ipcs_output *o, const void *data, size_t size);
/* The same with --payload's keys after the event's own (payload_write_*()
 * of @pl, @plsize; NULL: its payload never came). */
int ipcs_event_write_payload(struct ipcs_output *o, const void *data,
			     size_t size, const struct ipcscope_payload *pl,
			     size_t plsize);

/*
 * The edges of one ring buffer record through its registry entry's edges
 * hook: nothing for a record that is short, of an unknown type or of a
 * type that shows none.
 */
void ipcs_event_edges(const void *data, size_t size,
		      const struct ipcs_edge_sink *sink);

/* For the edges hooks.  A receive by @hdr's task of @bytes that @from
 * (0: no known sender) sent: one op. */
void ipcs_edge_received(const struct ipcscope_hdr *hdr, __u32 from,
			const char *from_comm, const char *kind,
			__u64 object, __u64 bytes,
			const struct ipcs_edge_sink *sink);
/* @hdr's call slept @duration_ns until the task of the sink's wake note
 * woke it: blocked time on the edge waker -> caller (@waker_sends: a
 * receive woken by its sender) or caller -> waker (a send woken by room).
 * Nothing when it did not sleep, was woken from interrupt or by itself. */
void ipcs_edge_blocked(const struct ipcscope_hdr *hdr, const char *kind,
		       __u64 object, __u64 duration_ns, bool waker_sends,
		       const struct ipcs_edge_sink *sink);

#endif /* IPCSCOPE_FAMILY_H */
