// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX message queues, mq_timedsend(2), mq_timedreceive(2) and
 * mq_notify(2) (libc's mq_send/mq_receive call the timed ones), in three
 * tiers:
 *
 *  fentry/fexit  on do_mq_timedsend, do_mq_timedreceive and do_mq_notify
 *                (static in ipc/mqueue.c: the collector checks BTF, and
 *                for kprobes kallsyms, that they were not inlined away);
 *  kprobe/kretprobe on the same functions;
 *  tracepoints   handlers of the three syscalls for the syscall dispatcher
 *                (syscalls.bpf.c, raw sys_enter/sys_exit).
 *
 * Every tier takes the same arguments (descriptor, length, priority) and
 * resolves the descriptor itself in the task's file table, so the queue's
 * name (its dentry) and its state (struct mqueue_inode_info, private to
 * ipc/mqueue.c but described by BTF) are read the same way everywhere.
 *
 * A notification fires in __do_notify(), inside a send that made the queue
 * non-empty, and the kernel then drops the registration (notify_owner goes
 * to NULL).  Each send therefore notes the registration at entry; a send
 * that succeeded and finds it gone at return fired it.  Only a concurrent
 * mq_notify(NULL) or close by the owner during that send can look the
 * same (see Documentation/events-mq-shm.rst).
 *
 * Which send a received message came from: msgsender.bpf.h (fentry and
 * kprobe tiers); on the tracepoint tier the collector's model of each
 * queue (tools/msgpair.c), which needs every task's calls: model_task().
 *
 * --payload (payload.bpf.h): the message, at msg_ptr in every tier: the
 * msg_len bytes a send queued (it returns 0), the bytes a receive returns.
 * A task outside -p/-c, kept for the queue model only, has no payload
 * record.
 */
#include "common.bpf.h"
#include "inflight.bpf.h"
#include "syscalls.bpf.h"
#include "msgsender.bpf.h"
#include "payload.bpf.h"

#define MQUEUE_MAGIC	0x19800202	/* include/uapi/linux/magic.h */

struct inflight {
	__u64 start_ns;		/* first: nonzero while in flight */
	__u64 requested;
	struct mqueue_inode_info *info;	/* NULL: not a message queue */
	struct dentry *dentry;
	void *prio_ptr;		/* receive: where the kernel puts the prio */
	const void *msg;	/* --payload: msg_ptr (user) */
	struct pid *owner;	/* send: the notification registered at entry */
	__s32 mqd;
	__u32 prio;
	__s32 signo;		/* notify: as asked; send: as registered */
	__s32 notify;		/* sigev_notify; -1: NULL, -2: unreadable */
	__u32 owner_pid;	/* send: the registered tgid */
	__u16 type;		/* IPCSCOPE_EV_MQ_* */
	__u8 prio_valid;
	__u8 sender_known;
	__u8 unwanted;		/* outside -p/-c (see model_task()) */
	__u32 sender_pid;
	__u32 sender_tid;
	__u64 sent_ts_ns;
	__u64 taken_ns;		/* receive: when store_msg copied it out */
	char sender_comm[IPCSCOPE_COMM_LEN];
};

DEFINE_INFLIGHT_MAP(struct inflight);


const volatile __u8 tier = IPCSCOPE_TIER_NONE;

/* The open file of descriptor @fd of the current task, or NULL. */
static __always_inline struct file *fd_file(int fd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct file *file = NULL;
	struct fdtable *fdt;
	struct file **fds;

	if (fd < 0)
		return NULL;
	fdt = BPF_CORE_READ(task, files, fdt);
	if ((unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_core_read(&file, sizeof(file), &fds[fd]);
	return file;
}

/* The queue behind @file: its inode is on the mqueue filesystem and is
 * the vfs_inode of a struct mqueue_inode_info. */
static __always_inline struct mqueue_inode_info *file_queue(struct file *file)
{
	struct inode *inode;

	if (!file)
		return NULL;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode || BPF_CORE_READ(inode, i_sb, s_magic) != MQUEUE_MAGIC)
		return NULL;
	return (void *)inode - bpf_core_field_offset(struct mqueue_inode_info,
						     vfs_inode);
}

/* "/" and the dentry's name into @name; the ipcscope_path_status. */
static __always_inline __u8 read_name(char *name, struct dentry *dentry)
{
	const unsigned char *s;
	__u32 len;

	if (!dentry)
		return IPCSCOPE_PATH_NONE;
	name[0] = '/';
	s = BPF_CORE_READ(dentry, d_name.name);
	len = BPF_CORE_READ(dentry, d_name.len);
	if (bpf_probe_read_kernel_str(name + 1, IPCSCOPE_MQ_NAME_MAX - 1,
				      s) < 0) {
		name[1] = '\0';
		return IPCSCOPE_PATH_UNREADABLE;
	}
	return len > IPCSCOPE_MQ_NAME_MAX - 2 ? IPCSCOPE_PATH_TRUNCATED :
						 IPCSCOPE_PATH_FULL;
}

/* struct sigevent starts with a union sigval (8 bytes), then
 * sigev_signo and sigev_notify: the same in the kernel and in libc. */
struct sigevent_head {
	__u64 value;
	__s32 signo;
	__s32 notify;
};

static __always_inline int mq_enter(__u16 type, int mqd, const void *msg,
				    __u64 requested, __u32 prio,
				    bool prio_valid, void *prio_ptr,
				    const void *sev, bool sev_user)
{
	struct inflight rec = {};
	struct mqueue_inode_info *info;
	bool wanted = task_wanted();
	struct file *file;

	/* other tasks' sends and receives only for the queue model */
	if (!wanted && (!model_task() || type == IPCSCOPE_EV_MQ_NOTIFY))
		return 0;
	/* a call still in flight on this thread lost its return (a kernel
	 * out of kretprobe slots): count its event as lost, not silently */
	if (inflight_find(&inflight))
		count_lost();
	rec.unwanted = !wanted;
	rec.type = type;
	rec.mqd = mqd;
	rec.requested = requested;
	rec.prio = prio;
	rec.prio_valid = prio_valid;
	rec.prio_ptr = prio_ptr;
	if (payload_max)
		rec.msg = msg;
	file = fd_file(mqd);
	info = file_queue(file);
	rec.info = info;
	if (info)
		rec.dentry = BPF_CORE_READ(file, f_path.dentry);
	if (type == IPCSCOPE_EV_MQ_SEND && info) {
		struct pid *owner = BPF_CORE_READ(info, notify_owner);

		rec.owner = owner;
		if (owner) {
			rec.owner_pid = BPF_CORE_READ(owner, numbers[0].nr);
			rec.signo = BPF_CORE_READ(info, notify.sigev_signo);
			rec.notify = BPF_CORE_READ(info, notify.sigev_notify);
		}
	}
	if (type == IPCSCOPE_EV_MQ_NOTIFY) {
		struct sigevent_head h = {};

		/* -1: mq_notify(NULL); -2: a sigevent we could not read */
		rec.notify = sev ? -2 : -1;
		if (sev && !(sev_user ? bpf_probe_read_user(&h, sizeof(h), sev) :
				bpf_probe_read_kernel(&h, sizeof(h), sev))) {
			rec.signo = h.signo;
			rec.notify = h.notify;
		}
	}
	rec.start_ns = bpf_ktime_get_ns();
	inflight_start(&inflight, &rec);
	return 0;
}

static __always_inline __u64 queue_ino(struct mqueue_inode_info *info)
{
	return info ? BPF_CORE_READ(info, vfs_inode.i_ino) : 0;
}

/* Messages in the queue now (read without its lock: a snapshot). */
static __always_inline __s64 queue_len(struct mqueue_inode_info *info)
{
	return info ? BPF_CORE_READ(info, attr.mq_curmsgs) : -1;
}

static __always_inline struct pid *queue_owner(struct mqueue_inode_info *info)
{
	return BPF_CORE_READ(info, notify_owner);
}

static __always_inline void emit_notify(struct inflight *rec, long ret,
					__u8 action)
{
	struct ipcscope_mq_notify_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	fill_hdr(&e->hdr, IPCSCOPE_EV_MQ_NOTIFY, sizeof(*e));
	e->ret = action == IPCSCOPE_MQ_NOTIFY_FIRE ? 0 : ret;
	e->ino = queue_ino(rec->info);
	e->mqd = rec->mqd;
	e->signo = rec->signo;
	e->notify = rec->notify;
	e->owner_pid = action == IPCSCOPE_MQ_NOTIFY_FIRE ? rec->owner_pid :
			  e->hdr.pid;
	e->action = action;
	e->tier = tier;
	__builtin_memset(e->pad0, 0, sizeof(e->pad0));
	e->name[0] = '\0';
	e->name_status = read_name(e->name, rec->dentry);
	submit_event(e);
}

static __always_inline int mq_exit(long ret)
{
	struct ipcscope_wake_event *note;
	__u64 have_note = 0;
	struct ipcscope_mq_event *e;
	struct inflight *rec;
	__u32 prio;

	rec = inflight_find(&inflight);
	if (!rec)
		return 0;
	if (rec->type == IPCSCOPE_EV_MQ_NOTIFY) {
		if (summary_mode)
			summary_add(rec->type, queue_ino(rec->info), ret,
				    bpf_ktime_get_ns() - rec->start_ns);
		if (!summary_mode || summary_events)
			emit_notify(rec, ret, rec->notify == -1 ?
				    IPCSCOPE_MQ_NOTIFY_UNREGISTER :
				    IPCSCOPE_MQ_NOTIFY_REGISTER);
		goto out;
	}
	/* the registration noted at entry is gone: this send fired it */
	if (rec->type == IPCSCOPE_EV_MQ_SEND && ret == 0 && rec->owner &&
	    (!summary_mode || summary_events) && !rec->unwanted &&
	    !queue_owner(rec->info))
		emit_notify(rec, 0, IPCSCOPE_MQ_NOTIFY_FIRE);
	if (summary_mode) {
		/* a send moves msg_len bytes when it succeeds (returns 0) */
		if (!rec->unwanted)
			summary_add(rec->type, queue_ino(rec->info),
				    ret == 0 && rec->type == IPCSCOPE_EV_MQ_SEND ?
				    (long)rec->requested : ret,
				    bpf_ktime_get_ns() - rec->start_ns);
		/* another task's record goes on to the queue model */
		if (!summary_events)
			goto out;
	}
	note = peers_wake_note(&have_note);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		peers_note_done(note, have_note, false);
		goto out;
	}
	fill_hdr(&e->hdr, rec->type, sizeof(*e));
	e->ret = ret;
	e->duration_ns = e->hdr.ts_ns - rec->start_ns;
	e->requested = rec->requested;
	e->queued = queue_len(rec->info);
	e->ino = queue_ino(rec->info);
	e->mqd = rec->mqd;
	e->prio = rec->prio;
	e->prio_valid = rec->prio_valid;
	if (rec->type == IPCSCOPE_EV_MQ_RECEIVE) {
		e->prio = 0;
		e->prio_valid = 0;
		if (ret >= 0 && rec->prio_ptr &&
		    !bpf_probe_read_user(&prio, sizeof(prio), rec->prio_ptr)) {
			e->prio = prio;
			e->prio_valid = 1;
		}
	}
	e->sender_known = rec->sender_known;
	e->sender_pid = rec->sender_pid;
	e->sender_tid = rec->sender_tid;
	e->sent_ts_ns = rec->sent_ts_ns;
	e->queued_ns = rec->sender_known ? rec->taken_ns - rec->sent_ts_ns : 0;
	__builtin_memcpy(e->sender_comm, rec->sender_comm,
			 sizeof(e->sender_comm));
	e->tier = tier;
	e->sender_approx = 0;
	e->unwanted = rec->unwanted;
	__builtin_memset(e->pad0, 0, sizeof(e->pad0));
	e->name[0] = '\0';
	e->name_status = read_name(e->name, rec->dentry);
	/* a send moved msg_len bytes when it returned 0 */
	if (!rec->unwanted)
		payload_emit_user(&e->hdr, (__u64)rec->msg, rec->requested,
				  ret == 0 && rec->type == IPCSCOPE_EV_MQ_SEND ?
				  (long)rec->requested : ret);
	peers_note_done(note, have_note, true);
	submit_event(e);
out:
	inflight_done(&inflight, rec);
	return 0;
}

/* Tier 1: fentry/fexit.  The timeout is a kernel timespec64 by then.
 * The three functions return int, not long: fexit must say so, or a
 * negative errno reads as 2^32 - errno. */
SEC("fentry/do_mq_timedsend")
int BPF_PROG(mq_send_fentry, int mqdes, const char *u_msg_ptr,
	     size_t msg_len, unsigned int msg_prio, void *ts)
{
	return mq_enter(IPCSCOPE_EV_MQ_SEND, mqdes, u_msg_ptr, msg_len,
			msg_prio, true, NULL, NULL, false);
}

SEC("fexit/do_mq_timedsend")
int BPF_PROG(mq_send_fexit, int mqdes, const char *u_msg_ptr,
	     size_t msg_len, unsigned int msg_prio, void *ts, int ret)
{
	return mq_exit(ret);
}

SEC("fentry/do_mq_timedreceive")
int BPF_PROG(mq_receive_fentry, int mqdes, char *u_msg_ptr, size_t msg_len,
	     unsigned int *u_msg_prio, void *ts)
{
	return mq_enter(IPCSCOPE_EV_MQ_RECEIVE, mqdes, u_msg_ptr, msg_len, 0,
			false, u_msg_prio, NULL, false);
}

SEC("fexit/do_mq_timedreceive")
int BPF_PROG(mq_receive_fexit, int mqdes, char *u_msg_ptr, size_t msg_len,
	     unsigned int *u_msg_prio, void *ts, int ret)
{
	return mq_exit(ret);
}

/* do_mq_notify gets the kernel's copy of the sigevent (NULL: remove) */
SEC("fentry/do_mq_notify")
int BPF_PROG(mq_notify_fentry, int mqdes, const void *notification)
{
	return mq_enter(IPCSCOPE_EV_MQ_NOTIFY, mqdes, NULL, 0, 0, false, NULL,
			notification, false);
}

SEC("fexit/do_mq_notify")
int BPF_PROG(mq_notify_fexit, int mqdes, const void *notification,
	     int ret)
{
	return mq_exit(ret);
}

/* Pairing (fentry and kprobe tiers, bpf/msgsender.bpf.h): load_msg (the
 * send), store_msg (the receive), free_msg.  Every task's messages,
 * whatever the filters: a traced receiver may take a message from an
 * untraced sender. */
MSGSENDER_STORED(IPCSCOPE_EV_MQ_RECEIVE)
MSGSENDER_PROGRAMS(sender_note)

/* Tier 2: kprobes on the same functions. */
SEC("kprobe")
int BPF_KPROBE(mq_send_kprobe, int mqdes, const char *u_msg_ptr,
	       size_t msg_len, unsigned int msg_prio)
{
	return mq_enter(IPCSCOPE_EV_MQ_SEND, mqdes, u_msg_ptr, msg_len,
			msg_prio, true, NULL, NULL, false);
}

SEC("kprobe")
int BPF_KPROBE(mq_receive_kprobe, int mqdes, char *u_msg_ptr,
	       size_t msg_len, unsigned int *u_msg_prio)
{
	return mq_enter(IPCSCOPE_EV_MQ_RECEIVE, mqdes, u_msg_ptr, msg_len, 0,
			false, u_msg_prio, NULL, false);
}

SEC("kprobe")
int BPF_KPROBE(mq_notify_kprobe, int mqdes, const void *notification)
{
	return mq_enter(IPCSCOPE_EV_MQ_NOTIFY, mqdes, NULL, 0, 0, false, NULL,
			notification, false);
}

/* all three return an int: its upper 32 bits in rax are not the sign */
SEC("kretprobe")
int BPF_KRETPROBE(mq_kretprobe, int ret)
{
	return mq_exit(ret);
}

/*
 * Tier 3: the syscall dispatcher's handlers.
 * mq_timedsend(mqdes, msg_ptr, msg_len, msg_prio, abs_timeout),
 * mq_timedreceive(mqdes, msg_ptr, msg_len, msg_prio *, abs_timeout),
 * mq_notify(mqdes, const struct sigevent *): user memory.
 */
static __always_inline int enter_send(struct pt_regs *regs, bool btf)
{
	return mq_enter(IPCSCOPE_EV_MQ_SEND, sc_arg(regs, 0, btf),
			(void *)sc_arg(regs, 1, btf), sc_arg(regs, 2, btf),
			sc_arg(regs, 3, btf), true, NULL, NULL, true);
}

static __always_inline int enter_receive(struct pt_regs *regs, bool btf)
{
	return mq_enter(IPCSCOPE_EV_MQ_RECEIVE, sc_arg(regs, 0, btf),
			(void *)sc_arg(regs, 1, btf), sc_arg(regs, 2, btf), 0,
			false, (void *)sc_arg(regs, 3, btf), NULL, true);
}

static __always_inline int enter_notify(struct pt_regs *regs, bool btf)
{
	return mq_enter(IPCSCOPE_EV_MQ_NOTIFY, sc_arg(regs, 0, btf), NULL, 0,
			0, false, NULL, (void *)sc_arg(regs, 1, btf), true);
}

SYSCALL_ENTER(mq_sys_enter_send, enter_send)
SYSCALL_ENTER(mq_sys_enter_receive, enter_receive)
SYSCALL_ENTER(mq_sys_enter_notify, enter_notify)
SYSCALL_EXIT(mq_sys_exit, mq_exit)
