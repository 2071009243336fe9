/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pairing received messages with their sends (bpf/msgsender.bpf.h), for
 * the mq and msg families: possible on the fentry and kprobe tiers when
 * load_msg, store_msg and free_msg (ipc/msgutil.c) can be hooked.
 */
#ifndef IPCSCOPE_MSGSENDER_H
#define IPCSCOPE_MSGSENDER_H

#include "probe.h"

struct bpf_object;

bool msgsender_possible(const struct kernel_info *ki, enum ipcscope_tier tier);
/* Load the pairing programs of @tier's kind in @obj when @pairing, none
 * of the other tier's. */
void msgsender_set_autoload(struct bpf_object *obj, enum ipcscope_tier tier,
			    bool pairing);
/* The kprobe tier: attach them (fentry ones attach with the skeleton). */
int msgsender_attach_kprobes(struct bpf_object *obj, struct link_set *links,
			     struct ipcs_error *err);

#endif /* IPCSCOPE_MSGSENDER_H */
