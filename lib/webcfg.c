// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The exporter toolkit's web configuration, read with libyaml's document
 * API: a small tree of mappings and scalars, walked by key.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "fmt.h"
#include "webcfg.h"

/* Settings of the toolkit that sipstat refuses by name (see webcfg.h). */
static const char *const tls_unsupported[] = {
	"client_ca_file", "client_allowed_sans", "cipher_suites", "curve_preferences",
	"max_version", "prefer_server_cipher_suites",
};

void webcfg_free(struct webcfg *c)
{
	free(c->cert_pem);
	free(c->key_pem);
	memset(c, 0, sizeof(*c));
}

/* A regular file of at most max bytes, NUL-terminated, into *out. */
static int read_file(const char *path, size_t max, char **out, size_t *lenp, char *msg,
		     size_t msglen)
{
	struct stat sb;
	char q[160], *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, e = 0;

	*out = NULL;
	fmt_escape(q, sizeof(q), path);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		snprintf(msg, msglen, "cannot read \"%s\": %s", q, strerror(-e));
		return e;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		snprintf(msg, msglen, "\"%s\" is not a regular file", q);
		e = -EINVAL;
	} else if ((size_t)sb.st_size > max || !(buf = malloc(max + 2))) {
		snprintf(msg, msglen, "\"%s\" is larger than %zu bytes", q, max);
		e = buf ? -EINVAL : -EFBIG;
	}
	while (!e && (n = read(fd, buf + len, max + 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = -errno;
			snprintf(msg, msglen, "cannot read \"%s\": %s", q, strerror(-e));
		} else if ((len += (size_t)n) > max) {
			snprintf(msg, msglen, "\"%s\" is larger than %zu bytes", q, max);
			e = -EINVAL;
		}
	}
	close(fd);
	if (e) {
		free(buf);
		return e;
	}
	buf[len] = '\0';
	*out = buf;
	if (lenp)
		*lenp = len;
	return 0;
}

/* ---------------------------------------------------------------- tree */

struct walk {
	yaml_document_t *doc;
	const char *dir;
	char *msg;
	size_t msglen;
};

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int fail(const struct walk *w, const yaml_node_t *at, const char *fmt, const char *what)
{
	char q[96];

	fmt_escape(q, sizeof(q), what);
	snprintf(w->msg, w->msglen, "line %zu: ", at ? at->start_mark.line + 1 : 0);
	snprintf(w->msg + strlen(w->msg), w->msglen - strlen(w->msg), fmt, q);
	return -EINVAL;
}

/* A file name of the configuration, relative to its directory. */
static int pem_file(const struct walk *w, const yaml_node_t *v, char **out)
{
	const char *name = scalar(v);
	char path[4096], why[256];
	int e;

	if (!name || !*name)
		return fail(w, v, "%s: a file name is wanted", "cert_file/key_file");
	if (name[0] == '/' || !w->dir)
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", w->dir, name);
	e = read_file(path, WEBCFG_PEM_MAX, out, NULL, why, sizeof(why));
	if (e) {
		snprintf(w->msg, w->msglen, "line %zu: %s", v->start_mark.line + 1, why);
		return e;
	}
	return 0;
}

static int pem_inline(const struct walk *w, const yaml_node_t *v, char **out)
{
	const char *s = scalar(v);

	if (!s || !*s)
		return fail(w, v, "%s: PEM text is wanted", "cert/key");
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static bool is_one_of(const char *k, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(k, list[i]))
			return true;
	return false;
}

static int tls_key(const struct walk *w, const char *k, const yaml_node_t *v, struct webcfg *c)
{
	const char *s = scalar(v);

	if (!strcmp(k, "cert_file") || !strcmp(k, "cert")) {
		if (c->cert_pem)
			return fail(w, v, "%s: the certificate is given twice", k);
		return k[4] ? pem_file(w, v, &c->cert_pem) : pem_inline(w, v, &c->cert_pem);
	}
	if (!strcmp(k, "key_file") || !strcmp(k, "key")) {
		if (c->key_pem)
			return fail(w, v, "%s: the key is given twice", k);
		return k[3] ? pem_file(w, v, &c->key_pem) : pem_inline(w, v, &c->key_pem);
	}
	if (!strcmp(k, "min_version")) {
		if (s && !strcmp(s, "TLS12"))
			c->min_version = WEBCFG_TLS12;
		else if (s && !strcmp(s, "TLS13"))
			c->min_version = WEBCFG_TLS13;
		else
			return fail(w, v, "min_version \"%s\": TLS12 or TLS13", s ? s : "");
		return 0;
	}
	if (!strcmp(k, "client_auth_type")) {
		if (s && (!*s || !strcmp(s, "NoClientCert")))
			return 0;
		return fail(w, v,
			    "client_auth_type \"%s\": client certificates are not supported; "
			    "use basic_auth_users",
			    s ? s : "");
	}
	if (is_one_of(k, tls_unsupported, sizeof(tls_unsupported) / sizeof(tls_unsupported[0])))
		return fail(w, v, "tls_server_config: %s is not supported by sipstat", k);
	return fail(w, v, "tls_server_config: unknown setting \"%s\"", k);
}

static bool bcrypt_hash(const char *h)
{
	return strlen(h) == 60 && h[0] == '$' && h[1] == '2' && strchr("aby", h[2]) &&
	       h[3] == '$';
}

static int user_key(const struct walk *w, const char *k, const yaml_node_t *v, struct webcfg *c)
{
	const char *h = scalar(v), *ch;
	int i;

	for (ch = k; *ch; ch++)
		if ((unsigned char)*ch < 0x20 || *ch == 0x7f || *ch == ':')
			break;
	if (!*k || *ch || strlen(k) >= WEBCFG_NAME_LEN)
		return fail(w, v, "basic_auth_users: \"%s\" is not a user name", k);
	for (i = 0; i < c->nusers; i++)
		if (!strcmp(c->users[i].name, k))
			return fail(w, v, "basic_auth_users: \"%s\" is given twice", k);
	if (!h || !bcrypt_hash(h))
		return fail(w, v,
			    "basic_auth_users: the password of \"%s\" must be a bcrypt hash "
			    "(as 'htpasswd -nbB USER PASSWORD' prints after the colon)",
			    k);
	if (c->nusers >= WEBCFG_MAX_USERS)
		return fail(w, v, "basic_auth_users: more than %s users", "32");
	snprintf(c->users[c->nusers].name, WEBCFG_NAME_LEN, "%s", k);
	snprintf(c->users[c->nusers].hash, WEBCFG_HASH_LEN, "%s", h);
	c->nusers++;
	return 0;
}

typedef int (*key_fn)(const struct walk *w, const char *k, const yaml_node_t *v,
		      struct webcfg *c);

/* Every key of mapping m through fn; an empty value (null) is an empty mapping. */
static int each_key(const struct walk *w, const yaml_node_t *m, const char *what, key_fn fn,
		    struct webcfg *c)
{
	yaml_node_pair_t *p;
	int e;

	if (m->type == YAML_SCALAR_NODE && !m->data.scalar.length)
		return 0;
	if (m->type != YAML_MAPPING_NODE)
		return fail(w, m, "%s: a mapping of settings is wanted", what);
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(w->doc, p->value);

		if (!scalar(k) || !v)
			return fail(w, k, "%s: keys are names", what);
		if ((e = fn(w, scalar(k), v, c)))
			return e;
	}
	return 0;
}

static int top_key(const struct walk *w, const char *k, const yaml_node_t *v, struct webcfg *c)
{
	if (!strcmp(k, "tls_server_config")) {
		c->tls = true;
		return each_key(w, v, k, tls_key, c);
	}
	if (!strcmp(k, "basic_auth_users"))
		return each_key(w, v, k, user_key, c);
	if (!strcmp(k, "http_server_config"))
		return fail(w, v, "%s is not supported by sipstat", k);
	return fail(w, v, "unknown setting \"%s\"", k);
}

int webcfg_parse(const char *text, size_t len, const char *dir, struct webcfg *c, char *msg,
		 size_t msglen)
{
	struct walk w = { .dir = dir, .msg = msg, .msglen = msglen };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int e;

	memset(c, 0, sizeof(*c));
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(msg, msglen, "line %zu: %s", parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	w.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	e = root ? each_key(&w, root, "the file", top_key, c) : 0;
	if (!e && c->tls && (!c->cert_pem || !c->key_pem))
		e = fail(&w, root, "%s: both cert_file and key_file are needed",
			 "tls_server_config");
	if (!e && !c->tls && !c->nusers)
		e = fail(&w, root, "%s: neither tls_server_config nor basic_auth_users",
			 "nothing to do");
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (e)
		webcfg_free(c);
	return e;
}

int webcfg_load(const char *path, struct webcfg *c, char *msg, size_t msglen)
{
	char *text = NULL, *dir, *slash, why[512], q[160];
	size_t len = 0;
	int e;

	memset(c, 0, sizeof(*c));
	e = read_file(path, WEBCFG_FILE_MAX, &text, &len, msg, msglen);
	if (e)
		return e;
	dir = strdup(path);
	if (!dir) {
		free(text);
		return -ENOMEM;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	e = webcfg_parse(text, len, slash ? dir : ".", c, why, sizeof(why));
	if (e) {
		fmt_escape(q, sizeof(q), path);
		snprintf(msg, msglen, "web configuration \"%s\": %s", q, why);
	}
	free(dir);
	free(text);
	return e;
}

bool webcfg_check(const struct webcfg *c, const char *user, const char *password)
{
	struct crypt_data *cd;
	const char *h;
	bool ok = false;
	int i;

	for (i = 0; i < c->nusers; i++)
		if (!strcmp(c->users[i].name, user))
			break;
	if (i == c->nusers)
		return false;
	cd = calloc(1, sizeof(*cd));	/* 32 KiB: not on the stack */
	if (!cd)
		return false;
	h = crypt_r(password, c->users[i].hash, cd);
	if (h && h[0] != '*' && strlen(h) == strlen(c->users[i].hash)) {
		unsigned char diff = 0;
		size_t k;

		for (k = 0; h[k]; k++)
			diff |= (unsigned char)(h[k] ^ c->users[i].hash[k]);
		ok = !diff;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}
