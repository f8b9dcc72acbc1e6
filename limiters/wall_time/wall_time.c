/* SPDX-License-Identifier: MIT */
/*
 * limiters/wall_time - kill a test after its wall-time limit.
 *
 * The limiter only asks: setup() sets request->deadline_s and the engine's
 * event loop does the waiting (an absolute timerfd) and the killing, and
 * records that the deadline was ours.  classify() claims the outcome when
 * it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pyntest/limiter.h>

struct wall_state {
	double limit_s;
};

static int wall_setup(struct pyn_limiter_request *req, void **state, char *msg,
		      size_t msg_len)
{
	struct wall_state *s;

	(void)msg;
	(void)msg_len;
	req->child_data_size = 0;
	if (!(req->wall_time_s > 0))
		return 1;
	s = malloc(sizeof(*s));
	if (!s) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	s->limit_s = req->wall_time_s;
	req->deadline_s = req->wall_time_s;
	*state = s;
	return 0;
}

static int wall_classify(void *state, const struct pyn_limiter_evidence *ev,
			 struct pyn_limiter_verdict *v)
{
	struct wall_state *s = state;

	v->outcome = PYN_OUTCOME_UNDECIDED;
	if (!s || ev->killed_by != PYN_KILL_DEADLINE || !ev->killer ||
	    strcmp(ev->killer, "wall_time") != 0)
		return 0;
	v->outcome = PYN_OUTCOME_WALL_TIMEOUT;
	snprintf(v->message, sizeof(v->message),
		 "exceeded wall time limit %.3f s (killed at %.3f s)",
		 s->limit_s, ev->wall_time_s);
	return 0;
}

static void wall_teardown(void *state)
{
	free(state);
}

/* The waiting is the engine's (an absolute timerfd): always there. */
static int wall_probe(const struct pyn_host *host, const char *forced,
		      char *provider, size_t provider_len, char *why,
		      size_t why_len)
{
	(void)host;
	(void)forced;
	(void)why;
	(void)why_len;
	snprintf(provider, provider_len, "engine");
	return 1;
}

static const char *const wall_providers[] = { "engine", NULL };

static const struct pyn_limiter wall_time_limiter = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "wall_time",
	.version = "1.0",
	.summary = "kill the test after its wall-time limit (engine timer)",
	.provides = PYN_PROVIDES_WALL_TIME,
	.keys = NULL,
	.probe = wall_probe,
	.setup = wall_setup,
	.classify = wall_classify,
	.teardown = wall_teardown,
	.providers = wall_providers,
	.enforces = PYN_ENFORCES_WALL_TIME,
};

PYN_LIMITER_ENTRY(wall_time)
{
	(void)host;
	(void)msg;
	(void)msg_len;
	return &wall_time_limiter;
}
