/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-registry.c - the plug-in host: built-ins, the host
 * table, module lookup, and every fixture plug-in accepted or refused
 * with its exact message.  The cgroup run directories and forced
 * providers are test-registry-providers.c's.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/cgroup.h"
#include "host/loader.h"
#include "host/registry.h"
#include "unit.h"

#define FIX(name) PYN_FIXTURE_LIMITER_DIR "/fixture_" name ".so"

static void test_builtins_in_order(void)
{
	static const char *const names[] = { "wall_time", "cpu_time", "memory",
					     "process_tree" };
	struct pyn_error err;
	size_t i, idx;

	CU_ASSERT_EQUAL_FATAL(pyn__registry_init(&err), 0);
	CU_ASSERT_EQUAL(pyn__registry_init(&err), 0); /* once only */
	CU_ASSERT_FATAL(pyn__registry_count() >= 4);
	for (i = 0; i < 4; i++) {
		const struct pyn__limiter_slot *s = pyn__registry_get(i);

		CU_ASSERT_STRING_EQUAL(s->limiter->name, names[i]);
		CU_ASSERT(s->builtin);
		CU_ASSERT_STRING_EQUAL(s->path, "");
		CU_ASSERT_PTR_EQUAL(pyn__registry_find(names[i], &idx), s);
		CU_ASSERT_EQUAL(idx, i);
		printf("\n    %-12s %s %s%s", s->limiter->name,
		       s->supported ? "supported by" : "unsupported:",
		       s->supported ? s->provider : "", s->why);
	}
	CU_ASSERT_PTR_NULL(pyn__registry_find("no_such", NULL));
	CU_ASSERT_PTR_NULL(pyn__registry_get(pyn__registry_count()));
	/* This machine (root, hybrid cgroups) supports all four. */
	CU_ASSERT(pyn__registry_find("wall_time", NULL)->supported);
	CU_ASSERT(pyn__registry_find("cpu_time", NULL)->supported);
	CU_ASSERT(pyn__registry_find("process_tree", NULL)->supported);
}

static void test_host_table(void)
{
	const struct pyn_host *h = pyn__registry_host();
	char want[32];

	CU_ASSERT_EQUAL(h->abi_version, PYN_LIMITER_ABI_VERSION);
	CU_ASSERT_EQUAL(h->struct_size, sizeof(struct pyn_host));
	CU_ASSERT_STRING_EQUAL(h->version, "0.1.0");
	snprintf(want, sizeof(want), "pyntest-%ld-", (long)getpid());
	CU_ASSERT_STRING_EQUAL(h->cgroup_prefix, want);
	CU_ASSERT_PTR_NULL(h->cgroup_parent("../etc"));
	CU_ASSERT_PTR_NULL(h->cgroup_parent("no_such_controller"));
	CU_ASSERT_STRING_NOT_EQUAL(pyn__cgroup_why("no_such_controller"), "");
}

static void expect_refused(const char *path, int code, const char *message)
{
	struct pyn_error err;
	size_t before = pyn__registry_count();

	memset(&err, 0, sizeof(err));
	CU_ASSERT_EQUAL(pyn__registry_add_plugin(path, &err), code);
	CU_ASSERT_STRING_EQUAL(err.message, message);
	if (strcmp(err.message, message) != 0)
		printf("\n    got:  %s\n    want: %s", err.message, message);
	CU_ASSERT_EQUAL(pyn__registry_count(), before);
}

static void test_newer_abi_refused(void)
{
	expect_refused(
		FIX("newer_abi"), PYN_EABI,
		"plug-in '" FIX(
			"newer_abi") "' limiter "
				     "'fixture_newer_abi' was built for limiter ABI 2; "
				     "this pyntest speaks ABI 1");
}

static void test_too_small_refused(void)
{
	char want[1024];

	snprintf(want, sizeof(want),
		 "plug-in '%s' limiter 'fixture_too_small' is too old: its "
		 "struct pyn_limiter has %zu bytes, limiter ABI 1 needs at "
		 "least %zu",
		 FIX("too_small"), offsetof(struct pyn_limiter, teardown),
		 offsetof(struct pyn_limiter, teardown) + sizeof(void *));
	expect_refused(FIX("too_small"), PYN_EABI, want);
}

static void test_missing_entry_refused(void)
{
	expect_refused(FIX("no_entry"), PYN_ESYMBOL,
		       "plug-in '" FIX("no_entry") "' has no entry point "
						   "'pyn_limiter_init'");
}

static void test_duplicate_refused(void)
{
	expect_refused(
		FIX("duplicate"), PYN_EABI,
		"plug-in '" FIX(
			"duplicate") "' limiter 'memory' "
				     "version 0.9: a limiter of that name is already "
				     "loaded from pyntest (built-in) (version 1.0)");
}

static void test_init_failure_refused(void)
{
	expect_refused(
		FIX("init_fails"), PYN_EABI,
		"plug-in '" FIX("init_fails") "' returned no limiter: "
					      "fixture: refusing to start");
}

static void test_missing_file_refused(void)
{
	struct pyn_error err;

	CU_ASSERT_EQUAL(pyn__registry_add_plugin(FIX("no_such_file"), &err),
			PYN_ELOAD);
	CU_ASSERT(strncmp(err.message, "cannot load plug-in '", 21) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "file not found"));
	printf("\n    %s", err.message);
}

static void test_old_struct_loads(void)
{
	const struct pyn__limiter_slot *s;
	struct pyn_error err;
	size_t n = pyn__registry_count(), idx;

	CU_ASSERT_EQUAL_FATAL(pyn__registry_add_plugin(FIX("old_struct"), &err),
			      0);
	CU_ASSERT_EQUAL(pyn__registry_count(), n + 1);
	s = pyn__registry_find("fixture_old_struct", &idx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(idx, n);
	CU_ASSERT(!s->builtin);
	CU_ASSERT(s->supported);
	CU_ASSERT(s->limiter->struct_size < sizeof(struct pyn_limiter));
	CU_ASSERT(!PYN_LIMITER_HAS(s->limiter, providers));
	CU_ASSERT_STRING_EQUAL(s->path, FIX("old_struct"));
	/* The same file again: nothing happens. */
	CU_ASSERT_EQUAL(pyn__registry_add_plugin(FIX("old_struct"), &err), 0);
	CU_ASSERT_EQUAL(pyn__registry_count(), n + 1);
	/* Extension optional, as for lt_dlopenext. */
	CU_ASSERT_EQUAL(pyn__registry_add_plugin(PYN_FIXTURE_LIMITER_DIR
						 "/fixture_old_struct",
						 &err),
			0);
	CU_ASSERT_EQUAL(pyn__registry_count(), n + 1);
}

/*
 * What a limiter enforces comes from its ABI (`enforces`), never its name
 * or its `provides`: the built-ins one field each, a plug-in built before
 * the field (release 0.1.0's struct) nothing, though it loads and calls
 * itself a wall-time limiter.
 */
static void test_enforcers(void)
{
	static const struct {
		unsigned what;
		const char *name;
	} builtin[] = {
		{ PYN_ENFORCES_WALL_TIME, "wall_time" },
		{ PYN_ENFORCES_CPU_TIME, "cpu_time" },
		{ PYN_ENFORCES_MEMORY, "memory" },
		{ PYN_ENFORCES_PROCESS_TREE, "process_tree" },
	};
	const struct pyn__limiter_slot *s;
	struct pyn_error err;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(pyn__registry_init(&err), 0);
	for (i = 0; i < 4; i++) {
		s = pyn__registry_enforcer(builtin[i].what);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_STRING_EQUAL(s->limiter->name, builtin[i].name);
		CU_ASSERT_EQUAL(s->enforces, builtin[i].what);
		CU_ASSERT_EQUAL(pyn__registry_limit(builtin[i].name),
				builtin[i].what);
		CU_ASSERT_STRING_EQUAL(
			pyn__registry_limit_name(builtin[i].what),
			builtin[i].name);
	}
	CU_ASSERT_PTR_NULL(pyn__registry_enforcer(0));
	CU_ASSERT_PTR_NULL(pyn__registry_enforcer(PYN_ENFORCES_WALL_TIME |
						  PYN_ENFORCES_MEMORY));
	CU_ASSERT_EQUAL(pyn__registry_limit("max_files"), 0);
	CU_ASSERT_PTR_NULL(pyn__registry_limit_name(0));

	CU_ASSERT_EQUAL_FATAL(
		pyn__registry_add_plugin(FIX("before_enforces"), &err), 0);
	s = pyn__registry_find("fixture_before_enforces", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(s->supported);
	CU_ASSERT_EQUAL(s->limiter->struct_size,
			offsetof(struct pyn_limiter, enforces));
	CU_ASSERT(PYN_LIMITER_HAS(s->limiter, deadline));
	CU_ASSERT(!PYN_LIMITER_HAS(s->limiter, enforces));
	CU_ASSERT(s->limiter->provides & PYN_PROVIDES_WALL_TIME);
	CU_ASSERT_EQUAL(s->enforces, 0);
	s = pyn__registry_enforcer(PYN_ENFORCES_WALL_TIME);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s->limiter->name, "wall_time");
}

static void test_null_hooks_load(void)
{
	const struct pyn__limiter_slot *s;
	struct pyn_error err;

	CU_ASSERT_EQUAL_FATAL(pyn__registry_add_plugin(FIX("null_hooks"), &err),
			      0);
	s = pyn__registry_find("fixture_null_hooks", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(s->supported);
	CU_ASSERT_PTR_NULL(s->limiter->setup);
	CU_ASSERT_PTR_NULL(s->limiter->apply);
}

/* Run a fixture's apply() in a child the way the engine does. */
static int apply_in_child(const char *name, char *msg, size_t msg_len)
{
	const struct pyn__limiter_slot *s = pyn__registry_find(name, NULL);
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (!s || pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char m[PYN_LIMITER_MESSAGE_MAX] = "";
		int r = s->limiter->apply(NULL, 0, m, sizeof(m));

		if (write(fds[1], m, strlen(m)) < 0)
			_exit(3);
		_exit(r == 0 ? 0 : 1);
	}
	close(fds[1]);
	n = read(fds[0], msg, msg_len - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return status;
}

static void test_failing_and_crashing_apply(void)
{
	struct pyn_limiter_request req;
	struct pyn_error err;
	char msg[512];
	void *state = (void *)1;
	int status;

	CU_ASSERT_EQUAL_FATAL(
		pyn__registry_add_plugin(FIX("failing_apply"), &err), 0);
	CU_ASSERT_EQUAL_FATAL(
		pyn__registry_add_plugin(FIX("crashing_apply"), &err), 0);
	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.configured = 1;
	CU_ASSERT_EQUAL(
		pyn__registry_find("fixture_failing_apply", NULL)
			->limiter->setup(&req, &state, msg, sizeof(msg)),
		0);
	status = apply_in_child("fixture_failing_apply", msg, sizeof(msg));
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CU_ASSERT_STRING_EQUAL(msg, "fixture: apply refused on purpose");
	status = apply_in_child("fixture_crashing_apply", msg, sizeof(msg));
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

static void test_out_of_tree_plugin(void)
{
	const char *path = getenv("PYN_TEST_OOT_PLUGIN");
	const struct pyn__limiter_slot *s;
	struct pyn_error err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	CU_ASSERT_EQUAL_FATAL(pyn__registry_add_plugin(path, &err), 0);
	s = pyn__registry_find("oot_files", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(s->supported);
	CU_ASSERT_STRING_EQUAL(s->limiter->keys[0], "count");
}

/*
 * pyn__module_function() answers what pyn__module_symbol() does for the
 * object's own plain functions (weak, and the default version, too) and
 * NULL for anything else, which the fork server then asks dlsym.
 */
static void test_own_functions(void)
{
	static const char *const same[] = { "sy_plain", "sy_weak",
					    "sy_calls_puts", "sy_versioned" };
	static const char *const other[] = {
		"sy_data", "sy_ifunc", "puts",
		"sy_old",  "sy_abs",   "sy_versioned_nowhere"
	};
	struct pyn__module *m = NULL, *sysv = NULL;
	void *abs;
	struct pyn_error err;
	void *p;
	size_t i;

	memset(&err, 0, sizeof(err));
	CU_ASSERT_EQUAL_FATAL(pyn__module_open(&m, FIX("symbols_gnu"), &err),
			      0);
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		p = pyn__module_function(m, same[i]);
		CU_ASSERT_PTR_NOT_NULL(p);
		CU_ASSERT_PTR_EQUAL(p, pyn__module_symbol(m, same[i]));
		if (!p || p != pyn__module_symbol(m, same[i]))
			printf("\n  %s: %p, dlsym %p\n", same[i], p,
			       pyn__module_symbol(m, same[i]));
	}
	/* The default version, not the hidden older one. */
	CU_ASSERT_PTR_EQUAL(pyn__module_function(m, "sy_versioned"),
			    pyn__module_symbol(m, "sy_versioned_v2"));
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		CU_ASSERT_PTR_NULL(pyn__module_function(m, other[i]));
		if (pyn__module_function(m, other[i]))
			printf("\n  %s found\n", other[i]);
	}
	/* An absolute address, not one in the object: dlsym's alone. */
	abs = pyn__module_symbol(m, "sy_abs");
	if (abs)
		CU_ASSERT_PTR_EQUAL(abs, (void *)0x1234);
	/* dlsym finds the first three, the lookup leaves them to it. */
	CU_ASSERT_PTR_NULL(pyn__module_symbol(m, "sy_old"));
	CU_ASSERT_PTR_NOT_NULL(pyn__module_symbol(m, "sy_data"));
	CU_ASSERT_PTR_NOT_NULL(pyn__module_symbol(m, "sy_ifunc"));
	CU_ASSERT_PTR_NOT_NULL(pyn__module_symbol(m, "puts"));
	CU_ASSERT_PTR_NULL(pyn__module_function(NULL, "sy_plain"));
	CU_ASSERT_PTR_NULL(pyn__module_function(m, NULL));
	/* Not both at once: the same data symbol twice is an ODR error. */
	pyn__module_close(m);

	/* No GNU hash table: nothing, every lookup is dlsym's. */
	CU_ASSERT_EQUAL_FATAL(
		pyn__module_open(&sysv, FIX("symbols_sysv"), &err), 0);
	CU_ASSERT_PTR_NULL(pyn__module_function(sysv, "sy_plain"));
	CU_ASSERT_PTR_NOT_NULL(pyn__module_symbol(sysv, "sy_plain"));
	pyn__module_close(sysv);
}

static void test_resolve(void)
{
	char out[4096];

	CU_ASSERT_EQUAL(pyn__module_resolve("fixture_old_struct",
					    PYN_FIXTURE_LIMITER_DIR, NULL, out,
					    sizeof(out)),
			0);
	CU_ASSERT_STRING_EQUAL(out, FIX("old_struct"));
	CU_ASSERT_EQUAL(pyn__module_resolve("fixture_old_struct",
					    "/nonexistent", NULL, out,
					    sizeof(out)),
			PYN_ENOTFOUND);
	setenv("PYN_TEST_SEARCH", "/nonexistent:" PYN_FIXTURE_LIMITER_DIR, 1);
	CU_ASSERT_EQUAL(pyn__module_resolve("fixture_null_hooks.so",
					    "/nonexistent", "PYN_TEST_SEARCH",
					    out, sizeof(out)),
			0);
	CU_ASSERT_STRING_EQUAL(out, FIX("null_hooks"));
}

static CU_TestInfo tests[] = {
	{ "built-ins registered in order and probed", test_builtins_in_order },
	{ "host table", test_host_table },
	{ "newer ABI refused", test_newer_abi_refused },
	{ "struct too small refused", test_too_small_refused },
	{ "missing entry point refused", test_missing_entry_refused },
	{ "duplicate name refused", test_duplicate_refused },
	{ "failing entry point refused", test_init_failure_refused },
	{ "missing file refused", test_missing_file_refused },
	{ "older struct size loads", test_old_struct_loads },
	{ "enforcers from the ABI; 0.1.0's struct enforces nothing",
	  test_enforcers },
	{ "NULL hooks load", test_null_hooks_load },
	{ "failing and crashing apply", test_failing_and_crashing_apply },
	{ "out-of-tree plug-in loads", test_out_of_tree_plugin },
	{ "module path resolution", test_resolve },
	{ "a module's own functions, without dlsym", test_own_functions },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "registry", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
