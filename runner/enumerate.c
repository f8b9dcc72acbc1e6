/* SPDX-License-Identifier: MIT */
/*
 * runner/enumerate.c - list the tests of an imported CUnit suite.
 *
 * The runner never runs test code (SPEC §7), and listing a CUnit suite
 * means loading its library (constructors run) and, for `cunit_register`,
 * calling its registration functions.  So the listing runs in a limited
 * child, through the same engine as the tests, under the suite's limits,
 * and hands the names back with pyn_return(): "suite\0test\0" pairs.
 *
 * A CUnit program (`program:`) lists itself: the child runs it with the
 * pyntest shim preloaded in list mode, so its main() registers its tests
 * as usual and its CUnit run call writes the names instead.  Listing is
 * the program's start-up: it runs under the suite's start-up limits
 * (`startup:`), never a test's.  A program that never gets there (it
 * crashes, exits, hangs or runs out of memory first) cannot be listed:
 * it becomes one test, "SUITE.(main)", reported with what its main()
 * did, and never run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <pyntest/test.h>

#include "base/signals.h"
#include "host/loader.h"
#include "runner/cli.h"
#include "engine/engine.h"

/* The test that stands for a program that could not be listed. */
#define PROGRAM_MAIN_TEST "(main)"

struct program_list {
	const struct pyn_plan_source *src;
	char **argv;
	char **envp;
};

/*
 * In the child: run the program in list mode with the list memfd on fd 3,
 * wait for it, hand the names back.  The program is a child of this
 * limited child, in its process group: the limits and a wall-time kill
 * reach it too.
 */
static void list_program(void *arg)
{
	const struct program_list *pl = arg;
	const char *prog = pl->src->program;
	size_t magic = strlen(PYN__CUNIT_LIST_MAGIC) + 1;
	char name[32];
	struct stat st;
	char *p = MAP_FAILED;
	int fd, status;
	pid_t pid;

	fd = memfd_create("pyntest-cunit-list", 0);
	if (fd < 0)
		pyn_fail(1, "cannot list program '%s': memfd: %s", prog,
			 strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		pyn_fail(1, "cannot run program '%s': %s", prog,
			 strerror(errno));
	if (pid == 0) {
		if (dup2(fd, 3) < 0)
			_exit(127);
		pyn__cunit_exec(NULL, pl->src->cwd, pl->argv, pl->envp);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		pyn_fail(1,
			 "main() of program '%s' was killed by signal %s (%s) "
			 "before it ran any CUnit test",
			 prog,
			 pyn__signal_text(WTERMSIG(status), name, sizeof(name)),
			 strsignal(WTERMSIG(status)));
	if (fstat(fd, &st) == 0 && (size_t)st.st_size >= magic)
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			 0);
	if (p == MAP_FAILED || memcmp(p, PYN__CUNIT_LIST_MAGIC, magic) != 0)
		pyn_fail(1,
			 "main() of program '%s' exited with status %d before "
			 "it ran any CUnit test",
			 prog, WEXITSTATUS(status));
	if (WEXITSTATUS(status) != 0)
		pyn_fail(1,
			 "program '%s': listing its tests failed (status %d)",
			 prog, WEXITSTATUS(status));
	if (pyn_return(p + magic, (size_t)st.st_size - magic))
		pyn_fail(1, "cannot hand the test list back");
}

static void emit(FILE *f, const char *suite, const char *test)
{
	fputs(suite, f);
	fputc('\0', f);
	fputs(test, f);
	fputc('\0', f);
}

/* In the child: load, list, pyn_return(); any failure is pyn_fail(). */
static void list_child(void *arg)
{
	const struct pyn_plan_source *src = arg;
	struct pyn__module *module;
	struct pyn_error e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (src->cwd && chdir(src->cwd))
		pyn_fail(1, "cannot enter '%s': %s", src->cwd, strerror(errno));
	for (size_t i = 0; i < src->n_env; i++) {
		char *kv = strdup(src->env[i]);

		if (kv)
			putenv(kv); /* the child's environment keeps it */
	}
	if (!src->library)
		pyn_fail(
			1,
			"listing a CUnit program's tests is not supported yet");
	if (pyn__module_open(&module, src->library, &e))
		pyn_fail(1, "%s", e.message);
	f = open_memstream(&buf, &len);
	if (!f)
		pyn_fail(1, "out of memory");
	if (src->cunit_info) {
		CU_SuiteInfo *s = pyn__module_symbol(module, src->cunit_info);

		if (!s)
			pyn_fail(1, "symbol '%s' not found in '%s'",
				 src->cunit_info, src->library);
		for (; s->pName; s++)
			for (CU_TestInfo *t = s->pTests; t && t->pName; t++)
				emit(f, s->pName, t->pName);
	}
	if (src->n_cunit_register) {
		/* CUnit comes with the library: use its registry. */
		CU_ErrorCode (*init)(void) =
			(CU_ErrorCode(*)(void))pyn__module_symbol(
				module, "CU_initialize_registry");
		CU_pTestRegistry (*get)(void) = (CU_pTestRegistry(*)(
			void))pyn__module_symbol(module, "CU_get_registry");

		if (!init || !get)
			pyn_fail(1, "'%s' does not link CUnit", src->library);
		if (init() != CUE_SUCCESS)
			pyn_fail(1, "cannot initialise the CUnit registry");
		for (size_t i = 0; i < src->n_cunit_register; i++) {
			void (*fn)(void) = (void (*)(void))pyn__module_symbol(
				module, src->cunit_register[i]);

			if (!fn)
				pyn_fail(1, "symbol '%s' not found in '%s'",
					 src->cunit_register[i], src->library);
			fn();
		}
		for (CU_pSuite s = get()->pSuite; s; s = s->pNext)
			for (CU_pTest t = s->pTest; t; t = t->pNext)
				emit(f, s->pName, t->pName);
	}
	if (fclose(f) || pyn_return(buf, len))
		pyn_fail(1, "cannot hand the test list back");
	free(buf);
}

/*
 * A program whose main() never got to CUnit while listing: one case,
 * "SUITE.(main)", that reports it (never run: running main() again
 * would only say it again, or worse, that "(main)" is no CUnit test).
 */
static int program_failed(const struct pyn_plan_source *src,
			  struct pyn_result *res, struct pyn_plan_case **cases,
			  size_t *n_cases, struct pyn_error *err)
{
	struct pyn_plan_case *out = calloc(1, sizeof(*out));
	const char *why = res->message[0] ? res->message : "no message";
	int n = -1;

	if (out && res->outcome == PYN_OUTCOME_FAIL) {
		/* list_program's own words: exit or signal. */
		out->outcome = PYN_OUTCOME_ERROR;
		n = asprintf(&out->message, "%s", why);
	} else if (out) {
		out->outcome = res->outcome == PYN_OUTCOME_ERROR ?
				       PYN_OUTCOME_ERROR :
				       res->outcome;
		n = asprintf(&out->message,
			     "main() of program '%s' did not get to its CUnit "
			     "run call within its start-up limits (the "
			     "suite's 'startup:'): %s: %s",
			     src->program, pyn_outcome_name(res->outcome), why);
	}
	if (n < 0 && out)
		out->message = NULL;
	fprintf(stderr,
		"pyntest: warning: cannot list the tests of suite '%s' (%s); "
		"it is reported as one test, '%s.%s'\n",
		src->suite, why, src->suite, PROGRAM_MAIN_TEST);
	pyn_result_release(res);
	if (out) {
		out->suite = strdup(src->suite);
		out->test = strdup(PROGRAM_MAIN_TEST);
	}
	if (!out || !out->suite || !out->test || !out->message) {
		if (out) {
			free(out->suite);
			free(out->test);
			free(out->message);
		}
		free(out);
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "out of memory");
	}
	*cases = out;
	*n_cases = 1;
	return 0;
}

int pyn__enumerate(void *user, const struct pyn_plan_source *src,
		   struct pyn_plan_case **cases, size_t *n_cases,
		   struct pyn_error *err)
{
	struct pyn_limits limits = PYN_LIMITS_INIT;
	struct pyn_plan_case *out = NULL;
	struct pyn_result res;
	size_t n = 0, cap = 0;
	const char *p, *end;
	int ret = 0;

	(void)user;
	*cases = NULL;
	*n_cases = 0;
	if (src->limits)
		limits = *src->limits;
	/* Listing is start-up: under the start-up limits, not a test's. */
	limits.wall_time_s = limits.startup_wall_time_s;
	limits.cpu_time_s = limits.startup_cpu_time_s;
	limits.memory_bytes = limits.startup_memory_bytes;
	limits.isolation = PYN_ISOLATION_FORK;
	res = (struct pyn_result)PYN_RESULT_INIT;
	if (src->program) {
		struct program_list pl = { src, NULL, NULL };

		ret = pyn__cunit_list_command(src->program, src->args,
					      src->n_args, src->env, src->n_env,
					      &pl.argv, &pl.envp, err);
		if (ret)
			return ret;
		ret = pyn_call(list_program, &pl, &limits, &res, err);
		pyn__cunit_command_free(pl.argv, pl.envp);
		if (ret)
			return ret;
		if (res.outcome != PYN_OUTCOME_PASS)
			return program_failed(src, &res, cases, n_cases, err);
	} else {
		ret = pyn_call(list_child, (void *)src, &limits, &res, err);
		if (ret)
			return ret;
	}
	if (res.outcome != PYN_OUTCOME_PASS) {
		/* pyn_fail() above says what went wrong; anything else is
		 * the library's doing (a crashing constructor, a hang). */
		if (res.outcome == PYN_OUTCOME_FAIL && res.message[0])
			ret = pyn_error_set(err, PYN_EMANIFEST, NULL, 0, 0,
					    "%s", res.message);
		else
			ret = pyn_error_set(err, PYN_EMANIFEST, NULL, 0, 0,
					    "%s while listing: %s",
					    pyn_outcome_name(res.outcome),
					    res.message[0] ? res.message :
							     "no message");
		goto out;
	}
	p = res.data;
	end = p ? p + res.size : p;
	while (p && p < end) {
		const char *suite = p, *test;

		test = memchr(suite, '\0', (size_t)(end - suite));
		if (!test++ || test >= end ||
		    !memchr(test, '\0', (size_t)(end - test)))
			break;
		p = test + strlen(test) + 1;
		if (n == cap) {
			struct pyn_plan_case *q;

			cap = cap ? 2 * cap : 32;
			q = realloc(out, cap * sizeof(*q));
			if (!q) {
				ret = PYN_ENOMEM;
				goto out;
			}
			out = q;
		}
		out[n].suite = strdup(suite);
		out[n].test = strdup(test);
		out[n].outcome = PYN_OUTCOME_PASS;
		out[n].message = NULL;
		n++;
		if (!out[n - 1].suite || !out[n - 1].test) {
			ret = PYN_ENOMEM;
			goto out;
		}
	}
	*cases = out;
	*n_cases = n;
	out = NULL;
out:
	if (out) {
		for (size_t i = 0; i < n; i++) {
			free(out[i].suite);
			free(out[i].test);
		}
		free(out);
	}
	pyn_result_release(&res);
	return ret;
}
