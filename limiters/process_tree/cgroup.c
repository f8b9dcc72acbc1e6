/* SPDX-License-Identifier: MIT */
/*
 * limiters/process_tree/cgroup.c - the cgroup2 provider: count and kill
 * a test's cgroup, read its CPU, keep an empty one for the token's next
 * test.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "limiters/process_tree/internal.h"
#include "limiters/util.h"

unsigned pyn__tree_cgroup_procs(const char *dir)
{
	char path[PATH_MAX], buf[16384];
	unsigned n = 0;
	const char *p;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (lim_read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	for (p = buf; *p; p++) {
		uint64_t pid = lim_parse_u64(p, &p);

		if (pid > 0 && pyn__tree_is_running((pid_t)pid))
			n++;
		if (!*p)
			break;
	}
	return n;
}

static bool cgroup_populated(const char *events)
{
	char buf[512];

	if (lim_read_file(events, buf, sizeof(buf)) < 0)
		return false;
	return lim_key_value(buf, "populated") > 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Kill every process of the cgroup `dir`; with `wait`, also wait (at most
 * 2 s) until none is left.  Returns how many were running.
 */
unsigned pyn__tree_cgroup_kill(const char *dir, bool wait, bool *empty,
			       bool *wrote)
{
	char path[PATH_MAX], events[PATH_MAX], buf[64];
	double deadline = now_s() + 2.0;
	struct pollfd pfd;
	unsigned n;

	/* The common case, a test that left nothing: one small read. */
	snprintf(events, sizeof(events), "%s/cgroup.events", dir);
	if (empty)
		*empty = false;
	if (!cgroup_populated(events)) {
		if (empty)
			*empty = true;
		return 0;
	}
	n = pyn__tree_cgroup_procs(dir);
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (wrote)
		*wrote = true;
	if (lim_write_file(path, "1") < 0 && pyn__tree_host) {
		snprintf(buf, sizeof(buf), "cgroup.kill failed: errno %d",
			 errno);
		pyn__tree_host->log("process_tree", buf);
	}
	if (!wait)
		return n;
	pfd.fd = open(events, O_RDONLY | O_CLOEXEC);
	if (pfd.fd < 0)
		return n;
	pfd.events = POLLPRI;
	/* cgroup.events signals POLLPRI when "populated" changes. */
	while (cgroup_populated(events)) {
		double left = deadline - now_s();

		if (left <= 0) {
			if (pyn__tree_host)
				pyn__tree_host->log(
					"process_tree",
					"processes survived cgroup.kill for 2 s");
			close(pfd.fd);
			return n;
		}
		poll(&pfd, 1, (int)(left * 1000) + 1);
		lseek(pfd.fd, 0, SEEK_SET);
		if (read(pfd.fd, buf, sizeof(buf)) < 0) {
			close(pfd.fd);
			return n;
		}
	}
	close(pfd.fd);
	if (empty)
		*empty = true;
	return n;
}

/* usage_usec of the cgroup's cpu.stat, in seconds; < 0: unknown. */
double pyn__tree_cgroup_cpu(const char *dir)
{
	char path[PATH_MAX], buf[512];
	int64_t usec;

	snprintf(path, sizeof(path), "%s/cpu.stat", dir);
	if (lim_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	usec = lim_key_value(buf, "usage_usec");
	return usec >= 0 ? (double)usec / 1e6 : -1;
}

/* The test's share of its cgroup's cpu.stat; < 0: unknown. */
double pyn__tree_cpu(const struct pyn__tree_state *s)
{
	double used = pyn__tree_cgroup_cpu(s->dir);

	if (used < 0)
		return used;
	used -= s->cpu_base_s;
	return used > 0 ? used : 0;
}

/*
 * Cgroups kept by teardown() for the next test of their token, and where
 * their cpu.stat stood: that test then makes and reads nothing before it
 * starts.  (No file stays open: a runner's fds are its user's to count.)
 */
#define KEPT_MAX 32
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kept {
	unsigned token; /* 0: a free entry */
	double cpu_s;
	char dir[PATH_MAX];
} kept[KEPT_MAX];

/*
 * Take the kept cgroup of `token` into `s`; 1 when there was one.  With
 * `use` 0 only forget it (the cgroup stays).
 */
int pyn__tree_kept_take(unsigned token, struct pyn__tree_state *s, int use)
{
	int found = 0;
	size_t i;

	pthread_mutex_lock(&kept_lock);
	for (i = 0; i < KEPT_MAX && !found; i++) {
		if (kept[i].token != token)
			continue;
		found = 1;
		kept[i].token = 0;
		if (!use)
			break;
		memcpy(s->dir, kept[i].dir, sizeof(s->dir));
		s->cpu_base_s = kept[i].cpu_s;
	}
	pthread_mutex_unlock(&kept_lock);
	return found;
}

/* Keep the (empty) cgroup of `s` for its token's next test; 1 if kept. */
int pyn__tree_kept_put(struct pyn__tree_state *s)
{
	double used;
	size_t i;

	used = s->cpu_last_s >= 0 ? s->cpu_last_s : pyn__tree_cpu(s);
	if (used < 0)
		return 0;
	pthread_mutex_lock(&kept_lock);
	for (i = 0; i < KEPT_MAX && kept[i].token; i++)
		;
	if (i < KEPT_MAX) {
		kept[i].token = s->token;
		kept[i].cpu_s = s->cpu_base_s + used;
		memcpy(kept[i].dir, s->dir, sizeof(kept[i].dir));
	}
	pthread_mutex_unlock(&kept_lock);
	return i < KEPT_MAX;
}
