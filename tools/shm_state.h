/* SPDX-License-Identifier: GPL-2.0 */
/* `ipcscope shm`: shared memory segments and their mappers. */
#ifndef IPCSCOPE_SHM_STATE_H
#define IPCSCOPE_SHM_STATE_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "output.h"

struct shm_opts {
	enum ipcs_format format;
	uint32_t pid;		/* 0: every process's mappings */
};

int shm_parse_args(int argc, char **argv, struct shm_opts *opts,
		   struct ipcs_error *err);
int shm_run(const struct shm_opts *opts, struct ipcs_error *err);
int shm_iter_available(char *why, size_t len);

#endif /* IPCSCOPE_SHM_STATE_H */
