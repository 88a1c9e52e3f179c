// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Command line of sipstat: getopt_long, strict number parsing, exit 2 on misuse. */
#include <errno.h>
#include <getopt.h>
#include <linux/types.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "sipstat.h"

#ifndef SIPSTAT_VERSION
#define SIPSTAT_VERSION "0.0.0"
#endif

#define INTERVAL_MIN 0.1
#define INTERVAL_MAX 86400.0

void print_usage(FILE *f)
{
	fprintf(f,
		"Usage: sipstat -i IFACE [-i IFACE ...] [options] [INTERVAL [COUNT]]\n"
		"\n"
		"Count SIP responses by status code on each IFACE with an XDP program and\n"
		"report every INTERVAL seconds (default 1), COUNT times (default: until\n"
		"Ctrl-C). Traffic is never dropped or changed; the program detaches on exit.\n"
		"\n"
		"Options:\n"
		"  -i, --interface IFACE  interface to count on; repeat for several (max %d)\n"
		"  -m, --mode MODE        XDP mode: native, skb or auto (default auto:\n"
		"                         native, falling back to skb with a notice)\n"
		"  -p, --port LIST        UDP ports that carry SIP, e.g. 5060,5062,15060 or\n"
		"                         5060-5069 (default %d)\n"
		"  -o, --output FORMAT    text (default) or json (one object per line)\n"
		"  -t, --top              full-screen live view, refreshed every INTERVAL\n"
		"                         (keys: q quit, s sort, j/k select, r reset,\n"
		"                         p pause, c parser counters, h help); NO_COLOR\n"
		"                         is honoured; without a terminal on stdout the\n"
		"                         text report is printed instead\n"
		"  -f, --force            replace an XDP program already attached to IFACE\n"
		"  -v, --verbose          parser counters and meanings in text reports;\n"
		"                         twice: libbpf messages and the verifier log\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"Examples:\n"
		"  sipstat -i eth0                      report every second until Ctrl-C\n"
		"  sipstat -i eth0 -i eth1 5 12         two NICs, 5 s reports for a minute\n"
		"  sipstat -i eth0 -p 5060,5080 -o json 10 | jq .classes\n"
		"  sipstat -i eth0 --mode skb -v        generic XDP, with parser counters\n"
		"  sipstat -i eth0 --top                live view for the NOC screen\n"
		"\n"
		"6xx global failures raise one ALERT line per code on stderr (with --top:\n"
		"in the view's alert pane instead).\n"
		"Exit status: 0 done, 1 runtime failure, 2 usage error.\n",
		MAX_IFACES, SIPSTAT_DEFAULT_PORT);
}

const char *mode_name(enum xdp_mode_opt m)
{
	switch (m) {
	case MODE_NATIVE:
		return "native";
	case MODE_SKB:
		return "skb";
	default:
		return "auto";
	}
}

static int parse_port(const char *s, char **end, long *out)
{
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, end, 10);
	if (errno || v < 1 || v > 65535)
		return -1;
	*out = v;
	return 0;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

int parse_port_list(const char *s, uint16_t *ports, int max, int *n, char *why,
		    size_t whylen)
{
	const char *p = s;
	char *end;
	long lo, hi, v;
	int cnt = 0, i, j;

	if (!*s) {
		snprintf(why, whylen, "empty port list");
		return -1;
	}
	for (;;) {
		if (parse_port(p, &end, &lo)) {
			snprintf(why, whylen, "'%s': ports are numbers from 1 to 65535", s);
			return -1;
		}
		hi = lo;
		if (*end == '-') {
			if (parse_port(end + 1, &end, &hi) || hi < lo) {
				snprintf(why, whylen, "'%s': a range is LOW-HIGH with LOW <= HIGH", s);
				return -1;
			}
		}
		if (*end != ',' && *end != '\0') {
			snprintf(why, whylen, "'%s': expected a comma-separated list of ports or ranges",
				 s);
			return -1;
		}
		for (v = lo; v <= hi; v++) {
			if (cnt == max) {
				snprintf(why, whylen, "'%s': more than %d ports", s, max);
				return -1;
			}
			ports[cnt++] = (uint16_t)v;
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	qsort(ports, cnt, sizeof(*ports), cmp_u16);
	for (i = 0, j = 0; i < cnt; i++)
		if (!j || ports[j - 1] != ports[i])
			ports[j++] = ports[i];
	*n = j;
	return 0;
}

static int usage_error(FILE *err, const char *fmt, const char *arg)
{
	fprintf(err, "sipstat: ");
	fprintf(err, fmt, arg);
	fprintf(err, "\nTry 'sipstat --help' for more information.\n");
	return ARGS_USAGE;
}

int parse_args(int argc, char **argv, struct options *o, FILE *out, FILE *err)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "top", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char why[160], *end;
	int opt, i;

	memset(o, 0, sizeof(*o));
	o->mode = MODE_AUTO;
	o->output = OUT_TEXT;
	o->interval = 1.0;
	o->ports[0] = SIPSTAT_DEFAULT_PORT;
	o->nports = 1;

	optind = 0;	/* full re-initialisation: parse_args may run more than once */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":i:m:p:o:ftvhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (o->nifs == MAX_IFACES)
				return usage_error(err, "too many interfaces (at most 16): %s", optarg);
			if (!*optarg || strlen(optarg) >= IF_NAMESIZE)
				return usage_error(err, "'%s' is not a valid interface name", optarg);
			for (i = 0; i < o->nifs; i++)
				if (!strcmp(o->ifnames[i], optarg))
					return usage_error(err, "interface %s given twice", optarg);
			snprintf(o->ifnames[o->nifs], sizeof(o->ifnames[0]), "%s", optarg);
			o->nifs++;
			break;
		case 'm':
			if (!strcmp(optarg, "native") || !strcmp(optarg, "drv"))
				o->mode = MODE_NATIVE;
			else if (!strcmp(optarg, "skb") || !strcmp(optarg, "generic"))
				o->mode = MODE_SKB;
			else if (!strcmp(optarg, "auto"))
				o->mode = MODE_AUTO;
			else
				return usage_error(err, "unknown mode '%s': use native, skb or auto",
						   optarg);
			break;
		case 'p':
			if (parse_port_list(optarg, o->ports, MAX_PORTS, &o->nports, why,
					    sizeof(why)))
				return usage_error(err, "bad --port %s", why);
			break;
		case 'o':
			if (!strcmp(optarg, "text"))
				o->output = OUT_TEXT;
			else if (!strcmp(optarg, "json"))
				o->output = OUT_JSON;
			else
				return usage_error(err, "unknown output '%s': use text or json",
						   optarg);
			break;
		case 'f':
			o->force = true;
			break;
		case 't':
			o->top = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			print_usage(out);
			return ARGS_EXIT_OK;
		case 'V':
			fprintf(out, "sipstat %s\n", SIPSTAT_VERSION);
			return ARGS_EXIT_OK;
		case ':':
			return usage_error(err, "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error(err, "unknown option '%s'", argv[optind - 1]);
		}
	}

	if (optind < argc) {
		const char *a = argv[optind++];

		errno = 0;
		o->interval = strtod(a, &end);
		if (errno || end == a || *end || !isfinite(o->interval) ||
		    o->interval < INTERVAL_MIN || o->interval > INTERVAL_MAX)
			return usage_error(err,
					   "interval '%s' must be a number of seconds from 0.1 to 86400",
					   a);
	}
	if (optind < argc) {
		const char *a = argv[optind++];

		errno = 0;
		o->count = strtol(a, &end, 10);
		if (errno || end == a || *end || o->count < 1)
			return usage_error(err, "count '%s' must be a whole number of at least 1", a);
	}
	if (optind < argc)
		return usage_error(err, "unexpected argument '%s'", argv[optind]);
	if (!o->nifs)
		return usage_error(err, "%sno interface given: use -i IFACE", "");
	return ARGS_OK;
}
