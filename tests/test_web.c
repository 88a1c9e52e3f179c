// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The metrics endpoint's web configuration (lib/webcfg.c): the exporter
 * toolkit's file format, what sipstat refuses by name, and bcrypt checks
 * of basic authentication.  No root, no network.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "webcfg.h"

/* crypt("secret", "$2b$10$abcdefghijklmnopqrstuu"), as libcrypt computes it. */
#define HASH_SECRET "$2b$10$abcdefghijklmnopqrstuuqflPDzB6gcMhKa1rZqKiun2YGL5sa2u"

static char dir[] = "/tmp/sipstat-test-web-XXXXXX";
static const char *const made[] = { "tls.crt", "tls.key", "web.yml" };

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int parse(const char *text, struct webcfg *c, char *msg, size_t msglen)
{
	return webcfg_parse(text, strlen(text), dir, c, msg, msglen);
}

static void test_tls_and_users(void)
{
	struct webcfg c = { 0 };
	char msg[256] = "";

	write_file("tls.crt", "-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n");
	write_file("tls.key", "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n");
	if (!CHECK(parse("tls_server_config:\n"
			 "  cert_file: tls.crt\n"
			 "  key_file: tls.key\n"
			 "  min_version: TLS13\n"
			 "  client_auth_type: NoClientCert\n"
			 "basic_auth_users:\n"
			 "  prometheus: " HASH_SECRET "\n"
			 "  grafana: '" HASH_SECRET "'\n",
			 &c, msg, sizeof(msg)) == 0,
		   "%s", msg))
		return;
	CHECK(c.tls);
	CHECK(c.cert_pem && strstr(c.cert_pem, "CERT"));
	CHECK(c.key_pem && strstr(c.key_pem, "KEY"));
	CHECK(c.min_version == WEBCFG_TLS13);
	CHECK_EQ_U64(c.nusers, 2);
	CHECK_STR(c.users[0].name, "prometheus");
	CHECK(webcfg_check(&c, "prometheus", "secret"));
	CHECK(webcfg_check(&c, "grafana", "secret"));
	CHECK(!webcfg_check(&c, "prometheus", "Secret"));
	CHECK(!webcfg_check(&c, "prometheus", ""));
	CHECK(!webcfg_check(&c, "nobody", "secret"));
	webcfg_free(&c);
}

static void test_users_only(void)
{
	struct webcfg c = { 0 };
	char msg[256] = "";

	if (!CHECK(parse("basic_auth_users:\n  a: " HASH_SECRET "\n", &c, msg, sizeof(msg)) == 0,
		   "%s", msg))
		return;
	CHECK(!c.tls);
	CHECK(c.min_version == WEBCFG_TLS12);
	CHECK(webcfg_check(&c, "a", "secret"));
	webcfg_free(&c);
}

/* Each bad file: refused, and the message names what is wrong. */
static void test_refused(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "basic_auth_users:\n  a: secret\n", "must be a bcrypt hash" },
		{ "basic_auth_users:\n  a: $1$abc$def\n", "must be a bcrypt hash" },
		{ "tls_server_config:\n  cert_file: tls.crt\n", "both cert_file and key_file" },
		{ "tls_server_config:\n  cert_file: none.crt\n  key_file: tls.key\n",
		  "cannot read" },
		{ "tls_server_config:\n  client_ca_file: ca.crt\n", "client_ca_file is not supported" },
		{ "tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n",
		  "client certificates are not supported" },
		{ "tls_server_config:\n  min_version: TLS10\n", "TLS12 or TLS13" },
		{ "tls_server_config:\n  colour: blue\n", "unknown setting \"colour\"" },
		{ "http_server_config:\n  http2: false\n", "http_server_config is not supported" },
		{ "web: 1\n", "unknown setting \"web\"" },
		{ "basic_auth_users: [a, b]\n", "a mapping of settings is wanted" },
		{ "basic_auth_users:\n  a: " HASH_SECRET "\n  a: " HASH_SECRET "\n", "given twice" },
		{ "basic_auth_users:\n  \"a\\e[31m\": x\n", "\"a\\x1b[31m\" is not a user name" },
		{ "tls_server_config: {\n", "line" },
		{ "", "neither tls_server_config nor basic_auth_users" },
	};
	struct webcfg c = { 0 };
	char msg[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msg[0] = '\0';
		if (!CHECK(parse(cases[i].text, &c, msg, sizeof(msg)) != 0, "case %zu accepted", i)) {
			webcfg_free(&c);
			continue;
		}
		CHECK(strstr(msg, cases[i].want), "case %zu: \"%s\" lacks \"%s\"", i, msg,
		      cases[i].want);
	}
}

static void test_load(void)
{
	struct webcfg c = { 0 };
	char msg[512] = "", path[256];

	write_file("web.yml", "basic_auth_users:\n  a: " HASH_SECRET "\n");
	snprintf(path, sizeof(path), "%s/web.yml", dir);
	CHECK(webcfg_load(path, &c, msg, sizeof(msg)) == 0, "%s", msg);
	webcfg_free(&c);
	CHECK(webcfg_load(dir, &c, msg, sizeof(msg)) != 0);
	CHECK(strstr(msg, "is not a regular file"), "%s", msg);
	CHECK(webcfg_load("/nonexistent/web.yml", &c, msg, sizeof(msg)) != 0);
	CHECK(strstr(msg, "cannot read"), "%s", msg);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		printf("not ok - test_web: cannot make a temporary directory\n");
		return 1;
	}
	RUN(test_tls_and_users);
	RUN(test_users_only);
	RUN(test_refused);
	RUN(test_load);
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%s", dir, made[i]);
		unlink(path);
	}
	rmdir(dir);
	return h_exit();
}
