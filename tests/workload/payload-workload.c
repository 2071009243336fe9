// SPDX-License-Identifier: GPL-2.0
/*
 * Known bytes through a pipe, a FIFO, a stream socketpair, a datagram
 * socketpair, a SysV and a POSIX message queue, for the --payload test
 * (tests/lib/payload_data.h has the bytes).  One process, in this order;
 * facts go to $IPCSCOPE_FACTS.
 *
 *   pipe    write 256 bytes 0..255, read them with read(4096);
 *           write PAYLOAD_BIG, read(PAYLOAD_BIG);
 *           writev the UTF-8 text in 3 iovecs, readv it into 4 + 200;
 *           a non-blocking read of the empty pipe (EAGAIN)
 *   fifo    write the UTF-8 text, read(100)
 *   stream  send 0..255, recv(4096); sendmsg the text in 3 iovecs,
 *           recvmsg into 3 + 200; write PAYLOAD_BIG, read(PAYLOAD_BIG)
 *   dgram   send PAYLOAD_DGRAM, recv(100): 100 bytes;
 *           send PAYLOAD_DGRAM, recv(10, MSG_TRUNC): returns 300
 *   msg     (a private queue) msgsnd 0..255, msgrcv(4096) them; msgsnd
 *           the UTF-8 text, msgrcv(100) it; msgsnd PAYLOAD_BIG,
 *           msgrcv(4096); msgsnd PAYLOAD_DGRAM, msgrcv(10, MSG_NOERROR):
 *           returns 10; msgrcv(IPC_NOWAIT) of the empty queue (ENOMSG);
 *           msgsnd of 1 MiB (EINVAL: more than msgmax); a child (a
 *           process outside the test's -p) msgsnd's the UTF-8 text, then
 *           msgrcv(100) takes it
 *   mq      (/ipcscope-payload-<pid>, messages of up to MQ_MSGSIZE)
 *           mq_send 0..255, mq_receive(MQ_MSGSIZE) them; mq_send the
 *           UTF-8 text, mq_receive it; mq_send PAYLOAD_BIG, mq_receive;
 *           mq_receive of the empty queue (O_NONBLOCK: EAGAIN); mq_send
 *           of MQ_MSGSIZE + 1 (EMSGSIZE); a child mq_send's the UTF-8
 *           text, then mq_receive takes it
 *
 * Facts: the inodes and ids, first; at the end the two children's pids
 * (msg_child, mq_child).
 *
 *   payload-workload FIFO_PATH
 */
#define _GNU_SOURCE
#include <mqueue.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "payload_data.h"
#include "workload.h"

#define MQ_MSGSIZE	1024

static unsigned char all256[256], big[PAYLOAD_BIG], buf[8192];

/* struct msgbuf with room for the largest message sent */
static struct {
	long mtype;
	unsigned char mtext[PAYLOAD_BIG];
} mb;
static const char utf8[] = PAYLOAD_UTF8;
#define UTF8_LEN (sizeof(utf8) - 1)

static unsigned long long ino_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	return st.st_ino;
}

static void must(ssize_t got, ssize_t want, const char *what)
{
	if (got != want)
		die("%s returned %zd, not %zd", what, got, want);
}

/* The text in 3 iovecs: 5, 7 and the rest. */
static void utf8_iov(struct iovec *iov)
{
	iov[0] = (struct iovec){ (void *)utf8, 5 };
	iov[1] = (struct iovec){ (void *)(utf8 + 5), 7 };
	iov[2] = (struct iovec){ (void *)(utf8 + 12), UTF8_LEN - 12 };
}

static void pipe_ops(int r, int w)
{
	struct iovec iov[3];

	must(write(w, all256, 256), 256, "write");
	must(read(r, buf, 4096), 256, "read");
	must(write(w, big, PAYLOAD_BIG), PAYLOAD_BIG, "write");
	must(read(r, buf, PAYLOAD_BIG), PAYLOAD_BIG, "read");
	utf8_iov(iov);
	must(writev(w, iov, 3), UTF8_LEN, "writev");
	iov[0] = (struct iovec){ buf, 4 };
	iov[1] = (struct iovec){ buf + 4, 200 };
	must(readv(r, iov, 2), UTF8_LEN, "readv");
	if (fcntl(r, F_SETFL, O_NONBLOCK))
		die("fcntl");
	if (read(r, buf, 10) != -1 || errno != EAGAIN)
		die("read of an empty pipe");
}

static void stream_ops(int a, int b)
{
	struct msghdr msg = { 0 };
	struct iovec iov[3];

	must(send(a, all256, 256, 0), 256, "send");
	must(recv(b, buf, 4096, 0), 256, "recv");
	utf8_iov(iov);
	msg.msg_iov = iov;
	msg.msg_iovlen = 3;
	must(sendmsg(a, &msg, 0), UTF8_LEN, "sendmsg");
	iov[0] = (struct iovec){ buf, 3 };
	iov[1] = (struct iovec){ buf + 3, 200 };
	msg.msg_iovlen = 2;
	must(recvmsg(b, &msg, 0), UTF8_LEN, "recvmsg");
	must(write(a, big, PAYLOAD_BIG), PAYLOAD_BIG, "write");
	must(read(b, buf, PAYLOAD_BIG), PAYLOAD_BIG, "read");
}

static void dgram_ops(int a, int b)
{
	must(send(a, big, PAYLOAD_DGRAM, 0), PAYLOAD_DGRAM, "send");
	must(recv(b, buf, 100, 0), 100, "recv");
	must(send(a, big, PAYLOAD_DGRAM, 0), PAYLOAD_DGRAM, "send");
	must(recv(b, buf, 10, MSG_TRUNC), PAYLOAD_DGRAM, "recv(MSG_TRUNC)");
}

static void msg_send(int q, long mtype, const void *text, size_t len)
{
	mb.mtype = mtype;
	memcpy(mb.mtext, text, len);
	if (msgsnd(q, &mb, len, 0))
		die("msgsnd of %zu", len);
}

/* Run @fn(@arg) in a child process and wait for it; the child's pid. */
static pid_t in_child(void (*fn)(long), long arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || status)
		die("child %d: status %d", pid, status);
	return pid;
}

static void msg_child_send(long q)
{
	msg_send(q, 5, utf8, UTF8_LEN);
}

static void mq_child_send(long q)
{
	if (mq_send(q, utf8, UTF8_LEN, 3))
		die("mq_send");
}

static pid_t msg_ops(int q)
{
	static struct {
		long mtype;
		char mtext[4096];
	} rb;
	void *huge;
	pid_t child;

	msg_send(q, 1, all256, 256);
	must(msgrcv(q, &rb, 4096, 0, 0), 256, "msgrcv");
	msg_send(q, 2, utf8, UTF8_LEN);
	must(msgrcv(q, &rb, 100, 0, 0), UTF8_LEN, "msgrcv");
	msg_send(q, 3, big, PAYLOAD_BIG);
	must(msgrcv(q, &rb, 4096, 0, 0), PAYLOAD_BIG, "msgrcv");
	msg_send(q, 4, big, PAYLOAD_DGRAM);
	must(msgrcv(q, &rb, 10, 0, MSG_NOERROR), 10, "msgrcv(MSG_NOERROR)");
	if (msgrcv(q, &rb, 4096, 0, IPC_NOWAIT) != -1 || errno != ENOMSG)
		die("msgrcv of an empty queue");
	huge = calloc(1, sizeof(long) + (1 << 20));
	if (!huge)
		die("calloc");
	*(long *)huge = 1;
	if (msgsnd(q, huge, 1 << 20, IPC_NOWAIT) != -1 || errno != EINVAL)
		die("msgsnd of 1 MiB");
	free(huge);
	child = in_child(msg_child_send, q);
	must(msgrcv(q, &rb, 100, 0, 0), UTF8_LEN, "msgrcv");
	return child;
}

static pid_t mq_ops(mqd_t q)
{
	static char huge[MQ_MSGSIZE + 1];
	pid_t child;

	if (mq_send(q, (const char *)all256, 256, 0))
		die("mq_send");
	must(mq_receive(q, (char *)buf, MQ_MSGSIZE, NULL), 256, "mq_receive");
	if (mq_send(q, utf8, UTF8_LEN, 1))
		die("mq_send");
	must(mq_receive(q, (char *)buf, MQ_MSGSIZE, NULL), UTF8_LEN,
	     "mq_receive");
	if (mq_send(q, (const char *)big, PAYLOAD_BIG, 2))
		die("mq_send");
	must(mq_receive(q, (char *)buf, MQ_MSGSIZE, NULL), PAYLOAD_BIG,
	     "mq_receive");
	if (mq_receive(q, (char *)buf, MQ_MSGSIZE, NULL) != -1 ||
	    errno != EAGAIN)
		die("mq_receive of an empty queue");
	if (mq_send(q, huge, sizeof(huge), 0) != -1 || errno != EMSGSIZE)
		die("mq_send of more than the message size");
	child = in_child(mq_child_send, q);
	must(mq_receive(q, (char *)buf, MQ_MSGSIZE, NULL), UTF8_LEN,
	     "mq_receive");
	return child;
}

int main(int argc, char **argv)
{
	struct mq_attr attr = { .mq_maxmsg = 8, .mq_msgsize = MQ_MSGSIZE };
	int p[2], s[2], d[2], fifo, msq;
	char qname[64];
	pid_t msg_child, mq_child;
	mqd_t mq;

	if (argc != 2)
		die("usage: payload-workload FIFO_PATH");
	payload_all256(all256);
	payload_big(big);
	unlink(argv[1]);
	if (pipe(p) || mkfifo(argv[1], 0600) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, s) ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, d))
		die("setup");
	fifo = open(argv[1], O_RDWR);
	if (fifo < 0)
		die("open %s", argv[1]);
	msq = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (msq < 0)
		die("msgget");
	snprintf(qname, sizeof(qname), "/ipcscope-payload-%d", getpid());
	mq_unlink(qname);
	mq = mq_open(qname, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600,
		     &attr);
	if (mq < 0)
		die("mq_open %s", qname);
	fact("{\"pid\":%d,\"pipe\":%llu,\"fifo\":%llu,\"stream_a\":%llu,"
	     "\"stream_b\":%llu,\"dgram_a\":%llu,\"dgram_b\":%llu,"
	     "\"msqid\":%d,\"mq\":%llu}",
	     getpid(), ino_of(p[0]), ino_of(fifo), ino_of(s[0]),
	     ino_of(s[1]), ino_of(d[0]), ino_of(d[1]), msq, ino_of(mq));
	pause_for_test();
	pipe_ops(p[0], p[1]);
	must(write(fifo, utf8, UTF8_LEN), UTF8_LEN, "write");
	must(read(fifo, buf, 100), UTF8_LEN, "read");
	stream_ops(s[0], s[1]);
	dgram_ops(d[0], d[1]);
	msg_child = msg_ops(msq);
	mq_child = mq_ops(mq);
	fact("{\"msg_child\":%d,\"mq_child\":%d}", msg_child, mq_child);
	unlink(argv[1]);
	msgctl(msq, IPC_RMID, NULL);
	mq_close(mq);
	mq_unlink(qname);
	return 0;
}
