/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which send each received message came from, on the tracepoint tier,
 * where the kernel's struct msg_msg cannot be seen (bpf/msgsender.bpf.h
 * does it on fentry and kprobe): a model of every SysV and POSIX queue,
 * fed with every task's sends and receives, in the collector.
 * Documentation/events-mq-shm.rst ("Pairing on the tracepoint tier") says
 * what is exact and when `sender_approx` is set.
 */
#ifndef IPCSCOPE_MSGPAIR_H
#define IPCSCOPE_MSGPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct msgpair;

/* Print one record (the event loop's own writer), with the bytes fed
 * along with it (msgpair_feed_with(); NULL, 0: none); nonzero stops. */
typedef int (*msgpair_emit_fn)(void *ctx, const void *data, size_t size,
			       const void *extra, size_t extra_size);

/* A receive is settled this long after it returned: by then the send
 * that queued its message, and any call it overlapped, has returned too
 * -- unless the sender was kept off the CPU longer than this between
 * waking the receiver and its return (200 ms was not enough on a loaded
 * 2-CPU machine under TCG: a wrong sender, said as exact). */
#define MSGPAIR_HOLD_NS		(1000ULL * 1000000)
/* A receive whose send was never seen waits this long for it at most. */
#define MSGPAIR_GIVE_UP_NS	(3000ULL * 1000000)

struct msgpair *msgpair_new(msgpair_emit_fn emit, void *ctx);
void msgpair_free(struct msgpair *mp);

/*
 * The messages queued now, before any send the model will see: SysV from
 * /proc/sysvipc/msg, POSIX from the ipc namespace's mqueue filesystem
 * (mounted privately for the moment when /dev/mqueue is not).  Receives
 * that take them have no sender.
 */
void msgpair_snapshot(struct msgpair *mp, bool sysv, bool posix);

/* Is @data a send or receive the model takes (tracepoint tier)? */
bool msgpair_wants(const void *data, size_t size);

/* Is @data, one msgpair_wants() takes, another task's call (outside
 * -p/-c), fed to the model and never printed? */
bool msgpair_unwanted(const void *data);

/*
 * Take one record.  A send goes into the model and, unless it is another
 * task's (`unwanted`: outside -p/-c), is printed at once; a receive is
 * held until it is settled.  The emit function's nonzero result.
 */
int msgpair_feed(struct msgpair *mp, const void *data, size_t size);

/* The same, and @extra (@extra_size bytes, copied: --payload's record of
 * the call) goes to the emit function with it. */
int msgpair_feed_with(struct msgpair *mp, const void *data, size_t size,
		      const void *extra, size_t extra_size);

/* Print the receives settled by @now_ns (CLOCK_MONOTONIC), with their
 * senders; every held one when @all.  The emit function's nonzero result. */
int msgpair_release(struct msgpair *mp, __u64 now_ns, bool all);

/* Receives held. */
size_t msgpair_held(const struct msgpair *mp);

#endif /* IPCSCOPE_MSGPAIR_H */
