/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIFO paths, resolved in user space through /proc/PID/fd: the BPF side
 * reports (dev, ino) and, on the tracepoint tier, the fd.  Results are
 * cached by (dev, ino); a process that has already exited leaves the path
 * unresolved rather than guessed.
 */
#ifndef IPCSCOPE_FDPATH_H
#define IPCSCOPE_FDPATH_H

#include <stdint.h>

/* Path of the FIFO (dev, ino) that @pid has open (as @fd when >= 0), or
 * NULL.  The string stays valid until the next call. */
const char *fifo_path(uint32_t pid, int fd, uint32_t kdev, uint64_t ino);

#endif /* IPCSCOPE_FDPATH_H */
