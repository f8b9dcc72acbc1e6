/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-api.c - the public C API driven directly (no CLI):
 * units, checks, pyn_limited, PYN_RESTRICTED, every outcome, pyn_fail,
 * warnings, symbol tasks in spawn/forkserver mode, limiter options and
 * the engine's per-test token.
 *
 * API_FIXTURE: tests/api/fixture.c; PROBE_A/PROBE_B: the probe limiter;
 * NO_NETWORK: the no_network example plug-in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

#include "unit.h"

/* ---- functions to limit ---------------------------------------------- */

static void fn_double(void *arg)
{
	int v = *(int *)arg * 2;

	pyn_return(&v, sizeof(v));
}

static void fn_fail(void *arg)
{
	(void)arg;
	pyn_fail(7, "bad input at byte %d", 3);
}

static void fn_exit3(void *arg)
{
	(void)arg;
	exit(3);
}

static void fn_segv(void *arg)
{
	(void)arg;
	raise(SIGSEGV);
}

static void fn_sleep(void *arg)
{
	(void)arg;
	for (;;)
		pause();
}

static void fn_spin(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	for (;;)
		n++;
}

/* Touch `*(size_t *)arg` bytes; a failed malloc is a checked abort. */
static void fn_eat(void *arg)
{
	size_t n = *(size_t *)arg;
	char *p = malloc(n);

	if (!p)
		abort();
	/* Every page through a volatile pointer: -O2 keeps the writes. */
	for (size_t i = 0; i < n; i += 4096)
		((volatile char *)p)[i] = 1;
	pyn_return(&n, sizeof(n));
	free(p);
}

static void fn_nothing(void *arg)
{
	(void)arg;
}

/* ---- warnings --------------------------------------------------------- */

struct warnings {
	unsigned n;
	char last[1024];
	char all[4096];
};

static void collect(void *user, const char *message)
{
	struct warnings *w = user;
	size_t len = strlen(w->all);

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", message);
	snprintf(w->all + len, sizeof(w->all) - len, "%s\n", message);
}

/* ---- units ------------------------------------------------------------ */

static void test_seconds(void)
{
	struct pyn_error err;
	double s = 0;

	CU_ASSERT_EQUAL(pyn_seconds("500ms", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 0.5, 1e-12);
	CU_ASSERT_EQUAL(pyn_seconds(" 2 ", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 2, 1e-12);
	CU_ASSERT_EQUAL(pyn_seconds("1.5m", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 90, 1e-12);
	CU_ASSERT_EQUAL(pyn_seconds("1h", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 3600, 1e-12);
	CU_ASSERT_EQUAL(pyn_seconds("30 s", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 30, 1e-12);
	CU_ASSERT_EQUAL(pyn_seconds("2H", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 7200, 1e-12);
	/* The manifest's grammar exactly (tests/unit/test-units.c has it
	 * all): no us, no min.  pynisher: KeyError for a bad unit. */
	CU_ASSERT_EQUAL(pyn_seconds("250us", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("1min", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("5d", &s, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "bad time unit 'd' in '5d'; use ms, s, m or h");
	CU_ASSERT_EQUAL(pyn_seconds("0", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("-1s", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("inf", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("nan", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds(NULL, &s, &err), PYN_EINVAL);
	CU_ASSERT_DOUBLE_EQUAL(PYN_MS(500), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(PYN_MINUTES(2), 120, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(PYN_HOURS(1), 3600, 1e-12);
}

static void test_bytes(void)
{
	struct pyn_error err;
	uint64_t b = 0;

	CU_ASSERT_EQUAL(pyn_bytes("64MB", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, PYN_MiB(64));
	CU_ASSERT_EQUAL(pyn_bytes("1.5 GiB", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, PYN_MiB(1536));
	CU_ASSERT_EQUAL(pyn_bytes("4096", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, 4096);
	CU_ASSERT_EQUAL(pyn_bytes("4mb", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, PYN_MiB(4));
	CU_ASSERT_EQUAL(pyn_bytes("2 KB", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, 2048);
	CU_ASSERT_EQUAL(pyn_bytes("1.5kb", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, 1536);
	/* The manifest's grammar exactly: no K, no TB. */
	CU_ASSERT_EQUAL(pyn_bytes("1k", &b, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_bytes("1TB", &b, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_bytes("1XB", &b, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "bad memory unit 'XB' in '1XB'; "
					    "use B, KB, MB or GB");
	CU_ASSERT_EQUAL(pyn_bytes("0", &b, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_bytes("mb", &b, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_bytes("9999999999GB", &b, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(PYN_GiB(1), (uint64_t)1 << 30);
	CU_ASSERT_EQUAL(PYN_KiB(3), 3072);
}

/* ---- checks ----------------------------------------------------------- */

static void test_check(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_option bad_limiter = PYN_OPTION("nope", "x", "1");
	struct pyn_option bad_key = PYN_OPTION("max_files", "cuont", "1");
	struct pyn_option bad_value = PYN_OPTION("max_files", "count", "x");
	struct pyn_error err;

	CU_ASSERT_EQUAL(pyn_limits_check(NULL, &err), 0);
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), 0);
	lim.wall_time_s = -1;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "wall time limit -1 s is negative");
	lim.wall_time_s = NAN;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	lim.wall_time_s = 1;
	lim.options = &bad_limiter;
	lim.n_options = 1;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "unknown limiter 'nope'"));
	/* pyn_limited_new refuses what pyn_limits_check refuses. */
	CU_ASSERT_PTR_NULL(pyn_limited_new(fn_nothing, &lim, &err));
	CU_ASSERT_EQUAL(err.code, PYN_EINVAL);
	CU_ASSERT_EQUAL_FATAL(pyn_plugin_load(MAX_FILES, &err), 0);
	lim.options = &bad_key;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "limiter 'max_files' has no option 'cuont'; "
			       "did you mean 'count'?");
	lim.options = &bad_value;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "limiter 'max_files': "));
	CU_ASSERT_PTR_NULL(pyn_limited_new(NULL, NULL, &err));
	CU_ASSERT_PTR_NULL(pyn_limited_new_symbol(NULL, "x", NULL, &err));
}

/* supports(): each built-in limit answers, with a provider. */
static void test_supports(void)
{
	static const char *const names[] = { "wall_time", "cpu_time", "memory",
					     "process_tree" };
	char provider[32], why[256];
	size_t i;

	for (i = 0; i < 4; i++) {
		int ok = pyn_supports(names[i], provider, sizeof(provider), why,
				      sizeof(why));

		CU_ASSERT(ok == 1 || why[0]);
		if (ok)
			CU_ASSERT(provider[0] != '\0');
	}
	CU_ASSERT_EQUAL(pyn_supports("teleport", NULL, 0, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(why, "no limiter named 'teleport'");
}

/* ---- outcomes through pyn_limited -------------------------------------- */

static struct pyn_limited *
make(void (*fn)(void *), const struct pyn_limits *lim, struct warnings *w)
{
	struct pyn_error err = { 0 };
	struct pyn_limited *lf = pyn_limited_new(fn, lim, &err);

	if (!lf)
		fprintf(stderr, "\npyn_limited_new: %s\n", err.message);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
	pyn_limited_on_warning(lf, collect, w);
	return lf;
}

static void test_reuse(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct warnings w = { 0 };
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	int i, v;

	lim.wall_time_s = 5;
	lf = make(fn_double, &lim, &w);
	CU_ASSERT_DOUBLE_EQUAL(pyn_limited_limits(lf)->wall_time_s, 5, 1e-9);
	for (i = 0; i < 5; i++) {
		v = i;
		CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, &v, &res, NULL), 0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		CU_ASSERT_EQUAL_FATAL(res.size, sizeof(int));
		CU_ASSERT_EQUAL(*(int *)res.data, 2 * i);
		pyn_result_release(&res);
	}
	CU_ASSERT_EQUAL(w.n, 0);
	pyn_limited_free(lf);
	pyn_limited_free(NULL);
}

/* pyn_fail(): outcome fail, the code and the message (pynisher re-raises). */
static void test_fail(void)
{
	struct pyn_limited *lf = make(fn_fail, NULL, NULL);
	struct pyn_result res = PYN_RESULT_INIT;

	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_EQUAL(res.fail_code, 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.message, "bad input at byte 3"));
	pyn_result_release(&res);
	pyn_limited_free(lf);

	lf = make(fn_exit3, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_EQUAL(res.exit_code, 3);
	CU_ASSERT_EQUAL(res.fail_code, 0);
	pyn_result_release(&res);
	pyn_limited_free(lf);

	lf = make(fn_segv, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
	CU_ASSERT_EQUAL(res.term_signal, SIGSEGV);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.message, "SIGSEGV"));
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

/* Limits of each kind (pynisher's test_walltime, test_cputime, ...). */
static void test_wall(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;

	lim.wall_time_s = PYN_MS(300);
	lf = make(fn_sleep, &lim, NULL);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	/* pynisher: 6 s for a 1 s limit. */
	CU_ASSERT(res.wall_time_s >= 0.29 &&
		  res.wall_time_s < 0.3 + PYN_T(0.7));
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

static void test_cpu(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;

	lim.cpu_time_s = PYN_MS(300);
	lim.wall_time_s = 10;
	lf = make(fn_spin, &lim, NULL);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_CPU_TIMEOUT);
	CU_ASSERT(res.cpu_time_s >= 0.25 && res.cpu_time_s < 0.3 + PYN_T(1.2));
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

static void test_memory(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	size_t n;

	lim.memory_bytes = PYN_MiB(64);
	lim.wall_time_s = 20;
	lf = make(fn_eat, &lim, NULL);
	n = (size_t)PYN_MiB(512);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, &n, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_MEMORY_LIMIT);
	pyn_result_release(&res);
	n = (size_t)PYN_MiB(16);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, &n, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT(res.peak_memory_bytes >= (int64_t)PYN_MiB(15));
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

/* pynisher's @restricted. */
PYN_RESTRICTED(restricted_sleep, fn_sleep, .wall_time_s = PYN_MS(200))
PYN_RESTRICTED(restricted_double, fn_double, .wall_time_s = 5,
	       .memory_bytes = PYN_MiB(256))

static void test_restricted(void)
{
	struct pyn_result res = PYN_RESULT_INIT;
	int v = 21;

	CU_ASSERT_EQUAL_FATAL(restricted_sleep(NULL, &res), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	pyn_result_release(&res);
	CU_ASSERT_EQUAL_FATAL(restricted_double(&v, &res), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL_FATAL(res.size, sizeof(int));
	CU_ASSERT_EQUAL(*(int *)res.data, 42);
	pyn_result_release(&res);
}

/*
 * Limits below starting memory (pynisher's test_memory with 1 KB): a
 * clear warning, then an outcome - never a hang.
 */
static void test_below_start(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	char provider[32] = "";
	struct warnings w = { 0 };
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	size_t n = (size_t)PYN_MiB(8);

	pyn_supports("memory", provider, sizeof(provider), NULL, 0);
	lim.memory_bytes = PYN_KiB(1);
	lim.wall_time_s = 10;
	lf = make(fn_eat, &lim, &w);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, &n, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_MEMORY_LIMIT);
	CU_ASSERT(res.wall_time_s < PYN_T(5));
	if (strcmp(provider, "rlimit") != 0) {
		CU_ASSERT_PTR_NOT_NULL(
			strstr(w.all, "memory limit 1024 B is below this "
				      "process's resident memory"));
	}
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

static void test_sigchld_warning(void)
{
	struct warnings w = { 0 };
	struct pyn_limited *lf = make(fn_nothing, NULL, &w);
	struct pyn_result res = PYN_RESULT_INIT;

	signal(SIGCHLD, SIG_IGN);
	CU_ASSERT_EQUAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	signal(SIGCHLD, SIG_DFL);
	/* The status is lost, but the child recorded that it returned. */
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	pyn_result_release(&res);
	CU_ASSERT_PTR_NOT_NULL(strstr(w.all, "SIGCHLD is ignored"));
	/* And silent when asked. */
	memset(&w, 0, sizeof(w));
	pyn_limited_on_warning(lf, NULL, NULL);
	signal(SIGCHLD, SIG_IGN);
	CU_ASSERT_EQUAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	signal(SIGCHLD, SIG_DFL);
	pyn_result_release(&res);
	CU_ASSERT_EQUAL(w.n, 0);
	pyn_limited_free(lf);
}

/* ---- symbols: pynisher's context="spawn"/"forkserver" ----------------- */

static void test_symbol(void)
{
	static const enum pyn_isolation modes[] = { PYN_ISOLATION_SPAWN,
						    PYN_ISOLATION_FORKSERVER,
						    PYN_ISOLATION_FORK };
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_error err = { 0 };
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	size_t i;
	int v = 1;

	lim.wall_time_s = 5;
	for (i = 0; i < 3; i++) {
		struct warnings w = { 0 };

		lim.isolation = modes[i];
		lf = pyn_limited_new_symbol(API_FIXTURE, "api_hello", &lim,
					    &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
		pyn_limited_on_warning(lf, collect, &w);
		CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, &err),
				      0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		CU_ASSERT_EQUAL_FATAL(res.size, 6);
		CU_ASSERT_STRING_EQUAL(res.data, "hello");
		pyn_result_release(&res);
		/* Fork of a library test needs the CUnit hook: it says so. */
		if (modes[i] == PYN_ISOLATION_FORK)
			CU_ASSERT_PTR_NOT_NULL(strstr(
				w.all, "does not export the CUnit hook"));
		/* An argument pointer cannot cross exec. */
		CU_ASSERT_EQUAL(pyn_limited_call(lf, &v, &res, &err),
				PYN_EINVAL);
		pyn_limited_free(lf);

		lf = pyn_limited_new_symbol(API_FIXTURE, "api_fail", &lim,
					    &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
		CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, &err),
				      0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
		CU_ASSERT_EQUAL(res.fail_code, 42);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(res.message, "parse error at line 7"));
		pyn_result_release(&res);
		pyn_limited_free(lf);
	}
	lim.isolation = PYN_ISOLATION_SPAWN;
	lim.wall_time_s = PYN_MS(300);
	lf = pyn_limited_new_symbol(API_FIXTURE, "api_sleep", &lim, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, &err), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

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
	{ "pyn_seconds parses the manifest's grammar", test_seconds },
	{ "pyn_bytes parses the manifest's grammar", test_bytes },
	{ "pyn_limits_check refuses bad limits and options", test_check },
	{ "supports() answers with a reason", test_supports },
	{ "a limited function is called many times", test_reuse },
	{ "pyn_fail, exit and a signal come back", test_fail },
	{ "wall-time limit", test_wall },
	{ "CPU-time limit", test_cpu },
	{ "memory limit, and a pass under it", test_memory },
	{ "PYN_RESTRICTED wraps a function", test_restricted },
	{ "a limit below the starting memory warns", test_below_start },
	{ "SIGCHLD ignored warns, on_warning NULL silences",
	  test_sigchld_warning },
	{ "symbols in spawn, forkserver and fork", test_symbol },
	{ "NAME: {} configures; a call's token is reused",
	  test_configured_token },
	{ "running tests never share a token", test_token_concurrent },
	/* A part (tests/api.cmake): it may skip here. */
	{ "no_network", test_no_network_empty },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "api", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
