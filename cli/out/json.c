// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <inttypes.h>

#include "json.h"

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->more[0] = false;
	j->keyed = false;
}

/* Before any value: the comma that separates it from the one before. */
static void value_start(struct json *j)
{
	if (j->keyed)
		j->keyed = false;
	else if (j->more[j->depth])
		fputc(',', j->f);
	j->more[j->depth] = true;
}

static void open_with(struct json *j, char c)
{
	value_start(j);
	fputc(c, j->f);
	if (j->depth < JSON_DEPTH - 1)
		j->depth++;
	j->more[j->depth] = false;
}

static void close_with(struct json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_object(struct json *j)
{
	open_with(j, '{');
}

void json_object_end(struct json *j)
{
	close_with(j, '}');
}

void json_array(struct json *j)
{
	open_with(j, '[');
}

void json_array_end(struct json *j)
{
	close_with(j, ']');
}

/*
 * A string's characters: quotes and backslashes escaped, control
 * characters as \u00XX; the runs between them written at once, as most
 * strings have nothing to escape.
 */
static void escaped(FILE *f, const char *s)
{
	const char *run = s;

	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		fwrite(run, 1, (size_t)(s - run), f);
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else
			fprintf(f, "\\u%04x", c);
		run = s + 1;
	}
	fwrite(run, 1, (size_t)(s - run), f);
	fputc('"', f);
}

void json_key(struct json *j, const char *key)
{
	value_start(j);
	escaped(j->f, key);
	fputc(':', j->f);
	j->keyed = true;
}

void json_str(struct json *j, const char *s)
{
	value_start(j);
	escaped(j->f, s ? s : "");
}

void json_u64(struct json *j, uint64_t v)
{
	value_start(j);
	fprintf(j->f, "%" PRIu64, v);
}

void json_int(struct json *j, long long v)
{
	value_start(j);
	fprintf(j->f, "%lld", v);
}

void json_bool(struct json *j, bool v)
{
	value_start(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	value_start(j);
	fputs("null", j->f);
}

void json_fixed(struct json *j, double x, int decimals)
{
	value_start(j);
	fprintf(j->f, "%.*f", decimals, x);
}

void json_sig(struct json *j, double x, int digits)
{
	value_start(j);
	fprintf(j->f, "%.*g", digits, x);
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_ku64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}
