// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "family.h"

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
		if (cfg->ringbuf_bytes)
			bpf_map__set_max_entries(events, cfg->ringbuf_bytes);
		/* without --summary the map is never used: keep it tiny */
		if (!cfg->summary)
			bpf_map__set_max_entries(summary, 1);
	}
	return 0;
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
	int ret;

	memset(p, 0, sizeof(*p));
	p->family = family;
	p->tier = tier;
	if (family->open(p, ki, cfg, tier, err))
		goto fail;
	if (share_maps(p, cfg, shared, err))
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
	return 0;
fail:
	family_probe_destroy(p);
	return tier_error(err, tier);
}

void family_probe_destroy(struct family_probe *p)
{
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
		if (!bpf_program__autoload(prog))
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

int ipcs_parse_families(const char *list, unsigned int *mask,
			struct ipcs_error *err)
{
	char *copy = strdup(list), *tok, *save = NULL;
	char names[128] = "";
	unsigned int i;
	size_t off = 0;

	if (!copy)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	for (i = 0; i < ipcs_nfamilies && off < sizeof(names); i++)
		off += snprintf(names + off, sizeof(names) - off, "%s%s",
				i ? ", " : "", ipcs_families[i]->name);
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
