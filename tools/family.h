/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An IPC family (pipe, sem, msg, signal) is one BPF object (bpf/NAME.bpf.c)
 * with programs for each probe tier, one loader (tools/NAME_probe.c) and
 * one decoder (tools/NAME_decode.c).  The loader fills in a struct
 * ipcs_family; family_probe_attach() does the rest the same way for all:
 * shared ring buffer, filters, load, attach, error messages.
 */
#ifndef IPCSCOPE_FAMILY_H
#define IPCSCOPE_FAMILY_H

#include "probe.h"

struct family_probe;

struct ipcs_family {
	const char *name;		/* as given to -t: pipe, sem, ... */
	const char *what;		/* "pipe reads and writes" */
	/*
	 * Check the kernel offers @tier, open the skeleton into p->skel and
	 * p->obj, set its rodata (IPCS_SET_COMMON_RODATA and the family's
	 * own), choose the programs to load and fill p->desc.  Errors go
	 * into err without the tier's name, which the caller adds.
	 */
	int (*open)(struct family_probe *p, const struct kernel_info *ki,
		    const struct trace_config *cfg, enum ipcscope_tier tier,
		    struct ipcs_error *err);
	/* Attach what open() chose; NULL: attach every loaded program. */
	int (*attach)(struct family_probe *p, struct ipcs_error *err);
	/* Free p->skel and p->priv. */
	void (*destroy)(struct family_probe *p);
	/* Text column headings, printed when this family is traced alone. */
	void (*print_header)(const struct ipcs_output *o);
};

struct family_probe {
	const struct ipcs_family *family;
	void *skel;
	struct bpf_object *obj;
	struct link_set links;
	enum ipcscope_tier tier;
	void *priv;			/* the family's own, freed by it */
	char desc[256];			/* what is attached, for the user */
};

/* The ring buffer and loss counter, shared by every family's object. */
struct shared_maps {
	int events_fd;			/* -1: the first object creates them */
	int lost_fd;
	int summary_fd;
};

int family_probe_attach(struct family_probe *p,
			const struct ipcs_family *family,
			const struct kernel_info *ki,
			const struct trace_config *cfg,
			enum ipcscope_tier tier, const struct shared_maps *shared,
			struct ipcs_error *err);
void family_probe_destroy(struct family_probe *p);
/* The maps of an attached probe, to share with the next family. */
void family_probe_maps(const struct family_probe *p,
		       struct shared_maps *shared);

/* Attach every program of p->obj that is set to load. */
int family_attach_loaded(struct family_probe *p, struct ipcs_error *err);

/* The filters and the tier, in every object's common rodata. */
#define IPCS_SET_COMMON_RODATA(skel, cfg, tier_)			\
	do {								\
		(skel)->rodata->self_tgid = getpid();			\
		(skel)->rodata->tier = (tier_);				\
		(skel)->rodata->filter_pids = (cfg)->npids > 0;		\
		(skel)->rodata->filter_comm = (cfg)->comm[0] != '\0';	\
		(skel)->rodata->summary_mode = (cfg)->summary;		\
		memcpy((char *)(skel)->rodata->target_comm, (cfg)->comm, \
		       sizeof((cfg)->comm));				\
	} while (0)

extern const struct ipcs_family pipe_family;
extern const struct ipcs_family sem_family;
extern const struct ipcs_family msg_family;
extern const struct ipcs_family signal_family;

/* Every family, in the order -t lists them and trace attaches them. */
extern const struct ipcs_family *const ipcs_families[];
extern const unsigned int ipcs_nfamilies;

/* The -t bit of the family called @name (0 if none). */
unsigned int ipcs_family_bit(const char *name);

/* Parse a -t list ("pipe,sem") into a bitmask of ipcs_families indexes. */
int ipcs_parse_families(const char *list, unsigned int *mask,
			struct ipcs_error *err);

#endif /* IPCSCOPE_FAMILY_H */
