// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The pins of an interface (pin.h): where they are, opened and checked, status, detach. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "pin.h"
#include "prog.h"
#include "tc.h"
#include "xdp.h"

/* /proc/self/fd/N/netns:INO:COOKIE/IFACE/NAME, or PIN_ROOT/... for messages. */
#define PIN_PATH_MAX 256

static const char *const obj_names[PIN_OBJS] = {
	[PIN_COUNTS] = "counts",
	[PIN_PORTS] = "ports",
	[PIN_META] = "meta",
	[PIN_LINK] = "link",
	[PIN_TC_IN] = "tc_in",
	[PIN_TC_OUT] = "tc_out",
	[PIN_PEERS] = "peers",
	[PIN_PEER_COUNTS] = "peer_counts",
	[PIN_FAILING] = "failing",
};

const char *pin_obj_name(int obj)
{
	return obj >= 0 && obj < PIN_OBJS ? obj_names[obj] : NULL;
}

static const char *root_hint(int e)
{
	return e == -EACCES || e == -EPERM ?
		       "; pinned counters are readable by root only: run as root" :
		       "";
}

/* ------------------------------------------------------------ where */

/*
 * What the functions taking an interface name act on: the BPF filesystem,
 * the sipstat directory in it (opened and checked), and the namespace
 * whose pins they are.  One process, one set: the command is one thread
 * while it pins.
 */
static struct {
	struct bpffs fs;	/* fs.fd -1 until found */
	bool looked;		/* looked for one */
	int fs_err;		/* why none was found: -ENOENT none, -EXDEV out of reach */
	char fs_msg[256];
	int root_fd;		/* PIN_ROOT, checked; -1 until opened */
	bool own_known;
	struct pin_netns own;	/* the caller's namespace (fd -1) */
	int own_fd;		/* the caller's namespace, to come back from another */
	struct pin_netns used;	/* whose pins: own until pin_netns_use() */
	bool used_set;
	bool entered;		/* in used's namespace (setns) */
} where = { .fs = { .fd = -1 }, .root_fd = -1, .own_fd = -1, .used = { .fd = -1 } };

static const char *const netns_state_keys[] = {
	[PIN_NETNS_CURRENT] = "current",
	[PIN_NETNS_LIVE] = "live",
	[PIN_NETNS_GONE] = "gone",
	[PIN_NETNS_UNKNOWN] = "unknown",
};

const char *pin_netns_state_key(enum pin_netns_state s)
{
	return (unsigned int)s < sizeof(netns_state_keys) / sizeof(netns_state_keys[0]) ?
		       netns_state_keys[s] :
		       "?";
}

int pin_netns_dirname(char *buf, size_t len, const struct netns_id *id)
{
	int n = snprintf(buf, len, PIN_NETNS_PREFIX "%llu:%llu", (unsigned long long)id->ino,
			 (unsigned long long)id->cookie);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* A decimal number without sign, leading zero or blank, up to the end or ':'. */
static int parse_u64(const char *s, const char **end, __u64 *v)
{
	unsigned long long x;
	char *e;

	if (!isdigit((unsigned char)*s) || (s[0] == '0' && isdigit((unsigned char)s[1])))
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &e, 10);
	if (errno)
		return -EINVAL;
	*v = x;
	*end = e;
	return 0;
}

int pin_netns_parse(const char *name, struct netns_id *id)
{
	const char *p;

	if (strncmp(name, PIN_NETNS_PREFIX, strlen(PIN_NETNS_PREFIX)) != 0)
		return -EINVAL;
	p = name + strlen(PIN_NETNS_PREFIX);
	if (parse_u64(p, &p, &id->ino) || *p != ':' || parse_u64(p + 1, &p, &id->cookie) || *p ||
	    !id->ino)
		return -EINVAL;
	return 0;
}

static int own_init(void)
{
	int e;

	if (where.own_known)
		return 0;
	memset(&where.own, 0, sizeof(where.own));
	where.own.fd = -1;
	e = netns_self(&where.own.id);
	if (e)
		return e;
	where.own.state = PIN_NETNS_CURRENT;
	netns_name_of(where.own.id.ino, where.own.name, sizeof(where.own.name));
	where.own_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	where.own_known = true;
	if (!where.used_set)
		where.used = where.own;
	return 0;
}

const struct pin_netns *pin_netns_used(void)
{
	own_init();
	return &where.used;
}

int pin_setup(bool may_mount, struct bpffs *fs, char *msg, size_t msglen)
{
	if (where.fs.fd < 0) {
		where.fs_err = bpffs_locate(may_mount, &where.fs, where.fs_msg,
					    sizeof(where.fs_msg));
		where.looked = true;
		if (where.fs_err) {
			snprintf(msg, msglen, "%s", where.fs_msg);
			return where.fs_err;
		}
	}
	if (fs)
		*fs = where.fs;
	return 0;
}

/*
 * The BPF filesystem: found once, without mounting, where pin_setup() did
 * not run.  Its descriptor, or the error of looking, with msg.
 */
static int fs_get(char *msg, size_t msglen)
{
	if (where.fs.fd < 0 && !where.looked)
		pin_setup(false, NULL, msg, msglen);
	if (where.fs.fd >= 0)
		return where.fs.fd;
	snprintf(msg, msglen, "%s", where.fs_msg);
	return where.fs_err ? where.fs_err : -ENOENT;
}

/* PIN_ROOT, opened and checked once, again when it was removed (a detach emptied it). */
static int root_get(bool create, char *msg, size_t msglen)
{
	struct stat sb;
	int fs;

	if (where.root_fd >= 0 && !fstat(where.root_fd, &sb) && sb.st_nlink > 0)
		return where.root_fd;
	if (where.root_fd >= 0)
		close(where.root_fd);
	where.root_fd = -1;
	msg[0] = '\0';
	fs = fs_get(msg, msglen);
	if (fs < 0)
		return fs;
	where.root_fd = bpffs_dir(fs, BPFFS_SIPSTAT, PIN_ROOT, create, msg, msglen);
	return where.root_fd;
}

/* The directory of the namespace used under PIN_ROOT: "netns:INO:COOKIE", "" the old path. */
static int used_dirname(char *buf, size_t len)
{
	if (own_init())
		return -ENOENT;
	if (where.used.old_path) {
		buf[0] = '\0';
		return 0;
	}
	return pin_netns_dirname(buf, len, &where.used.id);
}

int pin_shown_path(char *buf, size_t len, const char *ifname, int obj)
{
	char ns[PIN_NETNS_DIRLEN];
	int n;

	if (used_dirname(ns, sizeof(ns)))
		return -ENOENT;
	n = snprintf(buf, len, "%s%s%s%s%s%s%s", PIN_ROOT, ns[0] ? "/" : "", ns,
		     ifname ? "/" : "", ifname ? ifname : "", obj >= 0 ? "/" : "",
		     obj >= 0 ? obj_names[obj] : "");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The same through the checked sipstat directory; it must be open (root_get()). */
static int reach_path(char *buf, size_t len, const char *ifname, int obj)
{
	char ns[PIN_NETNS_DIRLEN];
	int n;

	if (where.root_fd < 0 || used_dirname(ns, sizeof(ns)))
		return -ENOENT;
	n = snprintf(buf, len, "/proc/self/fd/%d%s%s%s%s%s%s", where.root_fd, ns[0] ? "/" : "",
		     ns, ifname ? "/" : "", ifname ? ifname : "", obj >= 0 ? "/" : "",
		     obj >= 0 ? obj_names[obj] : "");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int pin_path(char *buf, size_t len, const char *ifname, int obj)
{
	char msg[8];

	if (root_get(false, msg, sizeof(msg)) < 0)
		return -ENOENT;
	return reach_path(buf, len, ifname, obj);
}

/* The directory of the namespace used, checked (made with create).  fd or -errno. */
static int ns_open(bool create, char *msg, size_t msglen)
{
	char ns[PIN_NETNS_DIRLEN], shown[PIN_PATH_MAX];
	int root;

	root = root_get(create, msg, msglen);
	if (root < 0)
		return root;
	if (used_dirname(ns, sizeof(ns))) {
		snprintf(msg, msglen, "cannot tell this network namespace: /proc is not mounted");
		return -ENOENT;
	}
	if (!ns[0]) {
		/* The old path: the interfaces sit in PIN_ROOT itself. */
		int fd = fcntl(root, F_DUPFD_CLOEXEC, 0);

		return fd < 0 ? -errno : fd;
	}
	snprintf(shown, sizeof(shown), "%s/%s", PIN_ROOT, ns);
	return bpffs_dir(root, ns, shown, create, msg, msglen);
}

/* The pin directory of ifname, checked (made with create).  fd or -errno. */
static int iface_open(const char *ifname, bool create, char *msg, size_t msglen)
{
	char shown[PIN_PATH_MAX];
	int ns, fd;

	ns = ns_open(create, msg, msglen);
	if (ns < 0)
		return ns;
	if (pin_shown_path(shown, sizeof(shown), ifname, -1)) {
		close(ns);
		snprintf(msg, msglen, "interface name too long for a pin path: %s", ifname);
		return -ENAMETOOLONG;
	}
	fd = bpffs_dir(ns, ifname, shown, create, msg, msglen);
	close(ns);
	return fd;
}

/* ------------------------------------------------------------ namespaces */

/* A directory of PIN_ROOT that is an interface of the old path (no colon in any). */
static bool old_path_name(const char *name)
{
	return name[0] != '.' && strlen(name) < IF_NAMESIZE && !strchr(name, ':');
}

static int netns_order(const void *a, const void *b)
{
	const struct pin_netns *x = a, *y = b;
	int c;

	if (x->state != y->state)
		return (int)x->state - (int)y->state;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->id.ino < y->id.ino ? -1 : x->id.ino > y->id.ino;
}

int pin_netns_list(struct pin_netns *out, int max, char *msg, size_t msglen)
{
	struct pin_netns *ns;
	struct dirent *de;
	bool old = false;
	int root, fd, n = 0;
	DIR *d;

	msg[0] = '\0';
	if (own_init()) {
		snprintf(msg, msglen, "cannot tell this network namespace: is /proc mounted?");
		return -ENOENT;
	}
	root = root_get(false, msg, msglen);
	if (root == -ENOENT)
		return 0;	/* nothing pinned anywhere */
	if (root < 0)
		return root;
	fd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		int e = -errno;

		if (fd >= 0)
			close(fd);
		snprintf(msg, msglen, "cannot read %s: %s%s", PIN_ROOT, strerror(-e), root_hint(e));
		return e;
	}
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (n == max)
			break;
		ns = &out[n];
		memset(ns, 0, sizeof(*ns));
		ns->fd = -1;
		if (pin_netns_parse(de->d_name, &ns->id)) {
			old = old || old_path_name(de->d_name);
			continue;
		}
		if (netns_same(&ns->id, &where.own.id)) {
			ns->state = PIN_NETNS_CURRENT;
			snprintf(ns->name, sizeof(ns->name), "%s", where.own.name);
		} else if (!netns_find(&ns->id, &ns->fd, ns->name, sizeof(ns->name))) {
			ns->state = PIN_NETNS_LIVE;
		} else {
			ns->state = PIN_NETNS_GONE;
		}
		n++;
	}
	closedir(d);
	if (old && n < max) {
		ns = &out[n++];
		memset(ns, 0, sizeof(*ns));
		ns->fd = -1;
		ns->old_path = true;
		ns->state = PIN_NETNS_UNKNOWN;
	}
	qsort(out, (size_t)n, sizeof(*out), netns_order);
	return n;
}

void pin_netns_free(struct pin_netns *list, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (list[i].fd >= 0)
			close(list[i].fd);
		list[i].fd = -1;
	}
}

int pin_netns_match(const char *spec, const struct pin_netns *list, int n, bool *match,
		    char *msg, size_t msglen)
{
	struct netns_id id;
	char name[NETNS_NAME_MAX];
	int i, k = 0, fd, e;

	for (i = 0; i < n; i++)
		match[i] = false;
	if (!strcmp(spec, "all") || !strcmp(spec, "gone")) {
		for (i = 0; i < n; i++)
			if (spec[0] == 'a' || list[i].state == PIN_NETNS_GONE)
				k += match[i] = true;
		return k;
	}
	e = netns_open(spec, &fd, &id, name, sizeof(name), msg, msglen);
	if (!e) {
		close(fd);
		for (i = 0; i < n; i++)
			if (!list[i].old_path && list[i].state != PIN_NETNS_GONE &&
			    netns_same(&list[i].id, &id))
				k += match[i] = true;
		return k;
	}
	/* An inode no live namespace has now: the gone ones that had it. */
	if (e == -ENOENT && isdigit((unsigned char)spec[0])) {
		__u64 ino = strtoull(spec, NULL, 10);

		for (i = 0; i < n; i++)
			if (list[i].state == PIN_NETNS_GONE && list[i].id.ino == ino)
				k += match[i] = true;
		if (k)
			return k;
	}
	return e;
}

int pin_netns_use(const struct pin_netns *ns, char *msg, size_t msglen)
{
	int e;

	e = own_init();
	if (e) {
		snprintf(msg, msglen, "cannot tell this network namespace: %s", strerror(-e));
		return e;
	}
	if (where.entered) {
		e = where.own_fd < 0 ? -EBADF : netns_enter(where.own_fd);
		if (e) {
			snprintf(msg, msglen, "cannot come back to the own network namespace: %s",
				 strerror(-e));
			return e;
		}
		where.entered = false;
	}
	if (!ns) {
		where.used = where.own;
		where.used_set = false;
		return 0;
	}
	if (ns->state == PIN_NETNS_LIVE) {
		e = ns->fd < 0 ? -EBADF : netns_enter(ns->fd);
		if (e) {
			char what[NETNS_NAME_MAX + 32];

			if (ns->name[0])
				snprintf(what, sizeof(what), "%s", ns->name);
			else
				snprintf(what, sizeof(what), "of inode %llu",
					 (unsigned long long)ns->id.ino);
			snprintf(msg, msglen, "cannot enter the network namespace %s: %s%s", what,
				 strerror(-e), e == -EPERM ? " (run as root)" : "");
			return e;
		}
		where.entered = true;
	}
	where.used = *ns;
	where.used.fd = -1;
	where.used_set = true;
	return 0;
}

/* ------------------------------------------------------------ layout */

int pin_map_geom(int fd, struct pin_map_geom *g)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	memset(g, 0, sizeof(*g));
	if (fd < 0)
		return -EBADF;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	g->present = true;
	g->type = info.type;
	g->key_size = info.key_size;
	g->value_size = info.value_size;
	g->max_entries = info.max_entries;
	g->flags = info.map_flags;
	return 0;
}

static bool geom_is(const struct pin_map_geom *g, __u32 type, __u32 value_size, __u32 entries)
{
	return g->type == type && g->key_size == 4 && g->value_size == value_size &&
	       g->max_entries == entries;
}

int pin_layout_check(const struct pin_layout *l, char *why, size_t len)
{
	if (!l->counts.present) {
		snprintf(why, len, "no counter map");
		return -ENOENT;
	}
	if (!geom_is(&l->counts, BPF_MAP_TYPE_PERCPU_ARRAY, 8, SIPSTAT_COUNT_KEYS)) {
		snprintf(why, len, "the counter map has %u keys of %u bytes, not %u of 8",
			 l->counts.max_entries, l->counts.value_size,
			 (unsigned int)SIPSTAT_COUNT_KEYS);
		return -EPROTO;
	}
	if (l->ports.present &&
	    (!geom_is(&l->ports, BPF_MAP_TYPE_ARRAY, sizeof(struct sipstat_ports), 1) ||
	     !(l->ports.flags & BPF_F_MMAPABLE))) {
		snprintf(why, len, "the port set is not one mappable value of %zu bytes",
			 sizeof(struct sipstat_ports));
		return -EPROTO;
	}
	if (l->meta.present &&
	    !geom_is(&l->meta, BPF_MAP_TYPE_ARRAY, sizeof(struct sipstat_meta), 1)) {
		snprintf(why, len, "the meta record is not one value of %zu bytes",
			 sizeof(struct sipstat_meta));
		return -EPROTO;
	}
	if (l->has_meta && l->meta_layout != SIPSTAT_LAYOUT_VERSION) {
		snprintf(why, len, "the meta record says layout %u, not %u", l->meta_layout,
			 (unsigned int)SIPSTAT_LAYOUT_VERSION);
		return -EPROTO;
	}
	return 0;
}

static void layout_of(const struct pinned *p, struct pin_layout *l)
{
	memset(l, 0, sizeof(*l));
	pin_map_geom(p->fd[PIN_COUNTS], &l->counts);
	pin_map_geom(p->fd[PIN_PORTS], &l->ports);
	pin_map_geom(p->fd[PIN_META], &l->meta);
	l->has_meta = p->has_meta;
	l->meta_layout = p->meta.layout;
}

static bool ports_ok(int fd)
{
	struct pin_layout l = { 0 };
	struct pin_map_geom g;
	char why[8];

	if (pin_map_geom(fd, &g))
		return false;
	l.counts = (struct pin_map_geom){ .present = true, .type = BPF_MAP_TYPE_PERCPU_ARRAY,
				      .key_size = 4, .value_size = 8,
				      .max_entries = SIPSTAT_COUNT_KEYS };
	l.ports = g;
	return !pin_layout_check(&l, why, sizeof(why));
}

static bool meta_ok(int fd)
{
	struct pin_map_geom g;

	return !pin_map_geom(fd, &g) &&
	       geom_is(&g, BPF_MAP_TYPE_ARRAY, sizeof(struct sipstat_meta), 1);
}

/* A pinned per-peer map (PIN_PEERS .. PIN_FAILING) this sipstat's program can take. */
bool pin_peer_map_ok(int fd, int obj)
{
	struct pin_map_geom g;

	if (pin_map_geom(fd, &g))
		return false;
	switch (obj) {
	case PIN_PEERS:
		return g.type == BPF_MAP_TYPE_LPM_TRIE &&
		       g.key_size == sizeof(struct sipstat_peer_prefix) && g.value_size == 4 &&
		       g.max_entries == SIPSTAT_PEER_PREFIXES && g.flags == BPF_F_NO_PREALLOC;
	case PIN_PEER_COUNTS:
		return g.type == BPF_MAP_TYPE_PERCPU_HASH && g.key_size == 4 && g.value_size == 8 &&
		       g.max_entries == SIPSTAT_PEER_COUNT_KEYS && !g.flags;
	case PIN_FAILING:
		return g.type == BPF_MAP_TYPE_LRU_PERCPU_HASH &&
		       g.key_size == sizeof(struct sipstat_failing_key) && g.value_size == 8 &&
		       g.max_entries == SIPSTAT_FAILING_MAX && !g.flags;
	default:
		return false;
	}
}

bool pin_layout_ok(const struct pinned *p)
{
	struct pin_layout l;
	char why[8];

	layout_of(p, &l);
	return !pin_layout_check(&l, why, sizeof(why));
}

void pin_layout_describe(const struct pinned *p, char *buf, size_t len)
{
	struct pin_map_geom g = { 0 };
	char lay[32];

	if (!p) {
		snprintf(buf, len, "layout %u (sip_counts of %u keys)",
			 (unsigned int)SIPSTAT_LAYOUT_VERSION,
			 (unsigned int)SIPSTAT_COUNT_KEYS);
		return;
	}
	if (p->has_meta)
		snprintf(lay, sizeof(lay), "layout %u", p->meta.layout);
	else
		snprintf(lay, sizeof(lay), "an unknown layout");
	if (p->fd[PIN_COUNTS] >= 0 && !pin_map_geom(p->fd[PIN_COUNTS], &g))
		snprintf(buf, len, "%s (sip_counts of %u keys of %u bytes)", lay, g.max_entries,
			 g.value_size);
	else
		snprintf(buf, len, "%s (no counter map)", lay);
}

/* ------------------------------------------------------------ open */

void pin_init(struct pinned *p, const char *ifname)
{
	int i;

	memset(p, 0, sizeof(*p));
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	for (i = 0; i < PIN_OBJS; i++)
		p->fd[i] = -1;
}

/*
 * Open every pin there is; -EACCES and a refused directory are reported,
 * a missing pin is not.  Each pin by a path through its directory, opened
 * and checked first.
 */
int pin_open_all(const char *ifname, struct pinned *p, char *msg, size_t msglen)
{
	char path[PIN_PATH_MAX], shown[PIN_PATH_MAX];
	__u32 key = 0;
	int i, e, dir;

	pin_init(p, ifname);
	msg[0] = '\0';
	dir = iface_open(ifname, false, msg, msglen);
	if (dir == -ENOENT)
		return 0;	/* nothing pinned */
	if (dir < 0)
		return dir;
	for (i = 0; i < PIN_OBJS; i++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dir, obj_names[i]);
		p->fd[i] = bpf_obj_get(path);
		if (p->fd[i] < 0) {
			e = -errno;
			p->fd[i] = -1;
			if (e == -ENOENT)
				continue;
			pin_shown_path(shown, sizeof(shown), ifname, i);
			snprintf(msg, msglen, "cannot open %s: %s%s", shown, strerror(-e),
				 root_hint(e));
			close(dir);
			pin_close(p);
			return e;
		}
	}
	close(dir);
	if (p->fd[PIN_META] >= 0 && meta_ok(p->fd[PIN_META]) &&
	    !bpf_map_lookup_elem(p->fd[PIN_META], &key, &p->meta))
		p->has_meta = true;
	return 0;
}

int pin_open(const char *ifname, struct pinned *p, char *msg, size_t msglen)
{
	char ours[96], theirs[128], path[PIN_PATH_MAX];
	int e;

	e = pin_open_all(ifname, p, msg, msglen);
	if (e)
		return e;
	if (p->fd[PIN_COUNTS] < 0 && pin_old_path(ifname, msg, msglen) == 1) {
		pin_close(p);
		return -EPROTO;
	}
	if (p->fd[PIN_COUNTS] < 0) {
		pin_shown_path(path, sizeof(path), ifname, -1);
		snprintf(msg, msglen, "no pinned counters for %s in %s", ifname, path);
		pin_close(p);
		return -ENOENT;
	}
	if (!pin_layout_ok(p)) {
		pin_layout_describe(p, theirs, sizeof(theirs));
		pin_layout_describe(NULL, ours, sizeof(ours));
		snprintf(msg, msglen,
			 "the counters pinned for %s are of %s, this sipstat uses %s; "
			 "use 'sipstat attach --replace -i %s' to move to this layout",
			 ifname, theirs, ours, ifname);
		pin_close(p);
		return -EPROTO;
	}
	return 0;
}

void pin_close(struct pinned *p)
{
	int i;

	if (p->ports)
		munmap((void *)p->ports, sizeof(struct sipstat_ports));
	p->ports = NULL;
	for (i = 0; i < PIN_OBJS; i++) {
		if (p->fd[i] >= 0)
			close(p->fd[i]);
		p->fd[i] = -1;
	}
}

int pin_map_ports(struct pinned *p, char *msg, size_t msglen)
{
	void *m;

	if (p->ports)
		return 0;
	if (p->fd[PIN_PORTS] < 0 || !ports_ok(p->fd[PIN_PORTS])) {
		snprintf(msg, msglen, "no pinned port set for %s", p->ifname);
		return -ENOENT;
	}
	m = mmap(NULL, sizeof(struct sipstat_ports), PROT_READ | PROT_WRITE, MAP_SHARED,
		 p->fd[PIN_PORTS], 0);
	if (m == MAP_FAILED) {
		int e = -errno;

		snprintf(msg, msglen, "cannot map the pinned port set of %s: %s", p->ifname,
			 strerror(-e));
		return e;
	}
	p->ports = m;
	return 0;
}

int pin_read_ports(const struct pinned *p, struct sipstat_ports *out)
{
	__u32 key = 0;

	if (p->fd[PIN_PORTS] < 0)
		return -ENOENT;
	return bpf_map_lookup_elem(p->fd[PIN_PORTS], &key, out) ? -errno : 0;
}

/* ------------------------------------------------------------ helpers */

/* Pin fd as obj of ifname: a file of mode 0600 whatever the umask, no chmod by path. */
int pin_put(int fd, const char *ifname, int obj, char *msg, size_t msglen)
{
	char path[PIN_PATH_MAX], shown[PIN_PATH_MAX];
	mode_t old;
	int e;

	e = reach_path(path, sizeof(path), ifname, obj);
	if (!e) {
		/* The kernel makes a pin 0600 less the umask. */
		old = umask(077);
		e = bpf_obj_pin(fd, path) ? -errno : 0;
		umask(old);
	}
	if (e) {
		pin_shown_path(shown, sizeof(shown), ifname, obj);
		snprintf(msg, msglen, "cannot pin %s: %s", shown, strerror(-e));
	}
	return e;
}

void pin_remove(const char *ifname, int obj)
{
	char path[PIN_PATH_MAX];

	if (!reach_path(path, sizeof(path), ifname, obj))
		unlink(path);
}

/*
 * The directories a refused or finished attachment leaves empty: the
 * interface's, the namespace's, PIN_ROOT.  Each goes only when empty.
 */
void pin_remove_empty(const char *ifname)
{
	char path[PIN_PATH_MAX], ns[PIN_NETNS_DIRLEN];

	if (where.root_fd < 0 || reach_path(path, sizeof(path), ifname, -1) ||
	    (rmdir(path) && errno != ENOENT))
		return;
	if (!used_dirname(ns, sizeof(ns)) && ns[0] && unlinkat(where.root_fd, ns, AT_REMOVEDIR))
		return;
	if (where.fs.fd >= 0)
		unlinkat(where.fs.fd, BPFFS_SIPSTAT, AT_REMOVEDIR);
}

/* ------------------------------------------------------------ attach */

bool pin_xdp_in(unsigned int dirs, enum attach_mode mode)
{
	return (dirs & 1U << SIPSTAT_DIR_IN) && mode != ATTACH_TC;
}

/*
 * Pins of ifname under the old path, moved into the directory of the
 * namespace used: one rename on the one filesystem, so the maps, the
 * link and the counts are the same.  Refused when their link is attached
 * to an interface that is not ifname here (another namespace's eth0).
 */
static int take_old(const char *ifname, int ifindex, char *msg, size_t msglen)
{
	char path[PIN_PATH_MAX], to[PIN_PATH_MAX], ns[PIN_NETNS_DIRLEN];
	struct xdp_state st = { .link_fd = -1 };
	struct xdp_link_info li;
	int link, e = 0;

	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s/%s", where.root_fd, ifname,
		 obj_names[PIN_LINK]);
	link = bpf_obj_get(path);
	if (link >= 0 && !xdp_link_info(link, &li) && li.ifindex) {
		e = xdp_query(ifindex, ifname, &st, msg, msglen);
		if (!e && (li.ifindex != ifindex || st.prog_id != li.prog_id)) {
			snprintf(msg, msglen,
				 "the pins of %s under the old path %s/%s count an interface of "
				 "another network namespace (their link is on interface index %d "
				 "there); run 'sipstat attach --replace -i %s' in that namespace",
				 ifname, PIN_ROOT, ifname, li.ifindex, ifname);
			e = -EBUSY;
		}
		xdp_state_free(&st);
	}
	if (link >= 0)
		close(link);
	if (e)
		return e;
	if (used_dirname(ns, sizeof(ns)) ||
	    (size_t)snprintf(to, sizeof(to), "%s/%s", ns, ifname) >= sizeof(to))
		return -ENAMETOOLONG;
	if (renameat(where.root_fd, ifname, where.root_fd, to)) {
		e = -errno;
		pin_shown_path(path, sizeof(path), ifname, -1);
		snprintf(msg, msglen, "cannot move %s/%s to %s: %s", PIN_ROOT, ifname, path,
			 strerror(-e));
	}
	return e;
}

int pin_dirs_make(const char *ifname, int ifindex, bool replace, bool *moved, char *msg,
		  size_t msglen)
{
	int fd, old, e;

	msg[0] = '\0';
	e = fs_get(msg, msglen);
	if (e == -ENOENT) {
		snprintf(msg, msglen, "no BPF filesystem at %s: mount it with 'mount -t bpf -o "
				      "mode=0700 bpf %s'", PIN_BPFFS, PIN_BPFFS);
		return -ENOTSUP;
	}
	if (e < 0)
		return e;
	fd = ns_open(true, msg, msglen);
	if (fd < 0)
		return fd;
	close(fd);
	fd = iface_open(ifname, false, msg, msglen);
	if (fd == -ENOENT && !where.used.old_path) {
		char was[PIN_PATH_MAX];

		snprintf(was, sizeof(was), "%s/%s", PIN_ROOT, ifname);
		old = bpffs_dir(where.root_fd, ifname, was, false, msg, msglen);
		if (old < 0 && old != -ENOENT)
			return old;	/* something else sits there: said in msg */
		msg[0] = '\0';
		if (old >= 0) {
			close(old);
			if (!replace) {
				pin_old_path(ifname, msg, msglen);
				return -EPROTO;
			}
			e = take_old(ifname, ifindex, msg, msglen);
			if (e)
				return e;
			*moved = true;
		}
	}
	if (fd >= 0)
		close(fd);
	fd = iface_open(ifname, true, msg, msglen);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* ------------------------------------------------------------ detach */

/*
 * Pins of the old path say nothing of their namespace: a link of theirs
 * attached to an interface that is not ifname here is another's.
 */
static int old_path_ours(const char *ifname, const struct pinned *p, char *msg, size_t msglen)
{
	struct xdp_state st = { .link_fd = -1 };
	struct xdp_link_info li;
	int ifindex, e = 0;

	if (p->fd[PIN_LINK] < 0 || xdp_link_info(p->fd[PIN_LINK], &li) || !li.ifindex)
		return 0;
	ifindex = (int)if_nametoindex(ifname);
	if (ifindex == li.ifindex && !xdp_query(ifindex, ifname, &st, msg, msglen) &&
	    st.prog_id == li.prog_id)
		e = 0;
	else
		e = -EBUSY;
	xdp_state_free(&st);
	if (e)
		snprintf(msg, msglen,
			 "the pins of %s under the old path %s/%s count an interface of another "
			 "network namespace (their link is on interface index %d there): run "
			 "'sipstat detach -i %s' in that namespace",
			 ifname, PIN_ROOT, ifname, li.ifindex, ifname);
	return e;
}

int pin_detach(const char *ifname, char *msg, size_t msglen)
{
	char path[PIN_PATH_MAX], shown[PIN_PATH_MAX];
	struct pinned p;
	int e, i, dir;

	msg[0] = '\0';
	pin_shown_path(shown, sizeof(shown), ifname, -1);
	dir = iface_open(ifname, false, msg, msglen);
	if (dir == -ENOENT) {
		snprintf(msg, msglen, "nothing is pinned for %s (no %s)", ifname, shown);
		return dir;
	}
	if (dir < 0)
		return dir;
	close(dir);
	e = pin_open_all(ifname, &p, msg, msglen);
	if (e)
		return e;
	if (where.used.old_path && (e = old_path_ours(ifname, &p, msg, msglen))) {
		pin_close(&p);
		return e;
	}
	if (p.fd[PIN_LINK] >= 0) {
		/* Detach explicitly: a reader holding the link must not keep it alive. */
		struct xdp_link_info li;

		if (!xdp_link_info(p.fd[PIN_LINK], &li) && li.ifindex)
			bpf_link_detach(p.fd[PIN_LINK]);
	}
	/*
	 * Only sipstat's own TC filters: by handle, priority and the pinned
	 * program.  A gone namespace took its interfaces and their filters.
	 */
	for (i = 0; i < SIPSTAT_DIR_MAX && where.used.state != PIN_NETNS_GONE; i++) {
		int ifindex = (int)if_nametoindex(ifname);

		if (p.fd[PIN_TC_IN + i] >= 0 && ifindex &&
		    (e = tc_detach(ifindex, ifname, i, prog_id(p.fd[PIN_TC_IN + i]), msg,
				   msglen))) {
			pin_close(&p);
			return e;
		}
	}
	pin_close(&p);
	for (i = 0; i < PIN_OBJS; i++)
		pin_remove(ifname, i);
	if (reach_path(path, sizeof(path), ifname, -1) || rmdir(path)) {
		e = -errno;
		snprintf(msg, msglen, "cannot remove %s: %s (something else is pinned there)", shown,
			 strerror(-e));
		return e;
	}
	pin_remove_empty(ifname);	/* the namespace's directory and PIN_ROOT, when empty */
	return 0;
}

/* ------------------------------------------------------------ status */

static const char *const state_names[] = {
	[PIN_ATTACHED] = "attached",
	[PIN_NO_LINK] = "pins without a link",
	[PIN_LINK_DETACHED] = "link detached by someone else",
	[PIN_REPLACED] = "replaced by another XDP program",
	[PIN_IFACE_GONE] = "interface gone",
	[PIN_IFACE_RECREATED] = "interface recreated",
	[PIN_LAYOUT_DIFFERS] = "pinned maps of another layout",
	[PIN_INCOMPLETE] = "incomplete pins (no counters)",
	[PIN_TC_GONE] = "TC filter removed by someone else",
	[PIN_TC_REPLACED] = "TC filter replaced by another program",
	[PIN_NS_GONE] = "network namespace gone",
	[PIN_OLD_PATH] = "pinned under the old path (no network namespace)",
};

static const char *const state_keys[] = {
	[PIN_ATTACHED] = "attached",
	[PIN_NO_LINK] = "no_link",
	[PIN_LINK_DETACHED] = "link_detached",
	[PIN_REPLACED] = "replaced",
	[PIN_IFACE_GONE] = "iface_gone",
	[PIN_IFACE_RECREATED] = "iface_recreated",
	[PIN_LAYOUT_DIFFERS] = "layout_differs",
	[PIN_INCOMPLETE] = "incomplete",
	[PIN_TC_GONE] = "tc_gone",
	[PIN_TC_REPLACED] = "tc_replaced",
	[PIN_NS_GONE] = "netns_gone",
	[PIN_OLD_PATH] = "old_path",
};

const char *pin_state_key(enum pin_state s)
{
	return (unsigned int)s < sizeof(state_keys) / sizeof(state_keys[0]) ? state_keys[s] : "?";
}

const char *pin_state_name(enum pin_state s)
{
	return (unsigned int)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s]
									     : "?";
}

/* What the pins of ifname say, into st. */
static void status_pins(struct pin_status *st, const struct pinned *p)
{
	struct xdp_link_info li;
	int i;

	for (i = 0; i < PIN_OBJS; i++)
		st->has[i] = p->fd[i] >= 0;
	st->has_meta = p->has_meta;
	st->meta = p->meta;
	st->ifindex_attached = p->has_meta ? (int)p->meta.ifindex : 0;
	pin_layout_describe(p, st->layout, sizeof(st->layout));
	st->dirs = p->has_meta && p->meta.dirs ? p->meta.dirs : 1U << SIPSTAT_DIR_IN;
	st->xdp = pin_xdp_in(st->dirs, p->has_meta ? (enum attach_mode)p->meta.mode : ATTACH_AUTO);
	if (p->fd[PIN_LINK] >= 0 && !xdp_link_info(p->fd[PIN_LINK], &li)) {
		st->link_id = li.id;
		st->prog_id = li.prog_id;
	}
	for (i = 0; i < SIPSTAT_DIR_MAX; i++)
		st->tc_prog_id[i] = prog_id(p->fd[PIN_TC_IN + i]);
}

/* What is on the hooks of the interface of that name now, into st. */
static void status_hooks(struct pin_status *st, char *msg, size_t msglen)
{
	struct xdp_state as;
	int i;

	st->ifindex = (int)if_nametoindex(st->ifname);
	if (!st->ifindex)
		return;
	if (!xdp_query(st->ifindex, st->ifname, &as, msg, msglen)) {
		st->iface_prog_id = as.prog_id;
		st->mode = as.mode;
		xdp_state_free(&as);
	}
	for (i = 0; i < SIPSTAT_DIR_MAX; i++)
		tc_query(st->ifindex, i, &st->tc_hook_prog_id[i]);
}

/* The state of pins p with the hooks st found; link_ifindex: where the pinned link is. */
static enum pin_state status_state(const struct pin_status *st, const struct pinned *p,
				   int link_ifindex)
{
	enum pin_state s = PIN_ATTACHED;
	int i;

	if (p->fd[PIN_COUNTS] < 0)
		return PIN_INCOMPLETE;
	if (!pin_layout_ok(p))
		return PIN_LAYOUT_DIFFERS;
	if (!st->ifindex)
		return PIN_IFACE_GONE;
	for (i = 0; i < SIPSTAT_DIR_MAX; i++)
		if (st->tc_prog_id[i] && st->tc_hook_prog_id[i] != st->tc_prog_id[i])
			s = st->tc_hook_prog_id[i] ? PIN_TC_REPLACED : PIN_TC_GONE;
	if (st->xdp && p->fd[PIN_LINK] < 0)
		s = st->iface_prog_id ? PIN_REPLACED : PIN_NO_LINK;
	else if (st->xdp && link_ifindex != st->ifindex)
		s = st->iface_prog_id ? PIN_REPLACED : PIN_LINK_DETACHED;
	else if (st->xdp && st->iface_prog_id != st->prog_id)
		s = PIN_REPLACED;
	/*
	 * Not attached, on an interface of another index than the one it was
	 * attached to: that one went, its link and filters with it, and this
	 * is a new one of the same name.  Nobody else removed anything.
	 */
	if (s != PIN_ATTACHED && st->ifindex_attached && st->ifindex_attached != st->ifindex)
		return PIN_IFACE_RECREATED;
	return s;
}

int pin_status(const char *ifname, struct pin_status *st, char *msg, size_t msglen)
{
	struct xdp_link_info li;
	struct pinned p;
	char path[PIN_PATH_MAX];
	int e;

	memset(st, 0, sizeof(*st));
	snprintf(st->ifname, sizeof(st->ifname), "%s", ifname);
	st->netns = *pin_netns_used();
	st->netns.fd = -1;
	e = pin_lookup(ifname, msg, msglen);
	if (e <= 0) {
		pin_shown_path(path, sizeof(path), ifname, -1);
		if (!e)
			snprintf(msg, msglen, "%s: nothing is pinned (no %s); attach with: sipstat "
					      "attach -i %s", ifname, path, ifname);
		return e ? e : -ENOENT;
	}
	e = pin_open_all(ifname, &p, msg, msglen);
	if (e)
		return e;
	status_pins(st, &p);
	/*
	 * Whose interface it is, nobody can tell for the old path; a gone
	 * namespace took it along.  Looking up the name here would find
	 * another namespace's.
	 */
	if (st->netns.old_path || st->netns.state == PIN_NETNS_GONE) {
		st->state = st->netns.old_path ? PIN_OLD_PATH : PIN_NS_GONE;
		pin_close(&p);
		return 0;
	}
	status_hooks(st, msg, msglen);
	if (p.fd[PIN_LINK] < 0 || xdp_link_info(p.fd[PIN_LINK], &li))
		li.ifindex = 0;
	st->state = status_state(st, &p, li.ifindex);
	pin_close(&p);
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

int pin_list(char (*names)[IF_NAMESIZE], int max, char *msg, size_t msglen)
{
	struct dirent *de;
	int n = 0, e, fd;
	DIR *d;

	msg[0] = '\0';
	fd = ns_open(false, msg, msglen);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		e = -errno;
		close(fd);
		snprintf(msg, msglen, "cannot read %s: %s", PIN_ROOT, strerror(-e));
		return e;
	}
	while ((de = readdir(d)) && n < max) {
		/* The old path's PIN_ROOT holds the namespaces' directories too. */
		if ((de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) || !old_path_name(de->d_name))
			continue;
		snprintf(names[n], IF_NAMESIZE, "%s", de->d_name);
		n++;
	}
	closedir(d);
	qsort(names, (size_t)n, IF_NAMESIZE, cmp_name);
	return n;
}

int pin_lookup(const char *ifname, char *msg, size_t msglen)
{
	int fd;

	msg[0] = '\0';
	fd = iface_open(ifname, false, msg, msglen);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return fd == -ENOENT ? 0 : fd;
}

int pin_old_path(const char *ifname, char *msg, size_t msglen)
{
	char shown[PIN_PATH_MAX], was[PIN_PATH_MAX];
	int root, fd;

	if (own_init() || where.used.state != PIN_NETNS_CURRENT || where.used.old_path)
		return 0;
	root = root_get(false, shown, sizeof(shown));
	if (root < 0)
		return 0;
	snprintf(was, sizeof(was), "%s/%s", PIN_ROOT, ifname);
	fd = bpffs_dir(root, ifname, was, false, shown, sizeof(shown));
	if (fd < 0)
		return 0;
	close(fd);
	pin_shown_path(shown, sizeof(shown), ifname, -1);
	snprintf(msg, msglen,
		 "%s has pins under the old path %s, of a sipstat before network namespaces were "
		 "in the path: 'sipstat attach --replace -i %s' moves them, with their counts, "
		 "to %s",
		 ifname, was, ifname, shown);
	return 1;
}

int pin_exists(const char *ifname)
{
	char msg[512];

	return pin_lookup(ifname, msg, sizeof(msg));
}
