/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TLS and basic authentication of the metrics endpoint, configured the
 * way the Prometheus exporter toolkit's web configuration file does
 * (--web.config.file of node_exporter), so that operators reuse what they
 * know:
 *
 *     tls_server_config:
 *       cert_file: /etc/sipstat/tls.crt     # PEM; relative to the file
 *       key_file: /etc/sipstat/tls.key
 *       min_version: TLS12                  # or TLS13
 *     basic_auth_users:
 *       prometheus: $2y$10$...              # bcrypt, as htpasswd -B makes
 *
 * Of the toolkit's settings, those sipstat does not implement (client
 * certificates, cipher and curve choices, response headers) are refused
 * by name rather than ignored, so a file never promises what it does not
 * get.
 */
#ifndef SIPSTAT_LIB_WEBCFG_H
#define SIPSTAT_LIB_WEBCFG_H

#include <stdbool.h>
#include <stddef.h>

#define WEBCFG_MAX_USERS 32
#define WEBCFG_NAME_LEN 64
#define WEBCFG_HASH_LEN 128
#define WEBCFG_FILE_MAX ((size_t)64 * 1024)	/* the configuration file */
#define WEBCFG_PEM_MAX ((size_t)256 * 1024)	/* a certificate chain or a key */

enum webcfg_tls_min { WEBCFG_TLS12 = 0, WEBCFG_TLS13 };

struct webcfg_user {
	char name[WEBCFG_NAME_LEN];
	char hash[WEBCFG_HASH_LEN];	/* bcrypt: $2a$, $2b$ or $2y$ */
};

struct webcfg {
	bool tls;
	char *cert_pem, *key_pem;	/* malloc'd PEM text when tls */
	enum webcfg_tls_min min_version;
	struct webcfg_user users[WEBCFG_MAX_USERS];
	int nusers;
};

/*
 * Read the YAML file at path into c.  0, or -errno with one line in msg
 * naming the key, the line or the file that is wrong (-EINVAL for a bad
 * file, -ENOENT and so on for files that cannot be read).
 */
int webcfg_load(const char *path, struct webcfg *c, char *msg, size_t msglen);
/* The same from text; relative file names are taken from dir. */
int webcfg_parse(const char *text, size_t len, const char *dir, struct webcfg *c, char *msg,
		 size_t msglen);
void webcfg_free(struct webcfg *c);

/*
 * Does user with password match one of c's users?  Constant time in the
 * password for names that exist (bcrypt); false when c has no users.
 */
bool webcfg_check(const struct webcfg *c, const char *user, const char *password);

#endif
