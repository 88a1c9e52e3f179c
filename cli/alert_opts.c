// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The alert options of the command line, parsed (no delivery here: the unit tests link it). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"

int alert_opt_rule(struct alert_opts *o, const char *rule, char *why, size_t len)
{
	if (o->nrules == RULES_MAX) {
		snprintf(why, len, "too many --alert rules (at most %d)", RULES_MAX);
		return -EINVAL;
	}
	if (rule_parse(rule, &o->rules[o->nrules], why, len))
		return -EINVAL;
	o->nrules++;
	return 0;
}

int alert_opt_env(struct alert_opts *o, const char *s, char *why, size_t len)
{
	char buf[RULES_MAX * RULE_TEXT_MAX], *tok, *save = NULL;
	char one[256];

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ";\n", &save); tok; tok = strtok_r(NULL, ";\n", &save)) {
		if (!tok[strspn(tok, " \t")])
			continue;
		if (alert_opt_rule(o, tok, one, sizeof(one))) {
			snprintf(why, len, "SIPSTAT_ALERTS: %s", one);
			return -EINVAL;
		}
	}
	return 0;
}

int alert_opt_log(struct alert_opts *o, const char *s, char *why, size_t len)
{
	if (!strcmp(s, "none"))
		o->log = ALERT_LOG_NONE;
	else if (!strcmp(s, "syslog"))
		o->log = ALERT_LOG_SYSLOG;
	else if (!strcmp(s, "journal"))
		o->log = ALERT_LOG_JOURNAL;
	else {
		snprintf(why, len, "unknown --alert-log '%s': use journal, syslog or none", s);
		return -EINVAL;
	}
	return 0;
}

int alert_opt_timeout(struct alert_opts *o, const char *s, char *why, size_t len)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v) || v < 0.01 || v > 3600) {
		snprintf(why, len, "--alert-timeout '%s' must be seconds from 0.01 to 3600", s);
		return -EINVAL;
	}
	o->timeout = v;
	return 0;
}
