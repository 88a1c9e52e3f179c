// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The reference list of SIP response codes (docs: sip-responses). */
#include <stddef.h>

#include "codes.h"

static const struct sip_code_info table[] = {
	{ 100, "Trying", "progress", "request received, transaction started" },
	{ 180, "Ringing", "progress", "callee is being alerted" },
	{ 181, "Call Is Being Forwarded", "progress", "target is forwarding the attempt" },
	{ 182, "Queued", "progress", "request waits in a queue" },
	{ 183, "Session Progress", "progress",
	  "session advancing before answer, often early media SDP" },
	{ 200, "OK", "success", "request completed" },
	{ 202, "Accepted", "success", "accepted, outcome reported later" },
	{ 302, "Moved Temporarily", "redirection", "retry at another temporary contact" },
	{ 380, "Alternative Service", "redirection",
	  "cannot be served as asked, another service path suggested" },
	{ 400, "Bad Request", "syntax", "malformed request" },
	{ 401, "Unauthorized", "authentication",
	  "challenge: retry with credentials (normal on REGISTER)" },
	{ 403, "Forbidden", "policy", "understood but refused by network or service" },
	{ 404, "Not Found", "routing", "target user or service unknown at this destination" },
	{ 405, "Method Not Allowed", "capability", "target exists but does not allow this method" },
	{ 406, "Not Acceptable", "capability", "requested formats or features cannot be satisfied" },
	{ 407, "Proxy Authentication Required", "authentication",
	  "proxy challenge, commonly on the P-CSCF path" },
	{ 408, "Request Timeout", "reachability", "expected progress did not happen in time" },
	{ 415, "Unsupported Media Type", "capability", "body format not supported" },
	{ 480, "Temporarily Unavailable", "reachability", "target currently unreachable, not unknown" },
	{ 481, "Call/Transaction Does Not Exist", "request state", "no matching dialog or transaction" },
	{ 486, "Busy Here", "reachability", "user busy at this destination" },
	{ 487, "Request Terminated", "request state",
	  "request branch stopped (e.g. CANCEL) before completion" },
	{ 488, "Not Acceptable Here", "capability", "media / session offer not acceptable here" },
	{ 500, "Server Internal Error", "server trouble", "internal problem" },
	{ 503, "Service Unavailable", "server trouble", "temporarily cannot serve, often overload" },
	{ 504, "Server Time-out", "server trouble", "no timely answer from another server" },
	{ 600, "Busy Everywhere", "global stop", "busy globally: do not retry elsewhere" },
	{ 603, "Decline", "global stop", "actively refused: do not retry elsewhere" },
	{ 604, "Does Not Exist Anywhere", "global stop", "target does not exist anywhere" },
	{ 606, "Not Acceptable", "global stop", "no branch can satisfy the session constraints" },
	{ 608, "Rejected", "global stop", "rejected without a more specific reason (RFC 8688)" },
};

#define TABLE_LEN ((int)(sizeof(table) / sizeof(table[0])))

static const char *const class_labels[SIP_CLASS_COUNT + 1] = {
	NULL, "1xx", "2xx", "3xx", "4xx", "5xx", "6xx",
};

static const char *const class_names[SIP_CLASS_COUNT + 1] = {
	NULL, "provisional", "success", "redirection",
	"request failure", "server failure", "global failure",
};

/* What each class tells an operator (docs/sip-responses.md). */
static const char *const class_meanings[SIP_CLASS_COUNT + 1] = {
	NULL,
	"request received, still in progress (early dialog, alerting)",
	"request completed",
	"try another target or route",
	/* One literal: a split one reads to clang-tidy like a missing comma. */
	"the far side rejected this request: authorization, syntax, policy, capability, routing or request state",
	"internal or temporary network-side trouble",
	"final everywhere: do not retry elsewhere",
};

const struct sip_code_info *sip_code_lookup(int code)
{
	int lo = 0, hi = TABLE_LEN - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (table[mid].code == code)
			return &table[mid];
		if (table[mid].code < code)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

const struct sip_code_info *sip_code_table(int *n)
{
	*n = TABLE_LEN;
	return table;
}

int sip_code_class(int code)
{
	if (code < 100 || code > 699)
		return 0;
	return code / 100;
}

const char *sip_class_label(int cls)
{
	return cls >= 1 && cls <= SIP_CLASS_COUNT ? class_labels[cls] : NULL;
}

const char *sip_class_name(int cls)
{
	return cls >= 1 && cls <= SIP_CLASS_COUNT ? class_names[cls] : NULL;
}

const char *sip_class_meaning(int cls)
{
	return cls >= 1 && cls <= SIP_CLASS_COUNT ? class_meanings[cls] : NULL;
}

const char *sip_code_meaning(int code)
{
	const struct sip_code_info *i = sip_code_lookup(code);

	return i ? i->meaning : sip_class_meaning(sip_code_class(code));
}

const char *sip_code_reason(int code)
{
	const struct sip_code_info *i = sip_code_lookup(code);

	if (i)
		return i->reason;
	return sip_class_name(sip_code_class(code));
}

const char *sip_code_group(int code)
{
	const struct sip_code_info *i = sip_code_lookup(code);

	return i ? i->group : "other";
}
