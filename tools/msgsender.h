/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pairing received messages with their sends (bpf/msgsender.bpf.h), for
 * the mq and msg families: possible on the fentry and kprobe tiers when
 * load_msg, store_msg and free_msg (ipc/msgutil.c) can be hooked.
 */
#ifndef IPCSCOPE_MSGSENDER_H
#define IPCSCOPE_MSGSENDER_H

#include "probe.h"

bool msgsender_possible(const struct kernel_info *ki, enum ipcscope_tier tier);

#endif /* IPCSCOPE_MSGSENDER_H */
