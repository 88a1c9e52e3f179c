/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Alerts of the watching mode, --top and serve: the kernel's events
 * consumed from the event loop, the rules of --alert decided by
 * lib/rules, and each alert delivered: a line on stderr (or the live
 * view's alert pane), an object in the -o json stream, syslog or the
 * journal, and a hook run without a shell (--alert-exec).
 */
#ifndef SIPSTAT_CLI_ALERT_H
#define SIPSTAT_CLI_ALERT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "events.h"
#include "rules.h"

#define ALERT_MAX_IFACES 16
#define ALERT_MAX_HOOKS 4		/* hooks running at once */
#define ALERT_HOOK_TIMEOUT 5.0		/* seconds, unless --alert-timeout */

enum alert_log { ALERT_LOG_NONE = 0, ALERT_LOG_SYSLOG, ALERT_LOG_JOURNAL };

/* What the command line asks for. */
struct alert_opts {
	struct rule rules[RULES_MAX];
	int nrules;			/* 0: the default rule (any 6xx, at once) */
	const char *exec;		/* --alert-exec PATH */
	double timeout;			/* --alert-timeout SECS */
	enum alert_log log;		/* --alert-log */
	bool codes_given;		/* --event-codes */
	uint64_t codes[(SIPSTAT_CODE_SLOTS + 63) / 64];
	bool rate_given;		/* --event-rate */
	uint32_t rate, burst;
};

struct loop;
struct counters;
struct events_consumer;
struct alerter;
struct peers_table;

struct alert_src {
	struct alerter *al;
	char ifname[IF_NAMESIZE];
	struct events_consumer *rb;
	int events_fd, cfg_fd, lock_fd;
	int peers_fd;				/* sip_peers of its program (borrowed), -1 none */
	const struct peers_table *names;	/* names of its peer ids (borrowed), NULL none */
};

struct alert_hook {
	pid_t pid;
	double deadline;		/* CLOCK_MONOTONIC seconds */
};

/* Where a line goes besides stderr: the live view's alert pane. */
typedef void (*alert_line_fn)(void *ctx, const char *ifname, int code, const char *line);

struct alerter {
	const struct alert_opts *o;
	struct rules rules;
	bool json;			/* -o json: objects on stdout too */
	FILE *json_out;
	alert_line_fn to_view;		/* --top: lines go there instead of stderr */
	void *view_ctx;
	struct alert_src src[ALERT_MAX_IFACES];
	int n;
	int consuming;			/* interfaces whose events we consume */
	struct alert_hook hooks[ALERT_MAX_HOOKS];
	int timer_fd;
	uint64_t events, hooks_run, hooks_killed, hooks_skipped, hooks_failed;
	/* The last event (for alerts decided at a tick). */
	struct event_info last;
	char last_if[IF_NAMESIZE];
	char last_peer[64];		/* "" when the remote address is no named peer */
	bool has_last;
};

/* Parse the alert options into o (args.c).  0, or -EINVAL with why. */
int alert_opt_rule(struct alert_opts *o, const char *rule, char *why, size_t len);
int alert_opt_log(struct alert_opts *o, const char *s, char *why, size_t len);
int alert_opt_timeout(struct alert_opts *o, const char *s, char *why, size_t len);
/* Rules from the environment (SIPSTAT_ALERTS: rules separated by ';'). */
int alert_opt_env(struct alert_opts *o, const char *s, char *why, size_t len);

/* Set up from the options and the event loop.  0 or -errno with msg. */
int alerter_init(struct alerter *al, const struct alert_opts *o, struct loop *l, char *msg,
		 size_t msglen);

/*
 * Consume the events of one interface: events_fd and cfg_fd from
 * events_maps_of_*() (taken over), lockdir its pin directory (NULL for a
 * program of this process alone).  Writes --event-codes/--event-rate.
 * 0 when consuming; 1 when another process consumes them (notice says
 * so); -errno with msg.
 */
int alerter_add(struct alerter *al, struct loop *l, const char *ifname, int events_fd,
		int cfg_fd, const char *lockdir, char *notice, size_t nlen);

/*
 * Named peers of ifname's events: the sip_peers trie of its program and
 * the names of the ids (both stay the caller's, and may change).  Rules
 * with peer= are evaluated once some names are there.
 */
void alerter_peers(struct alerter *al, const char *ifname, int peers_fd,
		   const struct peers_table *names);

/* The counters of one more interval (all interfaces), at now (monotonic s). */
void alerter_tick(struct alerter *al, int n, const char *const *ifnames,
		  const struct counters *prev, const struct counters *cur, double now);

/* Consume what is in the ring buffers now (before a final report). */
void alerter_drain(struct alerter *al);

/*
 * --event-codes and --event-rate written into the program pinned for
 * ifname (attach).  0, or -errno with msg.
 */
int alert_settings_pinned(const char *ifname, const struct alert_opts *o, char *msg,
			  size_t msglen);

/* Wait for running hooks (each up to its timeout), then free. */
void alerter_free(struct alerter *al);

#endif
