/* SPDX-License-Identifier: MIT */
/*
 * tests/fidelity/probe.c - what a test's process sees when it starts:
 * errno, signal dispositions and mask, umask, cwd, the environment's
 * names, rlimits, locale, stdio buffering and open fds, written as
 * "key value" lines to $PYN_FID_OUT/TAG (tests/e2e/fidelity.py).
 *
 * The same code is a plain test library (fid_setup, fid_test), a CUnit
 * library (fid_suites: suite init fid_init, test fid_cu_test), the CUnit
 * program fid_prog (fid_main.c) and, called from a plain main(), the
 * baseline of what a fresh program would see (fid_driver.c).
 */
#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "probe.h"

static const struct {
	int res;
	const char *name;
} limits[] = {
	{ RLIMIT_AS, "as" },
	{ RLIMIT_CORE, "core" },
	{ RLIMIT_CPU, "cpu" },
	{ RLIMIT_DATA, "data" },
	{ RLIMIT_FSIZE, "fsize" },
	{ RLIMIT_MEMLOCK, "memlock" },
	{ RLIMIT_NOFILE, "nofile" },
	{ RLIMIT_NPROC, "nproc" },
	{ RLIMIT_RSS, "rss" },
	{ RLIMIT_STACK, "stack" },
	{ RLIMIT_MSGQUEUE, "msgqueue" },
	{ RLIMIT_NICE, "nice" },
	{ RLIMIT_RTPRIO, "rtprio" },
	{ RLIMIT_SIGPENDING, "sigpending" },
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "stdout full|line|none": its buffering mode, as glibc keeps it. */
static const char *buffering(FILE *f)
{
	if (__flbf(f))
		return "line";
	/* glibc: _IO_UNBUFFERED is 0x2 in _flags. */
	if (f->_flags & 0x2)
		return "none";
	return "full";
}

static void put_fds(FILE *out, const int *fds, int n)
{
	char path[64], target[256];
	ssize_t len;
	int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
		len = readlink(path, target, sizeof(target) - 1);
		target[len > 0 ? len : 0] = '\0';
		/* A pipe's or a memfd's inode says nothing: its kind does. */
		if (strncmp(target, "pipe:", 5) == 0)
			strcpy(target, "pipe");
		fprintf(out, "fd %d %s\n", fds[i], target);
	}
}

void fid_record(const char *tag, int err)
{
	char path[4096], cwd[4096];
	const char *dir = getenv("PYN_FID_OUT");
	char *names[512];
	int fds[256], n_fds = 0, n_names = 0, i, sig;
	struct sigaction sa;
	struct dirent *d;
	struct rlimit rl;
	sigset_t mask;
	mode_t um;
	FILE *out;
	DIR *fdir;

	/* The fds first: anything opened below is the probe's own. */
	fdir = opendir("/proc/self/fd");
	while (fdir && (d = readdir(fdir)) && n_fds < 256)
		if (d->d_name[0] != '.' && atoi(d->d_name) != dirfd(fdir))
			fds[n_fds++] = atoi(d->d_name);
	if (fdir)
		closedir(fdir);
	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, tag);
	out = fopen(path, "w");
	if (!out)
		return;
	fprintf(out, "errno %d\n", err);
	for (sig = 1; sig < NSIG; sig++) {
		if (sigaction(sig, NULL, &sa) != 0)
			continue;
		if (sa.sa_handler == SIG_IGN)
			fprintf(out, "signal %d ignored\n", sig);
		else if (sa.sa_handler != SIG_DFL)
			fprintf(out, "signal %d handled\n", sig);
	}
	sigprocmask(SIG_SETMASK, NULL, &mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&mask, sig) == 1)
			fprintf(out, "blocked %d\n", sig);
	um = umask(022);
	umask(um);
	fprintf(out, "umask %03o\n", (unsigned)um);
	fprintf(out, "cwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	for (i = 0; environ[i] && n_names < 512; i++)
		names[n_names++] =
			strndup(environ[i], strcspn(environ[i], "="));
	qsort(names, (size_t)n_names, sizeof(names[0]), by_name);
	for (i = 0; i < n_names; i++) {
		fprintf(out, "env %s\n", names[i]);
		free(names[i]);
	}
	for (i = 0; i < (int)(sizeof(limits) / sizeof(limits[0])); i++)
		if (getrlimit(limits[i].res, &rl) == 0)
			fprintf(out, "rlimit %s %lld %lld\n", limits[i].name,
				(long long)rl.rlim_cur, (long long)rl.rlim_max);
	fprintf(out, "locale %s\n", setlocale(LC_ALL, NULL));
	fprintf(out, "stdout %s\n", buffering(stdout));
	fprintf(out, "stderr %s\n", buffering(stderr));
	put_fds(out, fds, n_fds);
	fclose(out);
}

/* A plain test library: setup and test. */
void fid_setup(void)
{
	int err = errno;

	fid_record("setup", err);
}

void fid_test(void)
{
	int err = errno;

	fid_record("test", err);
}

/* A CUnit suite: its init and its test. */
int fid_init(void)
{
	int err = errno;

	fid_record("init", err);
	return 0;
}

void fid_cu_test(void)
{
	int err = errno;

	fid_record("cu_test", err);
}

static CU_TestInfo fid_tests[] = {
	{ "cu_test", fid_cu_test },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo fid_suites[] = {
	{ "fid", fid_init, NULL, NULL, NULL, fid_tests },
	CU_SUITE_INFO_NULL,
};
