/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/providers.c - tests that tell the providers a user can
 * get apart (issue 20): many short passing tests (a fork server's pids
 * against the subreaper), allocations the machine could never give,
 * mmap past the limit, a child cgroup left behind, an escape into the
 * runner's process group, SIGXCPU raised by the test itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

/* fx_quick_000 .. fx_quick_299: nothing to do but pass, quickly. */
#define QUICK(n)                                                               \
	void fx_quick_##n(void);                                               \
	void fx_quick_##n(void)                                                \
	{                                                                      \
		CU_ASSERT(1);                                                  \
	}
#define QUICK10(n)                                                             \
	QUICK(n##0)                                                            \
	QUICK(n##1)                                                            \
	QUICK(n##2)                                                            \
	QUICK(n##3)                                                            \
	QUICK(n##4) QUICK(n##5) QUICK(n##6) QUICK(n##7) QUICK(n##8) QUICK(n##9)
#define QUICK100(n)                                                            \
	QUICK10(n##0)                                                          \
	QUICK10(n##1)                                                          \
	QUICK10(n##2)                                                          \
	QUICK10(n##3)                                                          \
	QUICK10(n##4)                                                          \
	QUICK10(n##5)                                                          \
	QUICK10(n##6) QUICK10(n##7) QUICK10(n##8) QUICK10(n##9)
QUICK100(0)
QUICK100(1)
QUICK100(2)

void fx_handled_alloc(void);
void fx_alloc_then_crash(void);
void fx_alloc_over_limit(void);
void fx_mmap_touch(void);
void fx_child_cgroup(void);
void fx_small(void);
void fx_join_runner_group(void);
void fx_raise_sigxcpu(void);

/* An allocation no machine gives: its failure is not the limit's doing. */
void fx_handled_alloc(void)
{
	void *p = malloc(SIZE_MAX / 4);

	CU_ASSERT_PTR_NULL(p);
	free(p);
	CU_ASSERT_EQUAL(1, 2);
}

void fx_alloc_then_crash(void)
{
	void *p = malloc(SIZE_MAX / 4);

	if (!p)
		raise(SIGSEGV);
	free(p);
}

/* 256 MB, handled, under a 64 MB limit: the limit refused it. */
void fx_alloc_over_limit(void)
{
	char *p = malloc((size_t)256 << 20);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(p, 1, (size_t)256 << 20);
	free(p);
}

/* 256 MB mapped and touched under a 64 MB limit. */
void fx_mmap_touch(void)
{
	size_t len = (size_t)256 << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CU_ASSERT_FATAL(p != MAP_FAILED);
	memset(p, 1, len);
	munmap(p, len);
}

/*
 * The directories of the test's cgroups it can leave a child cgroup in:
 * its memory (v1) one and its v2 one (hybrid: under unified/), from
 * /proc/self/cgroup; returns how many, at most 2.
 */
static int own_cgroups(char dirs[2][2048])
{
	char buf[4096], *line, *save = NULL;
	struct stat st;
	ssize_t n;
	int fd = open("/proc/self/cgroup", O_RDONLY), k = 0;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line && k < 2;
	     line = strtok_r(NULL, "\n", &save)) {
		char *ctl = strchr(line, ':'), *path;

		if (!ctl || !(path = strchr(ctl + 1, ':')))
			continue;
		*path++ = '\0';
		ctl++;
		if (strcmp(ctl, "memory") == 0)
			snprintf(dirs[k++], 2048, "/sys/fs/cgroup/memory%s",
				 path);
		else if (!ctl[0] &&
			 stat("/sys/fs/cgroup/unified/cgroup.procs", &st) == 0)
			snprintf(dirs[k++], 2048, "/sys/fs/cgroup/unified%s",
				 path);
		else if (!ctl[0])
			snprintf(dirs[k++], 2048, "/sys/fs/cgroup%s", path);
	}
	return k;
}

/*
 * Leaves a child cgroup in each of its own, with a process in it that
 * used 64 MB: the tests after it must not see either.
 */
void fx_child_cgroup(void)
{
	char dirs[2][2048], path[2200], pid[32];
	int i, k = own_cgroups(dirs), fd;
	pid_t c;

	for (i = 0; i < k; i++) {
		if (snprintf(path, sizeof(path), "%s/leftover", dirs[i]) >=
		    (int)sizeof(path))
			return;
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return;
	}
	c = fork();
	if (c == 0) {
		size_t len = (size_t)64 << 20;
		char *p;

		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		for (i = 0; i < k; i++) {
			if (snprintf(path, sizeof(path),
				     "%s/leftover/cgroup.procs",
				     dirs[i]) >= (int)sizeof(path))
				_exit(1);
			fd = open(path, O_WRONLY);
			if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
				_exit(1);
			close(fd);
		}
		p = malloc(len);
		if (p)
			memset(p, 1, len);
		for (;;)
			pause();
	}
	/* Give the child time to move and touch its memory. */
	usleep(300000);
}

void fx_small(void)
{
	char *p = malloc(1 << 20);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(p, 1, 1 << 20);
	free(p);
}

/*
 * A child that joins the process group of the test's parent (the runner,
 * which forkserver and fork both make the parent) and lives on.
 */
void fx_join_runner_group(void)
{
	pid_t group = getpgid(getppid());
	pid_t c = fork();

	if (c == 0) {
		setpgid(0, group);
		for (;;)
			pause();
	}
	usleep(100000);
}

void fx_raise_sigxcpu(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
	raise(SIGXCPU);
}
