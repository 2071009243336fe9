// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope: debugfs views of live pipes and FIFOs, and of unix sockets.
 *
 *	/sys/kernel/debug/ipcscope/pipes	one line per pipe
 *	/sys/kernel/debug/ipcscope/waiters	one line per wait-queue entry
 *	/sys/kernel/debug/ipcscope/fds		one line per (pid, fd) pipe end
 *	/sys/kernel/debug/ipcscope/buffers	one line per used ring slot
 *	/sys/kernel/debug/ipcscope/summary	counts, one key=value per line
 *	/sys/kernel/debug/ipcscope/sockets	one line per unix socket
 *
 * The format of each file is documented in Documentation/debugfs.rst and
 * starts with a "# ipcscope-<file> v<N>" line; N changes whenever a field
 * changes meaning or position.
 *
 * Each open() takes a snapshot (see ipcscope_snap.c) and the seq_file
 * iterator walks it by index, so output of any size is produced a page at
 * a time and a slow reader pins no pipe and holds no lock.  An open file
 * holds a reference on this module (debugfs' proxy takes it from
 * .owner), so rmmod fails with EBUSY until the last reader closes.
 */

#include <linux/bits.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kdev_t.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/seq_file.h>
#include <net/tcp_states.h>

#include "ipcscope.h"

static const char *const ips_how_name[IPS_HOW_MAX] = {
	[IPS_HOW_READ]	= "read",
	[IPS_HOW_WRITE]	= "write",
	[IPS_HOW_WAIT]	= "wait",
	[IPS_HOW_POLL]	= "poll",
	[IPS_HOW_EPOLL]	= "epoll",
	[IPS_HOW_OTHER]	= "other",
	[IPS_HOW_RECV]	= "recv",
	[IPS_HOW_SEND]	= "send",
	[IPS_HOW_ACCEPT] = "accept",
	[IPS_HOW_CONNECT] = "connect",
};

static const char *const ips_mode_name[] = {
	[IPS_MODE_NONE]	= "-",
	[IPS_MODE_R]	= "r",
	[IPS_MODE_W]	= "w",
	[IPS_MODE_RW]	= "rw",
};

/*
 * comm is chosen by user space and may contain anything; escape the
 * separators and every byte outside printable ASCII as \ooo so that a
 * record stays one line of space-separated key=value fields.
 */
static void ips_put_comm(struct seq_file *m, const char *comm)
{
	int i;

	for (i = 0; i < TASK_COMM_LEN && comm[i]; i++) {
		unsigned char c = comm[i];

		if (c <= ' ' || c >= 0x7f || c == '\\' || c == ',' ||
		    c == '/' || c == '=')
			seq_printf(m, "\\%03o", c);
		else
			seq_putc(m, c);
	}
}

static void ips_put_dev(struct seq_file *m, const struct ips_pipe *p)
{
	seq_printf(m, "ino=%lu dev=%u:%u kind=%s", p->ino, MAJOR(p->dev),
		   MINOR(p->dev), p->fifo ? "fifo" : "anon");
}

static void ips_put_queue(struct seq_file *m, const struct ips_snap *s,
			  const struct ips_pipe *p, u8 queue)
{
	const struct ips_waiter *w;
	bool first = true;
	u32 i;

	for (i = 0; i < p->nr_waiters; i++) {
		w = &s->waiters[p->first_waiter + i];
		if (w->queue != queue)
			continue;
		seq_printf(m, "%s%d/%s", first ? "" : ",", w->tid,
			   ips_how_name[w->how]);
		first = false;
	}
	if (first)
		seq_putc(m, '-');
}

static void ips_show_pipe(struct seq_file *m, const struct ips_snap *s,
			  u32 idx)
{
	const struct ips_pipe *p = &s->pipes[idx];
	const struct ips_holder *h;
	u32 i;

	ips_put_dev(m, p);
	seq_printf(m, " size=%lu max_usage=%u ring_size=%u used=%u bytes=%llu",
		   (unsigned long)p->max_usage * PAGE_SIZE, p->max_usage,
		   p->ring_size, p->used, p->bytes);
	seq_printf(m, " head=%u tail=%u nr_accounted=%u", p->head, p->tail,
		   p->nr_accounted);
	seq_printf(m, " readers=%u writers=%u files=%u", p->readers,
		   p->writers, p->files);
	seq_printf(m, " r_counter=%u w_counter=%u busy=%u", p->r_counter,
		   p->w_counter, p->busy);
	seq_puts(m, " rd_wait=");
	ips_put_queue(m, s, p, IPS_RD_WAIT);
	seq_puts(m, " wr_wait=");
	ips_put_queue(m, s, p, IPS_WR_WAIT);
	seq_puts(m, " holders=");
	for (i = p->first_holder; i != IPS_NONE; i = h->next) {
		h = &s->holders[i];
		seq_printf(m, "%s%d/%u/%s/", i == p->first_holder ? "" : ",",
			   h->pid, h->fd, ips_mode_name[h->mode]);
		ips_put_comm(m, h->comm);
	}
	if (p->first_holder == IPS_NONE)
		seq_putc(m, '-');
	seq_printf(m, " truncated=%u\n", p->truncated);
}

static void ips_show_waiter(struct seq_file *m, const struct ips_snap *s,
			    u32 idx)
{
	const struct ips_waiter *w = &s->waiters[idx];

	seq_printf(m, "pid=%d tid=%d comm=", w->pid, w->tid);
	ips_put_comm(m, w->comm);
	seq_putc(m, ' ');
	ips_put_dev(m, &s->pipes[w->obj]);
	seq_printf(m, " queue=%s how=%s excl=%u func=%s\n",
		   w->queue == IPS_RD_WAIT ? "rd_wait" : "wr_wait",
		   ips_how_name[w->how], w->excl, s->fn_name[w->fn]);
}

static void ips_show_fd(struct seq_file *m, const struct ips_snap *s,
			u32 idx)
{
	const struct ips_holder *h = &s->holders[idx];

	seq_printf(m, "pid=%d fd=%u mode=%s comm=", h->pid, h->fd,
		   ips_mode_name[h->mode]);
	ips_put_comm(m, h->comm);
	seq_putc(m, ' ');
	ips_put_dev(m, &s->pipes[h->obj]);
	seq_putc(m, '\n');
}

static const char *const ips_buf_flag[] = {
	"lru", "atomic", "gift", "packet", "can_merge", "whole", "loss",
};

static void ips_show_buf(struct seq_file *m, const struct ips_snap *s,
			 u32 idx)
{
	const struct ips_buf *b = &s->bufs[idx];
	const struct ips_pipe *p = &s->pipes[b->pipe];
	unsigned int i, rest;
	bool first = true;

	ips_put_dev(m, p);
	seq_printf(m, " index=%u slot=%u offset=%u len=%u flags=", b->index,
		   b->index & (p->ring_size - 1), b->offset, b->len);
	for (i = 0; i < ARRAY_SIZE(ips_buf_flag); i++) {
		if (!(b->flags & (1U << i)))
			continue;
		seq_printf(m, "%s%s", first ? "" : ",", ips_buf_flag[i]);
		first = false;
	}
	/* Flags newer than this module, as a number. */
	rest = b->flags & ~GENMASK(ARRAY_SIZE(ips_buf_flag) - 1, 0);
	if (rest)
		seq_printf(m, "%s%#x", first ? "" : ",", rest);
	else if (first)
		seq_putc(m, '-');
	seq_printf(m, " ops=%s\n", s->fn_name[b->fn]);
}

static u32 ips_nr_bufs(const struct ips_snap *s)
{
	return s->nr_bufs;
}

static u32 ips_nr_pipes(const struct ips_snap *s)
{
	return s->nr_pipes;
}

static u32 ips_nr_waiters(const struct ips_snap *s)
{
	return s->nr_waiters;
}

static u32 ips_nr_holders(const struct ips_snap *s)
{
	return s->nr_holders;
}

/* What the cap and busy pipes left out of this very snapshot. */
static void ips_bufs_footer(struct seq_file *m, const struct ips_snap *s)
{
	seq_printf(m, "# lost_bufs=%u\n", s->lost_bufs);
}

static const char *ips_sock_type(u16 type)
{
	switch (type) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	}
	return NULL;
}

static const char *ips_sock_state(u8 state)
{
	switch (state) {
	case TCP_ESTABLISHED:
		return "connected";
	case TCP_LISTEN:
		return "listening";
	case TCP_CLOSE:
		return "unconnected";
	}
	return NULL;
}

/* A socket's sleepers on one queue: PID/TID/HOW/SYSCALL/FUNC/COMM,... */
static void ips_put_sleepers(struct seq_file *m, const struct ips_snap *s,
			     const struct ips_sock *k, u8 queue)
{
	const struct ips_waiter *w;
	bool first = true;
	u32 i;

	for (i = 0; i < k->nr_waiters; i++) {
		w = &s->waiters[k->first_waiter + i];
		if (w->queue != queue)
			continue;
		seq_printf(m, "%s%d/%d/%s/%s/", first ? "" : ",", w->pid,
			   w->tid, ips_how_name[w->how],
			   ips_syscall_name(w->syscall));
		seq_puts(m, s->fn_name[w->fn]);
		seq_putc(m, '/');
		ips_put_comm(m, w->comm);
		first = false;
	}
	if (first)
		seq_putc(m, '-');
}

static void ips_show_sock(struct seq_file *m, const struct ips_snap *s,
			  u32 idx)
{
	const struct ips_sock *k = &s->socks[idx];
	const char *type = ips_sock_type(k->type);
	const char *state = ips_sock_state(k->state);
	const struct ips_holder *h;
	u32 i;

	seq_printf(m, "ino=%lu dev=%u:%u type=", k->ino, MAJOR(k->dev),
		   MINOR(k->dev));
	if (type)
		seq_puts(m, type);
	else
		seq_printf(m, "%u", k->type);
	seq_puts(m, " state=");
	if (state)
		seq_puts(m, state);
	else
		seq_printf(m, "%u", k->state);
	seq_puts(m, " holders=");
	for (i = k->first_holder; i != IPS_NONE; i = h->next) {
		h = &s->holders[i];
		seq_printf(m, "%s%d/%u/", i == k->first_holder ? "" : ",",
			   h->pid, h->fd);
		ips_put_comm(m, h->comm);
	}
	if (k->first_holder == IPS_NONE)
		seq_putc(m, '-');
	seq_puts(m, " sk_wait=");
	ips_put_sleepers(m, s, k, IPS_SK_WAIT);
	seq_puts(m, " peer_wait=");
	ips_put_sleepers(m, s, k, IPS_PEER_WAIT);
	seq_printf(m, " truncated=%u\n", k->truncated);
}

static u32 ips_nr_socks(const struct ips_snap *s)
{
	return s->nr_socks;
}

/* What the caps and bounds left out of this very snapshot. */
static void ips_socks_footer(struct seq_file *m, const struct ips_snap *s)
{
	seq_printf(m, "# lost_sock_fds=%u lost_fds=%u lost_waiters=%u",
		   s->lost_sock_fds, s->lost_fds, s->lost_waiters);
	seq_printf(m, " lost_queue=%llu lost_queue_uncounted=%u",
		   s->lost_queue, s->lost_queue_uncounted);
	seq_printf(m, " lost_fd_tables=%u tasks=%u fd_tables=%u scan_ns=%llu\n",
		   s->lost_fd_tables, s->nr_tasks, s->nr_tables, s->scan_ns);
}

/* One record-per-line view of a snapshot. */
struct ips_view {
	const char *header;
	enum ips_kind kind;	/* what the snapshot must hold */
	u32 (*count)(const struct ips_snap *s);
	void (*show)(struct seq_file *m, const struct ips_snap *s, u32 idx);
	void (*footer)(struct seq_file *m, const struct ips_snap *s);
};

static const struct ips_view ips_pipes_view = {
	.header	= "# ipcscope-pipes v2\n",
	.count	= ips_nr_pipes,
	.show	= ips_show_pipe,
};

static const struct ips_view ips_waiters_view = {
	.header	= "# ipcscope-waiters v1\n",
	.count	= ips_nr_waiters,
	.show	= ips_show_waiter,
};

static const struct ips_view ips_fds_view = {
	.header	= "# ipcscope-fds v1\n",
	.count	= ips_nr_holders,
	.show	= ips_show_fd,
};

static const struct ips_view ips_bufs_view = {
	.header	= "# ipcscope-buffers v1\n",
	.kind	= IPS_PIPE_BUFS,
	.count	= ips_nr_bufs,
	.show	= ips_show_buf,
	.footer	= ips_bufs_footer,
};

static const struct ips_view ips_socks_view = {
	.header	= "# ipcscope-sockets v1\n",
	.kind	= IPS_SOCKS,
	.count	= ips_nr_socks,
	.show	= ips_show_sock,
	.footer	= ips_socks_footer,
};

/* The cursor is an index into the snapshot: nothing to pin or unlock. */
struct ips_iter {
	const struct ips_view *view;
	struct ips_snap *snap;
	u32 idx;
};

/*
 * Position 0 is the version line, position i > 0 is record i - 1, and the
 * one after the last record is the footer, for a view that has one.
 */
static void *ips_seq_start(struct seq_file *m, loff_t *pos)
{
	struct ips_iter *it = m->private;
	u32 count = it->view->count(it->snap);

	if (*pos == 0)
		return SEQ_START_TOKEN;
	if (*pos > count + !!it->view->footer)
		return NULL;
	it->idx = *pos - 1;
	return it;
}

static void *ips_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return ips_seq_start(m, pos);
}

static void ips_seq_stop(struct seq_file *m, void *v)
{
}

static int ips_seq_show(struct seq_file *m, void *v)
{
	struct ips_iter *it = m->private;

	if (v == SEQ_START_TOKEN)
		seq_puts(m, it->view->header);
	else if (it->idx == it->view->count(it->snap))
		it->view->footer(m, it->snap);
	else
		it->view->show(m, it->snap, it->idx);
	return 0;
}

static const struct seq_operations ips_seq_ops = {
	.start	= ips_seq_start,
	.next	= ips_seq_next,
	.stop	= ips_seq_stop,
	.show	= ips_seq_show,
};

static int ips_open(struct inode *inode, struct file *file)
{
	const struct ips_view *view = inode->i_private;
	struct ips_iter *it;
	struct ips_snap *s;

	s = ips_snap_build(file, view->kind);
	if (IS_ERR(s))
		return PTR_ERR(s);
	it = __seq_open_private(file, &ips_seq_ops, sizeof(*it));
	if (!it) {
		ips_snap_free(s);
		return -ENOMEM;
	}
	it->view = view;
	it->snap = s;
	return 0;
}

static int ips_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct ips_iter *it = m->private;

	ips_snap_free(it->snap);
	return seq_release_private(inode, file);
}

static const struct file_operations ips_fops = {
	.owner		= THIS_MODULE,
	.open		= ips_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= ips_release,
};

static int ips_summary_show(struct seq_file *m, void *unused)
{
	u32 how[IPS_HOW_MAX] = {}, queue[IPS_QUEUE_MAX] = {};
	const struct ips_snap *s = m->private;
	u64 bytes = 0, capacity = 0;
	u32 fifos = 0, full = 0, i;

	for (i = 0; i < s->nr_pipes; i++) {
		const struct ips_pipe *p = &s->pipes[i];

		fifos += p->fifo;
		full += p->used >= p->max_usage;
		bytes += p->bytes;
		capacity += (u64)p->max_usage * PAGE_SIZE;
	}
	for (i = 0; i < s->nr_waiters; i++) {
		how[s->waiters[i].how]++;
		queue[s->waiters[i].queue]++;
	}

	seq_puts(m, "# ipcscope-summary v1\n");
	seq_printf(m, "tasks=%u\n", s->nr_tasks);
	seq_printf(m, "fd_tables=%u\n", s->nr_tables);
	seq_printf(m, "pipe_fds=%u\n", s->nr_holders);
	seq_printf(m, "pipes=%u\n", s->nr_pipes);
	seq_printf(m, "anon=%u\n", s->nr_pipes - fifos);
	seq_printf(m, "fifo=%u\n", fifos);
	seq_printf(m, "full=%u\n", full);
	seq_printf(m, "busy=%u\n", s->nr_busy);
	seq_printf(m, "bytes=%llu\n", bytes);
	seq_printf(m, "capacity=%llu\n", capacity);
	seq_printf(m, "waiters=%u\n", s->nr_waiters);
	seq_printf(m, "rd_wait=%u\n", queue[IPS_RD_WAIT]);
	seq_printf(m, "wr_wait=%u\n", queue[IPS_WR_WAIT]);
	for (i = 0; i < IPS_HOW_PIPE_MAX; i++)
		seq_printf(m, "how_%s=%u\n", ips_how_name[i], how[i]);
	seq_printf(m, "lost_waiters=%u\n", s->lost_waiters);
	seq_printf(m, "lost_queue=%llu\n", s->lost_queue);
	seq_printf(m, "lost_queue_uncounted=%u\n", s->lost_queue_uncounted);
	seq_printf(m, "lost_pipe_fds=%u\n", s->lost_pipe_fds);
	seq_printf(m, "lost_fds=%u\n", s->lost_fds);
	seq_printf(m, "lost_bufs=%u\n", s->lost_bufs);
	seq_printf(m, "lost_fd_tables=%u\n", s->lost_fd_tables);
	seq_printf(m, "poll_proven=%u\n", s->poll_proven);
	seq_printf(m, "scan_ns=%llu\n", s->scan_ns);
	return 0;
}

/* A few lines: single_open(), over a snapshot of its own. */
static int ips_summary_open(struct inode *inode, struct file *file)
{
	struct ips_snap *s;
	int err;

	s = ips_snap_build(file, IPS_PIPES);
	if (IS_ERR(s))
		return PTR_ERR(s);
	err = single_open(file, ips_summary_show, s);
	if (err)
		ips_snap_free(s);
	return err;
}

static int ips_summary_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	ips_snap_free(m->private);
	return single_release(inode, file);
}

static const struct file_operations ips_summary_fops = {
	.owner		= THIS_MODULE,
	.open		= ips_summary_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= ips_summary_release,
};

static struct dentry *ips_dir;

static int __init ips_init(void)
{
	ips_dir = debugfs_create_dir("ipcscope", NULL);
	debugfs_create_file("pipes", 0400, ips_dir, (void *)&ips_pipes_view,
			    &ips_fops);
	debugfs_create_file("waiters", 0400, ips_dir,
			    (void *)&ips_waiters_view, &ips_fops);
	debugfs_create_file("fds", 0400, ips_dir, (void *)&ips_fds_view,
			    &ips_fops);
	debugfs_create_file("buffers", 0400, ips_dir, (void *)&ips_bufs_view,
			    &ips_fops);
	debugfs_create_file("summary", 0400, ips_dir, NULL, &ips_summary_fops);
	debugfs_create_file("sockets", 0400, ips_dir, (void *)&ips_socks_view,
			    &ips_fops);
	return 0;
}

static void __exit ips_exit(void)
{
	debugfs_remove_recursive(ips_dir);
}

module_init(ips_init);
module_exit(ips_exit);

MODULE_DESCRIPTION("ipcscope: debugfs views of live pipes, unix sockets and their waiters");
MODULE_AUTHOR("ipcscope developers");
MODULE_LICENSE("GPL");
