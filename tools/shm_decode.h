/* SPDX-License-Identifier: GPL-2.0 */
/* Decoder for shared memory events (shmget, shmat, shmdt, shmctl,
 * memfd_create). */
#ifndef IPCSCOPE_SHM_DECODE_H
#define IPCSCOPE_SHM_DECODE_H

#include "ipcscope.h"
#include "family.h"
#include "output.h"

void shm_print_header(struct ipcs_output *o);

extern const struct ipcs_event_type shm_event_types[];

/* "IPC_RMID", "IPC_STAT", ... for a shmctl cmd (IPC_64 ignored), or
 * NULL. */
const char *shm_cmd_name(int cmd);

#endif /* IPCSCOPE_SHM_DECODE_H */
