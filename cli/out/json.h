/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One JSON writer for every JSON that sipstat prints: reports, status and
 * alerts.  It streams to a FILE, puts the commas and colons where they
 * belong, and escapes strings; the caller only says what comes next.
 * Output is compact (no spaces), one object per line when the caller ends
 * it with a newline.  Numbers keep the formats the outputs have always
 * had: integers as they are, decimals with a fixed number of places or
 * significant digits.
 */
#ifndef SIPSTAT_CLI_OUT_JSON_H
#define SIPSTAT_CLI_OUT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool more[JSON_DEPTH];	/* a value at this depth already: the next needs a comma */
	bool keyed;		/* a key was written: its value follows without a comma */
};

void json_init(struct json *j, FILE *f);

/* Containers; an object's members are json_key() followed by one value. */
void json_object(struct json *j);
void json_object_end(struct json *j);
void json_array(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);

/* Values. */
void json_str(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* x with decimals places ("%.3f"). */
void json_fixed(struct json *j, double x, int decimals);
/* x with digits significant digits ("%.6g"). */
void json_sig(struct json *j, double x, int digits);

/* Members: key and value at once. */
void json_kstr(struct json *j, const char *key, const char *s);
void json_ku64(struct json *j, const char *key, uint64_t v);

#endif
