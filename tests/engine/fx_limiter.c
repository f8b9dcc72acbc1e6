/* SPDX-License-Identifier: MIT */
/*
 * tests/engine/fx_limiter.c - a plug-in limiter that fails on request,
 * to drive the engine's setup/apply/classify paths:
 *   limiters: { fx_limiter: { mode: setup|apply|crash|claim } }
 * Without options it is inactive.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <pyntest/limiter.h>

enum { FX_OFF, FX_SETUP, FX_APPLY, FX_CRASH, FX_CLAIM };

struct fx_data {
	int mode;
};

static const char *const keys[] = { "mode", NULL };

static int probe(const struct pyn_host *host, const char *forced,
		 char *provider, size_t provider_len, char *why, size_t why_len)
{
	(void)host;
	(void)forced;
	(void)why;
	(void)why_len;
	snprintf(provider, provider_len, "fixture");
	return 1;
}

static int validate(const struct pyn_limiter_option *option, char *msg,
		    size_t msg_len)
{
	(void)option;
	(void)msg;
	(void)msg_len;
	return 0;
}

static int setup(struct pyn_limiter_request *req, void **state, char *msg,
		 size_t msg_len)
{
	struct fx_data d = { FX_OFF };
	size_t i;

	for (i = 0; i < req->n_options; i++) {
		const char *v = req->options[i].value;

		if (strcmp(req->options[i].key, "mode") != 0)
			continue;
		d.mode = !strcmp(v, "setup") ? FX_SETUP :
			 !strcmp(v, "apply") ? FX_APPLY :
			 !strcmp(v, "crash") ? FX_CRASH :
			 !strcmp(v, "claim") ? FX_CLAIM :
					       FX_OFF;
	}
	if (d.mode == FX_OFF)
		return 1;
	if (d.mode == FX_SETUP) {
		snprintf(msg, msg_len, "told to fail");
		return -1;
	}
	memcpy(req->child_data, &d, sizeof(d));
	req->child_data_size = sizeof(d);
	*state = (void *)(long)d.mode;
	return 0;
}

static int apply(const void *data, size_t size, char *msg, size_t msg_len)
{
	const struct fx_data *d = data;
	static const char text[] = "told to fail";

	if (size < sizeof(*d))
		return 0;
	if (d->mode == FX_APPLY) {
		if (msg_len >= sizeof(text))
			memcpy(msg, text, sizeof(text));
		return -1;
	}
	if (d->mode == FX_CRASH)
		raise(SIGSEGV);
	return 0;
}

static int classify(void *state, const struct pyn_limiter_evidence *ev,
		    struct pyn_limiter_verdict *v)
{
	(void)ev;
	if ((long)state == FX_CLAIM) {
		v->outcome = PYN_OUTCOME_ERROR;
		snprintf(v->message, sizeof(v->message),
			 "fixture claims an error");
		v->add_property(v, "pyntest.fixture", "claimed");
	}
	return 0;
}

static const struct pyn_limiter fx_limiter = {
	PYN_LIMITER_ABI_VERSION,
	sizeof(struct pyn_limiter),
	"fx_limiter",
	"1.0",
	"engine test fixture: fails on request",
	PYN_PROVIDES_OTHER,
	keys,
	probe,
	validate,
	setup,
	apply,
	NULL,
	NULL,
	classify,
	NULL,
	NULL,
	NULL,
	0,
};

PYN_LIMITER_ENTRY(fx_limiter)
{
	(void)host;
	(void)msg;
	(void)msg_len;
	return &fx_limiter;
}
