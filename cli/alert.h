/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Alerts of the watching mode, --top and serve: the kernel's events
 * consumed from the event loop, the counters (and per-peer counts) of
 * each interval, the rules of --alert decided by lib/rules, and each
 * alert delivered: a line on stderr (or the live view's alert pane), an
 * object in the -o json stream, syslog or the journal, and a hook run
 * without a shell, as an unprivileged user (--alert-exec, alert_hook.c).
 */
#ifndef SIPSTAT_CLI_ALERT_H
#define SIPSTAT_CLI_ALERT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "events.h"
#include "failing.h"
#include "peers.h"
#include "rules.h"

#define ALERT_MAX_IFACES 16
#define ALERT_MAX_HOOKS 4		/* hooks running at once */
#define ALERT_HOOK_TIMEOUT 5.0		/* seconds, unless --alert-timeout */
#define ALERT_HOOK_USER "nobody"	/* the hook's user when sipstat runs as root */
#define ALERT_GROUPS_MAX 64		/* supplementary groups of the hook's user */
#define ALERT_TOLD_MAX 1024		/* (direction, code, peer) an interval's events told */

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
	/* The hook's user: --alert-user, resolved by alert_opts_check(). */
	const char *user;		/* --alert-user NAME, NULL: the default */
	char user_name[64];
	uid_t uid;
	gid_t gid;
	gid_t groups[ALERT_GROUPS_MAX];
	int ngroups;
	bool switch_user;		/* the hook's uid or gid differs from sipstat's */
};

struct loop;
struct counters;
struct events_consumer;
struct alerter;

/* The per-peer deltas of one interval: responses of (peer id, direction, code). */
struct alert_pdelta {
	uint32_t id;
	int dir;
	int code;
	uint64_t n;
};

/* One (direction, code, peer id) and how many events told of it this interval. */
struct alert_told {
	uint16_t code;
	uint8_t dir;
	uint8_t id;
	uint32_t n;
};

struct alert_src {
	struct alerter *al;
	char ifname[IF_NAMESIZE];
	struct events_consumer *rb;		/* NULL: no events consumed here */
	int events_fd, cfg_fd, lock_fd;
	const struct peers_maps *maps;		/* per-peer maps of its program (borrowed), NULL none */
	const struct peers_table *names;	/* names of its peer ids (borrowed), NULL none */
	struct alert_told told[ALERT_TOLD_MAX];	/* this interval's events */
	int ntold;
	struct peers_counts pc[2];		/* per-peer counts: [cur], [!cur] the one before */
	int pcur;
	bool pc_ok;				/* pc[pcur] read this interval */
	int pc_read;				/* readings so far (deltas from the second) */
	struct alert_pdelta *pd;		/* this interval's per-peer deltas */
	int npd, pdcap;
	struct failing fl[2];			/* failing addresses: [fcur], [!fcur] */
	int fcur;
	bool fl_ok;
};

/* A hook running: its keeper (alert_hook.c), which sipstat tells to kill by closing ctl. */
struct alert_hook {
	pid_t pid;			/* the keeper; 0: free */
	int ctl;			/* closed: the keeper kills the hook's process group */
	bool killed;
	double deadline;		/* CLOCK_MONOTONIC seconds */
};

/* Where a line goes besides stderr: the live view's alert pane. */
typedef void (*alert_line_fn)(void *ctx, const char *ifname, int code, const char *line);

/* The last event an alert saw (its address, method, ... for the lines that follow). */
struct alert_last {
	struct event_info ev;
	char iface[IF_NAMESIZE];
	char peer[RULE_PEER_MAX];
	bool has;
};

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
	int ncpus;
	struct alert_hook hooks[ALERT_MAX_HOOKS];
	int timer_fd;
	uint64_t events, hooks_run, hooks_killed, hooks_skipped, hooks_failed;
	struct alert_last *last;	/* [RULES_MAX * (RULE_IDS + 1)]: each alert's last event */
	struct rule_alert *a;		/* [RULES_ALERTS_MAX]: what one call decided */
	uint64_t overflow_said[RULES_MAX];
	bool ended;			/* alerter_end() said the final report */
};

/* Parse the alert options into o (args.c).  0, or -EINVAL with why. */
int alert_opt_rule(struct alert_opts *o, const char *rule, char *why, size_t len);
int alert_opt_log(struct alert_opts *o, const char *s, char *why, size_t len);
int alert_opt_timeout(struct alert_opts *o, const char *s, char *why, size_t len);
int alert_opt_exec(struct alert_opts *o, const char *path, char *why, size_t len);
int alert_opt_user(struct alert_opts *o, const char *user, char *why, size_t len);
/* Rules from the environment (SIPSTAT_ALERTS: rules separated by ';'). */
int alert_opt_env(struct alert_opts *o, const char *s, char *why, size_t len);

/*
 * The rules of o checked against what the command counts: a rule that
 * cannot fire as written is refused.  peers_file: --peers (its names are
 * the peers a rule can name), NULL none; dirs: the directions --direction
 * asked for, 0 when not given.  0, or -EINVAL with why.
 */
int alert_rules_check(const struct alert_opts *o, const char *peers_file, unsigned int dirs,
		      char *why, size_t len);

/*
 * Once every option is in: alert_rules_check(), then the hook's user resolved (ALERT_HOOK_USER when
 * sipstat runs as root) and the hook's path checked (alert_hook_check).
 * 0, or -EINVAL with why.
 */
int alert_opts_check(struct alert_opts *o, const char *peers_file, unsigned int dirs, char *why,
		     size_t len);

/*
 * A hook path that only root (and the hook's user) can change: a regular
 * file, owned by one of them, that nobody else can write, in directories
 * nobody else can write (a world-writable directory with the sticky bit,
 * like /tmp, only when the entry in it is theirs), both for the path as
 * given and for the file it resolves to; and one the hook's user can run.
 * 0, or -EINVAL (-errno when it cannot be looked at) with why.
 */
int alert_hook_check(const char *path, uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		     const char *user, char *why, size_t len);

/* Set up from the options and the event loop.  0 or -errno with msg. */
int alerter_init(struct alerter *al, const struct alert_opts *o, struct loop *l, char *msg,
		 size_t msglen);

/*
 * The events maps of a program this process attached (XDP, else its TC
 * programs) or of pinned ones (the link, else the pinned TC programs).
 * 0 with both fds (taken over by alerter_add), or -errno with a sentence
 * in msg that says what is lost without them.
 */
struct sipstat_bpf;
struct pinned;
int alert_events_own(const char *ifname, struct sipstat_bpf *skel, int *events_fd, int *cfg_fd,
		     char *msg, size_t msglen);
int alert_events_pinned(const struct pinned *p, int *events_fd, int *cfg_fd, char *msg,
			size_t msglen);

/*
 * Consume the events of one interface: events_fd and cfg_fd from
 * alert_events_*() (taken over), lockdir its pin directory (NULL for a
 * program of this process alone).  Writes --event-codes/--event-rate.
 * 0 when consuming; 1 when another process consumes them (notice says
 * so); -errno with msg.
 */
int alerter_add(struct alerter *al, struct loop *l, const char *ifname, int events_fd,
		int cfg_fd, const char *lockdir, char *notice, size_t nlen);

/*
 * Named peers of ifname: the per-peer maps of its program and the names
 * of their ids (both stay the caller's, and may change).  Events name
 * their peer, and rules with peer= (and per-peer alerts from counters)
 * read the per-peer counts, once some names are there.
 */
void alerter_peers(struct alerter *al, const char *ifname, const struct peers_maps *m,
		   const struct peers_table *names);

/*
 * Before running: a rule with peer= that names no peer of any interface
 * can never fire.  0, or -EINVAL with why.
 */
int alerter_check_peers(const struct alerter *al, char *why, size_t len);

/* The counters of one more interval (all interfaces), at now (monotonic s). */
void alerter_tick(struct alerter *al, int n, const char *const *ifnames,
		  const struct counters *prev, const struct counters *cur, double now);

/* Consume what is in the ring buffers now (before a final report). */
void alerter_drain(struct alerter *al);

/*
 * The last report, when the command ends: every alert still firing says
 * what it folded since its last line.  Once.
 */
void alerter_end(struct alerter *al);

/*
 * --event-codes and --event-rate written into the program pinned for
 * ifname (attach).  0, or -errno with msg.
 */
int alert_settings_pinned(const char *ifname, const struct alert_opts *o, char *msg,
			  size_t msglen);

/* Wait for running hooks (each up to its timeout, then its process group is killed), then free. */
void alerter_free(struct alerter *al);

/* ---------------------------------------------------------- hooks (alert_hook.c) */

/* Hooks of the alerter: SIGCHLD and the timeout from the loop.  0 or -errno with msg. */
int alert_hooks_init(struct alerter *al, struct loop *l, char *msg, size_t msglen);
/* Run the hook with argv (argv[0] its path) and the alert's variables env (NULL-ended). */
void alert_hooks_run(struct alerter *al, char *const *argv, char *const *env);
/* Wait for every hook (each to its deadline), then kill what is left of their groups. */
void alert_hooks_end(struct alerter *al);
/*
 * The variables of sipstat's environment a hook gets (an allow list, each
 * only when set) added to env[*n], at most max - 1 (env stays NULL-ended).
 */
void alert_hooks_pass_env(char **env, int *n, int max);
/* What happened to a hook: on stderr, or in the alert pane under --top. */
void alert_say(struct alerter *al, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
