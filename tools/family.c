// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "family.h"
#include "output.h"
#include "payload.h"
#include "syscalls.h"

/*
 * Entries of the preallocated per-CPU summary map: IPCSCOPE_SUMMARY_MAX, or
 * fewer on machines with many CPUs, so the map never takes more than
 * IPCS_SUMMARY_BUDGET of kernel memory (2 CPUs: 16384 entries, 10 MiB;
 * 64 CPUs: 1680).  A full map counts further keys as lost.
 */
#define IPCS_SUMMARY_BUDGET	(32ULL << 20)

unsigned int summary_map_entries(int ncpus)
{
	unsigned long long n;

	if (ncpus < 1)
		ncpus = 1;
	n = IPCS_SUMMARY_BUDGET /
	    ((unsigned long long)ncpus * sizeof(struct ipcscope_summary_val));
	if (n > IPCSCOPE_SUMMARY_MAX)
		n = IPCSCOPE_SUMMARY_MAX;
	return n < 256 ? 256 : (unsigned int)n;
}

/*
 * --peers' wake records (bpf/wakes.bpf.h): one map for every family that
 * has it and the sched_waking program.  Without --peers nothing touches
 * it; keep it at a token size (an LRU hash wants an element per CPU).
 */
static int share_wakes(struct family_probe *p, const struct trace_config *cfg,
		       const struct shared_maps *shared, struct ipcs_error *err)
{
	struct bpf_map *wakes = bpf_object__find_map_by_name(p->obj, "wakes");

	struct bpf_map *streams = bpf_object__find_map_by_name(p->obj,
							       "pipe_streams");

	if (!cfg->peers && streams &&
	    bpf_map__set_max_entries(streams, libbpf_num_possible_cpus()))
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot size the pipe stream map");
	if (!wakes)
		return 0;
	if (!cfg->peers)
		return bpf_map__set_max_entries(wakes,
						libbpf_num_possible_cpus()) ?
		       ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot size the wake map") : 0;
	if (shared && shared->wakes_fd >= 0 &&
	    bpf_map__reuse_fd(wakes, shared->wakes_fd))
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot share the wake map: %s",
				 strerror(errno));
	return 0;
}

static int share_maps(struct family_probe *p, const struct trace_config *cfg,
		      const struct shared_maps *shared, struct ipcs_error *err)
{
	struct bpf_map *events = bpf_object__find_map_by_name(p->obj, "events");
	struct bpf_map *lost = bpf_object__find_map_by_name(p->obj,
							    "lost_events");
	struct bpf_map *summary = bpf_object__find_map_by_name(p->obj,
							       "summary");

	if (!events || !lost || !summary)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "BPF object %s lacks the events maps",
				 p->family->name);
	if (shared && shared->events_fd >= 0) {
		if (bpf_map__reuse_fd(events, shared->events_fd) ||
		    bpf_map__reuse_fd(lost, shared->lost_fd) ||
		    bpf_map__reuse_fd(summary, shared->summary_fd))
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "cannot share the ring buffer: %s",
					 strerror(errno));
	} else {
		bpf_map__set_max_entries(events, ipcs_ringbuf_bytes(cfg));
		/* without --summary the map is never used: keep it tiny */
		bpf_map__set_max_entries(summary, cfg->summary ?
			summary_map_entries(libbpf_num_possible_cpus()) : 1);
	}
	return share_wakes(p, cfg, shared, err);
}

static void fill_pid_filter(struct family_probe *p,
			    const struct trace_config *cfg)
{
	struct bpf_map *map = bpf_object__find_map_by_name(p->obj,
							   "pid_filter");
	__u8 one = 1;
	int i;

	for (i = 0; map && i < cfg->npids; i++)
		bpf_map__update_elem(map, &cfg->pids[i], sizeof(cfg->pids[i]),
				     &one, sizeof(one), BPF_ANY);
}

/*
 * Can the tier's programs keep their calls in flight in task storage?
 * The map type came with 5.11, usable from tracing (fentry, tp_btf)
 * programs at once; kprobe and raw_tp programs ask the kernel whether
 * they may call bpf_task_storage_get().  IPCSCOPE_NO_TASK_STORAGE=1
 * forces the LRU hash, to test the fallback.
 */
static bool task_storage_usable(const struct kernel_info *ki,
				enum ipcscope_tier tier)
{
	static int map_ok = -1, helper_ok[IPCSCOPE_TIER_TRACEPOINT + 1] = {
		-1, -1, -1, -1 };
	enum bpf_prog_type type = BPF_PROG_TYPE_UNSPEC;

	if (ipcs_debug_knob("IPCSCOPE_NO_TASK_STORAGE"))
		return false;
	if (map_ok < 0)
		map_ok = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE,
						   NULL) == 1;
	if (!map_ok || tier > IPCSCOPE_TIER_TRACEPOINT)
		return false;
	if (tier == IPCSCOPE_TIER_KPROBE)
		type = BPF_PROG_TYPE_KPROBE;
	else if (tier == IPCSCOPE_TIER_TRACEPOINT &&
		 ipcs_syscall_hook(ki) == IPCSCOPE_HOOK_RAW_TP)
		type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	if (type == BPF_PROG_TYPE_UNSPEC)
		return true;
	if (helper_ok[tier] < 0)
		helper_ok[tier] = libbpf_probe_bpf_helper(type,
				BPF_FUNC_task_storage_get, NULL) == 1;
	return helper_ok[tier];
}

/* The fallback: the same map, as an LRU hash of tids (inflight.bpf.h). */
static int inflight_to_lru(struct family_probe *p, struct ipcs_error *err)
{
	struct bpf_map *map = bpf_object__find_map_by_name(p->obj,
							   "inflight");

	if (!map || p->task_storage)
		return 0;
	if (bpf_map__set_type(map, BPF_MAP_TYPE_LRU_HASH) ||
	    bpf_map__set_map_flags(map, 0) ||
	    bpf_map__set_max_entries(map, IPCSCOPE_INFLIGHT_LRU_ENTRIES))
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot make the in-flight map an LRU hash");
	return 0;
}

/* Put the tier's name in front of a message from below. */
static int tier_error(struct ipcs_error *err, enum ipcscope_tier tier)
{
	char msg[sizeof(err->msg)];

	snprintf(msg, sizeof(msg), "%s", err->msg);
	snprintf(err->msg, sizeof(err->msg), "%s: %.480s",
		 ipcs_tier_name(tier), msg);
	return -1;
}

int family_probe_attach(struct family_probe *p,
			const struct ipcs_family *family,
			const struct kernel_info *ki,
			const struct trace_config *cfg,
			enum ipcscope_tier tier, const struct shared_maps *shared,
			struct ipcs_error *err)
{
	/* a family with no kernel function of its own to hook serves every
	 * tier from its syscall handlers (syscalls_every_tier) */
	bool by_syscall = tier == IPCSCOPE_TIER_TRACEPOINT ||
			  family->syscalls_every_tier;
	int ret;

	memset(p, 0, sizeof(*p));
	p->family = family;
	p->tier = tier;
	ipcs_syscall_hook(ki);	/* decided before anyone asks */
	p->task_storage = task_storage_usable(ki, family->syscalls_every_tier ?
					      IPCSCOPE_TIER_TRACEPOINT : tier);
	if (family->open(p, ki, cfg, tier, err))
		goto fail;
	if (family->syscalls)
		syscalls_set_autoload(p, by_syscall);
	if (inflight_to_lru(p, err) || share_maps(p, cfg, shared, err))
		goto fail;
	if (by_syscall && family->syscalls &&
	    syscalls_share_progs(p, err))
		goto fail;
	ret = bpf_object__load(p->obj);
	if (ret) {
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "loading the BPF programs failed: %s%s",
			  ipcs_strerr(ret),
			  tier == IPCSCOPE_TIER_FENTRY && ret == -EPERM ?
			  " (the kernel refuses BPF trampolines)" : "");
		goto fail;
	}
	fill_pid_filter(p, cfg);
	if (family->attach ? family->attach(p, err) :
			     family_attach_loaded(p, err))
		goto fail;
	if (by_syscall && family->syscalls && syscalls_register(p, cfg, err))
		goto fail;
	if (bpf_object__find_map_by_name(p->obj, "inflight"))
		ipcs_verbose(cfg, "%s: calls in flight in %s", family->name,
			     p->task_storage ? "task storage" : "an LRU hash");
	return 0;
fail:
	family_probe_destroy(p);
	return tier_error(err, tier);
}

void family_probe_destroy(struct family_probe *p)
{
	syscalls_unregister(p);
	link_set_destroy(&p->links);
	if (p->family)
		p->family->destroy(p);
	p->skel = NULL;
	p->priv = NULL;
	p->obj = NULL;
}

void family_probe_maps(const struct family_probe *p,
		       struct shared_maps *shared)
{
	shared->events_fd = bpf_map__fd(
		bpf_object__find_map_by_name(p->obj, "events"));
	shared->lost_fd = bpf_map__fd(
		bpf_object__find_map_by_name(p->obj, "lost_events"));
	shared->summary_fd = bpf_map__fd(
		bpf_object__find_map_by_name(p->obj, "summary"));
}

int family_attach_loaded(struct family_probe *p, struct ipcs_error *err)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, p->obj) {
		/* handlers are tail-called by the dispatcher, not attached */
		if (!bpf_program__autoload(prog) ||
		    (p->family->syscalls &&
		     syscalls_is_handler(p->family, prog)))
			continue;
		if (link_set_add(&p->links, bpf_program__attach(prog),
				 bpf_program__name(prog), err))
			return -1;
	}
	return 0;
}

const struct ipcs_family *const ipcs_families[] = {
	&pipe_family,
	&sem_family,
	&msg_family,
	&signal_family,
	&unix_family,
	&mq_family,
	&shm_family,
};

const unsigned int ipcs_nfamilies =
	sizeof(ipcs_families) / sizeof(ipcs_families[0]);

unsigned int ipcs_family_bit(const char *name)
{
	unsigned int i;

	for (i = 0; i < ipcs_nfamilies; i++)
		if (!strcmp(ipcs_families[i]->name, name))
			return 1U << i;
	return 0;
}

const char *ipcs_family_names(void)
{
	static char names[256];
	unsigned int i;
	size_t off = 0;

	if (names[0])
		return names;
	for (i = 0; i < ipcs_nfamilies && off < sizeof(names); i++)
		off += snprintf(names + off, sizeof(names) - off, "%s%s",
				i ? ", " : "", ipcs_families[i]->name);
	return names;
}

int ipcs_parse_families(const char *list, unsigned int *mask,
			struct ipcs_error *err)
{
	char *copy = strdup(list), *tok, *save = NULL;
	const char *names = ipcs_family_names();
	unsigned int i;

	if (!copy)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	*mask = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ipcs_nfamilies; i++)
			if (!strcmp(tok, ipcs_families[i]->name))
				break;
		if (i == ipcs_nfamilies) {
			ipcs_fail(err, IPCS_EXIT_USAGE,
				  "unknown IPC type '%s': want %s", tok, names);
			free(copy);
			return -1;
		}
		*mask |= 1U << i;
	}
	free(copy);
	if (!*mask)
		return ipcs_fail(err, IPCS_EXIT_USAGE,
				 "empty IPC type list: want %s", names);
	return 0;
}

/* ---- the event registry ---------------------------------------------- */

#define MAX_FAMILY_ID	64

/* Families by id and the length of each one's event table, built once
 * from ipcs_families[]. */
static struct {
	const struct ipcs_family *family;
	unsigned int nevents;
} by_id[MAX_FAMILY_ID];
static bool indexed;

static void build_index(void)
{
	unsigned int i, n;

	for (i = 0; i < ipcs_nfamilies; i++) {
		const struct ipcs_family *f = ipcs_families[i];

		if (f->id >= MAX_FAMILY_ID)
			continue;
		for (n = 0; f->events && f->events[n].name; n++)
			;
		by_id[f->id].family = f;
		by_id[f->id].nevents = n;
	}
	indexed = true;
}

const struct ipcs_family *ipcs_family_of_type(unsigned int type)
{
	unsigned int id = IPCSCOPE_EV_FAMILY(type);

	if (!indexed)
		build_index();
	return id < MAX_FAMILY_ID ? by_id[id].family : NULL;
}

const struct ipcs_event_type *ipcs_event_type_find(unsigned int type)
{
	const struct ipcs_family *f = ipcs_family_of_type(type);
	unsigned int n = type & ((1U << IPCSCOPE_EV_FAMILY_SHIFT) - 1);
	const struct ipcs_event_type *t;

	if (!f || n == 0 || n > by_id[f->id].nevents)
		return NULL;
	t = &f->events[n - 1];
	/* a table out of order is a bug; never print under a wrong name */
	return t->type == type ? t : NULL;
}

static int event_write(struct ipcs_output *o, const void *data, size_t size,
		       bool with_payload, const struct ipcscope_payload *pl,
		       size_t plsize)
{
	const struct ipcscope_hdr *hdr = data;
	const struct ipcs_event_type *t;

	if (size < sizeof(*hdr))
		return -1;
	t = ipcs_event_type_find(hdr->type);
	if (!t || hdr->size < t->min_size || size < t->min_size)
		return -1;
	/* a record's own size says what it holds; the ring may pad it */
	if (hdr->size < size)
		size = hdr->size;
	ipcs_event_begin(o, t->name, hdr);
	if (o->format == IPCS_FMT_JSON)
		t->json(o, data, size);
	else
		t->text(o, data, size);
	if (with_payload && o->format == IPCS_FMT_JSON)
		payload_write_json(&o->w, pl, plsize);
	else if (with_payload)
		payload_write_text(&o->w, pl, plsize);
	ipcs_event_end(o);
	return 0;
}

bool ipcs_type_has_payload(unsigned int type)
{
	const struct ipcs_family *f = ipcs_family_of_type(type);
	unsigned int n = type & ((1U << IPCSCOPE_EV_FAMILY_SHIFT) - 1);

	return f && n >= 1 && n <= 32 && (f->payload_types & (1U << (n - 1)));
}

int ipcs_event_write(struct ipcs_output *o, const void *data, size_t size)
{
	return event_write(o, data, size, false, NULL, 0);
}

int ipcs_event_write_payload(struct ipcs_output *o, const void *data,
			     size_t size, const struct ipcscope_payload *pl,
			     size_t plsize)
{
	return event_write(o, data, size, true, pl, plsize);
}

void ipcs_event_edges(const void *data, size_t size,
		      const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_hdr *hdr = data;
	const struct ipcs_event_type *t;

	if (size < sizeof(*hdr) || hdr->size > size)
		return;
	t = ipcs_event_type_find(hdr->type);
	if (!t || !t->edges || hdr->size < t->min_size)
		return;
	t->edges(data, sink);
}

void ipcs_edge_received(const struct ipcscope_hdr *hdr, __u32 from,
			const char *from_comm, const char *kind,
			__u64 object, __u64 bytes,
			const struct ipcs_edge_sink *sink)
{
	struct ipcs_edge e = {
		.from = from, .from_comm = from_comm,
		.to = hdr->pid, .to_comm = hdr->comm,
		.kind = kind, .object = object, .bytes = bytes, .ops = 1,
	};

	sink->fn(sink->ctx, &e);
}

void ipcs_edge_blocked(const struct ipcscope_hdr *hdr, const char *kind,
		       __u64 object, __u64 duration_ns, bool waker_sends,
		       const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_wake_event *wake = sink->wake;
	struct ipcs_edge e = {
		.kind = kind, .object = object, .blocked_ns = duration_ns,
	};

	if (!wake || wake->from_irq || !wake->waker_pid ||
	    wake->waker_pid == hdr->pid)
		return;
	if (waker_sends) {
		e.from = wake->waker_pid;
		e.from_comm = wake->waker_comm;
		e.to = hdr->pid;
		e.to_comm = hdr->comm;
	} else {
		e.from = hdr->pid;
		e.from_comm = hdr->comm;
		e.to = wake->waker_pid;
		e.to_comm = wake->waker_comm;
	}
	sink->fn(sink->ctx, &e);
}

/* Runs the kernel skipped of the programs of @obj that are loaded. */
__u64 ipcs_object_recursion_misses(const struct bpf_object *obj)
{
	struct bpf_program *prog;
	__u64 total = 0;

	if (!obj)
		return 0;
	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			total += info.recursion_misses;
	}
	return total;
}

__u64 ipcs_recursion_misses(const struct family_probe *probes, int n)
{
	__u64 total = syscalls_recursion_misses();
	int i;

	for (i = 0; i < n; i++)
		total += ipcs_object_recursion_misses(probes[i].obj);
	return total;
}
