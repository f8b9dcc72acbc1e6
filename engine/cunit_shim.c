/* SPDX-License-Identifier: MIT */
/*
 * engine/cunit_shim.c - libpyntest-cunit-shim.so, preloaded into an
 * unchanged CUnit test program (SPEC §2, "CUnit programs").
 *
 * The program's main() runs as usual: global set-up, registration,
 * argument handling.  This library defines CUnit's run entry points, so
 * the program's call to CU_basic_run_tests() (or any other) lands here
 * instead of in libcunit, and pyntest takes over in that process:
 *
 *   list    write "suite\0test\0" for the tests the call would run to the
 *           list fd, then exit;
 *   server  the engine's fork server (worker_server.c): one CLONE_PARENT
 *           child per test, each starting from the state main() left;
 *   run     (spawn) run the job page's one test right here.
 *
 * In server and run mode the program itself runs under the limits the
 * runner set up for it (loading mode for a server), and a main() that
 * returns or exits without calling CUnit says so in the page.  Preloaded,
 * the engine's CU_assertImplementation (cunit_hook.c) and allocator hook
 * (malloc.c) come before libcunit's and glibc's.  The shim never links
 * libcunit: it finds the program's registry with dlsym().
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Automated.h>
#include <CUnit/Basic.h>
#include <CUnit/Console.h>
#include <CUnit/CUnit.h>

#include <host/registry.h>

#include "cunit_exec.h"
#include "engine.h"
#include "harness.h"
#include "worker.h"

#define SHIM_API __attribute__((visibility("default")))

enum shim_mode { MODE_NONE = 0, MODE_LIST, MODE_SERVER, MODE_RUN };

static enum shim_mode mode;
static struct pyn__page *page; /* loading page (server), job page (run) */
static int chan = -1; /* list fd, server socket, or result fd */
static pid_t runner;
static int entered; /* main() reached a CUnit run call */
static char program[1024];
static struct rlimit saved_rlimits[RLIM_NLIMITS];

/* The fd the runner put at `fd`, moved out of the program's way. */
static int move_fd(int fd)
{
	int to = fcntl(fd, F_DUPFD_CLOEXEC, 200);

	if (to >= 0)
		close(fd);
	return to;
}

static __attribute__((noreturn)) void shim_fail(const char *what,
						const char *detail)
{
	if (page) {
		snprintf(page->setup_message, sizeof(page->setup_message),
			 "pyntest's CUnit shim in program '%s': %s%s", program,
			 what, detail ? detail : "");
		page->state = PYN_CHILD_SETUP_FAILED;
	}
	_exit(PYN__EXIT_SETUP);
}

static void load_plugins(const char *list)
{
	struct pyn_error err;
	char *copy, *p, *next;

	memset(&err, 0, sizeof(err));
	if (pyn__registry_init(&err) != 0)
		shim_fail("cannot set up the limiters: ", err.message);
	if (!list || !list[0])
		return;
	copy = strdup(list);
	if (!copy)
		shim_fail("out of memory", NULL);
	for (p = copy; p && *p; p = next) {
		next = strchr(p, ':');
		if (next)
			*next++ = '\0';
		if (pyn__registry_add_plugin(p, &err) != 0)
			shim_fail("cannot load a plug-in: ", err.message);
	}
	free(copy);
}

/* main() returned or called exit() before any CUnit run call. */
static void on_program_exit(int status, void *arg)
{
	(void)arg;
	if (entered || !page || mode == MODE_LIST)
		return;
	snprintf(page->setup_message, sizeof(page->setup_message),
		 "program '%s' exited with status %d before running any "
		 "CUnit test",
		 program, status);
	page->state = PYN_CHILD_SETUP_FAILED;
}

__attribute__((constructor)) static void shim_init(void)
{
	const char *m = getenv(PYN__CUNIT_ENV_MODE);
	const char *prev = getenv(PYN__CUNIT_ENV_PRELOAD);
	const char *prog = getenv(PYN__CUNIT_ENV_PROGRAM);
	char *plugins = NULL;
	uint64_t rss;

	if (!m)
		return;
	if (!strcmp(m, "list"))
		mode = MODE_LIST;
	else if (!strcmp(m, "server"))
		mode = MODE_SERVER;
	else if (!strcmp(m, "run"))
		mode = MODE_RUN;
	else
		return;
	snprintf(program, sizeof(program), "%s", prog ? prog : "?");
	if (getenv(PYN__CUNIT_ENV_PLUGINS))
		plugins = strdup(getenv(PYN__CUNIT_ENV_PLUGINS));
	/* Whatever the program starts must not meet the shim. */
	if (prev)
		setenv("LD_PRELOAD", prev, 1);
	else
		unsetenv("LD_PRELOAD");
	unsetenv(PYN__CUNIT_ENV_MODE);
	unsetenv(PYN__CUNIT_ENV_PRELOAD);
	unsetenv(PYN__CUNIT_ENV_PLUGINS);
	unsetenv(PYN__CUNIT_ENV_PROGRAM);

	runner = getppid();
	if (mode == MODE_LIST) {
		chan = move_fd(3);
		free(plugins);
		if (chan < 0)
			_exit(PYN__EXIT_SETUP);
		return;
	}
	page = pyn__page_map(3);
	if (!page || page->magic != PYN__PAGE_MAGIC)
		_exit(PYN__EXIT_SETUP);
	close(3);
	chan = move_fd(4);
	if (chan < 0)
		shim_fail("no channel to the runner on fd 4", NULL);
	load_plugins(plugins);
	free(plugins);
	on_exit(on_program_exit, NULL);
	if (mode == MODE_SERVER) {
		pyn__server_save_rlimits(saved_rlimits);
		page->limited = 0;
		pyn__child_apply(page);
	} else {
		/* The spawned test: main() runs under the test's limits. */
		pyn__page = page;
		pyn__result_fd = chan;
		pyn__child_apply(page);
		pyn__read_status(NULL, NULL, &rss);
		page->rss_at_start_bytes = rss;
	}
	page->state = PYN_CHILD_LOADING;
}

static int out_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int emit(const char *s)
{
	return out_all(chan, s, strlen(s) + 1);
}

/* The tests CUnit would run for this call, in registry order. */
static __attribute__((noreturn)) void list_tests(CU_pSuite only_suite,
						 CU_pTest only_test)
{
	CU_pTestRegistry (*get)(void);
	CU_pTestRegistry reg;
	CU_pSuite s;
	CU_pTest t;
	int bad = 0;

	*(void **)&get = dlsym(RTLD_DEFAULT, "CU_get_registry");
	reg = get ? get() : NULL;
	bad |= emit(PYN__CUNIT_LIST_MAGIC);
	for (s = reg ? reg->pSuite : NULL; s && !bad; s = s->pNext) {
		if ((only_suite && s != only_suite) || !s->fActive)
			continue;
		for (t = s->pTest; t && !bad; t = t->pNext) {
			if ((only_test && t != only_test) || !t->fActive)
				continue;
			bad |= emit(s->pName ? s->pName : "");
			bad |= emit(t->pName ? t->pName : "");
		}
	}
	_exit(bad ? PYN__EXIT_SETUP : 0);
}

static CU_ErrorCode take_over(CU_pSuite suite, CU_pTest test)
{
	entered = 1;
	switch (mode) {
	case MODE_LIST:
		list_tests(suite, test);
	case MODE_SERVER:
		/* What main() printed must not reach every test's output. */
		fflush(NULL);
		pyn__server_restore_rlimits(saved_rlimits);
		page->state = PYN_CHILD_RETURNED;
		_exit(pyn__server_serve(NULL, chan, runner, page));
	case MODE_RUN:
		fflush(NULL);
		pyn__child_prepare(page, chan, -1, -1, 0, false);
		pyn__child_run(page, NULL, NULL, NULL);
	case MODE_NONE:
		break;
	}
	return CUE_SUCCESS;
}

/*
 * CUnit's basic and console runs make stdout unbuffered before their
 * first test (Basic.c, Console.c): so do their tests here.
 */
static CU_ErrorCode take_over_unbuffered(CU_pSuite suite, CU_pTest test)
{
	if (mode == MODE_SERVER || mode == MODE_RUN) {
		fflush(stdout);
		setvbuf(stdout, NULL, _IONBF, 0);
	}
	return take_over(suite, test);
}

/* Outside pyntest (no mode), every entry point is libcunit's. */
#define NEXT(type, name) ((type)dlsym(RTLD_NEXT, name))

SHIM_API CU_ErrorCode CU_basic_run_tests(void)
{
	if (mode == MODE_NONE)
		return NEXT(CU_ErrorCode(*)(void), "CU_basic_run_tests")();
	return take_over_unbuffered(NULL, NULL);
}

SHIM_API CU_ErrorCode CU_basic_run_suite(CU_pSuite pSuite)
{
	if (mode == MODE_NONE)
		return NEXT(CU_ErrorCode(*)(CU_pSuite),
			    "CU_basic_run_suite")(pSuite);
	return take_over_unbuffered(pSuite, NULL);
}

SHIM_API CU_ErrorCode CU_basic_run_test(CU_pSuite pSuite, CU_pTest pTest)
{
	if (mode == MODE_NONE)
		return NEXT(CU_ErrorCode(*)(CU_pSuite, CU_pTest),
			    "CU_basic_run_test")(pSuite, pTest);
	return take_over_unbuffered(pSuite, pTest);
}

SHIM_API CU_ErrorCode CU_run_all_tests(void)
{
	if (mode == MODE_NONE)
		return NEXT(CU_ErrorCode(*)(void), "CU_run_all_tests")();
	return take_over(NULL, NULL);
}

SHIM_API CU_ErrorCode CU_run_suite(CU_pSuite pSuite)
{
	if (mode == MODE_NONE)
		return NEXT(CU_ErrorCode(*)(CU_pSuite), "CU_run_suite")(pSuite);
	return take_over(pSuite, NULL);
}

SHIM_API CU_ErrorCode CU_run_test(CU_pSuite pSuite, CU_pTest pTest)
{
	if (mode == MODE_NONE)
		return NEXT(CU_ErrorCode(*)(CU_pSuite, CU_pTest),
			    "CU_run_test")(pSuite, pTest);
	return take_over(pSuite, pTest);
}

SHIM_API void CU_console_run_tests(void)
{
	if (mode == MODE_NONE) {
		NEXT(void (*)(void), "CU_console_run_tests")();
		return;
	}
	take_over_unbuffered(NULL, NULL);
}

SHIM_API void CU_automated_run_tests(void)
{
	if (mode == MODE_NONE) {
		NEXT(void (*)(void), "CU_automated_run_tests")();
		return;
	}
	take_over(NULL, NULL);
}

/* CUCurses.h needs curses; the prototype is all we use. */
SHIM_API void CU_curses_run_tests(void);
SHIM_API void CU_curses_run_tests(void)
{
	void (*next)(void);

	if (mode == MODE_NONE) {
		next = NEXT(void (*)(void), "CU_curses_run_tests");
		if (next)
			next();
		return;
	}
	take_over(NULL, NULL);
}
