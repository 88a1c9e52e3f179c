// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "fmt.h"
#include "peers.h"
#include "pin.h"
#include "reader.h"

void peers_table_init(struct peers_table *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->names[0], sizeof(t->names[0]), "%s", PEERS_OTHER);
}

void peers_table_free(struct peers_table *t)
{
	free(t->prefixes);
	t->prefixes = NULL;
	t->nprefixes = 0;
}

static bool name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= PEERS_NAME_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.:-", s[i]))
			return false;
	return true;
}

int peers_prefix_parse(const char *s, struct sipstat_peer_prefix *key)
{
	char addr[64], *slash, *end;
	unsigned char a4[4];
	long bits = -1;
	bool v6;

	if (strlen(s) >= sizeof(addr))
		return -EINVAL;
	snprintf(addr, sizeof(addr), "%s", s);
	slash = strchr(addr, '/');
	if (slash) {
		*slash = '\0';
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || bits < 0)
			return -EINVAL;
	}
	memset(key, 0, sizeof(*key));
	v6 = strchr(addr, ':') != NULL;
	if (v6) {
		if (inet_pton(AF_INET6, addr, key->addr) != 1 || bits > 128)
			return -EINVAL;
		key->prefixlen = bits < 0 ? 128 : (uint32_t)bits;
	} else {
		if (inet_pton(AF_INET, addr, a4) != 1 || bits > 32)
			return -EINVAL;
		key->addr[10] = key->addr[11] = 0xff;
		memcpy(&key->addr[12], a4, 4);
		key->prefixlen = 96 + (uint32_t)(bits < 0 ? 32 : bits);
	}
	/* Host bits set: a typo more often than not; the trie ignores them, so clear them. */
	for (int i = 0; i < 16; i++) {
		int keep = (int)key->prefixlen - i * 8;

		if (keep <= 0)
			key->addr[i] = 0;
		else if (keep < 8)
			key->addr[i] &= (uint8_t)(0xff << (8 - keep));
	}
	return 0;
}

static bool is_mapped(const uint8_t a[16])
{
	static const uint8_t pre[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, pre, sizeof(pre)) == 0;
}

void peers_addr_format(const uint8_t addr[16], char *buf, size_t len)
{
	if (is_mapped(addr))
		inet_ntop(AF_INET, addr + 12, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, addr, buf, (socklen_t)len);
}

void peers_prefix_format(const struct sipstat_peer_prefix *key, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	bool v4 = is_mapped(key->addr) && key->prefixlen >= 96;

	peers_addr_format(key->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, v4 ? key->prefixlen - 96 : key->prefixlen);
}

const char *peers_name(const struct peers_table *t, uint32_t id, char *buf, size_t len)
{
	if (id == 0)
		return PEERS_OTHER;
	if (t && id <= SIPSTAT_PEERS_MAX && t->names[id][0])
		return t->names[id];
	snprintf(buf, len, "peer%u", id);
	return buf;
}

static int find_name(const struct peers_table *t, const char *name)
{
	int id;

	for (id = 1; id <= SIPSTAT_PEERS_MAX; id++)
		if (t->names[id][0] && strcmp(t->names[id], name) == 0)
			return id;
	return 0;
}

/* An id for name: its id in keep when free here, else the lowest free one not used in keep. */
static int new_id(const struct peers_table *keep, const struct peers_table *t, const char *name)
{
	int id = keep ? find_name(keep, name) : 0;

	if (id && !t->names[id][0])
		return id;
	for (id = 1; id <= SIPSTAT_PEERS_MAX; id++)
		if (!t->names[id][0] && !(keep && keep->names[id][0]))
			return id;
	for (id = 1; id <= SIPSTAT_PEERS_MAX; id++)
		if (!t->names[id][0])
			return id;
	return 0;
}

/* A bad line: msg says why.  -EINVAL. */
static int bad(char *msg, size_t msglen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * The peer a line names, its id: the one it has in t, else its id of keep
 * (so a reordered file keeps them), else a free one.  Or -EINVAL with msg.
 */
static int line_peer(const char *tok, int lineno, const struct peers_table *keep,
		     struct peers_table *t, char *msg, size_t msglen)
{
	char q[80];
	int id;

	if (!name_ok(tok))
		return bad(msg, msglen,
			   "line %d: \"%s\" is not a peer name (1 to %d of A-Z a-z 0-9 _ . : -)",
			   lineno, fmt_escape(q, sizeof(q), tok), PEERS_NAME_LEN - 1);
	if (strcmp(tok, PEERS_OTHER) == 0)
		return bad(msg, msglen, "line %d: \"%s\" is the name of every address no prefix "
					"matches; choose another", lineno, PEERS_OTHER);
	id = find_name(t, tok);
	if (id)
		return id;
	id = new_id(keep, t, tok);
	if (!id)
		return bad(msg, msglen, "line %d: more than %d peer names", lineno,
			   SIPSTAT_PEERS_MAX);
	snprintf(t->names[id], sizeof(t->names[id]), "%s", tok);
	t->npeers++;
	return id;
}

/* Room for one more prefix in t (*cap of them allocated).  0 or -ENOMEM. */
static int prefix_room(struct peers_table *t, int *cap)
{
	struct peers_prefix *np;

	if (t->nprefixes < *cap)
		return 0;
	np = realloc(t->prefixes, (size_t)(*cap ? *cap * 2 : 64) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	*cap = *cap ? *cap * 2 : 64;
	t->prefixes = np;
	return 0;
}

/* The prefix tok of peer id on line lineno into t.  0, or -errno with msg. */
static int line_prefix(const char *tok, int id, int lineno, struct peers_table *t, int *cap,
		       char *msg, size_t msglen)
{
	struct sipstat_peer_prefix k;
	char q[80];
	int i;

	if (peers_prefix_parse(tok, &k))
		return bad(msg, msglen, "line %d: \"%s\" is not an IPv4 or IPv6 prefix "
					"(198.18.0.0/15, 2001:db8::/32)",
			   lineno, fmt_escape(q, sizeof(q), tok));
	for (i = 0; i < t->nprefixes; i++) {
		if (memcmp(&t->prefixes[i].key, &k, sizeof(k)) != 0)
			continue;
		if (t->prefixes[i].id != (uint32_t)id)
			return bad(msg, msglen, "line %d: %s is already peer \"%s\" (line %d)",
				   lineno, tok, t->names[t->prefixes[i].id], t->prefixes[i].line);
		return 0;	/* the same prefix twice for one peer */
	}
	if (t->nprefixes >= SIPSTAT_PEER_PREFIXES)
		return bad(msg, msglen, "line %d: more than %d prefixes", lineno,
			   SIPSTAT_PEER_PREFIXES);
	if (prefix_room(t, cap)) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	t->prefixes[t->nprefixes].key = k;
	t->prefixes[t->nprefixes].id = (uint32_t)id;
	t->prefixes[t->nprefixes].line = lineno;
	t->nprefixes++;
	return 0;
}

/* One line, "NAME PREFIX..." with a comment from '#', into t.  0, or -errno with msg. */
static int parse_line(char *line, int lineno, const struct peers_table *keep,
		      struct peers_table *t, int *cap, char *msg, size_t msglen)
{
	char *tok, *save, *hash = strchr(line, '#');
	int id, e = 0;

	if (hash)
		*hash = '\0';
	tok = strtok_r(line, " \t\r", &save);
	if (!tok)
		return 0;
	id = line_peer(tok, lineno, keep, t, msg, msglen);
	if (id < 0)
		return id;
	tok = strtok_r(NULL, " \t\r", &save);
	if (!tok)
		return bad(msg, msglen, "line %d: peer \"%s\" has no prefix (NAME PREFIX...)",
			   lineno, t->names[id]);
	for (; tok && !e; tok = strtok_r(NULL, " \t\r", &save))
		e = line_prefix(tok, id, lineno, t, cap, msg, msglen);
	return e;
}

int peers_parse(const char *text, const struct peers_table *keep, struct peers_table *t,
		char *msg, size_t msglen)
{
	const char *p = text, *nl;
	char line[PEERS_LINE_MAX + 1];
	int lineno = 0, e = 0, id, cap = 0;
	size_t n;

	peers_table_init(t);
	while (*p && !e) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (n >= sizeof(line)) {
			e = bad(msg, msglen, "line %d: longer than %zu characters", lineno,
				sizeof(line) - 1);
			break;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl ? 1 : 0);
		e = parse_line(line, lineno, keep, t, &cap, msg, msglen);
	}
	/* Names of keep no longer in the file: retired, their counts keep their name. */
	for (id = 1; !e && keep && id <= SIPSTAT_PEERS_MAX; id++) {
		if (!keep->names[id][0] || t->names[id][0] || find_name(t, keep->names[id]))
			continue;
		snprintf(t->names[id], sizeof(t->names[id]), "%s", keep->names[id]);
		t->retired[id] = true;
	}
	if (e)
		peers_table_free(t);
	return e;
}

/*
 * The whole file, NUL-terminated, into *text: a regular file of at most
 * PEERS_FILE_MAX bytes (a FIFO would block, /dev/zero never ends).
 */
static int read_bounded(const char *path, char **text, size_t *len, char *msg, size_t msglen)
{
	struct stat sb;
	ssize_t n;
	char q[128];
	int fd, e = 0;

	*text = NULL;
	*len = 0;
	fmt_escape(q, sizeof(q), path);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		snprintf(msg, msglen, "cannot read the peers file \"%s\": %s", q, strerror(-e));
		return e;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		snprintf(msg, msglen, "the peers file \"%s\" is not a regular file", q);
		e = -EINVAL;
	} else if (sb.st_size > PEERS_FILE_MAX) {
		snprintf(msg, msglen, "the peers file \"%s\" is larger than %d bytes", q,
			 PEERS_FILE_MAX);
		e = -EINVAL;
	} else if (!(*text = malloc(PEERS_FILE_MAX + 2))) {
		e = -ENOMEM;
	}
	/* Read to the end, one byte past the limit to notice a file that grew. */
	while (!e && (n = read(fd, *text + *len, PEERS_FILE_MAX + 1 - *len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			e = -errno;
		else if ((*len += (size_t)n) > PEERS_FILE_MAX) {
			snprintf(msg, msglen, "the peers file \"%s\" is larger than %d bytes", q,
				 PEERS_FILE_MAX);
			e = -EINVAL;
		}
	}
	close(fd);
	if (e && e != -EINVAL)
		snprintf(msg, msglen, "cannot read the peers file \"%s\": %s", q, strerror(-e));
	if (e || !*text) {
		free(*text);
		*text = NULL;
		return e ? e : -ENOMEM;
	}
	(*text)[*len] = '\0';
	return 0;
}

int peers_load(const char *path, const struct peers_table *keep, struct peers_table *t,
	       char *msg, size_t msglen)
{
	char *text = NULL, err[256], q[128];
	size_t len = 0;
	int e;

	/* A valid, empty table whatever happens: callers free it on every path. */
	peers_table_init(t);
	e = read_bounded(path, &text, &len, msg, msglen);
	if (e || !text)
		return e ? e : -EIO;
	fmt_escape(q, sizeof(q), path);
	if (strlen(text) != len) {
		snprintf(msg, msglen, "peers file \"%s\": a NUL byte: not a text file", q);
		e = -EINVAL;
	} else {
		e = peers_parse(text, keep, t, err, sizeof(err));
		if (e)
			snprintf(msg, msglen, "peers file \"%s\": %s", q, err);
	}
	free(text);
	return e;
}

/* ---------------------------------------------------------------- maps */

void peers_maps_init(struct peers_maps *m)
{
	m->peers_fd = m->counts_fd = m->failing_fd = m->cfg_fd = -1;
	m->cfg = NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int peers_maps_open(int link_fd, struct peers_maps *m)
{
	struct bpf_link_info li;
	__u32 len;
	int prog_fd, e;

	peers_maps_init(m);
	memset(&li, 0, sizeof(li));
	len = sizeof(li);
	if (bpf_obj_get_info_by_fd(link_fd, &li, &len))
		return -errno;
	prog_fd = bpf_prog_get_fd_by_id(li.prog_id);
	if (prog_fd < 0)
		return -errno;
	e = peers_maps_open_prog(prog_fd, m);
	close(prog_fd);
	return e;
}

int peers_maps_open_prog(int prog_fd, struct peers_maps *m)
{
	struct bpf_prog_info pi;
	__u32 ids[64], len, i, n;

	peers_maps_init(m);
	memset(&pi, 0, sizeof(pi));
	pi.nr_map_ids = 64;
	pi.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(pi);
	if (bpf_obj_get_info_by_fd(prog_fd, &pi, &len))
		return -errno;
	n = pi.nr_map_ids < 64 ? pi.nr_map_ids : 64;
	for (i = 0; i < n; i++) {
		struct bpf_map_info mi;
		int fd = bpf_map_get_fd_by_id(ids[i]), *slot = NULL;

		if (fd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		len = sizeof(mi);
		if (!bpf_obj_get_info_by_fd(fd, &mi, &len)) {
			if (strcmp(mi.name, "sip_peers") == 0)
				slot = &m->peers_fd;
			else if (strcmp(mi.name, "sip_peer_counts") == 0)
				slot = &m->counts_fd;
			else if (strcmp(mi.name, "sip_failing") == 0)
				slot = &m->failing_fd;
			else if (ends_with(mi.name, "sip_cfg") &&
				 mi.value_size == sizeof(struct sipstat_cfg))
				slot = &m->cfg_fd;
		}
		if (slot && *slot < 0)
			*slot = fd;
		else
			close(fd);
	}
	if (m->cfg_fd >= 0) {
		void *p = mmap(NULL, sizeof(struct sipstat_cfg), PROT_READ | PROT_WRITE,
			       MAP_SHARED, m->cfg_fd, 0);

		m->cfg = p == MAP_FAILED ? NULL : p;
	}
	if (m->peers_fd < 0 || m->counts_fd < 0 || m->failing_fd < 0) {
		peers_maps_close(m);
		return -ENOENT;
	}
	return 0;
}

void peers_maps_close(struct peers_maps *m)
{
	if (m->cfg)
		munmap((void *)m->cfg, sizeof(struct sipstat_cfg));
	if (m->peers_fd >= 0)
		close(m->peers_fd);
	if (m->counts_fd >= 0)
		close(m->counts_fd);
	if (m->failing_fd >= 0)
		close(m->failing_fd);
	if (m->cfg_fd >= 0)
		close(m->cfg_fd);
	peers_maps_init(m);
}

static bool table_has(const struct peers_table *t, const struct sipstat_peer_prefix *k)
{
	int i;

	for (i = 0; i < t->nprefixes; i++)
		if (memcmp(&t->prefixes[i].key, k, sizeof(*k)) == 0)
			return true;
	return false;
}

int peers_apply(const struct peers_maps *m, const struct peers_table *t, char *msg,
		size_t msglen)
{
	struct sipstat_peer_prefix k, next, *gone = NULL;
	int i, ngone = 0, cap = 0, e = 0;
	void *prev = NULL;

	for (i = 0; i < t->nprefixes; i++) {
		if (bpf_map_update_elem(m->peers_fd, &t->prefixes[i].key, &t->prefixes[i].id,
					BPF_ANY)) {
			e = -errno;
			snprintf(msg, msglen, "cannot load peer prefixes into the kernel: %s",
				 strerror(-e));
			return e;
		}
	}
	/* Collect first: deleting while walking an LPM trie can restart the walk. */
	while (!bpf_map_get_next_key(m->peers_fd, prev, &next)) {
		k = next;
		prev = &k;
		if (table_has(t, &next))
			continue;
		if (ngone == cap) {
			struct sipstat_peer_prefix *ng;

			cap = cap ? cap * 2 : 64;
			ng = realloc(gone, (size_t)cap * sizeof(*ng));
			if (!ng) {
				free(gone);
				snprintf(msg, msglen, "out of memory");
				return -ENOMEM;
			}
			gone = ng;
		}
		gone[ngone++] = next;
	}
	for (i = 0; i < ngone; i++)
		bpf_map_delete_elem(m->peers_fd, &gone[i]);
	free(gone);
	if (m->cfg)
		__atomic_fetch_or(&((struct sipstat_cfg *)m->cfg)->flags, SIPSTAT_CFG_PEERS,
				  __ATOMIC_RELAXED);
	return 0;
}

/* ---------------------------------------------------------------- names */

int peers_names_path(char *buf, size_t len, const char *ifname)
{
	const struct pin_netns *ns = pin_netns_used();
	char dir[PIN_NETNS_DIRLEN] = "";
	int n;

	if (!ns->old_path && pin_netns_dirname(dir, sizeof(dir), &ns->id))
		return -ENAMETOOLONG;
	n = snprintf(buf, len, "%s/%s%s%s.peers", PEERS_RUN_DIR, dir, dir[0] ? "/" : "", ifname);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* PEERS_RUN_DIR and the namespace's directory in it, for the file at path. */
static int names_dirs(const char *path)
{
	char dir[256], *slash;

	if (mkdir(PEERS_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (strcmp(dir, PEERS_RUN_DIR) != 0 && mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

void peers_names_move_old(const char *ifname)
{
	char from[256], to[256];

	if ((size_t)snprintf(from, sizeof(from), "%s/%s.peers", PEERS_RUN_DIR, ifname) >=
		    sizeof(from) ||
	    peers_names_path(to, sizeof(to), ifname) || !strcmp(from, to) || access(from, F_OK) ||
	    names_dirs(to))
		return;
	rename(from, to);
}

int peers_names_write(const char *ifname, const struct peers_table *t)
{
	char path[256], tmp[300];
	FILE *f;
	int id, e, fd;

	if ((e = peers_names_path(path, sizeof(path), ifname)) || (e = names_dirs(path)))
		return e;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* Root's pins are 0600: so are the names that go with them. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		e = -errno;
		close(fd);
		unlink(tmp);
		return e;
	}
	fprintf(f, "# sipstat peer ids of %s: ID NAME\n", ifname);
	for (id = 1; id <= SIPSTAT_PEERS_MAX; id++)
		if (t->names[id][0])
			fprintf(f, "%d %s\n", id, t->names[id]);
	e = ferror(f) ? -EIO : 0;
	if (fclose(f) && !e)
		e = -errno;
	if (!e && rename(tmp, path))
		e = -errno;
	if (e)
		unlink(tmp);
	return e;
}

int peers_names_read(const char *ifname, struct peers_table *t)
{
	char path[256], line[128], *end, *name;
	FILE *f;
	long id;
	int e;

	peers_table_init(t);
	if ((e = peers_names_path(path, sizeof(path), ifname)))
		return e;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		errno = 0;
		id = strtol(line, &end, 10);
		if (errno || end == line || *end != ' ' || id < 1 || id > SIPSTAT_PEERS_MAX)
			continue;	/* the comment line, or damage */
		name = end + 1;
		name[strcspn(name, "\r\n")] = '\0';
		if (!name_ok(name))
			continue;
		snprintf(t->names[id], sizeof(t->names[id]), "%s", name);
		t->npeers++;
	}
	fclose(f);
	return 0;
}

/* ---------------------------------------------------------------- counts */

void peers_counts_free(struct peers_counts *pc)
{
	free(pc->e);
	memset(pc, 0, sizeof(*pc));
}

static int cmp_key(const void *a, const void *b)
{
	uint32_t x = ((const struct peers_count *)a)->key, y = ((const struct peers_count *)b)->key;

	return x < y ? -1 : x > y;
}

static int push(struct peers_counts *pc, uint32_t key, uint64_t n)
{
	if (pc->n == pc->cap) {
		int cap = pc->cap ? pc->cap * 2 : 256;
		struct peers_count *ne = realloc(pc->e, (size_t)cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		pc->e = ne;
		pc->cap = cap;
	}
	pc->e[pc->n].key = key;
	pc->e[pc->n].n = n;
	pc->n++;
	return 0;
}

int peers_counts_read(int counts_fd, int ncpus, struct peers_counts *pc)
{
	uint32_t key, *prev = NULL, cur;
	uint64_t *vals;
	int e = 0;

	pc->n = 0;
	if (ncpus <= 0)
		return -EINVAL;
	vals = calloc((size_t)ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	while (!bpf_map_get_next_key(counts_fd, prev, &key)) {
		cur = key;
		prev = &cur;
		if (bpf_map_lookup_elem(counts_fd, &key, vals))
			continue;	/* deleted meanwhile */
		e = push(pc, key, reader_sum(vals, ncpus, sizeof(*vals)));
		if (e)
			break;
	}
	free(vals);
	if (!e && pc->n > 1)
		qsort(pc->e, (size_t)pc->n, sizeof(*pc->e), cmp_key);
	return e;
}

uint64_t peers_counts_get(const struct peers_counts *pc, uint32_t key)
{
	int lo = 0, hi = pc->n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (pc->e[mid].key == key)
			return pc->e[mid].n;
		if (pc->e[mid].key < key)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

int peers_counts_add(struct peers_counts *dst, const struct peers_counts *src)
{
	int i, n0 = dst->n;

	for (i = 0; i < src->n; i++) {
		int lo = 0, hi = n0 - 1, found = -1;

		while (lo <= hi) {
			int mid = lo + (hi - lo) / 2;

			if (dst->e[mid].key == src->e[i].key) {
				found = mid;
				break;
			}
			if (dst->e[mid].key < src->e[i].key)
				lo = mid + 1;
			else
				hi = mid - 1;
		}
		if (found >= 0)
			dst->e[found].n += src->e[i].n;
		else if (push(dst, src->e[i].key, src->e[i].n))
			return -ENOMEM;
	}
	if (dst->n > 1)
		qsort(dst->e, (size_t)dst->n, sizeof(*dst->e), cmp_key);
	return 0;
}
