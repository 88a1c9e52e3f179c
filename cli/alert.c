// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Alerts: events from the ring buffers, rules at each interval, and the
 * delivery of each alert (stderr or the live view, -o json, syslog or the
 * journal, --alert-exec).  Hooks are spawned without a shell, never
 * waited for in line: each is reaped through a signalfd for SIGCHLD and
 * killed by a timer when it outlives --alert-timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-journal.h>
#endif

#include "alert.h"
#include "cli.h"
#include "codes.h"
#include "counters.h"
#include "fmt.h"
#include "loop.h"
#include "peers.h"
#include "out/json.h"
#include "pin.h"

extern char **environ;

/* ------------------------------------------------------------- an alert */

/* Everything one alert says, as text. */
struct alert_fields {
	const char *what;	/* start, repeat, clear */
	char time[40];
	const char *iface;
	const char *rule;
	int code;		/* 0 when the rule's alert is not about one code */
	const char *reason;
	const char *cls;
	const char *dir;	/* in, out, "" */
	const char *method;	/* "" when unknown */
	const char *peer;	/* named peer of the remote address, "" none */
	const char *remote, *local;	/* "" without an event */
	int rport, lport;
	int nvlan, vlan[2];
	double value;
	uint64_t folded;
	double latency_ms;	/* frame to now, -1 without an event */
	uint64_t event_ns;	/* the frame's kernel time, 0 without an event */
	uint64_t frame_real_ns;	/* the same on CLOCK_REALTIME */
	const char *kind;	/* count, rate, ratio */
};

static const char *kind_name(enum rule_kind k)
{
	return k == RULE_COUNT ? "count" : k == RULE_RATE ? "rate" : "ratio";
}

/* The rule's one code, or 0 when it selects several. */
static int single_code(const struct rule *r)
{
	int c, found = 0;

	for (c = SIPSTAT_CODE_MIN; c <= SIPSTAT_CODE_MAX; c++) {
		if (!rule_has_code(r, c))
			continue;
		if (found)
			return 0;
		found = c;
	}
	return found;
}

static void text_line(const struct alert_fields *f, char *buf, size_t len)
{
	char code[160] = "", from[200] = "", val[64];
	size_t k;

	if (f->code)
		snprintf(code, sizeof(code), "%d %s", f->code, f->reason);
	if (f->remote[0])
		snprintf(from, sizeof(from), "%s %s %s:%d%s%s%s%s%s%s", code,
			 !strcmp(f->dir, "out") ? "sent to" : "received from", f->remote, f->rport,
			 f->peer[0] || f->method[0] ? " (" : "", f->peer[0] ? "peer " : "", f->peer,
			 f->peer[0] && f->method[0] ? ", " : "", f->method,
			 f->peer[0] || f->method[0] ? ")" : "");
	else
		snprintf(from, sizeof(from), "%s", code);
	if (!strcmp(f->kind, "rate"))
		snprintf(val, sizeof(val), "%.1f/s", f->value);
	else if (!strcmp(f->kind, "ratio"))
		snprintf(val, sizeof(val), "%.1f%%", f->value);
	else
		snprintf(val, sizeof(val), "%.0f in the window", f->value);
	k = (size_t)snprintf(buf, len, "ALERT %s %s ", f->time, f->iface);
	if (k >= len)
		return;
	if (!strcmp(f->what, "start"))
		snprintf(buf + k, len - k, "%s%s[%s]", from, from[0] ? " " : "", f->rule);
	else if (!strcmp(f->what, "repeat"))
		snprintf(buf + k, len - k, "%s%s%" PRIu64 " more, %s [%s]", from,
			 from[0] ? ": " : "", f->folded, val, f->rule);
	else
		snprintf(buf + k, len - k, "clear: %s, %" PRIu64 " more since the last line [%s]",
			 val, f->folded, f->rule);
}

static void alert_json(FILE *out, const struct alert_fields *f)
{
	struct json j;
	int i;

	json_init(&j, out);
	json_object(&j);
	json_kstr(&j, "type", "alert");
	json_kstr(&j, "alert", f->what);
	json_kstr(&j, "time", f->time);
	json_kstr(&j, "host", cli_hostname());
	json_kstr(&j, "interface", f->iface);
	json_kstr(&j, "rule", f->rule);
	json_kstr(&j, "condition", f->kind);
	json_key(&j, "value");
	json_sig(&j, f->value, 6);
	json_ku64(&j, "folded", f->folded);
	if (f->code) {
		json_key(&j, "code");
		json_int(&j, f->code);
		json_kstr(&j, "reason", f->reason);
		json_kstr(&j, "class", f->cls);
	}
	if (f->remote[0]) {
		json_kstr(&j, "direction", f->dir);
		if (f->method[0])
			json_kstr(&j, "method", f->method);
		if (f->peer[0])
			json_kstr(&j, "peer", f->peer);
		json_key(&j, "remote");
		json_object(&j);
		json_kstr(&j, "address", f->remote);
		json_key(&j, "port");
		json_int(&j, f->rport);
		json_object_end(&j);
		json_key(&j, "local");
		json_object(&j);
		json_kstr(&j, "address", f->local);
		json_key(&j, "port");
		json_int(&j, f->lport);
		json_object_end(&j);
		json_key(&j, "vlan");
		json_array(&j);
		for (i = 0; i < f->nvlan; i++)
			json_int(&j, f->vlan[i]);
		json_array_end(&j);
		if (f->latency_ms >= 0) {
			json_key(&j, "latency_ms");
			json_fixed(&j, f->latency_ms, 3);
		}
	}
	json_object_end(&j);
}

/* ------------------------------------------------------------------ hooks */

static double mono_now(void)
{
	return events_now();
}

/* What happened to a hook: on stderr, or in the alert pane under --top. */
static void say(struct alerter *al, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct alerter *al, const char *fmt, ...)
{
	char msg[384], line[512], when[40];
	struct timespec now;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!al->to_view) {
		cli_err("%s", msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	fmt_time(when, sizeof(when), &now);
	snprintf(line, sizeof(line), "ALERT %s - %s", when, msg);
	al->to_view(al->view_ctx, "", 0, line);
}

static void arm_timer(struct alerter *al)
{
	struct itimerspec its = { 0 };
	double next = 0, now = mono_now();
	int i;

	for (i = 0; i < ALERT_MAX_HOOKS; i++)
		if (al->hooks[i].pid > 0 && (!next || al->hooks[i].deadline < next))
			next = al->hooks[i].deadline;
	if (next) {
		double d = next - now > 0.001 ? next - now : 0.001;

		its.it_value.tv_sec = (time_t)d;
		its.it_value.tv_nsec = (long)((d - (double)(time_t)d) * 1e9);
	}
	if (al->timer_fd >= 0)
		timerfd_settime(al->timer_fd, 0, &its, NULL);
}

static void reap(struct alerter *al)
{
	int i, st;

	for (i = 0; i < ALERT_MAX_HOOKS; i++) {
		pid_t p = al->hooks[i].pid;

		if (p <= 0 || waitpid(p, &st, WNOHANG) != p)
			continue;
		al->hooks[i].pid = 0;
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			continue;	/* ours, said when killed */
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			al->hooks_failed++;
			say(al, "alert hook %s %s %d", al->o->exec,
				WIFEXITED(st) ? "exited with" : "was killed by signal",
				WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		}
	}
	arm_timer(al);
}

static int on_child(struct loop *l, int fd, uint32_t events, void *ctx)
{
	while (loop_signal_read(fd))
		;
	reap(ctx);
	return 0;
}

static int on_hook_timer(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct alerter *al = ctx;
	double now = mono_now();
	int i;

	loop_timer_expirations(fd);
	for (i = 0; i < ALERT_MAX_HOOKS; i++) {
		struct alert_hook *h = &al->hooks[i];

		if (h->pid > 0 && now >= h->deadline - 0.0005) {
			kill(h->pid, SIGKILL);
			al->hooks_killed++;
			say(al, "alert hook %s (pid %d) still running after %.3g s: killed",
				al->o->exec, (int)h->pid, al->o->timeout);
			h->deadline = now + 3600;	/* reaped through SIGCHLD */
		}
	}
	reap(al);
	return 0;
}

#define ENVS 28

static void env_add(char **env, int *n, char *buf, size_t len, const char *k, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= ENVS - 1)
		return;
	w = snprintf(buf, len, "%s=", k);
	va_start(ap, fmt);
	vsnprintf(buf + w, len - (size_t)w, fmt, ap);
	va_end(ap);
	env[(*n)++] = buf;
	env[*n] = NULL;
}

/* The hook's environment: the alert's fields, one variable each, and the whole as JSON. */
static void hook_env(const struct alert_fields *f, const char *code, const char *rport,
		     char **env)
{
	static char bufs[ENVS][512], json[2048], jbuf[sizeof(json) + 16];
	const char *path = getenv("PATH");
	FILE *m;
	int n = 0;

	m = fmemopen(json, sizeof(json), "w");
	if (m) {
		alert_json(m, f);
		fputc('\0', m);
		fclose(m);
	}
	json[sizeof(json) - 1] = '\0';
	env[0] = NULL;
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "PATH", "%s",
		path ? path : "/usr/local/bin:/usr/bin:/bin");
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_ALERT", "%s", f->what);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_TIME", "%s", f->time);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_HOST", "%s", cli_hostname());
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_INTERFACE", "%s", f->iface);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_RULE", "%s", f->rule);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_CODE", "%s", f->code ? code : "");
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_REASON", "%s", f->reason ? f->reason : "");
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_DIRECTION", "%s", f->dir);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_METHOD", "%s", f->method);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_PEER", "%s", f->peer);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_REMOTE_ADDR", "%s", f->remote);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_REMOTE_PORT", "%s",
		f->remote[0] ? rport : "");
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_LOCAL_ADDR", "%s", f->local);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_LOCAL_PORT", "%d", f->lport);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_VALUE", "%.6g", f->value);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_FOLDED", "%" PRIu64, f->folded);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_EVENT_NS", "%" PRIu64, f->event_ns);
	env_add(env, &n, bufs[n], sizeof(bufs[0]), "SIPSTAT_FRAME_TIME_NS", "%" PRIu64,
		f->frame_real_ns);
	if (n < ENVS - 1) {
		snprintf(jbuf, sizeof(jbuf), "SIPSTAT_JSON=%s", json);
		env[n++] = jbuf;
		env[n] = NULL;
	}
}

/* posix_spawn() of the hook: no signal blocked, default dispositions, its own group. */
static int spawn_hook(const struct alerter *al, char **argv, char **env, pid_t *pid)
{
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	sigset_t none, def;
	int e;

	/* The loop blocks SIGCHLD and others for its signalfds: the hook gets none blocked. */
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGHUP);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	/* Its output never mixes into a -o stream or over the live view:
	 * stdout goes to stderr (both to /dev/null under --top), no stdin. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (al->to_view) {
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	} else {
		posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	}
	e = posix_spawn(pid, al->o->exec, &fa, &attr, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return e;
}

static void run_hook(struct alerter *al, const struct alert_fields *f)
{
	char code[8], rport[8], *argv[9], *env[ENVS];
	pid_t pid;
	int i, slot = -1, e;

	for (i = 0; i < ALERT_MAX_HOOKS; i++)
		if (al->hooks[i].pid <= 0 && slot < 0)
			slot = i;
	if (slot < 0) {
		al->hooks_skipped++;
		if (al->hooks_skipped == 1 || al->hooks_skipped % 100 == 0)
			say(al, "alert hook: %d already running, %" PRIu64 " alert(s) not handed "
				"to it so far", ALERT_MAX_HOOKS, al->hooks_skipped);
		return;
	}
	snprintf(code, sizeof(code), "%d", f->code);
	snprintf(rport, sizeof(rport), "%d", f->rport);
	argv[0] = (char *)al->o->exec;
	argv[1] = (char *)f->what;
	argv[2] = code;
	argv[3] = (char *)(f->reason ? f->reason : "");
	argv[4] = (char *)f->iface;
	argv[5] = (char *)f->remote;
	argv[6] = rport;
	argv[7] = (char *)f->rule;
	argv[8] = NULL;
	hook_env(f, code, rport, env);
	e = spawn_hook(al, argv, env, &pid);
	if (e) {
		al->hooks_failed++;
		say(al, "cannot run the alert hook %s: %s", al->o->exec, strerror(e));
		return;
	}
	al->hooks_run++;
	al->hooks[slot].pid = pid;
	al->hooks[slot].deadline = mono_now() + al->o->timeout;
	arm_timer(al);
}

/* --------------------------------------------------------------- delivery */

static void deliver(struct alerter *al, const struct rule_alert *a, const char *ifname,
		    const struct event_info *ev)
{
	const struct rule *r = &al->rules.r[a->rule];
	struct alert_fields f = { 0 };
	struct timespec now;
	char line[512];
	int cls;

	f.what = rule_what_name(a->what);
	f.iface = ifname;
	f.rule = r->text;
	f.kind = kind_name(r->kind);
	f.value = a->value;
	f.folded = a->folded;
	f.dir = f.method = f.remote = f.local = f.peer = "";
	f.latency_ms = -1;
	f.code = ev ? ev->code : single_code(r);
	if (ev) {
		f.dir = counters_dir_name(ev->dir) ? counters_dir_name(ev->dir) : "";
		f.method = ev->method ? counters_method_name(ev->method) : "";
		if (!f.method)
			f.method = "";
		f.remote = ev->remote;
		f.peer = ev == &al->last ? al->last_peer : "";
		f.local = ev->local;
		f.rport = ev->rport;
		f.lport = ev->lport;
		f.nvlan = ev->nvlan;
		f.vlan[0] = ev->vlan[0];
		f.vlan[1] = ev->vlan[1];
		f.event_ns = ev->ts_ns;
		f.frame_real_ns = (uint64_t)ev->real.tv_sec * 1000000000ULL + (uint64_t)ev->real.tv_nsec;
	}
	if (ev && a->from_event) {
		/* Decided on this frame: its time, and how long it took to get here. */
		f.latency_ms = (mono_now() - ev->mono) * 1000.0;
		fmt_time(f.time, sizeof(f.time), &ev->real);
	} else {
		/* Decided now (the last frame's details, when any, say who). */
		clock_gettime(CLOCK_REALTIME, &now);
		fmt_time(f.time, sizeof(f.time), &now);
	}
	if (f.code) {
		f.reason = sip_code_reason(f.code);
		cls = sip_code_class(f.code);
		f.cls = sip_class_label(cls) ? sip_class_label(cls) : "";
	}
	text_line(&f, line, sizeof(line));
	if (al->to_view)
		al->to_view(al->view_ctx, ifname, f.code, line);
	else
		fprintf(stderr, "%s\n", line);
	if (al->json && al->json_out) {
		alert_json(al->json_out, &f);
		fputc('\n', al->json_out);
		fflush(al->json_out);
	}
	if (al->o->log != ALERT_LOG_NONE) {
		int prio = a->what == RULE_CLEAR ? LOG_NOTICE : LOG_ALERT;

#ifdef HAVE_LIBSYSTEMD
		if (al->o->log == ALERT_LOG_JOURNAL) {
			sd_journal_send("MESSAGE=%s", line + 6, "PRIORITY=%d", prio,
					"SYSLOG_IDENTIFIER=sipstat", "SIPSTAT_ALERT=%s", f.what,
					"SIPSTAT_INTERFACE=%s", f.iface, "SIPSTAT_RULE=%s", f.rule,
					"SIPSTAT_CODE=%d", f.code, "SIPSTAT_REMOTE_ADDR=%s", f.remote,
					"SIPSTAT_REMOTE_PORT=%d", f.rport, NULL);
		} else
#endif
		{
			syslog(LOG_DAEMON | prio, "%s", line + 6);
		}
	}
	if (al->o->exec)
		run_hook(al, &f);
}

static void deliver_all(struct alerter *al, const struct rule_alert *a, int n, const char *ifname,
			const struct event_info *ev)
{
	int i;

	for (i = 0; i < n; i++)
		deliver(al, &a[i], ifname,
			a[i].from_event ? ev :
			a[i].what != RULE_CLEAR && al->rules.r[a[i].rule].kind == RULE_COUNT &&
					al->has_last && rule_has_code(&al->rules.r[a[i].rule], al->last.code)
				? &al->last : NULL);
}

/* ----------------------------------------------------------------- events */

static int on_event(void *ctx, const struct sipstat_event *e)
{
	struct alert_src *s = ctx;
	struct alerter *al = s->al;
	struct rule_alert a[RULES_MAX];
	struct rule_event re;
	int n;

	al->events++;
	events_decode(e, &al->last);
	snprintf(al->last_if, sizeof(al->last_if), "%s", s->ifname);
	al->has_last = true;
	re.code = al->last.code;
	re.dir = al->last.dir;
	al->last_peer[0] = '\0';
	if (s->peers_fd >= 0 && s->names && s->names->npeers > 0) {
		struct sipstat_peer_prefix key = { .prefixlen = 128 };
		__u32 id = 0;

		al->rules.peers_loaded = true;
		memcpy(key.addr, al->last.remote_addr, 16);
		if (!bpf_map_lookup_elem(s->peers_fd, &key, &id) && id > 0 &&
		    id <= SIPSTAT_PEERS_MAX && s->names->names[id][0])
			snprintf(al->last_peer, sizeof(al->last_peer), "%s", s->names->names[id]);
	}
	re.peer = al->last_peer[0] ? al->last_peer : NULL;
	n = rules_event(&al->rules, al->last.mono, &re, a, RULES_MAX);
	deliver_all(al, a, n, s->ifname, &al->last);
	return 0;
}

static int on_ring(struct loop *l, int fd, uint32_t events, void *ctx)
{
	events_consumer_consume(ctx);
	return 0;
}

void alerter_drain(struct alerter *al)
{
	int i;

	for (i = 0; i < al->n; i++)
		if (al->src[i].rb)
			events_consumer_consume(al->src[i].rb);
}

int alerter_init(struct alerter *al, const struct alert_opts *o, struct loop *l, char *msg,
		 size_t msglen)
{
	sigset_t sigs;
	int i, fd;

	memset(al, 0, sizeof(*al));
	al->o = o;
	al->timer_fd = -1;
	rules_init(&al->rules);
	if (!o->nrules) {
		struct rule r;

		rule_default(&r);
		rules_add(&al->rules, &r);
	}
	for (i = 0; i < o->nrules; i++)
		rules_add(&al->rules, &o->rules[i]);
	if (o->log == ALERT_LOG_SYSLOG)
		openlog("sipstat", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	if (!o->exec)
		return 0;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGCHLD);
	fd = loop_add_signals(l, &sigs, on_child, al);
	if (fd < 0) {
		snprintf(msg, msglen, "cannot watch alert hooks: %s", strerror(-fd));
		return fd;
	}
	al->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (al->timer_fd < 0 || loop_add(l, al->timer_fd, EPOLLIN, on_hook_timer, al)) {
		snprintf(msg, msglen, "cannot time alert hooks: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void src_close(struct alert_src *s, struct loop *l)
{
	if (s->rb) {
		if (l)
			loop_del(l, events_consumer_fd(s->rb));
		events_consumer_free(s->rb);
		s->al->consuming--;
	}
	s->rb = NULL;
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	if (s->events_fd >= 0)
		close(s->events_fd);
	if (s->cfg_fd >= 0)
		close(s->cfg_fd);
	s->lock_fd = s->events_fd = s->cfg_fd = -1;
}

int alerter_add(struct alerter *al, struct loop *l, const char *ifname, int events_fd,
		int cfg_fd, const char *lockdir, char *notice, size_t nlen)
{
	struct alert_src *s = NULL;
	struct sipstat_cfg cfg;
	int i, e;

	notice[0] = '\0';
	for (i = 0; i < al->n; i++)
		if (!strcmp(al->src[i].ifname, ifname))
			s = &al->src[i];	/* the interface again (a new program): its new maps */
	if (s) {
		src_close(s, l);
	} else {
		if (al->n == ALERT_MAX_IFACES) {
			close(events_fd);
			close(cfg_fd);
			return -ENOSPC;
		}
		s = &al->src[al->n++];
	}
	memset(s, 0, sizeof(*s));
	s->al = al;
	s->events_fd = events_fd;
	s->cfg_fd = cfg_fd;
	s->lock_fd = -1;
	s->peers_fd = -1;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	if ((al->o->codes_given || al->o->rate_given) && !events_cfg_get(cfg_fd, &cfg)) {
		if (al->o->codes_given)
			memcpy(cfg.event_codes, al->o->codes, sizeof(cfg.event_codes));
		if (al->o->rate_given) {
			cfg.event_rate = al->o->rate;
			cfg.event_burst = al->o->burst;
		}
		e = events_cfg_set(cfg_fd, &cfg);
		if (e) {
			snprintf(notice, nlen, "%s: cannot change the event settings: %s", ifname,
				 strerror(-e));
			return e;
		}
	}
	if (lockdir) {
		s->lock_fd = events_lock(lockdir);
		if (s->lock_fd == -EWOULDBLOCK) {
			s->lock_fd = -1;
			snprintf(notice, nlen, "%s: its events go to another sipstat (the service?); "
					       "alerts here come from the counters at each interval",
				 ifname);
			return 1;
		}
		if (s->lock_fd < 0) {
			e = s->lock_fd;
			s->lock_fd = -1;
			snprintf(notice, nlen, "%s: cannot lock its events (%s); alerts from the "
					       "counters only", ifname, strerror(-e));
			return 1;
		}
	}
	s->rb = events_consumer(events_fd, on_event, s);
	if (!s->rb) {
		e = -errno;
		snprintf(notice, nlen, "%s: cannot read its events: %s", ifname, strerror(-e));
		return e;
	}
	e = loop_add(l, events_consumer_fd(s->rb), EPOLLIN, on_ring, s->rb);
	if (e) {
		events_consumer_free(s->rb);
		s->rb = NULL;
		snprintf(notice, nlen, "cannot watch the events of %s: %s", ifname, strerror(-e));
		return e;
	}
	al->consuming++;
	return 0;
}

void alerter_peers(struct alerter *al, const char *ifname, int peers_fd,
		   const struct peers_table *names)
{
	int i;

	for (i = 0; i < al->n; i++) {
		if (strcmp(al->src[i].ifname, ifname) != 0)
			continue;
		al->src[i].peers_fd = peers_fd;
		al->src[i].names = names;
	}
}

void alerter_tick(struct alerter *al, int n, const char *const *ifnames,
		  const struct counters *prev, const struct counters *cur, double now)
{
	struct rule_alert a[RULES_MAX];
	int i, k, c, d, m;

	for (i = 0; i < al->rules.n; i++) {
		const struct rule *r = &al->rules.r[i];
		struct rule_sample s = { .t0 = now - (n ? counters_elapsed(&prev[0], &cur[0]) : 0),
					 .t1 = now };

		if (r->peer[0])
			continue;	/* per-peer counts: from the events */
		for (k = 0; k < n; k++) {
			for (d = 0; d < SIPSTAT_DIR_MAX; d++) {
				if (r->dir >= 0 && r->dir != d)
					continue;
				s.total += counters_delta(
					counters_outcome(&prev[k], d, COUNTERS_RESPONSES),
					counters_outcome(&cur[k], d, COUNTERS_RESPONSES));
				for (c = SIPSTAT_CODE_MIN; c <= SIPSTAT_CODE_MAX; c++)
					if (rule_has_code(r, c))
						s.matched += counters_delta(counters_code(&prev[k], d, c),
									    counters_code(&cur[k], d, c));
			}
		}
		rules_sample(&al->rules, i, &s);
	}
	m = rules_tick(&al->rules, now, a, RULES_MAX);
	deliver_all(al, a, m, n == 1 ? ifnames[0] : al->has_last ? al->last_if : "all", NULL);
}

void alerter_free(struct alerter *al)
{
	int i, live;
	double now;

	/* Hooks still running finish within their timeout, or are killed. */
	for (;;) {
		live = 0;
		now = mono_now();
		for (i = 0; i < ALERT_MAX_HOOKS; i++) {
			struct alert_hook *h = &al->hooks[i];
			int st;

			if (h->pid <= 0)
				continue;
			if (waitpid(h->pid, &st, WNOHANG) == h->pid) {
				h->pid = 0;
				continue;
			}
			if (now >= h->deadline) {
				kill(h->pid, SIGKILL);
				waitpid(h->pid, &st, 0);
				h->pid = 0;
				continue;
			}
			live++;
		}
		if (!live)
			break;
		usleep(10000);
	}
	for (i = 0; i < al->n; i++)
		src_close(&al->src[i], NULL);
	if (al->timer_fd >= 0)
		close(al->timer_fd);
	al->timer_fd = -1;
	al->n = 0;
	if (al->o && al->o->log == ALERT_LOG_SYSLOG)
		closelog();
}

int alert_settings_pinned(const char *ifname, const struct alert_opts *o, char *msg,
			  size_t msglen)
{
	struct sipstat_cfg cfg;
	struct pinned p;
	int e, efd = -1, cfd = -1;

	if (!o->codes_given && !o->rate_given)
		return 0;
	e = pin_open(ifname, &p, msg, msglen);
	if (e)
		return e;
	e = p.fd[PIN_LINK] >= 0 ? events_maps_of_link(p.fd[PIN_LINK], &efd, &cfd) : -ENOENT;
	pin_close(&p);
	if (!e)
		e = events_cfg_get(cfd, &cfg);
	if (!e) {
		if (o->codes_given)
			memcpy(cfg.event_codes, o->codes, sizeof(cfg.event_codes));
		if (o->rate_given) {
			cfg.event_rate = o->rate;
			cfg.event_burst = o->burst;
		}
		e = events_cfg_set(cfd, &cfg);
	}
	if (efd >= 0)
		close(efd);
	if (cfd >= 0)
		close(cfd);
	if (e)
		snprintf(msg, msglen, "%s: cannot change the event settings: %s", ifname,
			 strerror(-e));
	return e;
}
