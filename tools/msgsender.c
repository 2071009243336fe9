// SPDX-License-Identifier: GPL-2.0
/*
 * Pairing received messages with their sends, the loader's half: the six
 * programs of bpf/msgsender.bpf.h (MSGSENDER_PROGRAMS), named alike in
 * every family object that has them (mq, msg), found here by name.
 */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "msgsender.h"

/*
 * Global functions of ipc/msgutil.c, T in kallsyms on 6.1, 6.12 and 6.18.
 * Without them (or on the tracepoint tier) the receive events only lack
 * their sender.
 */
static const char *const msgutil_funcs[] = {
	"load_msg", "store_msg", "free_msg",
};

#define NMSGUTIL (sizeof(msgutil_funcs) / sizeof(msgutil_funcs[0]))

/* Per function: its fentry-tier program, its kprobe-tier program, and
 * whether that one is a kretprobe (load_msg's result is the message; it
 * does not sleep for long: the default kretprobe slots do). */
static const struct {
	const char *prog[2];
	bool kretprobe;
} pairing_progs[NMSGUTIL] = {
	{ { "load_msg_fexit", "load_msg_kretprobe" }, true },
	{ { "store_msg_fentry", "store_msg_kprobe" }, false },
	{ { "free_msg_fentry", "free_msg_kprobe" }, false },
};

bool msgsender_possible(const struct kernel_info *ki, enum ipcscope_tier tier)
{
	unsigned int i;

	if (tier != IPCSCOPE_TIER_FENTRY && tier != IPCSCOPE_TIER_KPROBE)
		return false;
	for (i = 0; i < NMSGUTIL; i++)
		if (!kernel_has_btf_func(ki, msgutil_funcs[i]) ||
		    (tier == IPCSCOPE_TIER_KPROBE &&
		     kallsyms_has(msgutil_funcs[i]) == 0))
			return false;
	return true;
}

void msgsender_set_autoload(struct bpf_object *obj, enum ipcscope_tier tier,
			    bool pairing)
{
	unsigned int i, t;

	for (i = 0; i < NMSGUTIL; i++)
		for (t = 0; t < 2; t++) {
			struct bpf_program *prog =
				bpf_object__find_program_by_name(
					obj, pairing_progs[i].prog[t]);

			/* an object without them: msgsender_attach_kprobes
			 * says so; fentry ones are simply not there */
			if (prog)
				bpf_program__set_autoload(prog, pairing &&
					tier == (t ? IPCSCOPE_TIER_KPROBE :
						     IPCSCOPE_TIER_FENTRY));
		}
}

int msgsender_attach_kprobes(struct bpf_object *obj, struct link_set *links,
			     struct ipcs_error *err)
{
	char what[64];
	unsigned int i;

	for (i = 0; i < NMSGUTIL; i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(
			obj, pairing_progs[i].prog[1]);
		bool ret = pairing_progs[i].kretprobe;

		if (!prog)
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "no BPF program %s in the object",
					 pairing_progs[i].prog[1]);

		snprintf(what, sizeof(what), "%s to %s",
			 ret ? "kretprobe" : "kprobe", msgutil_funcs[i]);
		if (link_set_add(links, bpf_program__attach_kprobe(
				 prog, ret, msgutil_funcs[i]), what, err))
			return -1;
	}
	return 0;
}
