/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-api-options.c - limiter options through the public C
 * API: `NAME: {}` configures a limiter, and the engine's per-test token
 * is shared by one call's limiters, never by tests running at the same
 * time, and reused later; the no_network plug-in bites when configured.
 *
 * PROBE_A/PROBE_B: the probe limiter; NO_NETWORK: the no_network
 * example plug-in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "api_test.h"

/* ---- limiter options, `configured` and the token ----------------------- */

static int probe_prop(const struct pyn_result *res, const char *name,
		      int *configured, size_t *n_options, unsigned *token)
{
	size_t i, len = strlen(name);

	for (i = 0; i < res->n_properties; i++)
		if (strncmp(res->properties[i], name, len) == 0 &&
		    res->properties[i][len] == '=')
			return sscanf(res->properties[i] + len + 1,
				      "configured=%d options=%zu token=%u",
				      configured, n_options, token) == 3 ?
				       0 :
				       -1;
	return -1;
}

static void test_configured_token(void)
{
	struct pyn_error err = { 0 };
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	unsigned ta, tb, first;
	size_t na, nb;
	int ca, cb;

	CU_ASSERT_EQUAL_FATAL(pyn_plugin_load(PROBE_A, &err), 0);
	CU_ASSERT_EQUAL_FATAL(pyn_plugin_load(PROBE_B, &err), 0);
	lf = make(fn_nothing, NULL, NULL);
	/* `limiters: {probe_a: {}}`: configured with no option. */
	CU_ASSERT_EQUAL_FATAL(
		pyn_limited_option(lf, "probe_a", NULL, NULL, &err), 0);
	CU_ASSERT_EQUAL(pyn_limited_option(lf, "probe_b", "nope", "1", &err),
			PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_limited_option(lf, "probe_c", NULL, NULL, &err),
			PYN_EINVAL);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL_FATAL(
		probe_prop(&res, "pyntest.probe_a", &ca, &na, &ta), 0);
	CU_ASSERT_EQUAL_FATAL(
		probe_prop(&res, "pyntest.probe_b", &cb, &nb, &tb), 0);
	CU_ASSERT_EQUAL(ca, 1);
	CU_ASSERT_EQUAL(na, 0);
	CU_ASSERT_EQUAL(cb, 0);
	/* Every limiter of one call shares the token. */
	CU_ASSERT_EQUAL(ta, tb);
	first = ta;
	pyn_result_release(&res);
	CU_ASSERT_EQUAL_FATAL(
		pyn_limited_option(lf, "probe_b", "note", "x", &err), 0);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(
		probe_prop(&res, "pyntest.probe_b", &cb, &nb, &tb), 0);
	CU_ASSERT_EQUAL(cb, 1);
	CU_ASSERT_EQUAL(nb, 1);
	/*
	 * The first call is over and its processes were killed: the next
	 * call gets its token back (a cgroup named by it is reused).
	 */
	CU_ASSERT_EQUAL(tb, first);
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

/* Tests that run at the same time never share a token; later ones reuse. */
static void test_token_concurrent(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_option opt = { "probe_b", { "note", "x", NULL, 0, 0 } };
	struct pyn_task task = { 0 };
	struct pyn_error err = { 0 };
	struct pyn_engine *e;
	struct pyn_result res = PYN_RESULT_INIT;
	unsigned tokens[6], t;
	size_t n_opt, i, k;
	int conf, round, got;
	void *user;

	CU_ASSERT_EQUAL_FATAL(pyn_plugin_load(PROBE_B, &err), 0);
	e = pyn_engine_new(NULL, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	task.kind = PYN_TASK_FUNCTION;
	task.name = "token";
	task.fn = fn_sleep;
	lim.wall_time_s = PYN_MS(100);
	lim.options = &opt;
	lim.n_options = 1;
	for (round = 0; round < 2; round++) {
		/* Three at once, all running until their deadline. */
		for (i = 0; i < 3; i++)
			CU_ASSERT_EQUAL_FATAL(
				pyn_engine_submit(e, &task, &lim, NULL, &err),
				0);
		for (got = 0; got < 3; got++) {
			CU_ASSERT_EQUAL_FATAL(
				pyn_engine_next(e, -1, &res, &user, &err), 1);
			CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
			CU_ASSERT_EQUAL(probe_prop(&res, "pyntest.probe_b",
						   &conf, &n_opt, &t),
					0);
			tokens[round * 3 + got] = t;
			pyn_result_release(&res);
		}
	}
	for (i = 0; i < 3; i++)
		for (k = i + 1; k < 3; k++) {
			CU_ASSERT_NOT_EQUAL(tokens[i], tokens[k]);
			CU_ASSERT_NOT_EQUAL(tokens[3 + i], tokens[3 + k]);
		}
	/* The second three took the first three's tokens again. */
	for (i = 3; i < 6; i++)
		CU_ASSERT(tokens[i] == tokens[0] || tokens[i] == tokens[1] ||
			  tokens[i] == tokens[2]);
	pyn_engine_free(e);
}

/* A connection to this process's listening socket from the child. */
static void fn_connect(void *arg)
{
	struct sockaddr_in *sa = arg;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)sa, sizeof(*sa)) != 0)
		pyn_fail(errno, "connect: %s", strerror(errno));
	close(fd);
}

/* `limiters: {no_network: {}}` bites (it did not before `configured`). */
static void test_no_network_empty(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	struct pyn_error err = { 0 };
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	char why[256];
	int fd;

	CU_ASSERT_EQUAL_FATAL(pyn_plugin_load(NO_NETWORK, &err), 0);
	if (!pyn_supports("no_network", NULL, 0, why, sizeof(why))) {
		pyn_unit_skip("no_network: %s", why);
		return;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CU_ASSERT_FATAL(listen(fd, 8) == 0);
	CU_ASSERT_FATAL(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	lf = make(fn_connect, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, &sa, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	pyn_result_release(&res);
	CU_ASSERT_EQUAL_FATAL(
		pyn_limited_option(lf, "no_network", NULL, NULL, &err), 0);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, &sa, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.message, "connect: "));
	pyn_result_release(&res);
	pyn_limited_free(lf);
	close(fd);
}

static CU_TestInfo tests[] = {
	{ "NAME: {} configures; a call's token is reused",
	  test_configured_token },
	{ "running tests never share a token", test_token_concurrent },
	/* A part (tests/api.cmake): it may skip here. */
	{ "no_network", test_no_network_empty },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "api-options", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
