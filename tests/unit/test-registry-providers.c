/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-registry-providers.c - the plug-in host's providers in
 * a fresh process each: cgroup run directories (made, reused, removed)
 * and providers forced by PYNTEST_PROVIDERS or by a call.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/cgroup.h"
#include "host/registry.h"
#include "unit.h"

static int in_child(const char *name, const char *providers);

/* A run directory named after the runner, created once and reused. */
static void test_cgroup_parent(void)
{
	const struct pyn_host *h = pyn__registry_host();
	const char *u = h->cgroup_parent("unified");
	const char *m = h->cgroup_parent("memory");
	char suffix[32];

	snprintf(suffix, sizeof(suffix), "/pyntest-%ld", (long)getpid());
	printf("\n    unified: %s\n    memory: %s", u ? u : "(none)",
	       m ? m : pyn__cgroup_why("memory"));
	if (!u || !m) {
		pyn_unit_skip("no writable cgroups here: %s",
			      pyn__cgroup_why(u ? "memory" : "unified"));
		return;
	}
	CU_ASSERT_PTR_EQUAL(h->cgroup_parent("unified"), u);
	CU_ASSERT(strlen(u) > strlen(suffix) &&
		  strcmp(u + strlen(u) - strlen(suffix), suffix) == 0);
	CU_ASSERT(access(u, W_OK) == 0);
	CU_ASSERT(access(m, W_OK) == 0);
	CU_ASSERT(strncmp(m, "/sys/fs/cgroup/memory/", 22) == 0);
}

/* A stale run directory of a dead runner is removed at start. */
static void test_stale_cgroup_removed(void)
{
	char base[4096], stale[4200];
	const char *u = pyn__registry_host()->cgroup_parent("unified");
	pid_t dead;

	if (!u) {
		pyn_unit_skip("no writable cgroup v2 hierarchy: %s",
			      pyn__cgroup_why("unified"));
		return;
	}
	/* A pid that surely is dead: a reaped child's. */
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	snprintf(base, sizeof(base), "%s", u);
	*strrchr(base, '/') = '\0';
	snprintf(stale, sizeof(stale), "%s/pyntest-%ld", base, (long)dead);
	CU_ASSERT_EQUAL_FATAL(mkdir(stale, 0755), 0);
	strcat(stale, "/pyntest-1-7");
	CU_ASSERT_EQUAL_FATAL(mkdir(stale, 0755), 0);
	/* A fresh registry (new process) cleans the parent on first use. */
	CU_ASSERT_EQUAL(in_child("fresh_unified", NULL), 0);
	*strrchr(stale, '/') = '\0';
	CU_ASSERT_NOT_EQUAL(access(stale, F_OK), 0);
	if (access(stale, F_OK) == 0)
		rmdir(stale);
}

/*
 * Runs mode `name` in a fresh process: the registry is process-global and
 * initialised once, so a fork would inherit this one.  The test program
 * re-executes itself; child_mode() below runs the mode before main().
 */
static int in_child(const char *name, const char *providers)
{
	char *const argv[] = { "test-registry-providers", NULL };
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setenv("PYN_TEST_REGISTRY_MODE", name, 1);
		if (providers)
			setenv("PYNTEST_PROVIDERS", providers, 1);
		else
			unsetenv("PYNTEST_PROVIDERS");
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static int fresh_unified(void)
{
	const char *out = getenv("PYN_TEST_OUT"), *dir;
	struct pyn_error err;
	FILE *f;

	if (pyn__registry_init(&err) != 0)
		return 2;
	dir = pyn__registry_host()->cgroup_parent("unified");
	if (!dir)
		return 3;
	if (out) {
		f = fopen(out, "w");
		if (!f)
			return 4;
		fprintf(f, "%s", dir);
		fclose(f);
	}
	return access(dir, W_OK) == 0 ? 0 : 5;
}

/*
 * Probing alone leaves no run directory behind (a fork server never runs
 * atexit handlers when it is killed); asking for it creates it again.
 */
static int probe_only(void)
{
	const char *dir;
	struct pyn_error err;
	char path[128];

	if (pyn__registry_init(&err) != 0)
		return 2;
	/* This machine: hybrid, the runner in "0::/". */
	snprintf(path, sizeof(path), "/sys/fs/cgroup/unified/pyntest-%ld",
		 (long)getpid());
	if (access(path, F_OK) == 0)
		return 3;
	dir = pyn__registry_host()->cgroup_parent("unified");
	if (!dir || strcmp(dir, path) != 0 || access(dir, W_OK) != 0)
		return 4;
	return rmdir(dir) == 0 ? 0 : 5;
}

static void test_probe_leaves_no_run_dir(void)
{
	if (access("/sys/fs/cgroup/unified/cgroup.procs", W_OK) != 0 ||
	    !pyn__registry_host()->cgroup_parent("unified")) {
		pyn_unit_skip("needs the writable hybrid v2 mount "
			      "(/sys/fs/cgroup/unified)");
		return;
	}
	CU_ASSERT_EQUAL(in_child("probe_only", NULL), 0);
}

/* The run directory of a runner goes when it exits. */
static void test_run_dir_removed_at_exit(void)
{
	char out[] = "/tmp/pyn-registry-XXXXXX", dir[4096] = "";
	int fd = mkstemp(out);
	ssize_t n;

	CU_ASSERT_FATAL(fd >= 0);
	if (!pyn__registry_host()->cgroup_parent("unified")) {
		pyn_unit_skip("%s", pyn__cgroup_why("unified"));
		close(fd);
		unlink(out);
		return;
	}
	setenv("PYN_TEST_OUT", out, 1);
	CU_ASSERT_EQUAL(in_child("fresh_unified", NULL), 0);
	unsetenv("PYN_TEST_OUT");
	n = read(fd, dir, sizeof(dir) - 1);
	close(fd);
	unlink(out);
	dir[n > 0 ? n : 0] = '\0';
	printf("\n    %s", dir);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_NOT_EQUAL(access(dir, F_OK), 0);
}

static int forced_from_env(void)
{
	const struct pyn__limiter_slot *m, *t;
	struct pyn_error err;

	if (pyn__registry_init(&err) != 0)
		return 1;
	m = pyn__registry_find("memory", NULL);
	t = pyn__registry_find("process_tree", NULL);
	printf("\n    forced: memory %s%s, process_tree %s%s", m->provider,
	       m->why, t->provider, t->why);
	/* rlimit is refused under a sanitizer: say so, and the reason. */
	if (!m->supported && strstr(m->why, "sanitizer"))
		return strcmp(t->provider, "subreaper") ? 2 : 0;
	if (!m->supported || strcmp(m->provider, "rlimit") != 0)
		return 3;
	return strcmp(t->provider, "subreaper") ? 4 : 0;
}

static int forced_by_call(void)
{
	const struct pyn__limiter_slot *m;
	struct pyn_error err;

	if (pyn__registry_force("memory", "cgroup1", &err) != 0 ||
	    pyn__registry_init(&err) != 0)
		return 1;
	m = pyn__registry_find("memory", NULL);
	printf("\n    forced cgroup1: %s%s", m->provider, m->why);
	if (!m->supported)
		return strncmp(m->why, "cgroup1: ", 9) == 0 ? 0 : 2;
	return strcmp(m->provider, "cgroup1") ? 3 : 0;
}

static int forced_unsupported(void)
{
	const struct pyn__limiter_slot *m;
	struct pyn_error err;

	if (pyn__registry_init(&err) != 0)
		return 1;
	m = pyn__registry_find("memory", NULL);
	printf("\n    forced cgroup2: %s", m->supported ? m->provider : m->why);
	/* The hybrid test machine has no v2 memory controller. */
	if (m->supported)
		return strcmp(m->provider, "cgroup2") ? 2 : 0;
	return strncmp(m->why, "cgroup2: ", 9) == 0 && m->provider[0] == '\0' ?
		       0 :
		       3;
}

static int forced_unknown(void)
{
	const struct pyn__limiter_slot *m;
	struct pyn_error err;

	if (pyn__registry_init(&err) != 0)
		return 1;
	m = pyn__registry_find("memory", NULL);
	if (m->supported)
		return 2;
	return strcmp(m->why, "unknown provider 'cgroup3' (known: cgroup2 "
			      "cgroup1 rlimit)") ?
		       3 :
		       0;
}

static int forced_malformed(void)
{
	struct pyn_error err;

	if (pyn__registry_init(&err) != PYN_EUSAGE)
		return 1;
	return strcmp(err.message, "invalid PYNTEST_PROVIDERS entry 'memory': "
				   "expected LIMITER=PROVIDER") ?
		       2 :
		       0;
}

static void test_forced_providers(void)
{
	CU_ASSERT_EQUAL(in_child("forced_from_env",
				 "memory=rlimit,process_tree=subreaper"),
			0);
	CU_ASSERT_EQUAL(in_child("forced_by_call", NULL), 0);
	CU_ASSERT_EQUAL(in_child("forced_unsupported", "memory=cgroup2"), 0);
	CU_ASSERT_EQUAL(in_child("forced_unknown", "memory=cgroup3"), 0);
	CU_ASSERT_EQUAL(in_child("forced_malformed", "memory"), 0);
	/* The modes really run: an unknown one fails. */
	CU_ASSERT_EQUAL(in_child("no_such_mode", NULL), 101);
}

static const struct {
	const char *name;
	int (*fn)(void);
} modes[] = {
	{ "fresh_unified", fresh_unified },
	{ "probe_only", probe_only },
	{ "forced_from_env", forced_from_env },
	{ "forced_by_call", forced_by_call },
	{ "forced_unsupported", forced_unsupported },
	{ "forced_unknown", forced_unknown },
	{ "forced_malformed", forced_malformed },
};

__attribute__((constructor)) static void child_mode(void)
{
	const char *m = getenv("PYN_TEST_REGISTRY_MODE");
	size_t i;
	int ret = 101;

	if (!m)
		return;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(modes[i].name, m) == 0)
			ret = modes[i].fn();
	fflush(stdout);
	exit(ret);
}

static CU_TestInfo tests[] = {
	/* Parts (tests/limiters.cmake): each may skip here. */
	{ "cgroup.run_dirs", test_cgroup_parent },
	{ "cgroup.stale_run_dir", test_stale_cgroup_removed },
	{ "cgroup.run_dir_at_exit", test_run_dir_removed_at_exit },
	{ "cgroup.probe_no_run_dir", test_probe_leaves_no_run_dir },
	{ "forced providers", test_forced_providers },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "registry-providers", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
