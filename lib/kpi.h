/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Call KPIs from counted messages: ASR and NER (ITU-T E.411/E.425, mapped
 * onto final responses to INVITE), SER, SEER and ISA (RFC 6076 4.6-4.8).
 * Each is written here once; every output renders what kpi_of() returns.
 * The README ("KPIs") gives the formulas and what per-packet counting
 * can and cannot tell.
 */
#ifndef SIPSTAT_LIB_KPI_H
#define SIPSTAT_LIB_KPI_H

#include <stdbool.h>
#include <stdint.h>

struct counters;

enum kpi_id { KPI_ASR = 0, KPI_NER, KPI_SER, KPI_SEER, KPI_ISA, KPI_MAX };

/* The message counts the KPIs are made of (all of INVITE). */
struct kpi_inputs {
	uint64_t invites;	/* INVITE requests */
	uint64_t finals;	/* final responses, 200-699 */
	uint64_t challenges;	/* 401 and 407: the INVITE is sent again with credentials */
	uint64_t answered;	/* 2xx */
	uint64_t ok;		/* 200 */
	uint64_t redirected;	/* 3xx */
	uint64_t user_end;	/* 480, 486, 487, 600, 603: the called user's side ended it */
	uint64_t seer_ok;	/* 200, 480, 486, 600, 603 (RFC 6076 SEER) */
	uint64_t isa;		/* 408, 500, 503, 504 (RFC 6076 ISA) */
};

struct kpi {
	double pct[KPI_MAX];	/* percent, 0..100 (ISA may exceed 100: see README) */
	bool valid[KPI_MAX];	/* false: the denominator is zero */
};

/* "asr", "ner", "ser", "seer", "isa"; NULL out of range. */
const char *kpi_name(int id);
/* The same for people: "ASR", "NER", "SER", "SEER", "ISA". */
const char *kpi_label(int id);

/* The inputs of one reading; dir is a direction or COUNTERS_DIR_ALL. */
void kpi_inputs_of(const struct counters *c, int dir, struct kpi_inputs *in);
/* after - before, input by input (counters_delta: a reset counts from zero). */
void kpi_inputs_delta(const struct kpi_inputs *before, const struct kpi_inputs *after,
		      struct kpi_inputs *out);
/* The KPIs of the inputs. */
void kpi_compute(const struct kpi_inputs *in, struct kpi *k);
/* The KPIs of what was counted between two readings (since is NULL: totals of to). */
void kpi_of(const struct counters *since, const struct counters *to, int dir, struct kpi *k);

#endif
