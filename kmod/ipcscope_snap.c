// SPDX-License-Identifier: GPL-2.0
/*
 * Build a snapshot of every pipe and FIFO, or of every unix socket, that some
 * process holds open.
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
 * Unix sockets (IPS_SOCKS) are found by the same walk: files whose
 * sock_from_file() is a socket with an AF_UNIX sk.  A pinned file keeps its
 * struct socket, and the sk that sock->sk points to, alive: both are only
 * released by the file's last fput() (sock_close()).  The snapshot reads
 * sk_type and sk_state with READ_ONCE(), as unix_poll() does, and copies
 * two wait queues, each under its own spinlock as in step 5: the socket's
 * own (sock->wq.wait, which sk_sleep() points to), where recv(), send()
 * and accept() sleep, and unix_sock->peer_wait, where connect() waits for
 * room in a listener's backlog and a datagram send() for room in its
 * receiver's queue.  No socket lock is taken.
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
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/pipe_fs_i.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <net/af_unix.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

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
static unsigned int max_socks = 1U << 18;
module_param(max_socks, uint, 0444);
MODULE_PARM_DESC(max_socks, "unix sockets per snapshot, at most");

static u32 ips_cap(unsigned int param)
{
	return min_t(u32, param, IPS_CAP_MAX);
}

struct ips_batch {
	bool socks;		/* collect unix sockets, not pipes */
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

/* The records of a snapshot: its pipes, or its sockets. */
static u32 ips_nr_objs(const struct ips_snap *s)
{
	return s->kind == IPS_SOCKS ? s->nr_socks : s->nr_pipes;
}

static const void *ips_obj_key(const struct ips_snap *s, u32 i)
{
	return s->kind == IPS_SOCKS ? s->socks[i].key : s->pipes[i].key;
}

static bool ips_obj_is(const struct ips_snap *s, u32 i, const void *key,
		       const struct inode *inode)
{
	unsigned long ino;
	dev_t dev;

	if (s->kind == IPS_SOCKS) {
		ino = s->socks[i].ino;
		dev = s->socks[i].dev;
	} else {
		ino = s->pipes[i].ino;
		dev = s->pipes[i].dev;
	}
	return ips_obj_key(s, i) == key && ino == inode->i_ino &&
	       dev == inode->i_sb->s_dev;
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
	for (i = 0; i < ips_nr_objs(s); i++) {
		j = ips_slot(s, ips_obj_key(s, i));
		while (h[j])
			j = (j + 1) & (size - 1);
		h[j] = i + 1;
	}
	return 0;
}

/*
 * Find the record of a pipe (or socket), or the hash slot for a new one.  The
 * key is the pipe_inode_info's (struct socket's) address plus the inode, so
 * that a pipe freed during the scan and another one allocated at the same
 * address stay apart.
 */
static u32 ips_find(struct ips_snap *s, const void *key,
		    const struct inode *inode, u32 *slot)
{
	u32 j = ips_slot(s, key);
	u32 i;

	while ((i = s->hash[j])) {
		if (ips_obj_is(s, i - 1, key, inode))
			return i - 1;
		j = (j + 1) & (s->hash_size - 1);
	}
	*slot = j;
	return IPS_NONE;
}

/* Name a function or an ops table by symbol, once per snapshot. */
static u8 ips_fn_index(struct ips_snap *s, const void *func)
{
	char buf[KSYM_SYMBOL_LEN], *mod;
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
	/* "name [module]" -> "name[module]": a field has no space (ABI) */
	mod = strchr(buf, ' ');
	if (mod)
		memmove(mod, mod + 1, strlen(mod + 1) + 1);
	s->fn[i] = func;
	strscpy(s->fn_name[i], buf, IPS_FN_LEN);
	return s->nr_fn++;
}

/*
 * receiver_wake_function() is static in net/core/datagram.c: the wake
 * function of __skb_wait_for_more_packets(), where unix datagram and
 * seqpacket recv() and accept() sleep.  Its wait entry is made by
 * DEFINE_WAIT_FUNC(), so ->private is the sleeping task, as for
 * autoremove_wake_function(), which it ends by calling.  Its address is
 * learnt by symbol name the first time an entry with it is seen (see
 * ips_sock_inspect()), then trusted like the three exported ones.
 */
static wait_queue_func_t ips_recv_wake;

/*
 * The system call of task @t, asleep with wait entry @we on a queue whose
 * lock the caller holds.  Read only when @we lies on @t's own stack, as
 * DEFINE_WAIT() entries do: then the stack is alive while @we is queued,
 * since @t takes the same lock to dequeue it before returning.  Its user
 * registers as saved at system call entry (task_pt_regs()) do not change
 * while it sleeps.  Only x86-64 tasks that entered a 64-bit system call
 * are read; io_uring workers and kernel threads have no user registers.
 */
static int ips_task_syscall(struct task_struct *t,
			    const struct wait_queue_entry *we)
{
#ifdef CONFIG_X86_64
	const void *stack = task_stack_page(t);
	struct pt_regs *regs;

	if (t->flags & (PF_KTHREAD | PF_IO_WORKER))
		return IPS_NO_SYSCALL;
	if (!stack || (const void *)we < stack ||
	    (const void *)we >= stack + THREAD_SIZE)
		return IPS_NO_SYSCALL;
	regs = task_pt_regs(t);
	if (regs->cs != __USER_CS)
		return IPS_NO_SYSCALL;
	return syscall_get_nr(t, regs);
#else
	return IPS_NO_SYSCALL;
#endif
}

/* What one copy of an object's two queues found. */
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
static void ips_copy_queue(struct ips_snap *s, u32 idx,
			   struct wait_queue_head *wqh, u8 queue,
			   struct ips_walk *walk)
{
	wait_queue_func_t pollwake = READ_ONCE(ips_pollwake);
	wait_queue_func_t recv_wake = READ_ONCE(ips_recv_wake);
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
		w->obj = idx;
		w->queue = queue;
		w->excl = !!(we->flags & WQ_FLAG_EXCLUSIVE);
		w->how = IPS_HOW_OTHER;	/* else told apart by name later */
		w->syscall = IPS_NO_SYSCALL;
		/*
		 * These wake functions are defined to take ->private as the
		 * task to wake.  pipe_read() and pipe_write() sleep in
		 * wait_event_interruptible_exclusive(): autoremove, exclusive.
		 * Non-exclusive task waits are splice/tee (pipe_wait_*()) and
		 * FIFO opens waiting for a partner (wait_for_partner()).  A
		 * socket's task waits are told apart after the copy, in
		 * ips_sock_how(): "wait" until then.
		 */
		if (we->func == autoremove_wake_function ||
		    we->func == default_wake_function ||
		    we->func == woken_wake_function ||
		    (recv_wake && we->func == recv_wake)) {
			t = we->private;
			if (!w->excl || queue >= IPS_SK_WAIT)
				w->how = IPS_HOW_WAIT;
			else if (queue == IPS_RD_WAIT)
				w->how = IPS_HOW_READ;
			else
				w->how = IPS_HOW_WRITE;
			if (queue >= IPS_SK_WAIT)
				w->syscall = ips_task_syscall(t, we);
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
		if (s->kind != IPS_PIPE_BUFS)
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

/* Where an object's waiters ended up in the snapshot. */
struct ips_span {
	u32 first;
	u32 nr;
	u32 truncated;
};

/*
 * Copy an object's two wait queues, @wq[0] as @queue[0] and @wq[1] as
 * @queue[1], growing the array with no lock held.
 */
static int ips_copy_waiters(struct ips_snap *s, u32 idx,
			    struct wait_queue_head *const wq[2],
			    const u8 queue[2], struct ips_span *span)
{
	u32 cap = ips_cap(max_waiters);
	struct ips_walk walk;
	unsigned int tries;
	int err;

	span->first = s->nr_waiters;
	for (tries = 0; ; tries++) {
		memset(&walk, 0, sizeof(walk));
		s->nr_waiters = span->first;
		ips_copy_queue(s, idx, wq[0], queue[0], &walk);
		ips_copy_queue(s, idx, wq[1], queue[1], &walk);
		if (span->first + walk.need <= s->max_waiters)
			break;
		if (tries == IPS_TRIES || s->max_waiters >= cap) {
			s->lost_waiters += span->first + walk.need -
					   s->nr_waiters;
			break;
		}
		err = ips_grow((void **)&s->waiters, &s->max_waiters,
			       sizeof(*s->waiters),
			       span->first + walk.need * 2, cap);
		if (err)
			return err;
	}
	span->nr = s->nr_waiters - span->first;
	span->truncated = walk.truncated + walk.need - span->nr;
	s->lost_queue += walk.truncated;
	s->lost_queue_uncounted += walk.uncounted;
	return 0;
}

/* Name the wake functions of waiters[first ...]; epoll's by its name. */
static void ips_name_waiters(struct ips_snap *s, u32 first)
{
	u32 i;

	for (i = first; i < s->nr_waiters; i++) {
		struct ips_waiter *w = &s->waiters[i];

		w->fn = ips_fn_index(s, w->func);
		if (w->how == IPS_HOW_OTHER &&
		    !strcmp(s->fn_name[w->fn], "ep_poll_callback"))
			w->how = IPS_HOW_EPOLL;
	}
}

static int ips_inspect(struct ips_snap *s, u32 pidx, struct file *file)
{
	static const u8 queue[2] = { IPS_RD_WAIT, IPS_WR_WAIT };
	struct pipe_inode_info *pipe = file->private_data;
	struct wait_queue_head *const wq[2] = {
		&pipe->rd_wait, &pipe->wr_wait
	};
	struct inode *inode = file_inode(file);
	struct ips_pipe *p = &s->pipes[pidx];
	struct ips_span span;
	int locked, err;
	unsigned int i;

	/* Nothing is allocated while another task may wait for the mutex. */
	if (s->kind == IPS_PIPE_BUFS) {
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

	err = ips_copy_waiters(s, pidx, wq, queue, &span);
	if (err)
		return err;
	p->first_waiter = span.first;
	p->nr_waiters = span.nr;
	p->truncated = span.truncated;

	for (i = p->first_buf; i < p->first_buf + p->nr_bufs; i++)
		s->bufs[i].fn = ips_fn_index(s, s->bufs[i].ops);
	ips_name_waiters(s, p->first_waiter);
	return 0;
}

/* A system call's name, and what a socket sleeper in it waits for. */
struct ips_syscall {
	int nr;
	u8 how;
	const char *name;
};

static const struct ips_syscall ips_syscalls[] = {
#ifdef CONFIG_X86_64
	{ __NR_read,		IPS_HOW_RECV,		"read" },
	{ __NR_readv,		IPS_HOW_RECV,		"readv" },
	{ __NR_recvfrom,	IPS_HOW_RECV,		"recvfrom" },
	{ __NR_recvmsg,		IPS_HOW_RECV,		"recvmsg" },
	{ __NR_recvmmsg,	IPS_HOW_RECV,		"recvmmsg" },
	{ __NR_write,		IPS_HOW_SEND,		"write" },
	{ __NR_writev,		IPS_HOW_SEND,		"writev" },
	{ __NR_sendto,		IPS_HOW_SEND,		"sendto" },
	{ __NR_sendmsg,		IPS_HOW_SEND,		"sendmsg" },
	{ __NR_sendmmsg,	IPS_HOW_SEND,		"sendmmsg" },
	{ __NR_sendfile,	IPS_HOW_SEND,		"sendfile" },
	{ __NR_accept,		IPS_HOW_ACCEPT,		"accept" },
	{ __NR_accept4,		IPS_HOW_ACCEPT,		"accept4" },
	{ __NR_connect,		IPS_HOW_CONNECT,	"connect" },
	{ __NR_splice,		IPS_HOW_WAIT,		"splice" },
	{ __NR_poll,		IPS_HOW_POLL,		"poll" },
	{ __NR_ppoll,		IPS_HOW_POLL,		"ppoll" },
	{ __NR_select,		IPS_HOW_POLL,		"select" },
	{ __NR_pselect6,	IPS_HOW_POLL,		"pselect6" },
	{ __NR_io_uring_enter,	IPS_HOW_OTHER,		"io_uring_enter" },
#endif
};

static const struct ips_syscall *ips_syscall(int nr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ips_syscalls); i++)
		if (ips_syscalls[i].nr == nr)
			return &ips_syscalls[i];
	return NULL;
}

/**
 * ips_syscall_name() - name a sleeper's system call
 * @nr: &ips_waiter.syscall
 *
 * Return: its name; "-" if it could not be read, "?" if it is not one the
 * module names.
 */
const char *ips_syscall_name(int nr)
{
	const struct ips_syscall *sc;

	if (nr == IPS_NO_SYSCALL)
		return "-";
	sc = ips_syscall(nr);
	return sc ? sc->name : "?";
}

/*
 * What a task asleep on a unix socket waits for, from where it sleeps
 * (net/unix/af_unix.c, net/core/datagram.c, net/core/sock.c; the same in
 * 6.1, 6.12 and 7.x):
 *
 *  - the socket's own queue, receiver_wake_function(), exclusive:
 *    __skb_wait_for_more_packets(), reached from accept() on a listener
 *    (unix_accept()) and from recv() on a datagram or seqpacket socket;
 *  - the socket's own queue, autoremove_wake_function(), not exclusive:
 *    unix_stream_data_wait() (a stream recv(), or splice() from it) and
 *    sock_wait_for_wmem() (a send() out of send buffer) both sleep so;
 *    only the system call the task is in tells them apart;
 *  - peer_wait, exclusive: unix_wait_for_peer(), reached from connect()
 *    to a listener whose backlog is full, and from a datagram send() to a
 *    socket whose receive queue is full.
 *
 * Anything else stays "wait".
 */
static u8 ips_sock_how(const struct ips_snap *s, const struct ips_sock *k,
		       const struct ips_waiter *w)
{
	const struct ips_syscall *sc = ips_syscall(w->syscall);
	wait_queue_func_t recv_wake = READ_ONCE(ips_recv_wake);

	if (w->queue == IPS_PEER_WAIT)
		return !w->excl ? IPS_HOW_WAIT :
		       k->state == TCP_LISTEN ? IPS_HOW_CONNECT : IPS_HOW_SEND;
	if (recv_wake && w->func == recv_wake && w->excl)
		return k->state == TCP_LISTEN ? IPS_HOW_ACCEPT : IPS_HOW_RECV;
	if (w->func == autoremove_wake_function && !w->excl && sc &&
	    (sc->how == IPS_HOW_RECV || sc->how == IPS_HOW_SEND))
		return sc->how;
	return IPS_HOW_WAIT;
}

/* Copy the two wait queues of a unix socket, whose file is pinned. */
static int ips_sock_inspect(struct ips_snap *s, u32 idx, struct socket *sock)
{
	static const u8 queue[2] = { IPS_SK_WAIT, IPS_PEER_WAIT };
	struct sock *sk = sock->sk;
	struct wait_queue_head *const wq[2] = {
		&sock->wq.wait, &unix_sk(sk)->peer_wait
	};
	struct ips_sock *k = &s->socks[idx];
	u32 lost_waiters = s->lost_waiters;
	u64 lost_queue = s->lost_queue;
	u32 uncounted = s->lost_queue_uncounted;
	struct ips_span span;
	bool learnt = false;
	u32 i;
	int err;

again:
	err = ips_copy_waiters(s, idx, wq, queue, &span);
	if (err)
		return err;
	ips_name_waiters(s, span.first);
	for (i = span.first; i < s->nr_waiters; i++) {
		struct ips_waiter *w = &s->waiters[i];

		/*
		 * A module's function is named "name [module]": only the
		 * core kernel's receiver_wake_function() matches.
		 */
		if (!learnt && !READ_ONCE(ips_recv_wake) &&
		    !strcmp(s->fn_name[w->fn], "receiver_wake_function")) {
			/* Trusted from now on; copy again to see its task. */
			WRITE_ONCE(ips_recv_wake, (wait_queue_func_t)w->func);
			learnt = true;
			s->nr_waiters = span.first;
			s->lost_waiters = lost_waiters;
			s->lost_queue = lost_queue;
			s->lost_queue_uncounted = uncounted;
			goto again;
		}
	}
	k->first_waiter = span.first;
	k->nr_waiters = span.nr;
	k->truncated = span.truncated;
	for (i = span.first; i < s->nr_waiters; i++) {
		struct ips_waiter *w = &s->waiters[i];

		if (w->how == IPS_HOW_WAIT)
			w->how = ips_sock_how(s, k, w);
	}
	return 0;
}

/* A new record for the pipe or socket of @file: its index, or IPS_NONE. */
static int ips_new_obj(struct ips_snap *s, struct file *file, const void *key,
		       u32 slot, u32 *idx)
{
	struct inode *inode = file_inode(file);
	struct ips_pipe *p;
	struct ips_sock *k;
	int err;

	if (s->kind == IPS_SOCKS) {
		struct socket *sock = (struct socket *)key;

		if (s->nr_socks >= ips_cap(max_socks)) {
			s->lost_sock_fds++;
			*idx = IPS_NONE;
			return 0;
		}
		err = ips_grow((void **)&s->socks, &s->max_socks,
			       sizeof(*s->socks), s->nr_socks + 1,
			       ips_cap(max_socks));
		if (err)
			return err;
		*idx = s->nr_socks++;
		s->hash[slot] = *idx + 1;
		k = &s->socks[*idx];
		memset(k, 0, sizeof(*k));
		k->key = key;
		k->ino = inode->i_ino;
		k->dev = inode->i_sb->s_dev;
		/* Lockless, as unix_poll() reads them. */
		k->type = READ_ONCE(sock->sk->sk_type);
		k->state = READ_ONCE(sock->sk->sk_state);
		k->first_holder = IPS_NONE;
		k->last_holder = IPS_NONE;
		return ips_sock_inspect(s, *idx, sock);
	}

	if (s->nr_pipes >= ips_cap(max_pipes)) {
		s->lost_pipe_fds++;
		*idx = IPS_NONE;
		return 0;
	}
	err = ips_grow((void **)&s->pipes, &s->max_pipes, sizeof(*s->pipes),
		       s->nr_pipes + 1, ips_cap(max_pipes));
	if (err)
		return err;
	*idx = s->nr_pipes++;
	s->hash[slot] = *idx + 1;
	p = &s->pipes[*idx];
	memset(p, 0, sizeof(*p));
	p->key = key;
	p->ino = inode->i_ino;
	p->dev = inode->i_sb->s_dev;
	p->fifo = inode->i_sb->s_magic != PIPEFS_MAGIC;
	p->first_holder = IPS_NONE;
	p->last_holder = IPS_NONE;
	return ips_inspect(s, *idx, file);
}

/* One pinned pipe or socket file of a scanned fd table. */
static int ips_add(struct ips_snap *s, struct file *file, unsigned int fd,
		   pid_t pid, const char *comm)
{
	/* The pipe_inode_info, or the struct socket. */
	const void *key = file->private_data;
	u32 *first, *last, *nr;
	struct ips_holder *h;
	u32 idx, slot;
	int err;

	if (ips_nr_objs(s) * 2 >= s->hash_size) {
		err = ips_rehash(s);
		if (err)
			return err;
	}
	idx = ips_find(s, key, file_inode(file), &slot);
	if (idx == IPS_NONE) {
		err = ips_new_obj(s, file, key, slot, &idx);
		if (err || idx == IPS_NONE)
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
	h->obj = idx;
	h->next = IPS_NONE;
	h->pid = pid;
	h->fd = fd;
	h->mode = (file->f_mode & FMODE_READ ? IPS_MODE_R : 0) |
		  (file->f_mode & FMODE_WRITE ? IPS_MODE_W : 0);
	memcpy(h->comm, comm, sizeof(h->comm));

	if (s->kind == IPS_SOCKS) {
		first = &s->socks[idx].first_holder;
		last = &s->socks[idx].last_holder;
		nr = &s->socks[idx].nr_holders;
	} else {
		first = &s->pipes[idx].first_holder;
		last = &s->pipes[idx].last_holder;
		nr = &s->pipes[idx].nr_holders;
	}
	if (*last == IPS_NONE)
		*first = s->nr_holders;
	else
		s->holders[*last].next = s->nr_holders;
	*last = s->nr_holders;
	(*nr)++;
	s->nr_holders++;
	return 0;
}

/*
 * iterate_fd() callback, under task_lock() and files->file_lock.  The fd
 * table holds a reference on @file, so get_file() is safe here.  A file is
 * a pipe end when its inode is a FIFO (i_pipe shares storage with i_cdev,
 * so the mode is checked first) and it was opened through fifo_open(),
 * which sets ->private_data to inode->i_pipe; O_PATH files are not opened
 * and hold no pipe.  Both fields are stable while the file is open.  A
 * file is a unix socket when sock_from_file() finds a socket behind it
 * (its f_op is socket_file_ops) whose sk is AF_UNIX: sock->sk is set
 * before the file is installed and cleared only by its release.
 */
static int ips_collect(const void *data, struct file *file, unsigned int fd)
{
	/* iterate_fd() passes its cookie as const; it is ours to fill. */
	struct ips_batch *b = (struct ips_batch *)data;
	struct inode *inode = file_inode(file);
	bool want;

	b->next_fd = fd + 1;
	if (b->socks) {
		struct socket *sock = sock_from_file(file);
		struct sock *sk = sock ? READ_ONCE(sock->sk) : NULL;

		want = sk && sk->sk_family == AF_UNIX;
	} else {
		want = S_ISFIFO(inode->i_mode) &&
		       !(file->f_mode & FMODE_PATH) && file->private_data &&
		       file->private_data == inode->i_pipe;
	}
	if (want) {
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
	kvfree(s->socks);
	kvfree(s->holders);
	kvfree(s->waiters);
	kvfree(s->bufs);
	kvfree(s->hash);
	kfree(s);
}

/**
 * ips_snap_build() - take a snapshot of every pipe, or of every unix socket,
 * some process holds open
 * @file: the debugfs file being opened, for the pollwake() probe
 * @kind: pipes; pipes and every used slot of every ring (the buffers
 *	file); or unix sockets
 *
 * Walks all thread groups and their fd tables; may sleep.  The caller must
 * be in the initial pid namespace, since pids are reported as seen there.
 *
 * Return: the snapshot, to be freed with ips_snap_free(), or an ERR_PTR():
 * -EPERM for a caller in another pid namespace, -ENOMEM, or -EINTR when a
 * fatal signal arrived.
 */
struct ips_snap *ips_snap_build(struct file *file, enum ips_kind kind)
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
	s->kind = kind;
	b->socks = kind == IPS_SOCKS;
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
