// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoint tier's syscall dispatcher, shared by every family that
 * registers syscall handlers.  See bpf/syscalls.bpf.c for the BPF side
 * and Documentation/design.rst for why it is built on tail calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "syscalls.h"
#include "syscalls.skel.h"

#define SYSCALLS_MAX	512	/* as in bpf/syscalls.bpf.h */
#define SYSCALL_SLOTS	8	/* family ids 1..7, as there */
#define PROG_NAME_MAX	128

static struct {
	struct syscalls_bpf *skel;
	struct link_set links;
	int users;			/* families registered */
	unsigned char handlers[SYSCALLS_MAX];	/* families per syscall */
} dispatch;

/* A family's handler of @nr sits at its own key (syscalls.bpf.h). */
static __u32 slot_key(const struct ipcs_family *family, int nr)
{
	return family->id * SYSCALLS_MAX + nr;
}

enum ipcscope_hook ipcs_syscall_hook(const struct kernel_info *ki)
{
	static enum ipcscope_hook hook;

	if (hook)
		return hook;
	/* tp_btf attaches by the running kernel's own BTF, whatever --btf
	 * says; raw_tp needs none */
	if (!ipcs_debug_knob("IPCSCOPE_NO_TP_BTF") &&
	    !access("/sys/kernel/btf/vmlinux", R_OK) && ki &&
	    kernel_has_btf_type(ki, "btf_trace_sys_enter", BTF_KIND_TYPEDEF) &&
	    kernel_has_btf_type(ki, "btf_trace_sys_exit", BTF_KIND_TYPEDEF))
		hook = IPCSCOPE_HOOK_TP_BTF;
	else
		hook = IPCSCOPE_HOOK_RAW_TP;
	return hook;
}

static bool use_raw(void)
{
	return ipcs_syscall_hook(NULL) == IPCSCOPE_HOOK_RAW_TP;
}

static struct bpf_program *find_handler(struct bpf_object *obj,
					const char *name)
{
	char full[PROG_NAME_MAX];

	snprintf(full, sizeof(full), "%s%s", name, use_raw() ? "_raw" : "");
	return bpf_object__find_program_by_name(obj, full);
}

bool syscalls_is_handler(const struct ipcs_family *family,
			 const struct bpf_program *prog)
{
	const struct ipcs_syscall_handler *h;
	const char *name = bpf_program__name(prog);
	size_t len;

	for (h = family->syscalls; h && h->nr >= 0; h++) {
		const char *names[2] = { h->enter, h->exit };
		int i;

		for (i = 0; i < 2; i++) {
			len = strlen(names[i]);
			if (!strncmp(name, names[i], len) &&
			    (!name[len] || !strcmp(name + len, "_raw")))
				return true;
		}
	}
	return false;
}

void syscalls_set_autoload(const struct family_probe *p, bool on)
{
	struct bpf_program *prog;
	bool raw = use_raw();

	bpf_object__for_each_program(prog, p->obj) {
		const char *name = bpf_program__name(prog);
		size_t len = strlen(name);
		bool is_raw = len > 4 && !strcmp(name + len - 4, "_raw");

		if (syscalls_is_handler(p->family, prog))
			bpf_program__set_autoload(prog, on && is_raw == raw);
	}
}

static void dispatch_destroy(void)
{
	link_set_destroy(&dispatch.links);
	syscalls_bpf__destroy(dispatch.skel);
	dispatch.skel = NULL;
	dispatch.users = 0;
}

/* Open, load and attach the dispatcher, sharing @obj's output maps. */
static int dispatch_create(struct bpf_object *obj,
			   const struct trace_config *cfg,
			   struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = cfg->btf_path);
	static const char *const shared[] = { "events", "lost_events",
					      "summary", "enter_progs",
					      "exit_progs" };
	struct syscalls_bpf *skel;
	struct bpf_program *enter, *exit;
	bool raw = use_raw();
	__u8 one = 1;
	unsigned int i;
	int ret;

	skel = syscalls_bpf__open_opts(&opts);
	if (!skel)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot open the syscall dispatcher: %s",
				 ipcs_strerr(-errno));
	dispatch.skel = skel;
	IPCS_SET_COMMON_RODATA(skel, cfg, ipcs_syscall_hook(NULL));
	for (i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		struct bpf_map *from = bpf_object__find_map_by_name(obj,
								    shared[i]);
		struct bpf_map *to = bpf_object__find_map_by_name(skel->obj,
								  shared[i]);

		if (!from || !to || bpf_map__reuse_fd(to, bpf_map__fd(from))) {
			ipcs_fail(err, IPCS_EXIT_FAIL,
				  "cannot share map %s with the syscall dispatcher",
				  shared[i]);
			goto fail;
		}
	}
	enter = raw ? skel->progs.dispatch_enter_raw : skel->progs.dispatch_enter;
	exit = raw ? skel->progs.dispatch_exit_raw : skel->progs.dispatch_exit;
	bpf_program__set_autoload(skel->progs.dispatch_enter, !raw);
	bpf_program__set_autoload(skel->progs.dispatch_exit, !raw);
	bpf_program__set_autoload(skel->progs.dispatch_enter_raw, raw);
	bpf_program__set_autoload(skel->progs.dispatch_exit_raw, raw);
	ret = syscalls_bpf__load(skel);
	if (ret) {
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "loading the syscall dispatcher failed: %s",
			  ipcs_strerr(ret));
		goto fail;
	}
	for (i = 0; i < (unsigned int)cfg->npids; i++)
		bpf_map__update_elem(skel->maps.pid_filter, &cfg->pids[i],
				     sizeof(cfg->pids[i]), &one, sizeof(one),
				     BPF_ANY);
	if (link_set_add(&dispatch.links, bpf_program__attach(enter),
			 raw ? "raw_tp/sys_enter" : "tp_btf/sys_enter", err) ||
	    link_set_add(&dispatch.links, bpf_program__attach(exit),
			 raw ? "raw_tp/sys_exit" : "tp_btf/sys_exit", err))
		goto fail;
	return 0;
fail:
	dispatch_destroy();
	return -1;
}

static void set_bit_in(__u64 *bits, int nr, bool on)
{
	if (on)
		__atomic_or_fetch(&bits[nr / 64], 1ULL << (nr % 64),
				  __ATOMIC_RELAXED);
	else
		__atomic_and_fetch(&bits[nr / 64], ~(1ULL << (nr % 64)),
				   __ATOMIC_RELAXED);
}

/* On: the all-tasks bit first, so the first call dispatched is filtered
 * right; off: the other way round. */
static void set_wanted(const struct ipcs_family *family, int nr, bool on)
{
	__u64 *wanted = dispatch.skel->bss->wanted_syscalls;
	__u64 *all = dispatch.skel->bss->all_task_syscalls;

	if (on && family->syscalls_all_tasks)
		set_bit_in(all, nr, true);
	set_bit_in(wanted, nr, on);
	if (!on)
		set_bit_in(all, nr, false);
}

/* Take out @family's handlers; @counted: they are in dispatch.handlers. */
static void remove_handlers(const struct ipcs_family *family, bool counted)
{
	const struct ipcs_syscall_handler *h;

	/* the bit first (when no other family has the syscall): the
	 * dispatcher stops calling before the slot goes */
	for (h = family->syscalls; counted && h->nr >= 0; h++)
		if (dispatch.handlers[h->nr] && !--dispatch.handlers[h->nr])
			set_wanted(family, h->nr, false);
	/* only this family's keys: the other families' stay */
	for (h = family->syscalls; h->nr >= 0; h++) {
		__u32 key = slot_key(family, h->nr);

		bpf_map__delete_elem(dispatch.skel->maps.enter_progs, &key,
				     sizeof(key), 0);
		bpf_map__delete_elem(dispatch.skel->maps.exit_progs, &key,
				     sizeof(key), 0);
	}
}

int syscalls_share_progs(struct family_probe *p, struct ipcs_error *err)
{
	static const char *const arrays[] = { "enter_progs", "exit_progs" };
	unsigned int i;

	if (p->family->id >= SYSCALL_SLOTS)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "family id %d has no slot in the syscall dispatcher",
				 p->family->id);
	/* the first family's object creates the arrays, and the dispatcher
	 * takes them from it (dispatch_create) */
	if (!dispatch.skel)
		return 0;
	for (i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
		struct bpf_map *from = bpf_object__find_map_by_name(
			dispatch.skel->obj, arrays[i]);
		struct bpf_map *to = bpf_object__find_map_by_name(p->obj,
								  arrays[i]);

		if (!from || !to || bpf_map__reuse_fd(to, bpf_map__fd(from)))
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "cannot share the dispatcher's %s",
					 arrays[i]);
	}
	return 0;
}

int syscalls_register(struct family_probe *p, const struct trace_config *cfg,
		      struct ipcs_error *err)
{
	const struct ipcs_syscall_handler *h;

	/* the table first: a failure here must not touch another family's */
	for (h = p->family->syscalls; h->nr >= 0; h++)
		if (h->nr >= SYSCALLS_MAX || !find_handler(p->obj, h->enter) ||
		    !find_handler(p->obj, h->exit))
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "no handler programs for syscall %d",
					 h->nr);
	if (!dispatch.skel && dispatch_create(p->obj, cfg, err))
		return -1;
	dispatch.users++;
	p->dispatched = true;
	for (h = p->family->syscalls; h->nr >= 0; h++) {
		__u32 key = slot_key(p->family, h->nr);
		int fd;

		fd = bpf_program__fd(find_handler(p->obj, h->enter));
		if (bpf_map__update_elem(dispatch.skel->maps.enter_progs,
					 &key, sizeof(key), &fd, sizeof(fd),
					 BPF_ANY))
			goto fail;
		fd = bpf_program__fd(find_handler(p->obj, h->exit));
		if (bpf_map__update_elem(dispatch.skel->maps.exit_progs,
					 &key, sizeof(key), &fd, sizeof(fd),
					 BPF_ANY))
			goto fail;
	}
	for (h = p->family->syscalls; h->nr >= 0; h++)
		if (!dispatch.handlers[h->nr]++)
			set_wanted(p->family, h->nr, true);
	p->dispatched_all = true;
	return 0;
fail:
	ipcs_fail(err, IPCS_EXIT_FAIL,
		  "cannot put syscall %d's handler in the dispatcher: %s",
		  h->nr, strerror(errno));
	syscalls_unregister(p);
	return -1;
}

void syscalls_unregister(struct family_probe *p)
{
	if (!p->dispatched || !dispatch.skel)
		return;
	p->dispatched = false;
	/* counted per syscall only once all went in */
	remove_handlers(p->family, p->dispatched_all);
	p->dispatched_all = false;
	if (--dispatch.users <= 0)
		dispatch_destroy();
}

__u64 syscalls_recursion_misses(void)
{
	return dispatch.skel ?
	       ipcs_object_recursion_misses(dispatch.skel->obj) : 0;
}
