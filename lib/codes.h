/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The SIP response codes operators read: reason, class, group, meaning. */
#ifndef SIPSTAT_CODES_H
#define SIPSTAT_CODES_H

#include <stdbool.h>

struct sip_code_info {
	int code;
	const char *reason;	/* reason phrase, e.g. "Busy Here" */
	const char *group;	/* diagnostic group, e.g. "reachability" */
	const char *meaning;	/* one line for an operator */
};

#define SIP_CLASS_COUNT 6	/* 1xx .. 6xx */

/* Known code, or NULL for any other code (still counted under its class). */
const struct sip_code_info *sip_code_lookup(int code);
/* All known codes, ascending; *n gets the count. */
const struct sip_code_info *sip_code_table(int *n);

/* 1..6 for 100..699, 0 for anything else. */
int sip_code_class(int code);
/* "1xx".."6xx", NULL out of range. */
const char *sip_class_label(int cls);
/* "provisional", "success", ..., "global failure"; NULL out of range. */
const char *sip_class_name(int cls);

/* What a class tells an operator; NULL out of range. */
const char *sip_class_meaning(int cls);
/* Meaning of a code: the known one, or its class's for others. */
const char *sip_code_meaning(int code);

/* Reason phrase for a code: the known one, or the class name for others. */
const char *sip_code_reason(int code);
/* Diagnostic group for a code: the known one, or "other" for others. */
const char *sip_code_group(int code);

#endif
