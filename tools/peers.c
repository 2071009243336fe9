// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "family.h"
#include "output.h"
#include "peers.h"
#include "syscalls.h"
#include "peers.skel.h"

int peers_wakes_fd(const struct family_probe *p)
{
	struct bpf_map *map = p->obj ?
		bpf_object__find_map_by_name(p->obj, "wakes") : NULL;

	return map ? bpf_map__fd(map) : -1;
}

/*
 * The address of each of @n names in /proc/kallsyms (0: absent).  Root
 * reads real addresses (kptr_restrict hides them from others only).
 */
static void kallsyms_addrs(const char *const *names, __u64 *addrs, int n)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], sym[256], type;
	unsigned long long addr;
	int i, left = n;

	memset(addrs, 0, n * sizeof(*addrs));
	while (f && left && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) != 3)
			continue;
		for (i = 0; i < n; i++)
			if (!addrs[i] && !strcmp(sym, names[i])) {
				addrs[i] = addr;
				left--;
			}
	}
	if (f)
		fclose(f);
}

int peers_attach(struct ipcs_peers *peers, const struct kernel_info *ki,
		 const struct shared_maps *shared, struct ipcs_error *err)
{
	bool raw = ipcs_syscall_hook(ki) == IPCSCOPE_HOOK_RAW_TP;
	struct bpf_program *prog;
	struct peers_bpf *skel;
	int ret;

	memset(peers, 0, sizeof(*peers));
	if (shared->wakes_fd < 0)
		return 0;	/* no traced family has calls that sleep */
	skel = peers_bpf__open();
	if (!skel)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "--peers: cannot open the wakeup probe: %s",
				 strerror(errno));
	peers->skel = skel;
	{
		static const char *const names[] = {
			"__irqentry_text_start", "__irqentry_text_end",
			"__softirqentry_text_start", "__softirqentry_text_end",
		};
		__u64 a[4];

		kallsyms_addrs(names, a, 4);
		if (!a[0] || a[1] <= a[0])
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "--peers: /proc/kallsyms has no __irqentry_text_start (needed to tell wakeups from interrupts)");
		skel->rodata->irqentry_start = a[0];
		skel->rodata->irqentry_end = a[1];
		/* gone from newer kernels: __do_softirq then runs below an
		 * irqentry frame or in ksoftirqd */
		if (a[3] > a[2]) {
			skel->rodata->softirqentry_start = a[2];
			skel->rodata->softirqentry_end = a[3];
		}
	}
	prog = raw ? skel->progs.peers_waking_raw : skel->progs.peers_waking;
	bpf_program__set_autoload(raw ? skel->progs.peers_waking :
			skel->progs.peers_waking_raw, false);
	if (bpf_map__reuse_fd(skel->maps.wakes, shared->wakes_fd))
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "--peers: cannot share the wake map: %s",
				 strerror(errno));
	ret = peers_bpf__load(skel);
	if (ret)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "--peers: loading the sched_waking probe failed: %s",
				 ipcs_strerr(ret));
	peers->link = bpf_program__attach(prog);
	if (!peers->link) {
		ret = -errno;
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "--peers: attaching to sched_waking failed: %s",
				 ipcs_strerr(ret));
	}
	return 0;
}

void peers_detach(struct ipcs_peers *peers)
{
	bpf_link__destroy(peers->link);
	peers_bpf__destroy(peers->skel);
	peers->link = NULL;
	peers->skel = NULL;
}

static struct ipcs_note_slot *slot_of(struct ipcs_notes *n, __u32 tid)
{
	return &n->slot[tid % IPCS_NOTE_SLOTS];
}

bool ipcs_notes_put(struct ipcs_notes *n, const void *data, size_t size)
{
	const struct ipcscope_hdr *hdr = data;
	struct ipcs_note_slot *s;

	if (size < sizeof(*hdr) ||
	    IPCSCOPE_EV_FAMILY(hdr->type) != IPCSCOPE_FAM_PEER)
		return false;
	s = slot_of(n, hdr->tid);
	if (s->tid != hdr->tid)
		s->has_wake = s->has_from = false;
	s->tid = hdr->tid;
	if (hdr->type == IPCSCOPE_EV_PEER_WAKE &&
	    size >= sizeof(s->wake) && hdr->size >= sizeof(s->wake)) {
		memcpy(&s->wake, data, sizeof(s->wake));
		s->has_wake = true;
	} else if (hdr->type == IPCSCOPE_EV_PEER_FROM &&
		   size >= sizeof(s->from) && hdr->size >= sizeof(s->from)) {
		memcpy(&s->from, data, sizeof(s->from));
		if (s->from.nfrom > IPCSCOPE_FROM_MAX)
			s->from.nfrom = IPCSCOPE_FROM_MAX;
		s->has_from = true;
	}
	/* else a note this collector does not know: skipped */
	return true;
}

void ipcs_notes_take(struct ipcs_notes *n, __u32 tid, struct ipcs_output *o)
{
	struct ipcs_note_slot *s = slot_of(n, tid);

	o->wake = NULL;
	o->from = NULL;
	if (s->tid != tid)
		return;
	if (s->has_wake)
		o->wake = &s->wake;
	if (s->has_from)
		o->from = &s->from;
	s->has_wake = s->has_from = false;
}
