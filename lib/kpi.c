// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "counters.h"
#include "kpi.h"

static const char *const names[KPI_MAX] = {
	[KPI_ASR] = "asr", [KPI_NER] = "ner", [KPI_SER] = "ser",
	[KPI_SEER] = "seer", [KPI_ISA] = "isa",
};

static const char *const labels[KPI_MAX] = {
	[KPI_ASR] = "ASR", [KPI_NER] = "NER", [KPI_SER] = "SER",
	[KPI_SEER] = "SEER", [KPI_ISA] = "ISA",
};

const char *kpi_name(int id)
{
	return id >= 0 && id < KPI_MAX ? names[id] : NULL;
}

const char *kpi_label(int id)
{
	return id >= 0 && id < KPI_MAX ? labels[id] : NULL;
}

static uint64_t inv(const struct counters *c, int dir, int code)
{
	return counters_code_method(c, dir, SIPSTAT_M_INVITE, code);
}

void kpi_inputs_of(const struct counters *c, int dir, struct kpi_inputs *in)
{
	int code;

	memset(in, 0, sizeof(*in));
	in->invites = counters_requests(c, dir, SIPSTAT_M_INVITE);
	for (code = 200; code <= SIPSTAT_CODE_MAX; code++) {
		uint64_t n = inv(c, dir, code);

		if (!n)
			continue;
		in->finals += n;
		if (code < 300)
			in->answered += n;
		else if (code < 400)
			in->redirected += n;
		switch (code) {
		case 200:
			in->ok += n;
			in->seer_ok += n;
			break;
		case 401:
		case 407:
			in->challenges += n;
			break;
		case 480:
		case 486:
		case 600:
		case 603:
			in->user_end += n;
			in->seer_ok += n;
			break;
		case 487:
			in->user_end += n;
			break;
		case 408:
		case 500:
		case 503:
		case 504:
			in->isa += n;
			break;
		default:
			break;
		}
	}
}

void kpi_inputs_delta(const struct kpi_inputs *before, const struct kpi_inputs *after,
		      struct kpi_inputs *out)
{
	out->invites = counters_delta(before->invites, after->invites);
	out->finals = counters_delta(before->finals, after->finals);
	out->challenges = counters_delta(before->challenges, after->challenges);
	out->answered = counters_delta(before->answered, after->answered);
	out->ok = counters_delta(before->ok, after->ok);
	out->redirected = counters_delta(before->redirected, after->redirected);
	out->user_end = counters_delta(before->user_end, after->user_end);
	out->seer_ok = counters_delta(before->seer_ok, after->seer_ok);
	out->isa = counters_delta(before->isa, after->isa);
}

static void ratio(struct kpi *k, int id, uint64_t num, uint64_t den)
{
	k->valid[id] = den > 0;
	k->pct[id] = den > 0 ? 100.0 * (double)num / (double)den : 0;
}

void kpi_compute(const struct kpi_inputs *in, struct kpi *k)
{
	/* Seizures: final responses to INVITE that end the attempt; after a
	 * challenge or a redirection the same call comes again as a new INVITE. */
	uint64_t again = in->challenges + in->redirected;
	uint64_t seizures = in->finals > again ? in->finals - again : 0;
	/* RFC 6076: INVITEs that were not redirected. */
	uint64_t attempts = in->invites > in->redirected ? in->invites - in->redirected : 0;

	memset(k, 0, sizeof(*k));
	ratio(k, KPI_ASR, in->answered, seizures);
	ratio(k, KPI_NER, in->answered + in->user_end, seizures);
	ratio(k, KPI_SER, in->ok, attempts);
	ratio(k, KPI_SEER, in->seer_ok, attempts);
	ratio(k, KPI_ISA, in->isa, in->invites);
}

void kpi_of(const struct counters *since, const struct counters *to, int dir, struct kpi *k)
{
	struct kpi_inputs a, b, d;

	kpi_inputs_of(to, dir, &b);
	if (since) {
		kpi_inputs_of(since, dir, &a);
		kpi_inputs_delta(&a, &b, &d);
		kpi_compute(&d, k);
	} else {
		kpi_compute(&b, k);
	}
}
