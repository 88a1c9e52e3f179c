// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The alert options of the command line, parsed and checked (no delivery
 * here: the unit tests link it): rules, the hook's path and its user.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert.h"
#include "counters.h"
#include "peers.h"

int alert_opt_rule(struct alert_opts *o, const char *rule, char *why, size_t len)
{
	if (o->nrules == RULES_MAX) {
		snprintf(why, len, "too many --alert rules (at most %d)", RULES_MAX);
		return -EINVAL;
	}
	if (rule_parse(rule, &o->rules[o->nrules], why, len))
		return -EINVAL;
	o->nrules++;
	return 0;
}

int alert_opt_env(struct alert_opts *o, const char *s, char *why, size_t len)
{
	char buf[RULES_MAX * RULE_TEXT_MAX], *tok, *save = NULL;
	char one[256];

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ";\n", &save); tok; tok = strtok_r(NULL, ";\n", &save)) {
		if (!tok[strspn(tok, " \t")])
			continue;
		if (alert_opt_rule(o, tok, one, sizeof(one))) {
			snprintf(why, len, "SIPSTAT_ALERTS: %s", one);
			return -EINVAL;
		}
	}
	return 0;
}

int alert_opt_log(struct alert_opts *o, const char *s, char *why, size_t len)
{
	if (!strcmp(s, "none"))
		o->log = ALERT_LOG_NONE;
	else if (!strcmp(s, "syslog"))
		o->log = ALERT_LOG_SYSLOG;
	else if (!strcmp(s, "journal"))
		o->log = ALERT_LOG_JOURNAL;
	else {
		snprintf(why, len, "unknown --alert-log '%s': use journal, syslog or none", s);
		return -EINVAL;
	}
	return 0;
}

int alert_opt_timeout(struct alert_opts *o, const char *s, char *why, size_t len)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v) || v < 0.01 || v > 3600) {
		snprintf(why, len, "--alert-timeout '%s' must be seconds from 0.01 to 3600", s);
		return -EINVAL;
	}
	o->timeout = v;
	return 0;
}

int alert_opt_exec(struct alert_opts *o, const char *path, char *why, size_t len)
{
	if (path[0] != '/' || strlen(path) >= PATH_MAX) {
		snprintf(why, len, "--alert-exec: give the absolute path of an executable file");
		return -EINVAL;
	}
	o->exec = path;
	return 0;
}

int alert_opt_user(struct alert_opts *o, const char *user, char *why, size_t len)
{
	if (!*user || strlen(user) >= sizeof(o->user_name)) {
		snprintf(why, len, "--alert-user: give a user name or number");
		return -EINVAL;
	}
	o->user = user;
	return 0;
}

/* ------------------------------------------------------------ the hook's user */

/* NAME or a number, with its entry in the user database. */
static const struct passwd *user_entry(const char *user)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(user, &end, 10);
	if (*user >= '0' && *user <= '9' && !*end && !errno && v < (unsigned long)(uid_t)-1)
		return getpwuid((uid_t)v);
	return getpwnam(user);
}

/* The hook's user: --alert-user, or nobody for root, or sipstat's own user. */
static int resolve_user(struct alert_opts *o, char *why, size_t len)
{
	const char *user = o->user;
	const struct passwd *pw;
	int n = ALERT_GROUPS_MAX;

	if (!user && geteuid() == 0)
		user = ALERT_HOOK_USER;
	if (!user) {
		/* Not root: the hook runs as sipstat does, without a switch. */
		pw = getpwuid(geteuid());
		snprintf(o->user_name, sizeof(o->user_name), "%s", pw ? pw->pw_name : "");
		o->uid = geteuid();
		o->gid = getegid();
		o->ngroups = 0;
		o->switch_user = false;
		return 0;
	}
	pw = user_entry(user);
	if (!pw) {
		snprintf(why, len, "%s%s: no such user%s", o->user ? "--alert-user " : "hooks run as ",
			 user, o->user ? "" : " here: give --alert-user USER for them");
		return -EINVAL;
	}
	if (geteuid() != 0 && pw->pw_uid != geteuid()) {
		snprintf(why, len, "--alert-user %s: only root runs hooks as another user", user);
		return -EINVAL;
	}
	snprintf(o->user_name, sizeof(o->user_name), "%s", pw->pw_name);
	o->uid = pw->pw_uid;
	o->gid = pw->pw_gid;
	if (getgrouplist(pw->pw_name, pw->pw_gid, o->groups, &n) < 0) {
		snprintf(why, len, "--alert-user %s: in more than %d groups", user, ALERT_GROUPS_MAX);
		return -EINVAL;
	}
	o->ngroups = n;
	o->switch_user = o->uid != geteuid() || o->gid != getegid();
	return 0;
}

/* ------------------------------------------------------------ the hook's path */

struct hook_user {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	int ngroups;
	const char *name;
};

static bool in_group(const struct hook_user *u, gid_t g)
{
	int i;

	if (g == u->gid)
		return true;
	for (i = 0; i < u->ngroups; i++)
		if (u->groups[i] == g)
			return true;
	return false;
}

/* May the hook's user do what mask (S_IXOTH, S_IROTH, ...) asks on st?  Not ACLs. */
static bool user_may(const struct hook_user *u, const struct stat *st, mode_t other_bit)
{
	if (u->uid == 0)	/* root: any x bit on a file, anything else */
		return other_bit != S_IXOTH || S_ISDIR(st->st_mode) ||
		       (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH));
	if (st->st_uid == u->uid)
		return st->st_mode & (other_bit << 6);
	if (in_group(u, st->st_gid))
		return st->st_mode & (other_bit << 3);
	return st->st_mode & other_bit;
}

/*
 * Can anyone besides root and the hook's user change what is at path (the
 * file or directory st)?  Why in buf when they can.  A world-writable
 * directory passes with the sticky bit: others may add entries to it but
 * not move or remove one they do not own (checked on the entry).
 */
static bool unsafe(const char *path, const struct stat *st, const struct hook_user *u,
		   char *buf, size_t len)
{
	if (st->st_uid != 0 && st->st_uid != u->uid) {
		snprintf(buf, len, "%s is owned by uid %u, neither root nor the hook's user %s", path,
			 (unsigned int)st->st_uid, u->name);
		return true;
	}
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0) {
		snprintf(buf, len, "%s is writable by group %u (mode %04o)", path,
			 (unsigned int)st->st_gid, (unsigned int)(st->st_mode & 07777));
		return true;
	}
	if ((st->st_mode & S_IWOTH) && !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))) {
		snprintf(buf, len, "%s is writable by every user (mode %04o)", path,
			 (unsigned int)(st->st_mode & 07777));
		return true;
	}
	return false;
}

/* One step of the chain: path (st) checked; above_sticky: its directory is world-writable, sticky. */
static int check_one(const char *path, const struct stat *st, bool above_sticky, bool last,
		     const struct hook_user *u, char *why, size_t len)
{
	if (above_sticky && st->st_uid != 0 && st->st_uid != u->uid) {
		snprintf(why, len, "%s is owned by uid %u in a directory every user may write", path,
			 (unsigned int)st->st_uid);
		return -EINVAL;
	}
	if (unsafe(path, st, u, why, len))
		return -EINVAL;
	if (last)
		return 0;
	if (!S_ISDIR(st->st_mode)) {
		snprintf(why, len, "%s is not a directory", path);
		return -EINVAL;
	}
	if (!user_may(u, st, S_IXOTH)) {
		snprintf(why, len, "the hook's user %s cannot enter %s (mode %04o)", u->name, path,
			 (unsigned int)(st->st_mode & 07777));
		return -EINVAL;
	}
	return 0;
}

/*
 * Each directory from / down to the file's, and the file: safe from other
 * users, and open to the hook's user.  Each prefix is looked at through
 * stat(): a symlink is judged by its target, and the place of the
 * symlink itself by the directory it is in.
 */
static int check_chain(const char *path, const struct hook_user *u, char *why, size_t len)
{
	char prefix[PATH_MAX];
	struct stat st;
	size_t n = strlen(path), k = 0, next;
	bool sticky = false;
	int e;

	if (n >= sizeof(prefix)) {
		snprintf(why, len, "%s: path too long", path);
		return -EINVAL;
	}
	if (stat("/", &st))
		return -errno;
	e = check_one("/", &st, false, false, u, why, len);
	if (e)
		return e;
	sticky = (st.st_mode & S_IWOTH) && (st.st_mode & S_ISVTX);
	while (k < n) {
		for (next = k + 1; next < n && path[next] != '/'; next++)
			;
		if (next == k + 1) {	/* "//" or a trailing "/" */
			k = next;
			continue;
		}
		memcpy(prefix, path, next);
		prefix[next] = '\0';
		if (stat(prefix, &st)) {
			e = -errno;
			snprintf(why, len, "%s: %s", prefix, strerror(errno));
			return e;
		}
		e = check_one(prefix, &st, sticky, next >= n, u, why, len);
		if (e)
			return e;
		sticky = S_ISDIR(st.st_mode) && (st.st_mode & S_IWOTH) && (st.st_mode & S_ISVTX);
		k = next;
	}
	return 0;
}

int alert_hook_check(const char *path, uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		     const char *user, char *why, size_t len)
{
	const struct hook_user u = { uid, gid, groups, ngroups, user && *user ? user : "?" };
	char real[PATH_MAX], head[2] = "";
	struct stat st;
	int fd, e;

	if (path[0] != '/') {
		snprintf(why, len, "give the absolute path of an executable file");
		return -EINVAL;
	}
	if (stat(path, &st)) {
		e = -errno;
		snprintf(why, len, "%s", strerror(errno));
		return e;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "not a regular file");
		return -EINVAL;
	}
	e = check_chain(path, &u, why, len);
	if (e)
		return e;
	if (!realpath(path, real)) {
		e = -errno;
		snprintf(why, len, "%s", strerror(errno));
		return e;
	}
	if (strcmp(real, path) != 0) {
		e = check_chain(real, &u, why, len);
		if (e)
			return e;
	}
	if (!user_may(&u, &st, S_IXOTH)) {
		snprintf(why, len, "the hook's user %s cannot run it (mode %04o)", u.name,
			 (unsigned int)(st.st_mode & 07777));
		return -EINVAL;
	}
	/* A script is read by its interpreter, as the hook's user. */
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0) {
		if (read(fd, head, sizeof(head)) == (ssize_t)sizeof(head) && head[0] == '#' &&
		    head[1] == '!' && !user_may(&u, &st, S_IROTH)) {
			close(fd);
			snprintf(why, len, "the hook's user %s cannot read the script (mode %04o)",
				 u.name, (unsigned int)(st.st_mode & 07777));
			return -EINVAL;
		}
		close(fd);
	}
	return 0;
}

/* ------------------------------------------------------------ rules that cannot fire */

/* The names of a peers file, for rules with peer=.  0, or -errno with why. */
static int check_peer_rules(const struct alert_opts *o, const char *peers_file, char *why,
			    size_t len)
{
	struct peers_table t;
	char msg[256];
	int i, id, e = 0;

	for (i = 0; i < o->nrules && !o->rules[i].peer[0]; i++)
		;
	if (i == o->nrules || !peers_file)
		return 0;	/* none, or the names of pinned interfaces (checked at start) */
	if (peers_load(peers_file, NULL, &t, msg, sizeof(msg))) {
		peers_table_free(&t);
		return 0;	/* --peers says what is wrong with the file */
	}
	for (i = 0; i < o->nrules && !e; i++) {
		const struct rule *r = &o->rules[i];

		if (!r->peer[0])
			continue;
		for (id = 1; id <= SIPSTAT_PEERS_MAX; id++)
			if (!t.retired[id] && !strcmp(t.names[id], r->peer))
				break;
		if (id > SIPSTAT_PEERS_MAX) {
			snprintf(why, len, "'%s' can never fire: %s names no peer '%s'", r->text,
				 peers_file, r->peer);
			e = -EINVAL;
		}
	}
	peers_table_free(&t);
	return e;
}

int alert_rules_check(const struct alert_opts *o, const char *peers_file, unsigned int dirs,
		      char *why, size_t len)
{
	int i;

	for (i = 0; i < o->nrules; i++) {
		const struct rule *r = &o->rules[i];

		if (dirs && r->dir >= 0 && !(dirs & 1U << r->dir)) {
			snprintf(why, len, "'%s' can never fire: only %s is counted (--direction)",
				 r->text, counters_dir_name(r->dir == SIPSTAT_DIR_IN ? SIPSTAT_DIR_OUT
										     : SIPSTAT_DIR_IN));
			return -EINVAL;
		}
	}
	return check_peer_rules(o, peers_file, why, len);
}

int alert_opts_check(struct alert_opts *o, const char *peers_file, unsigned int dirs, char *why,
		     size_t len)
{
	char msg[PATH_MAX + 256];
	int e;

	e = alert_rules_check(o, peers_file, dirs, why, len);
	if (e)
		return e;
	if (!o->exec) {
		if (o->user) {
			snprintf(why, len, "--alert-user goes with --alert-exec: the user hooks run as");
			return -EINVAL;
		}
		return 0;
	}
	e = resolve_user(o, why, len);
	if (e)
		return e;
	e = alert_hook_check(o->exec, o->uid, o->gid, o->groups, o->ngroups, o->user_name, msg,
			     sizeof(msg));
	if (e) {
		snprintf(why, len, "--alert-exec %s: %s", o->exec, msg);
		return -EINVAL;
	}
	return 0;
}
