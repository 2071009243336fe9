// SPDX-License-Identifier: GPL-2.0
/*
 * Build a snapshot of every pipe and FIFO that some process holds open.
 *
 * The kernel keeps no list of pipes, so they are found the way lsof finds
 * them: walk every thread group, and every fd table, looking for files whose
 * inode is a FIFO with a pipe_inode_info attached.  The same pipe is usually
 * seen through several fds (its read end, its write end, inherited copies),
 * so the pipes are deduplicated in a hash table keyed by pipe_inode_info.
 *
 * Locking, in the order things happen for one fd table:
 *
 *  1. rcu_read_lock() while looking up the next thread group and choosing
 *     which of its threads to scan (one per distinct files_struct); each
 *     chosen task is pinned with get_task_struct() before the RCU section
 *     ends.
 *  2. task_lock() + files->file_lock (inside iterate_fd()), the nesting
 *     __do_SAK() uses, to keep the files_struct and its fd array stable.
 *     Under these spinlocks we only compare a few fields and get_file() the
 *     pipe files, at most IPS_BATCH of them and at most IPS_VISIT fds per
 *     round, then drop both locks.  The pinned file keeps pipe->files above
 *     zero, so the pipe_inode_info cannot be freed until we fput() it.
 *  3. For each pinned file, with no spinlock held and nothing allocated
 *     while it is held (room for the ring's slots is made before),
 *     pipe->mutex: pipe_read(), pipe_write(), pipe_release(), fifo_open()
 *     and pipe_fcntl() change the ring (head, tail, bufs[], ring_size,
 *     max_usage) and readers, writers, r_counter and w_counter under it.
 *     Watch-queue pipes (O_NOTIFICATION_PIPE) are the exception: they are
 *     filled by post_one_notification() under rd_wait.lock alone, while
 *     their reader consumes and frees slots under the mutex, so their ring
 *     is read holding both (mutex, then rd_wait.lock, as
 *     pipe_resize_ring() nests them).  The mutex is only tried for a
 *     bounded time (see ips_lock_pipe()); a pipe whose mutex stays held is
 *     reported busy, with head, tail and the counters read by READ_ONCE()
 *     and its bufs[] never touched: its holder may be freeing them.
 *  4. pipe->files alone is counted under inode->i_lock (fifo_open(),
 *     put_pipe_info()), which is taken on its own after the mutex.
 *  5. After the mutex, each wait queue's spinlock (irqsave: wake-ups come
 *     from interrupts), to copy the queue.  An entry stays on the queue,
 *     and its task alive, until its owner takes that same lock to remove
 *     it, so ->private may be followed while the lock is held.  At most
 *     queue_limit entries are copied and at most IPS_QUEUE_COUNT walked,
 *     however long the queue (one poll() can add an entry per repeated fd).
 *     task_lock() must not be taken here (an IRQ-unsafe lock inside an
 *     IRQ-safe one), so comm is copied racily, as tracepoints do.
 *
 * Nothing sleeps under a spinlock, nothing is allocated under a lock other
 * tasks wait for, no lock is held across a return to the caller, and each
 * lock is held for one bounded piece of work: one round of an fd table,
 * one ring, one bounded walk of a wait queue.  Only pipe->mutex is waited
 * for, and only for a bounded time.  Every array of the snapshot has a
 * hard cap (the max_* parameters); what a cap or a bound leaves out is
 * counted in the lost_* fields.  The final fput() of a file that was
 * closed meanwhile happens after all locks are dropped.
 */

#include <linux/delay.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/ktime.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/pipe_fs_i.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "ipcscope.h"

#define IPS_BATCH	64	/* pipe files pinned per round */
#define IPS_VISIT	256	/* fds looked at per round under file_lock */
#define IPS_REPS	4	/* distinct fd tables per thread group */
#define IPS_TRIES	8	/* attempts to copy a growing wait queue */
#define IPS_QUEUE_COUNT	65536	/* entries walked per queue, at most */
#define IPS_CAP_MAX	BIT(22)	/* no array holds more entries */
#define IPS_PIPE_WAIT_NS	(10 * NSEC_PER_MSEC)	/* for one mutex */
#define IPS_WAIT_BUDGET_NS	(100 * NSEC_PER_MSEC)	/* for all of them */

/*
 * Read-only after load: a snapshot reads each once, so they cannot change
 * under it.  Values are clamped to IPS_CAP_MAX (and queue_limit to
 * IPS_QUEUE_COUNT) where they are used.
 */
static unsigned int queue_limit = 1024;
module_param(queue_limit, uint, 0444);
MODULE_PARM_DESC(queue_limit, "wait-queue entries listed per queue");
static unsigned int max_pipes = 1U << 18;
module_param(max_pipes, uint, 0444);
MODULE_PARM_DESC(max_pipes, "pipes per snapshot, at most");
static unsigned int max_fds = 1U << 20;
module_param(max_fds, uint, 0444);
MODULE_PARM_DESC(max_fds, "pipe fds per snapshot, at most");
static unsigned int max_waiters = 1U << 18;
module_param(max_waiters, uint, 0444);
MODULE_PARM_DESC(max_waiters, "wait-queue entries per snapshot, at most");
static unsigned int max_bufs = 1U << 20;
module_param(max_bufs, uint, 0444);
MODULE_PARM_DESC(max_bufs, "ring slots per snapshot (buffers), at most");

static u32 ips_cap(unsigned int param)
{
	return min_t(u32, param, IPS_CAP_MAX);
}

struct ips_batch {
	unsigned int n;
	unsigned int visited;
	unsigned int next_fd;
	struct {
		struct file *file;
		unsigned int fd;
	} ent[IPS_BATCH];
};

/*
 * pollwake() is static in fs/select.c.  Its address is learnt by letting
 * poll_initwait()'s own queueing function, __pollwait(), add an entry to a
 * private wait queue, and is trusted only once that entry is proven to be
 * what __pollwait() makes: embedded in a poll_table_entry for our file and
 * our queue, with ->private our poll_wqueues.  That is the layout pollwake()
 * itself relies on, so an entry with this ->func has a poll_wqueues behind
 * ->private, whose polling_task is the task in poll().  No symbol lookup.
 */
static wait_queue_func_t ips_pollwake;

static void ips_probe_pollwake(struct file *file)
{
	struct poll_table_entry *pte;
	struct wait_queue_entry *we;
	struct poll_wqueues *pwq;
	wait_queue_head_t wqh;

	if (READ_ONCE(ips_pollwake))
		return;
	pwq = kmalloc(sizeof(*pwq), GFP_KERNEL | __GFP_NOWARN);
	if (!pwq)
		return;
	init_waitqueue_head(&wqh);
	poll_initwait(pwq);
	poll_wait(file, &wqh, &pwq->pt);
	spin_lock_irq(&wqh.lock);
	we = list_first_entry_or_null(&wqh.head, struct wait_queue_entry,
				      entry);
	if (we && list_is_singular(&wqh.head) && we->func &&
	    we->private == pwq && pwq->polling_task == current) {
		pte = container_of(we, struct poll_table_entry, wait);
		if (pte->wait_address == &wqh && pte->filp == file)
			WRITE_ONCE(ips_pollwake, we->func);
	}
	spin_unlock_irq(&wqh.lock);
	poll_freewait(pwq);
	kfree(pwq);
}

/*
 * Make room for @need entries, never more than @cap: 0, or -ENOMEM.  The
 * caller compares *max with what it needs.  kvrealloc() changed its
 * signature in 6.12, so grow by hand.
 */
static int ips_grow(void **arr, u32 *max, size_t size, u32 need, u32 cap)
{
	u32 n = max_t(u32, *max, 64);
	void *p;

	need = min(need, cap);
	if (need <= *max)
		return 0;
	while (n < need)
		n *= 2;
	n = min(n, cap);
	p = kvmalloc_array(n, size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!p)
		return -ENOMEM;
	if (*arr)
		memcpy(p, *arr, (size_t)*max * size);
	kvfree(*arr);
	*arr = p;
	*max = n;
	return 0;
}

static u32 ips_slot(const struct ips_snap *s, const void *key)
{
	return hash_ptr(key, ilog2(s->hash_size));
}

static int ips_rehash(struct ips_snap *s)
{
	u32 size = s->hash_size ? s->hash_size * 2 : 1024;
	u32 *h, i, j;

	h = kvcalloc(size, sizeof(*h), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!h)
		return -ENOMEM;
	kvfree(s->hash);
	s->hash = h;
	s->hash_size = size;
	for (i = 0; i < s->nr_pipes; i++) {
		j = ips_slot(s, s->pipes[i].key);
		while (h[j])
			j = (j + 1) & (size - 1);
		h[j] = i + 1;
	}
	return 0;
}

/*
 * Find the record of a pipe, or the hash slot for a new one.  The key is the
 * pipe_inode_info's address plus the inode, so that a pipe freed during the
 * scan and another one allocated at the same address stay apart.
 */
static u32 ips_find(struct ips_snap *s, const void *key,
		    const struct inode *inode, u32 *slot)
{
	u32 j = ips_slot(s, key);
	u32 i;

	while ((i = s->hash[j])) {
		const struct ips_pipe *p = &s->pipes[i - 1];

		if (p->key == key && p->ino == inode->i_ino &&
		    p->dev == inode->i_sb->s_dev)
			return i - 1;
		j = (j + 1) & (s->hash_size - 1);
	}
	*slot = j;
	return IPS_NONE;
}

/* Name a function or an ops table by symbol, once per snapshot. */
static u8 ips_fn_index(struct ips_snap *s, const void *func)
{
	char buf[KSYM_SYMBOL_LEN];
	u32 i;

	for (i = 0; i < s->nr_fn; i++)
		if (s->fn[i] == func)
			return i;
	if (s->nr_fn == IPS_NR_FN)
		return IPS_NR_FN;	/* named "?" */
	sprint_symbol_no_offset(buf, (unsigned long)func);
	/* Never print a raw kernel address. */
	if (!strncmp(buf, "0x", 2))
		strscpy(buf, "?", sizeof(buf));
	s->fn[i] = func;
	strscpy(s->fn_name[i], buf, IPS_FN_LEN);
	return s->nr_fn++;
}

/* What one copy of a pipe's two queues found. */
struct ips_walk {
	u32 need;		/* entries within queue_limit */
	u32 truncated;		/* entries past it, counted */
	u32 uncounted;		/* queues walked only up to IPS_QUEUE_COUNT */
};

/*
 * Copy one wait queue under its spinlock: its first queue_limit entries,
 * as far as the array has room; entries past the room are only counted in
 * ->need, and the caller grows the array and copies again.  Entries past
 * queue_limit are counted up to IPS_QUEUE_COUNT, then the walk stops.
 */
static void ips_copy_queue(struct ips_snap *s, u32 pidx,
			   struct wait_queue_head *wqh, u8 queue,
			   struct ips_walk *walk)
{
	wait_queue_func_t pollwake = READ_ONCE(ips_pollwake);
	u32 limit = min_t(u32, queue_limit, IPS_QUEUE_COUNT);
	struct wait_queue_entry *we;
	unsigned long flags;
	u32 seen = 0;

	spin_lock_irqsave(&wqh->lock, flags);
	list_for_each_entry(we, &wqh->head, entry) {
		struct task_struct *t = NULL;
		struct ips_waiter *w;

		/*
		 * 6.1's __wake_up_common_lock() parks a bookmark entry (no
		 * ->func, WQ_FLAG_BOOKMARK) in long queues while it drops
		 * the lock between batches; it stands for no waiter.
		 */
		if (!we->func)
			continue;
		if (seen++ >= limit) {
			if (seen > IPS_QUEUE_COUNT) {
				walk->uncounted++;
				break;
			}
			walk->truncated++;
			continue;
		}
		walk->need++;
		if (s->nr_waiters >= s->max_waiters)
			continue;
		w = &s->waiters[s->nr_waiters++];
		w->func = we->func;
		w->pipe = pidx;
		w->queue = queue;
		w->excl = !!(we->flags & WQ_FLAG_EXCLUSIVE);
		w->how = IPS_HOW_OTHER;	/* else told apart by name later */
		/*
		 * These three wake functions are defined to take ->private
		 * as the task to wake.  pipe_read() and pipe_write() sleep in
		 * wait_event_interruptible_exclusive(): autoremove, exclusive.
		 * Non-exclusive task waits are splice/tee (pipe_wait_*()) and
		 * FIFO opens waiting for a partner (wait_for_partner()).
		 */
		if (we->func == autoremove_wake_function ||
		    we->func == default_wake_function ||
		    we->func == woken_wake_function) {
			t = we->private;
			if (!w->excl)
				w->how = IPS_HOW_WAIT;
			else if (queue == IPS_RD_WAIT)
				w->how = IPS_HOW_READ;
			else
				w->how = IPS_HOW_WRITE;
		} else if (pollwake && we->func == pollwake &&
			   container_of(we, struct poll_table_entry,
					wait)->wait_address == wqh) {
			/* Proven in ips_probe_pollwake(). */
			struct poll_wqueues *pwq = we->private;

			t = pwq->polling_task;
			w->how = IPS_HOW_POLL;
		}
		if (t) {
			w->pid = t->tgid;
			w->tid = t->pid;
			memcpy(w->comm, t->comm, sizeof(w->comm));
			w->comm[sizeof(w->comm) - 1] = '\0';
		} else {
			w->pid = 0;
			w->tid = 0;
			w->comm[0] = '\0';
		}
	}
	spin_unlock_irqrestore(&wqh->lock, flags);
}

/* Busy: the ring's owner may be mid-update; bufs[] is not touched. */
static void ips_read_counters(struct ips_pipe *p,
			      const struct pipe_inode_info *pipe)
{
	p->head = READ_ONCE(pipe->head);
	p->tail = READ_ONCE(pipe->tail);
	p->max_usage = READ_ONCE(pipe->max_usage);
	p->ring_size = READ_ONCE(pipe->ring_size);
	p->nr_accounted = READ_ONCE(pipe->nr_accounted);
	p->readers = READ_ONCE(pipe->readers);
	p->writers = READ_ONCE(pipe->writers);
	p->r_counter = READ_ONCE(pipe->r_counter);
	p->w_counter = READ_ONCE(pipe->w_counter);
	/* pipe_occupancy() is right whatever width head and tail have. */
	p->used = min(pipe_occupancy(p->head, p->tail), p->ring_size);
}

/* Ring state, counters and slots; the caller holds what guards bufs[]. */
static void ips_read_ring(struct ips_snap *s, u32 pidx,
			  const struct pipe_inode_info *pipe)
{
	struct ips_pipe *p = &s->pipes[pidx];
	unsigned int i, mask;

	ips_read_counters(p, pipe);
	mask = p->ring_size - 1;
	p->first_buf = s->nr_bufs;
	for (i = 0; i < p->used; i++) {
		const struct pipe_buffer *pb;
		struct ips_buf *b;

		pb = &pipe->bufs[(p->tail + i) & mask];
		p->bytes += pb->len;
		if (!s->want_bufs)
			continue;
		/* Room was made before the locks; a cap or grown ring cuts. */
		if (s->nr_bufs == s->max_bufs) {
			s->lost_bufs++;
			continue;
		}
		b = &s->bufs[s->nr_bufs++];
		b->pipe = pidx;
		b->index = p->tail + i;
		b->offset = pb->offset;
		b->len = pb->len;
		b->flags = pb->flags;
		b->ops = pb->ops;
	}
	p->nr_bufs = s->nr_bufs - p->first_buf;
}

/*
 * pipe->mutex can stay held for as long as its holder sleeps: splice()
 * from a socket into a pipe waits for data with the pipe locked.  So wait
 * for it only briefly, from a budget shared by the whole snapshot, and
 * then report the pipe busy.
 */
static int ips_lock_pipe(struct ips_snap *s, struct pipe_inode_info *pipe)
{
	u64 t0 = ktime_get_ns(), waited;

	while (!mutex_trylock(&pipe->mutex)) {
		if (fatal_signal_pending(current))
			return -EINTR;
		waited = ktime_get_ns() - t0;
		if (waited >= IPS_PIPE_WAIT_NS || waited >= s->wait_budget_ns) {
			s->wait_budget_ns -= min(waited, s->wait_budget_ns);
			return 0;
		}
		usleep_range(100, 200);
	}
	s->wait_budget_ns -= min(ktime_get_ns() - t0, s->wait_budget_ns);
	return 1;
}

/* Copy both wait queues of a pipe, growing the array with no lock held. */
static int ips_copy_waiters(struct ips_snap *s, u32 pidx,
			    struct pipe_inode_info *pipe)
{
	struct ips_pipe *p = &s->pipes[pidx];
	u32 cap = ips_cap(max_waiters);
	struct ips_walk walk;
	unsigned int tries;
	int err;

	p->first_waiter = s->nr_waiters;
	for (tries = 0; ; tries++) {
		memset(&walk, 0, sizeof(walk));
		s->nr_waiters = p->first_waiter;
		ips_copy_queue(s, pidx, &pipe->rd_wait, IPS_RD_WAIT, &walk);
		ips_copy_queue(s, pidx, &pipe->wr_wait, IPS_WR_WAIT, &walk);
		if (p->first_waiter + walk.need <= s->max_waiters)
			break;
		if (tries == IPS_TRIES || s->max_waiters >= cap) {
			s->lost_waiters += p->first_waiter + walk.need -
					   s->nr_waiters;
			break;
		}
		err = ips_grow((void **)&s->waiters, &s->max_waiters,
			       sizeof(*s->waiters),
			       p->first_waiter + walk.need * 2, cap);
		if (err)
			return err;
	}
	p->nr_waiters = s->nr_waiters - p->first_waiter;
	p->truncated = walk.truncated + walk.need - p->nr_waiters;
	s->lost_queue += walk.truncated;
	s->lost_queue_uncounted += walk.uncounted;
	return 0;
}

static int ips_inspect(struct ips_snap *s, u32 pidx, struct file *file)
{
	struct pipe_inode_info *pipe = file->private_data;
	struct inode *inode = file_inode(file);
	struct ips_pipe *p = &s->pipes[pidx];
	int locked, err;
	unsigned int i;

	/* Nothing is allocated while another task may wait for the mutex. */
	if (s->want_bufs) {
		err = ips_grow((void **)&s->bufs, &s->max_bufs,
			       sizeof(*s->bufs),
			       s->nr_bufs + READ_ONCE(pipe->ring_size),
			       ips_cap(max_bufs));
		if (err)
			return err;
	}
	locked = ips_lock_pipe(s, pipe);
	if (locked < 0)
		return locked;
	if (!locked) {
		p->busy = true;
		s->nr_busy++;
		ips_read_counters(p, pipe);
		p->first_buf = s->nr_bufs;
		s->lost_bufs += p->used;
	} else if (pipe_has_watch_queue(pipe)) {
		spin_lock_irq(&pipe->rd_wait.lock);
		ips_read_ring(s, pidx, pipe);
		spin_unlock_irq(&pipe->rd_wait.lock);
	} else {
		ips_read_ring(s, pidx, pipe);
	}
	if (locked)
		mutex_unlock(&pipe->mutex);

	spin_lock(&inode->i_lock);
	p->files = pipe->files;
	spin_unlock(&inode->i_lock);

	err = ips_copy_waiters(s, pidx, pipe);
	if (err)
		return err;

	for (i = p->first_buf; i < p->first_buf + p->nr_bufs; i++)
		s->bufs[i].fn = ips_fn_index(s, s->bufs[i].ops);
	for (i = p->first_waiter; i < s->nr_waiters; i++) {
		struct ips_waiter *w = &s->waiters[i];

		w->fn = ips_fn_index(s, w->func);
		if (w->how == IPS_HOW_OTHER &&
		    !strcmp(s->fn_name[w->fn], "ep_poll_callback"))
			w->how = IPS_HOW_EPOLL;
	}
	return 0;
}

/* One pinned pipe file of a scanned fd table. */
static int ips_add(struct ips_snap *s, struct file *file, unsigned int fd,
		   pid_t pid, const char *comm)
{
	struct pipe_inode_info *pipe = file->private_data;
	struct inode *inode = file_inode(file);
	struct ips_holder *h;
	struct ips_pipe *p;
	u32 idx, slot;
	int err;

	if (s->nr_pipes * 2 >= s->hash_size) {
		err = ips_rehash(s);
		if (err)
			return err;
	}
	idx = ips_find(s, pipe, inode, &slot);
	if (idx == IPS_NONE) {
		if (s->nr_pipes >= ips_cap(max_pipes)) {
			s->lost_pipe_fds++;
			return 0;
		}
		err = ips_grow((void **)&s->pipes, &s->max_pipes,
			       sizeof(*s->pipes), s->nr_pipes + 1,
			       ips_cap(max_pipes));
		if (err)
			return err;
		idx = s->nr_pipes++;
		s->hash[slot] = idx + 1;
		p = &s->pipes[idx];
		memset(p, 0, sizeof(*p));
		p->key = pipe;
		p->ino = inode->i_ino;
		p->dev = inode->i_sb->s_dev;
		p->fifo = inode->i_sb->s_magic != PIPEFS_MAGIC;
		p->first_holder = IPS_NONE;
		p->last_holder = IPS_NONE;
		err = ips_inspect(s, idx, file);
		if (err)
			return err;
	}

	if (s->nr_holders >= ips_cap(max_fds)) {
		s->lost_fds++;
		return 0;
	}
	err = ips_grow((void **)&s->holders, &s->max_holders,
		       sizeof(*s->holders), s->nr_holders + 1,
		       ips_cap(max_fds));
	if (err)
		return err;
	h = &s->holders[s->nr_holders];
	h->pipe = idx;
	h->next = IPS_NONE;
	h->pid = pid;
	h->fd = fd;
	h->mode = (file->f_mode & FMODE_READ ? IPS_MODE_R : 0) |
		  (file->f_mode & FMODE_WRITE ? IPS_MODE_W : 0);
	memcpy(h->comm, comm, sizeof(h->comm));

	p = &s->pipes[idx];
	if (p->last_holder == IPS_NONE)
		p->first_holder = s->nr_holders;
	else
		s->holders[p->last_holder].next = s->nr_holders;
	p->last_holder = s->nr_holders;
	p->nr_holders++;
	s->nr_holders++;
	return 0;
}

/*
 * iterate_fd() callback, under task_lock() and files->file_lock.  The fd
 * table holds a reference on @file, so get_file() is safe here.  A file is
 * a pipe end when its inode is a FIFO (i_pipe shares storage with i_cdev,
 * so the mode is checked first) and it was opened through fifo_open(),
 * which sets ->private_data to inode->i_pipe; O_PATH files are not opened
 * and hold no pipe.  Both fields are stable while the file is open.
 */
static int ips_collect(const void *data, struct file *file, unsigned int fd)
{
	/* iterate_fd() passes its cookie as const; it is ours to fill. */
	struct ips_batch *b = (struct ips_batch *)data;
	struct inode *inode = file_inode(file);

	b->next_fd = fd + 1;
	if (S_ISFIFO(inode->i_mode) && !(file->f_mode & FMODE_PATH) &&
	    file->private_data && file->private_data == inode->i_pipe) {
		b->ent[b->n].file = get_file(file);
		b->ent[b->n].fd = fd;
		b->n++;
	}
	return b->n == IPS_BATCH || ++b->visited == IPS_VISIT;
}

static int ips_scan_task(struct ips_snap *s, struct ips_batch *b,
			 struct task_struct *t, pid_t pid)
{
	char comm[TASK_COMM_LEN];
	unsigned int fd = 0, i;
	int more, err = 0;

	get_task_comm(comm, t);
	s->nr_tables++;
	do {
		b->n = 0;
		b->visited = 0;
		task_lock(t);
		more = iterate_fd(t->files, fd, ips_collect, b);
		task_unlock(t);
		for (i = 0; i < b->n; i++) {
			if (!err)
				err = ips_add(s, b->ent[i].file, b->ent[i].fd,
					      pid, comm);
			fput(b->ent[i].file);
		}
		fd = b->next_fd;
		cond_resched();
	} while (more && !err);
	return err;
}

/*
 * Pick one thread per distinct files_struct of the thread group whose tgid
 * is the first at or above @nr, and pin them.  Threads normally share one
 * table; one that unshared its fd table is scanned on its own, and reported
 * under the same pid, as /proc/PID/task/TID/fd would show it.
 */
static int ips_next_group(struct ips_snap *s, int nr,
			  struct task_struct **reps, int *nr_reps, pid_t *tgid)
{
	struct files_struct *seen[IPS_REPS];
	struct task_struct *leader, *t;
	struct pid *pid;
	int n = 0, i;

	rcu_read_lock();
	for (;;) {
		pid = find_ge_pid(nr, &init_pid_ns);
		if (!pid) {
			rcu_read_unlock();
			return 0;
		}
		nr = pid_nr(pid) + 1;
		leader = pid_task(pid, PIDTYPE_TGID);
		if (leader && !(leader->flags & PF_KTHREAD))
			break;
	}
	*tgid = leader->tgid;
	for_each_thread(leader, t) {
		struct files_struct *f = READ_ONCE(t->files);

		if (!f)
			continue;
		for (i = 0; i < n && seen[i] != f; i++)
			;
		if (i < n)
			continue;
		if (n == IPS_REPS) {
			s->lost_fd_tables++;
			continue;
		}
		seen[n] = f;
		reps[n++] = get_task_struct(t);
	}
	rcu_read_unlock();
	*nr_reps = n;
	return nr;
}

/**
 * ips_snap_free() - free a snapshot
 * @s: what ips_snap_build() returned, or NULL
 */
void ips_snap_free(struct ips_snap *s)
{
	if (!s)
		return;
	kvfree(s->pipes);
	kvfree(s->holders);
	kvfree(s->waiters);
	kvfree(s->bufs);
	kvfree(s->hash);
	kfree(s);
}

/**
 * ips_snap_build() - take a snapshot of every pipe some process holds open
 * @file: the debugfs file being opened, for the pollwake() probe
 * @bufs: also copy every used slot of every ring (the buffers file)
 *
 * Walks all thread groups and their fd tables; may sleep.  The caller must
 * be in the initial pid namespace, since pids are reported as seen there.
 *
 * Return: the snapshot, to be freed with ips_snap_free(), or an ERR_PTR():
 * -EPERM for a caller in another pid namespace, -ENOMEM, or -EINTR when a
 * fatal signal arrived.
 */
struct ips_snap *ips_snap_build(struct file *file, bool bufs)
{
	struct task_struct *reps[IPS_REPS];
	struct ips_batch *b;
	struct ips_snap *s;
	int nr = 1, n, i, err = 0;
	pid_t tgid;
	u64 t0;

	/* Pids are init_pid_ns's; refuse to show them to a container. */
	if (task_active_pid_ns(current) != &init_pid_ns)
		return ERR_PTR(-EPERM);

	ips_probe_pollwake(file);

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	b = kmalloc(sizeof(*b), GFP_KERNEL | __GFP_NOWARN);
	if (!s || !b) {
		err = -ENOMEM;
		goto out;
	}
	s->want_bufs = bufs;
	s->poll_proven = !!READ_ONCE(ips_pollwake);
	strscpy(s->fn_name[IPS_NR_FN], "?", IPS_FN_LEN);
	s->wait_budget_ns = IPS_WAIT_BUDGET_NS;
	err = ips_rehash(s);
	if (err)
		goto out;

	t0 = ktime_get_ns();
	while ((nr = ips_next_group(s, nr, reps, &n, &tgid)) > 0) {
		s->nr_tasks++;
		for (i = 0; i < n; i++) {
			if (!err)
				err = ips_scan_task(s, b, reps[i], tgid);
			put_task_struct(reps[i]);
		}
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		if (err)
			goto out;
		cond_resched();
	}
	s->scan_ns = ktime_get_ns() - t0;
out:
	kfree(b);
	if (err) {
		ips_snap_free(s);
		return ERR_PTR(err);
	}
	return s;
}
