// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel module's view: /sys/kernel/debug/ipcscope/pipes, format v1 or
 * v2 (Documentation/debugfs.rst): a "# ipcscope-pipes vN" line, then one
 * line per pipe of space-separated key=value fields.  v2 only changed what
 * a busy pipe's bytes mean (0: not read) and added truncated=, which are
 * read the same way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pipes.h"

#define PIPES_HEADER "# ipcscope-pipes v"

/* comm is escaped by the module as \ooo; undo that. */
static void unescape(char *dst, size_t len, const char *src)
{
	size_t o = 0;

	while (*src && o + 1 < len) {
		if (src[0] == '\\' && src[1] >= '0' && src[1] <= '3' &&
		    src[2] >= '0' && src[2] <= '7' &&
		    src[3] >= '0' && src[3] <= '7') {
			dst[o++] = (char)((src[1] - '0') << 6 |
					  (src[2] - '0') << 3 | (src[3] - '0'));
			src += 4;
		} else {
			dst[o++] = *src++;
		}
	}
	dst[o] = '\0';
}

/* "tid/how,tid/how" or "-" */
static int parse_waiters(char *val, struct pipe_waiter **out, int *n)
{
	char *tok, *save = NULL;

	if (!strcmp(val, "-"))
		return 0;
	for (tok = strtok_r(val, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct pipe_waiter w = {};
		struct pipe_waiter *grown;
		char *slash = strchr(tok, '/');

		if (!slash)
			return -1;
		*slash = '\0';
		w.tid = strtoul(tok, NULL, 10);
		snprintf(w.how, sizeof(w.how), "%s", slash + 1);
		grown = realloc(*out, (*n + 1) * sizeof(**out));
		if (!grown)
			return -1;
		*out = grown;
		(*out)[(*n)++] = w;
	}
	return 0;
}

/* "pid/fd/mode/comm,..." or "-" */
static int parse_holders(char *val, struct pipe_state *p)
{
	char *tok, *save = NULL;

	if (!strcmp(val, "-"))
		return 0;
	for (tok = strtok_r(val, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct pipe_holder h = {};
		char *f[4];
		int i;

		f[0] = tok;
		for (i = 1; i < 4; i++) {
			f[i] = strchr(f[i - 1], '/');
			if (!f[i])
				return -1;
			*f[i]++ = '\0';
		}
		h.pid = strtoul(f[0], NULL, 10);
		h.fd = strtoul(f[1], NULL, 10);
		snprintf(h.mode, sizeof(h.mode), "%s", f[2]);
		unescape(h.comm, sizeof(h.comm), f[3]);
		if (pipe_add_holder(p, &h))
			return -1;
	}
	return 0;
}

static int parse_u32(const char *v, uint32_t *out)
{
	char *end;

	errno = 0;
	*out = strtoul(v, &end, 10);
	return errno || *end ? -1 : 0;
}

int pipes_parse_debugfs_line(const char *line, struct pipe_state *p)
{
	char *copy = strdup(line), *tok, *save = NULL;
	int ret = 0;
	uint32_t size = 0, used = 0;

	if (!copy)
		return -1;
	memset(p, 0, sizeof(*p));
	p->have_waiters = true;
	for (tok = strtok_r(copy, " \n", &save); tok && !ret;
	     tok = strtok_r(NULL, " \n", &save)) {
		char *val = strchr(tok, '=');

		if (!val) {
			ret = -1;
			break;
		}
		*val++ = '\0';
		if (!strcmp(tok, "ino"))
			p->ino = strtoull(val, NULL, 10);
		else if (!strcmp(tok, "dev"))
			ret = sscanf(val, "%u:%u", &p->dev_major,
				     &p->dev_minor) == 2 ? 0 : -1;
		else if (!strcmp(tok, "kind"))
			p->fifo = !strcmp(val, "fifo");
		else if (!strcmp(tok, "size"))
			ret = parse_u32(val, &size);
		else if (!strcmp(tok, "max_usage"))
			ret = parse_u32(val, &p->slots);
		else if (!strcmp(tok, "ring_size"))
			ret = parse_u32(val, &p->ring_size);
		else if (!strcmp(tok, "used"))
			ret = parse_u32(val, &used);
		else if (!strcmp(tok, "bytes"))
			p->buffered = strtoull(val, NULL, 10);
		else if (!strcmp(tok, "head"))
			ret = parse_u32(val, &p->head);
		else if (!strcmp(tok, "tail"))
			ret = parse_u32(val, &p->tail);
		else if (!strcmp(tok, "readers"))
			ret = parse_u32(val, &p->readers);
		else if (!strcmp(tok, "writers"))
			ret = parse_u32(val, &p->writers);
		else if (!strcmp(tok, "files"))
			ret = parse_u32(val, &p->files);
		else if (!strcmp(tok, "r_counter"))
			ret = parse_u32(val, &p->r_counter);
		else if (!strcmp(tok, "w_counter"))
			ret = parse_u32(val, &p->w_counter);
		else if (!strcmp(tok, "busy"))
			p->busy = !strcmp(val, "1");
		else if (!strcmp(tok, "rd_wait"))
			ret = parse_waiters(val, &p->rd_wait, &p->n_rd_wait);
		else if (!strcmp(tok, "wr_wait"))
			ret = parse_waiters(val, &p->wr_wait, &p->n_wr_wait);
		else if (!strcmp(tok, "holders"))
			ret = parse_holders(val, p);
		/* unknown keys: a newer module; v1 only ever adds keys */
	}
	free(copy);
	p->capacity = size;
	p->id = p->ino ^ ((uint64_t)p->dev_major << 40 | (uint64_t)p->dev_minor << 20);
	(void)used;	/* head - tail says the same */
	return ret;
}

int pipes_from_debugfs(struct pipe_list *list, const char *path,
		       struct ipcs_error *err)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;

	list->source = "debugfs";
	if (!f)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot read %s: %s (is the ipcscope module loaded?)",
				 path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		struct pipe_state p, *slot;

		lineno++;
		if (lineno == 1) {
			if (strcmp(line, PIPES_HEADER "1\n") &&
			    strcmp(line, PIPES_HEADER "2\n")) {
				fclose(f);
				free(line);
				return ipcs_fail(err, IPCS_EXIT_FAIL,
						 "%s: unknown format '%.40s' (want %s1 or 2)",
						 path, line, PIPES_HEADER);
			}
			continue;
		}
		if (line[0] == '#')
			continue;
		if (pipes_parse_debugfs_line(line, &p)) {
			fclose(f);
			free(line);
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "%s: line %d is not a pipes record",
					 path, lineno);
		}
		slot = pipe_list_get(list, p.id);
		if (!slot) {
			fclose(f);
			free(line);
			return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
		}
		*slot = p;
	}
	free(line);
	fclose(f);
	return 0;
}
