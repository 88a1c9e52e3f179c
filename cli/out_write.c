// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "out/out.h"
#include "out_write.h"

typedef void (*writer_fn)(FILE *f, const struct out_report *r);

static void prometheus(FILE *f, const struct out_report *r)
{
	out_prom(f, r, false);
}

static void openmetrics(FILE *f, const struct out_report *r)
{
	out_prom(f, r, true);
}

/* Each format's writer of a report and of sipstat status. */
static const struct {
	writer_fn report, status;
} writers[] = {
	[OUT_TEXT] = { out_text_report, out_text_status },
	[OUT_JSON] = { out_json_report, out_json_status },
	[OUT_PROMETHEUS] = { prometheus, NULL },
	[OUT_OPENMETRICS] = { openmetrics, NULL },
	[OUT_INFLUX] = { out_influx, NULL },
	[OUT_CSV] = { out_csv, NULL },
};

void out_write(FILE *f, enum output_fmt fmt, const struct out_report *r)
{
	bool status = r->type && !strcmp(r->type, "status");
	writer_fn w;

	if ((size_t)fmt >= sizeof(writers) / sizeof(writers[0]))
		return;
	w = status ? writers[fmt].status : writers[fmt].report;
	if (w)
		w(f, r);
}

/* Failing addresses per class in the text and JSON reports with -v alone. */
#define VERBOSE_FAILING 5

void out_options(struct out_report *r, const struct options *o)
{
	r->verbose = o->verbose;
	r->per_interface = o->per_interface;
	r->per_peer = o->per_peer;
	r->failing_top = o->failing_top ? o->failing_top : o->verbose > 0 ? VERBOSE_FAILING : 0;
	r->export_failing = o->export_failing;
	r->header = true;
}

int out_write_body(const struct out_report *r, enum http_format fmt, char **body, size_t *len)
{
	FILE *f;

	*body = NULL;
	*len = 0;
	f = open_memstream(body, len);
	if (!f)
		return -errno;
	out_prom(f, r, fmt == HTTP_OPENMETRICS);
	if (fclose(f)) {
		free(*body);
		*body = NULL;
		return -ENOMEM;
	}
	return 0;
}
