/* SPDX-License-Identifier: MIT */
/*
 * tests/limiters/fx_wall.c - a plug-in that enforces the wall-time limit
 * under its own name (`enforces`, limiter.h): it asks for its deadline
 * FX_WALL_GRACE_S after the limit and claims the timeout with its own
 * message, so a test can tell its kill from the engine's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pyntest/limiter.h>

#define FX_WALL_GRACE_S 0.3

struct fx_wall {
	double limit_s;
};

static int fx_setup(struct pyn_limiter_request *req, void **state, char *msg,
		    size_t msg_len)
{
	struct fx_wall *s;

	req->child_data_size = 0;
	if (!(req->wall_time_s > 0))
		return 1;
	s = malloc(sizeof(*s));
	if (!s) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	s->limit_s = req->wall_time_s;
	req->deadline_s = req->wall_time_s + FX_WALL_GRACE_S;
	*state = s;
	return 0;
}

static int fx_classify(void *state, const struct pyn_limiter_evidence *ev,
		       struct pyn_limiter_verdict *v)
{
	const struct fx_wall *s = state;

	v->outcome = PYN_OUTCOME_UNDECIDED;
	if (!s || ev->killed_by != PYN_KILL_DEADLINE || !ev->killer ||
	    strcmp(ev->killer, "fx_wall") != 0)
		return 0;
	v->outcome = PYN_OUTCOME_WALL_TIMEOUT;
	snprintf(v->message, sizeof(v->message),
		 "fx_wall: over %.3f s and its grace (killed at %.3f s)",
		 s->limit_s, ev->wall_time_s);
	return 0;
}

static void fx_teardown(void *state)
{
	free(state);
}

static int fx_probe(const struct pyn_host *host, const char *forced,
		    char *provider, size_t provider_len, char *why,
		    size_t why_len)
{
	(void)host;
	(void)forced;
	(void)why;
	(void)why_len;
	snprintf(provider, provider_len, "fixture");
	return 1;
}

static const char *const fx_providers[] = { "fixture", NULL };

static const struct pyn_limiter fx_wall = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "fx_wall",
	.version = "1.0",
	.summary = "engine test fixture: the wall time, with a grace",
	.provides = PYN_PROVIDES_WALL_TIME,
	.probe = fx_probe,
	.setup = fx_setup,
	.classify = fx_classify,
	.teardown = fx_teardown,
	.providers = fx_providers,
	.enforces = PYN_ENFORCES_WALL_TIME,
};

PYN_LIMITER_ENTRY(fx_wall)
{
	(void)host;
	(void)msg;
	(void)msg_len;
	return &fx_wall;
}
