/* SPDX-License-Identifier: MIT */
/*
 * tests/api/probe_limiter.c - a plug-in limiter that reports what the
 * engine handed its setup(): built twice (probe_a, probe_b) so a test
 * can compare two limiters of one call.  Always active; classify() adds
 * the property "pyntest.NAME" = "configured=C options=N token=T".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pyntest/limiter.h>

#ifndef PROBE_NAME
#define PROBE_NAME "probe_a"
#endif

struct probe_state {
	int configured;
	size_t n_options;
	unsigned token;
};

static const char *const keys[] = { "note", NULL };

static int probe(const struct pyn_host *host, const char *forced,
		 char *provider, size_t provider_len, char *why, size_t why_len)
{
	(void)host;
	(void)forced;
	(void)why;
	(void)why_len;
	snprintf(provider, provider_len, "probe");
	return 1;
}

static int setup(struct pyn_limiter_request *req, void **state, char *msg,
		 size_t msg_len)
{
	struct probe_state *s = malloc(sizeof(*s));

	if (!s) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	s->configured = req->configured;
	s->n_options = req->n_options;
	s->token = req->token;
	req->child_data_size = 0;
	*state = s;
	return 0;
}

static int classify(void *state, const struct pyn_limiter_evidence *ev,
		    struct pyn_limiter_verdict *v)
{
	struct probe_state *s = state;
	char text[128];

	(void)ev;
	snprintf(text, sizeof(text), "configured=%d options=%zu token=%u",
		 s->configured, s->n_options, s->token);
	v->add_property(v, "pyntest." PROBE_NAME, text);
	return 0;
}

static void teardown(void *state)
{
	free(state);
}

static const struct pyn_limiter probe_limiter = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = PROBE_NAME,
	.version = "1.0",
	.summary = "API test fixture: reports its setup request",
	.provides = PYN_PROVIDES_OTHER,
	.keys = keys,
	.probe = probe,
	.setup = setup,
	.classify = classify,
	.teardown = teardown,
};

PYN_LIMITER_ENTRY(probe_limiter)
{
	(void)host;
	(void)msg;
	(void)msg_len;
	return &probe_limiter;
}
