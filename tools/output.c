// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include "output.h"
#include "restart.h"

int ipcs_output_init(struct ipcs_output *o, int fd, enum ipcs_format fmt)
{
	struct timespec mono, real;

	memset(o, 0, sizeof(*o));
	if (clock_gettime(CLOCK_MONOTONIC, &mono) ||
	    clock_gettime(CLOCK_REALTIME, &real))
		return -1;
	o->format = fmt;
	o->mono_to_real_ns = (real.tv_sec - mono.tv_sec) * 1000000000LL +
			     (real.tv_nsec - mono.tv_nsec);
	o->clock_sec = -1;
	return ipcs_w_init(&o->w, fd);
}

void ipcs_output_free(struct ipcs_output *o)
{
	ipcs_w_free(&o->w);
}

int64_t ipcs_wall_ns(const struct ipcs_output *o, uint64_t mono_ns)
{
	return (int64_t)mono_ns + o->mono_to_real_ns;
}

void ipcs_format_clock(int64_t wall_ns, char *buf, size_t len)
{
	time_t secs = wall_ns / 1000000000LL;
	struct tm tm;

	localtime_r(&secs, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%06lld", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, (long long)(wall_ns % 1000000000LL) / 1000);
}

/* "HH:MM:SS.uuuuuu", localtime_r once a second. */
static void write_clock(struct ipcs_output *o, int64_t wall_ns)
{
	time_t secs = wall_ns / 1000000000LL;
	unsigned int us = (wall_ns % 1000000000LL) / 1000;
	char frac[8];
	int i;

	if (secs != o->clock_sec) {
		struct tm tm;

		localtime_r(&secs, &tm);
		snprintf(o->clock_hms, sizeof(o->clock_hms), "%02d:%02d:%02d",
			 tm.tm_hour, tm.tm_min, tm.tm_sec);
		o->clock_sec = secs;
	}
	ipcs_w_mem(&o->w, o->clock_hms, 8);
	frac[0] = '.';
	for (i = 6; i >= 1; i--, us /= 10)
		frac[i] = (char)('0' + us % 10);
	ipcs_w_mem(&o->w, frac, 7);
}

void ipcs_event_begin(struct ipcs_output *o, const char *type,
		      const struct ipcscope_hdr *hdr)
{
	struct ipcs_writer *w = &o->w;
	char comm[IPCSCOPE_COMM_LEN], pid[16];

	if (o->format == IPCS_FMT_JSON) {
		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_str(w, "type", type);
		ipcs_jw_s64(w, "ts_ns", ipcs_wall_ns(o, hdr->ts_ns));
		ipcs_jw_u64(w, "pid", hdr->pid);
		ipcs_jw_u64(w, "tid", hdr->tid);
		ipcs_jw_string(w, "comm", hdr->comm, sizeof(hdr->comm));
		return;
	}
	write_clock(o, ipcs_wall_ns(o, hdr->ts_ns));
	ipcs_w_char(w, ' ');
	snprintf(pid, sizeof(pid), "%u", hdr->pid);
	ipcs_w_cell(w, pid, -7);
	ipcs_w_char(w, ' ');
	ipcs_text_sanitize(comm, sizeof(comm), hdr->comm, sizeof(hdr->comm));
	ipcs_w_cell(w, comm, 15);
	ipcs_w_char(w, ' ');
}

/* woken_by: who made the call runnable after it slept (--peers) */
static void write_woken_by(struct ipcs_output *o,
			   const struct ipcscope_wake_event *wk)
{
	struct ipcs_writer *w = &o->w;
	char comm[IPCSCOPE_COMM_LEN];

	if (o->format == IPCS_FMT_JSON) {
		if (wk->from_irq) {
			ipcs_jw_null(w, "woken_by");
			return;
		}
		ipcs_jw_begin_object(w, "woken_by");
		ipcs_jw_u64(w, "pid", wk->waker_pid);
		ipcs_jw_string(w, "comm", wk->waker_comm,
			       sizeof(wk->waker_comm));
		ipcs_jw_end_object(w);
		return;
	}
	if (wk->from_irq) {
		ipcs_w_printf(w, " woken_by=irq");
		return;
	}
	ipcs_text_sanitize(comm, sizeof(comm), wk->waker_comm,
			   sizeof(wk->waker_comm));
	ipcs_w_printf(w, " woken_by=%u/%s", wk->waker_pid, comm);
}

/* from: the writers whose bytes a pipe read returned (--peers) */
static void write_from(struct ipcs_output *o,
		       const struct ipcscope_from_event *f)
{
	struct ipcs_writer *w = &o->w;
	char comm[IPCSCOPE_COMM_LEN];
	unsigned int i;

	if (o->format == IPCS_FMT_JSON) {
		ipcs_jw_begin_array(w, "from");
		for (i = 0; i < f->nfrom && i < IPCSCOPE_FROM_MAX; i++) {
			const struct ipcscope_from_seg *s = &f->from[i];

			ipcs_jw_begin_object(w, NULL);
			if (s->pid) {
				ipcs_jw_u64(w, "pid", s->pid);
				ipcs_jw_string(w, "comm", s->comm,
					       sizeof(s->comm));
			} else {
				ipcs_jw_null(w, "pid");
			}
			ipcs_jw_u64(w, "bytes", s->bytes);
			ipcs_jw_end_object(w);
		}
		ipcs_jw_end_array(w);
		if (f->approx)
			ipcs_jw_bool(w, "from_approx", true);
		if (f->truncated)
			ipcs_jw_bool(w, "from_truncated", true);
		return;
	}
	ipcs_w_printf(w, " from=");
	for (i = 0; i < f->nfrom && i < IPCSCOPE_FROM_MAX; i++) {
		const struct ipcscope_from_seg *s = &f->from[i];

		ipcs_text_sanitize(comm, sizeof(comm), s->comm,
				   sizeof(s->comm));
		if (s->pid)
			ipcs_w_printf(w, "%s%u/%s:%u", i ? "," : "", s->pid,
				      comm, s->bytes);
		else
			ipcs_w_printf(w, "%s?:%u", i ? "," : "", s->bytes);
	}
	if (f->approx)
		ipcs_w_printf(w, "~");
}

void ipcs_event_end(struct ipcs_output *o)
{
	if (o->from)
		write_from(o, o->from);
	if (o->wake)
		write_woken_by(o, o->wake);
	if (o->format == IPCS_FMT_JSON)
		ipcs_jw_end_object(&o->w);
	else
		ipcs_w_char(&o->w, '\n');
}

void ipcs_print_mixed_header(struct ipcs_output *o)
{
	ipcs_w_printf(&o->w, "%-15s %7s %-15s %-6s %s\n", "TIME(local)",
		      "PID", "COMM", "OP",
		      "DETAILS (per family: ipcscope(8); LAT in us)");
}

void ipcs_text_sanitize(char *dst, size_t dstlen, const char *src,
			size_t maxlen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strnlen(src, maxlen), i;

	if (!dstlen)
		return;
	if (n >= dstlen)
		n = dstlen - 1;
	for (i = 0; i < n; i++)
		dst[i] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	dst[n] = '\0';
}

const char *ipcs_ret_text(long long ret, char *buf, size_t len)
{
	int restart;

	if (ret < 0)
		return ipcs_errno_name(ipcs_user_errno(ret, &restart), buf,
				       len);
	snprintf(buf, len, "%lld", ret);
	return buf;
}

const char *ipcs_lat_text(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, ns < 1000000000ULL ? "%.1f" : "%.0f", ns / 1000.0);
	return buf;
}

void ipcs_jw_errno(struct ipcs_writer *w, long long ret)
{
	int restart, err = ipcs_user_errno(ret, &restart);

	ipcs_jw_s64(w, "errno", err);
	if (restart)
		ipcs_jw_s64(w, "restart", restart);
}

void ipcs_jw_dev(struct ipcs_writer *w, const char *key, unsigned int major,
		 unsigned int minor)
{
	ipcs_jw_key(w, key);
	ipcs_w_char(w, '"');
	ipcs_w_u64(w, major);
	ipcs_w_char(w, ':');
	ipcs_w_u64(w, minor);
	ipcs_w_char(w, '"');
}

const char *ipcs_errno_name(int errnum, char *buf, size_t len)
{
	const char *name = strerrorname_np(errnum);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "E%d", errnum);
	return buf;
}

/* A tier's name is that of its own hook: enum ipcscope_hook starts with
 * the three tiers, same values. */
const char *ipcs_tier_name(unsigned int tier)
{
	if (tier < IPCSCOPE_TIER_FENTRY || tier > IPCSCOPE_TIER_TRACEPOINT)
		return "auto";
	return ipcs_hook_name(tier);
}

const char *ipcs_hook_name(unsigned int hook)
{
	switch (hook) {
	case IPCSCOPE_HOOK_FENTRY:
		return "fentry";
	case IPCSCOPE_HOOK_KPROBE:
		return "kprobe";
	case IPCSCOPE_HOOK_TRACEPOINT:
		return "tracepoint";
	case IPCSCOPE_HOOK_TP_BTF:
		return "tp_btf";
	case IPCSCOPE_HOOK_RAW_TP:
		return "raw_tp";
	}
	return "unknown";
}
