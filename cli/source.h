/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where the counters of one interface come from for a reader: the pins of
 * 'sipstat attach' (shared by any number of readers, counting goes on
 * after the reader exits), or a program attached for the reader's own
 * lifetime.  Tracks the interface going away and coming back.
 */
#ifndef SIPSTAT_CLI_SOURCE_H
#define SIPSTAT_CLI_SOURCE_H

#include <net/if.h>
#include <stdbool.h>

#include "args.h"
#include "attach.h"
#include "counters.h"
#include "pin.h"

struct reader;

enum source_state {
	SOURCE_COUNTING = 0,
	SOURCE_GONE,		/* interface removed: totals kept, re-attached when back */
	SOURCE_DETACHED,	/* program detached or replaced by someone else */
};

struct source {
	char ifname[IF_NAMESIZE];
	int ifindex;
	bool pinned;
	struct pinned pin;		/* pinned */
	struct attach own;		/* own: what this process attached */
	unsigned int dirs;		/* directions counted (own) */
	enum attach_mode mode;
	int counts_fd;
	enum source_state state;
};

/*
 * Open the counters of ifname as o asks.  notice gets one line worth
 * telling (the fallback to skb mode, a port set changed live), or "".
 * 0, or -errno with one line in msg.
 */
int source_open(struct source *s, const char *ifname, const struct options *o, char *notice,
		size_t nlen, char *msg, size_t msglen);
void source_close(struct source *s);

/* Read counters and interface statistics.  0 or -errno. */
int source_read(struct source *s, struct reader *r, struct counters *c);

/*
 * Look at the interface and the program again.  Returns 1 when the state
 * changed (msg says how, for stderr), 0 when not.
 */
int source_check(struct source *s, char *msg, size_t msglen);

const char *source_state_name(enum source_state st);

/* Directions counted: the pinned ones, or this process's own. */
unsigned int source_dirs(const struct source *s);

#endif
