// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Alert hooks (--alert-exec).  Each alert runs the hook without a shell,
 * as the hook's user (ALERT_HOOK_USER when sipstat runs as root, as
 * keepalived runs its scripts), with no capability (bounding, ambient,
 * inheritable, permitted and effective sets cleared) and no_new_privs,
 * with /dev/null and sipstat's standard error as its only descriptors,
 * and an environment of the alert's variables and an allow list of
 * sipstat's own.
 *
 * Between sipstat and each hook stands a keeper: a child of sipstat that
 * drops to the hook's user and its limits first, then starts the hook in
 * a process group of its own and is the subreaper of everything the hook
 * starts.  Being the same user as the hook, it can kill that whole group,
 * which sipstat itself may not (the service has no CAP_KILL).  sipstat
 * never waits in line: it reaps keepers through a signalfd for SIGCHLD,
 * and when a hook outlives --alert-timeout, or sipstat ends (even killed),
 * it closes the keeper's control pipe and the keeper kills the group.  A
 * slot stays taken until the group is gone, so a hook that forks leaves
 * nothing behind.  (A process that leaves the group with setsid() is its
 * own; the service's cgroup still ends it with the unit.)
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "cli.h"
#include "fmt.h"
#include "loop.h"

extern char **environ;

/* The variables of sipstat's environment a hook gets, when set: nothing else. */
static const char *const pass_env[] = {
	"PATH", "TZ", "LANG", "LC_ALL",
	/* scripts/hooks/sipstat-webhook: its URL and curl options, proxies on the way */
	"SIPSTAT_WEBHOOK_URL", "SIPSTAT_WEBHOOK_CURL_CONFIG",
	"http_proxy", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY",
};

void alert_hooks_pass_env(char **env, int *n, int max)
{
	static char path[] = "PATH=/usr/local/bin:/usr/bin:/bin";
	size_t i, l;
	char **e;

	for (i = 0; i < sizeof(pass_env) / sizeof(pass_env[0]) && *n < max - 1; i++) {
		l = strlen(pass_env[i]);
		for (e = environ; e && *e; e++)
			if (!strncmp(*e, pass_env[i], l) && (*e)[l] == '=')
				break;
		if (e && *e)
			env[(*n)++] = *e;
		else if (!strcmp(pass_env[i], "PATH"))
			env[(*n)++] = path;
	}
	env[*n] = NULL;
}

void alert_say(struct alerter *al, const char *fmt, ...)
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

/* ------------------------------------------------------------ capabilities */

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	memset(d, 0, 2 * sizeof(*d));
	return (int)syscall(SYS_capget, &h, d);
}

static bool cap_effective(int cap)
{
	struct __user_cap_data_struct d[2];

	return !caps_get(d) && (d[cap / 32].effective & (1U << (cap % 32)));
}

/* Anything in this process's bounding set? */
static bool bounding_any(void)
{
	int c, r;

	for (c = 0; (r = prctl(PR_CAPBSET_READ, c, 0, 0, 0)) >= 0; c++)
		if (r == 1)
			return true;
	return false;
}

/* ------------------------------------------------------------ the keeper */

enum hook_step {
	STEP_IO = 0, STEP_NNP, STEP_BOUNDING, STEP_AMBIENT, STEP_GROUPS, STEP_GID, STEP_UID,
	STEP_CAPS, STEP_KEEP, STEP_EXEC,
};

static const char *const step_names[] = {
	[STEP_IO] = "/dev/null", [STEP_NNP] = "no_new_privs",
	[STEP_BOUNDING] = "clearing its capability bounding set",
	[STEP_AMBIENT] = "clearing its ambient capabilities", [STEP_GROUPS] = "setgroups",
	[STEP_GID] = "setresgid", [STEP_UID] = "setresuid", [STEP_CAPS] = "capset",
	[STEP_KEEP] = "starting it", [STEP_EXEC] = "exec",
};

struct hook_failure {
	int step;
	int err;
};

static void __attribute__((noreturn)) fail(int errfd, int step)
{
	struct hook_failure f = { step, errno };

	if (write(errfd, &f, sizeof(f)) < 0)
		_exit(126);
	_exit(127);
}

/* Only fds a and b stay open. */
static void close_others(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		syscall(SYS_close_range, 3U, (unsigned int)lo - 1, 0U);
	if (hi > lo + 1)
		syscall(SYS_close_range, (unsigned int)lo + 1, (unsigned int)hi - 1, 0U);
	syscall(SYS_close_range, (unsigned int)hi + 1, ~0U, 0U);
}

/* The keeper's own limits, which the hook inherits: no privilege, the hook's user. */
static void drop(const struct alert_opts *o, int errfd)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct none[2];
	int c, r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		fail(errfd, STEP_NNP);
	/* Without CAP_SETPCAP a bounding set stays as it is: then only a hook
	 * that is not root runs (alert_hooks_init), and no_new_privs keeps
	 * its exec from gaining any of it. */
	for (c = 0; (r = prctl(PR_CAPBSET_READ, c, 0, 0, 0)) >= 0; c++)
		if (r == 1 && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && (errno != EPERM || o->uid == 0))
			fail(errfd, STEP_BOUNDING);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		fail(errfd, STEP_AMBIENT);
	/* The system calls themselves: this process has one thread, and
	 * glibc declares setresuid() only with _GNU_SOURCE. */
	if (o->switch_user) {
		if (setgroups((size_t)o->ngroups, o->groups))
			fail(errfd, STEP_GROUPS);
		if (syscall(SYS_setresgid, o->gid, o->gid, o->gid))
			fail(errfd, STEP_GID);
		if (syscall(SYS_setresuid, o->uid, o->uid, o->uid))
			fail(errfd, STEP_UID);
	}
	memset(none, 0, sizeof(none));
	if (syscall(SYS_capset, &h, none))
		fail(errfd, STEP_CAPS);
}

/* The hook itself, in a process group of its own. */
static void __attribute__((noreturn)) hook(const struct alert_opts *o, char *const *argv,
					   char *const *env, int errfd)
{
	sigset_t empty;

	setpgid(0, 0);
	sigemptyset(&empty);
	sigprocmask(SIG_SETMASK, &empty, NULL);
	execve(o->exec, argv, env);
	fail(errfd, STEP_EXEC);
}

/*
 * The keeper, a child of sipstat: system calls only from here (nothing
 * that takes a lock or allocates).  It ends when the hook's process
 * group is empty, with the hook's status (128 + N when a signal N ended
 * it); a failure before the hook runs goes to errfd.
 */
static void __attribute__((noreturn)) keeper(const struct alerter *al, char *const *argv,
					     char *const *env, int ctl, int errfd)
{
	struct sigaction dfl;
	struct pollfd pfd[2];
	sigset_t chld;
	int sig, fd, st, status = -1;
	pid_t child, p;

	/* Out of sipstat's group: a Ctrl-C on its terminal is sipstat's to handle. */
	setpgid(0, 0);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_SETMASK, &chld, NULL);
	/* No descriptor of sipstat's (maps, links, sockets) is kept or handed on. */
	close_others(ctl, errfd);
	/* The hook's output never mixes into a -o stream or over the live view:
	 * its stdout goes to stderr (both to /dev/null under --top), no stdin. */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 ||
	    (al->to_view ? dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0
			 : dup2(STDERR_FILENO, STDOUT_FILENO) < 0))
		fail(errfd, STEP_IO);
	drop(al->o, errfd);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		fail(errfd, STEP_KEEP);
	fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		fail(errfd, STEP_KEEP);
	child = fork();
	if (child < 0)
		fail(errfd, STEP_KEEP);
	if (child == 0)
		hook(al->o, argv, env, errfd);
	setpgid(child, child);
	close(errfd);
	pfd[0] = (struct pollfd){ .fd = ctl, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (;;) {
		/* A group member whose parent left it may end unseen: look again now and then. */
		if (poll(pfd, 2, status == -1 ? -1 : 200) < 0 && errno != EINTR) {
			kill(-child, SIGKILL);	/* nothing outlives its keeper */
			break;
		}
		if (pfd[0].revents) {
			/* sipstat closed it: the timeout, or sipstat ends. */
			kill(-child, SIGKILL);
			pfd[0].fd = -1;
		}
		while (read(fd, &(struct signalfd_siginfo){ 0 }, sizeof(struct signalfd_siginfo)) > 0)
			;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			if (p == child)
				status = st;
		if (status != -1 && kill(-child, 0) && errno == ESRCH)
			break;
	}
	_exit(status == -1 ? 126 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* A pipe whose ends close on exec (one thread: no other fork() in between). */
static int pipe_cloexec(int p[2])
{
	if (pipe(p))
		return -1;
	if (fcntl(p[0], F_SETFD, FD_CLOEXEC) || fcntl(p[1], F_SETFD, FD_CLOEXEC)) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	return 0;
}

/* The keeper and its hook started; 0 with the keeper's pid and control fd, or -errno with why. */
static int spawn(const struct alerter *al, char *const *argv, char *const *env, pid_t *pid,
		 int *ctl, char *why, size_t len)
{
	struct hook_failure f;
	int c[2], e[2], err;
	ssize_t r;
	pid_t k;

	if (pipe_cloexec(c)) {
		err = errno;
		snprintf(why, len, "pipe: %s", strerror(err));
		return -err;
	}
	if (pipe_cloexec(e)) {
		err = errno;
		close(c[0]);
		close(c[1]);
		snprintf(why, len, "pipe: %s", strerror(err));
		return -err;
	}
	k = fork();
	if (k < 0) {
		err = errno;
		close(c[0]);
		close(c[1]);
		close(e[0]);
		close(e[1]);
		snprintf(why, len, "fork: %s", strerror(err));
		return -err;
	}
	if (k == 0)
		keeper(al, argv, env, c[0], e[1]);
	close(c[0]);
	close(e[1]);
	/* End of file once the hook runs (the write ends close on exec), or why not. */
	do {
		r = read(e[0], &f, sizeof(f));
	} while (r < 0 && errno == EINTR);
	close(e[0]);
	if (r == (ssize_t)sizeof(f)) {
		close(c[1]);
		waitpid(k, NULL, 0);
		snprintf(why, len, "%s: %s",
			 f.step >= 0 && f.step <= STEP_EXEC ? step_names[f.step] : "?",
			 strerror(f.err));
		return -f.err;
	}
	*pid = k;
	*ctl = c[1];
	return 0;
}

/* ------------------------------------------------------------ slots */

static void arm_timer(struct alerter *al)
{
	struct itimerspec its = { 0 };
	double next = 0, now = events_now(), d;
	int i;

	for (i = 0; i < ALERT_MAX_HOOKS; i++) {
		const struct alert_hook *h = &al->hooks[i];

		if (h->pid > 0 && !h->killed && (!next || h->deadline < next))
			next = h->deadline;
	}
	if (next) {
		d = next - now > 0.001 ? next - now : 0.001;
		its.it_value.tv_sec = (time_t)d;
		its.it_value.tv_nsec = (long)((d - (double)(time_t)d) * 1e9);
	}
	if (al->timer_fd >= 0)
		timerfd_settime(al->timer_fd, 0, &its, NULL);
}

/* Keepers that ended: their hooks' groups are gone, the slots free. */
static void reap(struct alerter *al)
{
	struct alert_hook *h;
	int i, st;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0, h = NULL; i < ALERT_MAX_HOOKS && !h; i++)
			if (al->hooks[i].pid == p)
				h = &al->hooks[i];
		if (!h)
			continue;
		if (h->killed) {
			/* Said once the keeper ended: the group is gone now. */
			alert_say(al, "alert hook %s (pid %d) still running after %.3g s: killed, "
				  "with everything it started", al->o->exec, (int)p, al->o->timeout);
		} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);

			al->hooks_failed++;
			if (code > 128)
				alert_say(al, "alert hook %s was killed by signal %d", al->o->exec,
					  code - 128);
			else
				alert_say(al, "alert hook %s exited with %d", al->o->exec, code);
		}
		if (h->ctl >= 0)
			close(h->ctl);
		memset(h, 0, sizeof(*h));
		h->ctl = -1;
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

/*
 * Tell h's keeper to kill the hook's process group: the hook and
 * everything it started (said when the keeper is reaped).
 */
static void kill_group(struct alerter *al, struct alert_hook *h)
{
	if (h->killed)
		return;
	close(h->ctl);
	h->ctl = -1;
	h->killed = true;
	al->hooks_killed++;
}

static int on_hook_timer(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct alerter *al = ctx;
	double now = events_now();
	int i;

	loop_timer_expirations(fd);
	for (i = 0; i < ALERT_MAX_HOOKS; i++) {
		struct alert_hook *h = &al->hooks[i];

		if (h->pid > 0 && now >= h->deadline - 0.0005)
			kill_group(al, h);
	}
	reap(al);
	return 0;
}

int alert_hooks_init(struct alerter *al, struct loop *l, char *msg, size_t msglen)
{
	const struct alert_opts *o = al->o;
	sigset_t sigs;
	int i, fd;

	for (i = 0; i < ALERT_MAX_HOOKS; i++)
		al->hooks[i].ctl = -1;
	if (o->switch_user && (!cap_effective(CAP_SETUID) || !cap_effective(CAP_SETGID))) {
		snprintf(msg, msglen, "cannot run hooks as %s: sipstat lacks CAP_SETUID and "
			 "CAP_SETGID (the service's CapabilityBoundingSet= needs them)",
			 o->user_name);
		return -EPERM;
	}
	if (o->uid == 0 && bounding_any() && !cap_effective(CAP_SETPCAP)) {
		snprintf(msg, msglen, "cannot run hooks as root without capabilities: sipstat "
			 "lacks CAP_SETPCAP to clear their bounding set (give --alert-user USER)");
		return -EPERM;
	}
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

void alert_hooks_run(struct alerter *al, char *const *argv, char *const *env)
{
	char why[160];
	pid_t pid = 0;
	int i, ctl = -1, slot = -1;

	for (i = 0; i < ALERT_MAX_HOOKS && slot < 0; i++)
		if (al->hooks[i].pid <= 0)
			slot = i;
	if (slot < 0) {
		al->hooks_skipped++;
		if (al->hooks_skipped == 1 || al->hooks_skipped % 100 == 0)
			alert_say(al, "alert hook: %d already running, %" PRIu64 " alert(s) not "
				  "handed to it so far", ALERT_MAX_HOOKS, al->hooks_skipped);
		return;
	}
	if (spawn(al, argv, env, &pid, &ctl, why, sizeof(why))) {
		al->hooks_failed++;
		alert_say(al, "cannot run the alert hook %s as %s: %s", al->o->exec,
			  al->o->user_name[0] ? al->o->user_name : "sipstat's user", why);
		return;
	}
	al->hooks_run++;
	al->hooks[slot] = (struct alert_hook){ .pid = pid, .ctl = ctl,
					       .deadline = events_now() + al->o->timeout };
	arm_timer(al);
}

void alert_hooks_end(struct alerter *al)
{
	double now, stop = 0;
	int i, live;

	/* Hooks still running finish within their timeout, or their groups are killed. */
	for (i = 0; i < ALERT_MAX_HOOKS; i++)
		if (al->hooks[i].pid > 0 && al->hooks[i].deadline + 2 > stop)
			stop = al->hooks[i].deadline + 2;
	for (;;) {
		reap(al);
		now = events_now();
		live = 0;
		for (i = 0; i < ALERT_MAX_HOOKS; i++) {
			struct alert_hook *h = &al->hooks[i];

			if (h->pid <= 0)
				continue;
			if (now >= h->deadline)
				kill_group(al, h);
			live++;
		}
		/* A keeper that cannot end (a process stuck in the kernel) is left behind. */
		if (!live || now > stop)
			break;
		usleep(10000);
	}
}
