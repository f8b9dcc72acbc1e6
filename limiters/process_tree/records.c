/* SPDX-License-Identifier: MIT */
/*
 * limiters/process_tree/records.c - the tests running now (never taken
 * for orphans), and the subreaper's record of their process groups that
 * the next run uses when this one was killed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limiters/process_tree/internal.h"

/* Pids of tests between started() and teardown(): never orphans. */
#define LIVE_MAX 256
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t live[LIVE_MAX];

/*
 * The subreaper's record of its tests' process groups, for the next run
 * when this one is killed (SIGKILL): its orphans then go to init, out
 * of reach but in the test's process group.  A file per runner,
 * "subreaper-PID-START" in $XDG_RUNTIME_DIR/pyntest or /tmp/pyntest-UID
 * (0700), mapped: one slot per live[] entry, written without a system
 * call.  The next run that probes the subreaper kills the groups of a
 * runner that is gone and removes its file; a runner that ends removes
 * its own.
 */
struct group_slot {
	int32_t pgid; /* the test's pid: its process group */
	int32_t unused;
	uint64_t start; /* the test's start time (clock ticks after boot) */
};

static struct group_slot *slots;
static char slots_path[PATH_MAX];
static pid_t slots_owner;

static int record_dir(char *dir, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (xdg && xdg[0] == '/')
		snprintf(dir, len, "%s/pyntest", xdg);
	else
		snprintf(dir, len, "/tmp/pyntest-%u", (unsigned)getuid());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	/* Ours alone: not a link, not another user's. */
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid() || (st.st_mode & 0077))
		return -1;
	return 0;
}

static void slots_remove(void)
{
	if (slots && getpid() == slots_owner)
		unlink(slots_path);
}

static void slot_set(size_t i, pid_t pid, unsigned long long start)
{
	if (!slots || i >= LIVE_MAX)
		return;
	__atomic_store_n(&slots[i].start, (uint64_t)start, __ATOMIC_RELAXED);
	__atomic_store_n(&slots[i].pgid, (int32_t)pid, __ATOMIC_RELEASE);
}

void pyn__tree_live_set(pid_t old, pid_t pid, unsigned long long start)
{
	size_t i;

	pthread_mutex_lock(&live_lock);
	for (i = 0; i < LIVE_MAX; i++) {
		if (live[i] == old) {
			live[i] = pid;
			slot_set(i, pid, start);
			break;
		}
	}
	pthread_mutex_unlock(&live_lock);
}

bool pyn__tree_live_has(pid_t pid)
{
	bool found = false;
	size_t i;

	pthread_mutex_lock(&live_lock);
	for (i = 0; i < LIVE_MAX && !found; i++)
		found = live[i] == pid;
	pthread_mutex_unlock(&live_lock);
	return found;
}

/* ---- a dead runner's tests ------------------------------------------ */

/* Map this runner's record (once); without one, nothing is recorded. */
void pyn__tree_slots_open(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	char dir[PATH_MAX];
	struct pyn__tree_proc_stat me;
	void *p;
	int fd;

	pthread_mutex_lock(&lock);
	if (slots_owner == getpid() || record_dir(dir, sizeof(dir)) < 0 ||
	    pyn__tree_proc_stat(getpid(), &me) < 0)
		goto out;
	slots_owner = getpid();
	snprintf(slots_path, sizeof(slots_path), "%s/subreaper-%d-%llu", dir,
		 (int)getpid(), me.start);
	fd = open(slots_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (ftruncate(fd, sizeof(struct group_slot) * LIVE_MAX) == 0) {
		p = mmap(NULL, sizeof(struct group_slot) * LIVE_MAX,
			 PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			slots = p;
			atexit(slots_remove);
		}
	}
	close(fd);
	if (!slots)
		unlink(slots_path);
out:
	pthread_mutex_unlock(&lock);
}

/*
 * Kill the process groups of the tests a runner that is gone was running
 * (its record in `path`): a group whose leader's pid now names a process
 * started at another time is someone else's (a pid stays taken while its
 * process group lives, so a group without its leader is still the test's).
 */
static void kill_recorded(const char *path)
{
	struct group_slot g[LIVE_MAX];
	struct pyn__tree_proc_stat st;
	ssize_t n;
	size_t i;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	n = read(fd, g, sizeof(g));
	close(fd);
	for (i = 0; n > 0 && i < (size_t)n / sizeof(g[0]); i++) {
		if (g[i].pgid <= 1)
			continue;
		if (pyn__tree_proc_stat(g[i].pgid, &st) == 0 &&
		    st.start != g[i].start)
			continue;
		killpg(g[i].pgid, SIGKILL);
	}
	unlink(path);
}

/* The records of runners that are gone (pid gone, or another process). */
void pyn__tree_kill_dead_runners(void)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct pyn__tree_proc_stat st;
	unsigned long long start;
	struct dirent *de;
	int pid;
	DIR *d;

	if (record_dir(dir, sizeof(dir)) < 0)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (sscanf(de->d_name, "subreaper-%d-%llu", &pid, &start) !=
			    2 ||
		    pid == getpid())
			continue;
		if (pyn__tree_proc_stat(pid, &st) == 0 && st.start == start)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		kill_recorded(path);
	}
	closedir(d);
}
