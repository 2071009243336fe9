// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "family.h"
#include "payload.h"

void payload_join_init(struct payload_join *j, payload_print_fn print,
		       void *ctx)
{
	memset(j, 0, sizeof(*j));
	j->print = print;
	j->ctx = ctx;
}

/* Print held event @h without its payload, or with @pl, and free it. */
static int release(struct payload_join *j, struct payload_held *h,
		   const struct ipcscope_payload *pl, size_t plsize)
{
	int ret = j->print(j->ctx, h->ev, h->size, pl, plsize);

	free(h->ev);
	h->ev = NULL;
	j->nheld--;
	return ret;
}

static struct payload_held *find_tid(struct payload_join *j, __u32 tid)
{
	unsigned int i;

	for (i = 0; i < PAYLOAD_HELD_MAX && j->nheld; i++)
		if (j->held[i].ev && j->held[i].tid == tid)
			return &j->held[i];
	return NULL;
}

/* Hold a copy of event @hdr: a free slot, else the oldest one's, printed
 * first without its payload. */
static int hold(struct payload_join *j, const struct ipcscope_hdr *hdr,
		size_t size, double now)
{
	struct payload_held *h = NULL, *oldest = NULL;
	unsigned int i;
	int ret = 0;
	void *copy;

	for (i = 0; i < PAYLOAD_HELD_MAX; i++) {
		if (!j->held[i].ev) {
			h = &j->held[i];
			break;
		}
		if (!oldest || j->held[i].since < oldest->since)
			oldest = &j->held[i];
	}
	if (!h) {
		ret = release(j, oldest, NULL, 0);
		h = oldest;
	}
	copy = malloc(size);
	if (!copy) {
		int r = j->print(j->ctx, hdr, size, NULL, 0);

		return ret ? ret : r;
	}
	memcpy(copy, hdr, size);
	h->ev = copy;
	h->size = size;
	h->tid = hdr->tid;
	h->ts_ns = hdr->ts_ns;
	h->since = now;
	j->nheld++;
	return ret;
}

int payload_join_record(struct payload_join *j, const void *data,
			size_t size, double now)
{
	const struct ipcscope_hdr *hdr = data;
	struct payload_held *h;
	int ret;

	if (size < sizeof(*hdr))
		return 0;
	h = find_tid(j, hdr->tid);
	if (hdr->type == IPCSCOPE_EV_PAYLOAD) {
		if (!h || h->ts_ns != hdr->ts_ns)
			return 0;	/* its event was lost */
		return release(j, h, data, size);
	}
	/* the task's held event would have had its payload by now */
	if (h && (ret = release(j, h, NULL, 0)))
		return ret;
	if (ipcs_type_has_payload(hdr->type))
		return hold(j, hdr, size, now);
	return j->print(j->ctx, data, size, NULL, 0);
}

int payload_join_flush(struct payload_join *j, double before)
{
	struct payload_held *h, *oldest;
	unsigned int i;
	int ret;

	/* oldest first: the order they were consumed in */
	while (j->nheld) {
		oldest = NULL;
		for (i = 0; i < PAYLOAD_HELD_MAX; i++) {
			h = &j->held[i];
			if (h->ev && h->since < before &&
			    (!oldest || h->since < oldest->since))
				oldest = h;
		}
		if (!oldest)
			break;
		ret = release(j, oldest, NULL, 0);
		if (ret)
			return ret;
	}
	return 0;
}

void payload_join_free(struct payload_join *j)
{
	unsigned int i;

	for (i = 0; i < PAYLOAD_HELD_MAX; i++) {
		free(j->held[i].ev);
		j->held[i].ev = NULL;
	}
	j->nheld = 0;
}

/* The payload's bytes, or NULL (with the reason) when it has none. */
static const unsigned char *payload_bytes(const struct ipcscope_payload *pl,
					  size_t plsize, size_t *len,
					  const char **why)
{
	*len = 0;
	if (!pl || plsize < sizeof(*pl) || pl->hdr.size < sizeof(*pl)) {
		*why = "lost";
		return NULL;
	}
	switch (pl->status) {
	case IPCSCOPE_PAYLOAD_OK:
	case IPCSCOPE_PAYLOAD_FAULT:
		break;
	case IPCSCOPE_PAYLOAD_KERNEL:
		*why = "kernel";
		return NULL;
	case IPCSCOPE_PAYLOAD_BUSY:
		*why = "busy";
		return NULL;
	default:
		*why = "unknown";
		return NULL;
	}
	*len = pl->len;
	/* never past the record, whatever it claims */
	if (*len > plsize - sizeof(*pl))
		*len = plsize - sizeof(*pl);
	if (*len > pl->hdr.size - sizeof(*pl))
		*len = pl->hdr.size - sizeof(*pl);
	return (const unsigned char *)(pl + 1);
}

void payload_write_json(struct ipcs_writer *w,
			const struct ipcscope_payload *pl, size_t plsize)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b;
	const char *why;
	size_t len, i;
	char *p;

	b = payload_bytes(pl, plsize, &len, &why);
	if (!b) {
		ipcs_jw_null(w, "data");
		ipcs_jw_str(w, "data_unavailable", why);
		return;
	}
	ipcs_jw_key(w, "data");
	if (!ipcs_w_reserve(w, 2 * len + 2))
		return;
	p = w->buf + w->len;
	*p++ = '"';
	for (i = 0; i < len; i++) {
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p++ = '"';
	w->len = p - w->buf;
	ipcs_jw_bool(w, "data_truncated", pl->truncated || len < pl->len);
}

void payload_write_text(struct ipcs_writer *w,
			const struct ipcscope_payload *pl, size_t plsize)
{
	char preview[PAYLOAD_TEXT_BYTES + 4];
	const unsigned char *b;
	const char *why;
	size_t len, i, n = 0;

	b = payload_bytes(pl, plsize, &len, &why);
	if (!b || !len)
		return;
	preview[n++] = ' ';
	preview[n++] = '|';
	for (i = 0; i < len && i < PAYLOAD_TEXT_BYTES; i++)
		preview[n++] = b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.';
	preview[n++] = '|';
	if (len > PAYLOAD_TEXT_BYTES || pl->truncated)
		preview[n++] = '+';
	ipcs_w_mem(w, preview, n);
}
