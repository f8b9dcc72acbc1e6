/* SPDX-License-Identifier: MIT */
/*
 * host/cgroup.c - the run directories under which limiters make their
 * per-test cgroups (host->cgroup_parent()): finding where this process
 * may write in cgroup v2 (pure or the hybrid "unified" mount) or a v1
 * controller's hierarchy, delegating controllers, and removing them and
 * what dead runs left.
 *
 * May use: libc and the kernel's cgroup files.  Nothing of pyntest but
 * its own header: the registry and the host table call in, never out.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "host/cgroup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_ROOT "/sys/fs/cgroup"

/* One run directory per cgroup hierarchy, created on first use. */
struct cgroup_dir {
	char hierarchy[32];
	char base[PATH_MAX]; /* the runner's own cgroup in the hierarchy */
	char path[PATH_MAX]; /* "" when none is writable */
	bool created; /* the directory exists now */
	bool controllers; /* enable +memory +pids in it (pure v2) */
	char why[256];
};

/*
 * Its own lock, taken inside the registry's (a limiter's probe asks for
 * a directory while the registry registers it), never around it.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cgroup_dir cgroup_dirs[8];
/*
 * In .data, not .bss: every worker reads it (pyn__cgroup_release_idle),
 * and a .bss page of its own would be one more page fault per spawned
 * test; .data is written at start (relocations) anyway.
 */
static size_t n_cgroup_dirs __attribute__((section(".data")));
static pid_t owner_pid;
static bool cleanup_registered;

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)total + 1 < len) {
		n = read(fd, buf + total, len - 1 - total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
	}
	close(fd);
	buf[total] = '\0';
	return total;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int saved;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A run directory of a runner that is gone ("pyntest-PID[-runner]"). */
static bool is_stale_name(const char *name)
{
	const char *p;
	long pid;

	if (strncmp(name, "pyntest-", 8) != 0)
		return false;
	p = name + 8;
	if (!isdigit((unsigned char)*p))
		return false;
	pid = strtol(p, (char **)&p, 10);
	if (*p != '\0' && strcmp(p, "-runner") != 0)
		return false;
	if (pid <= 0 || pid == getpid())
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Kill every process in the cgroup `dir` and below, then remove it. */
static int cgroup_remove_tree(const char *dir)
{
	char path[PATH_MAX], buf[4096];
	struct dirent *de;
	DIR *d;
	int round;

	d = opendir(dir);
	if (d) {
		for (de = readdir(d); de; de = readdir(d)) {
			if (de->d_type != DT_DIR || de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			cgroup_remove_tree(path);
		}
		closedir(d);
	}
	for (round = 0; round < 50; round++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
		if (write_file(path, "1") < 0) {
			char *p, *end;

			snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
			if (read_file(path, buf, sizeof(buf)) < 0)
				return -1;
			for (p = buf; *p; p = end) {
				long pid = strtol(p, &end, 10);

				if (end == p)
					break;
				if (pid > 0)
					kill((pid_t)pid, SIGKILL);
			}
		}
		msleep(round < 10 ? 2 : 20);
	}
	return -1;
}

static void cgroup_remove_stale(const char *parent)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(parent);

	if (!d)
		return;
	for (de = readdir(d); de; de = readdir(d)) {
		if (de->d_type != DT_DIR || !is_stale_name(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", parent, de->d_name);
		cgroup_remove_tree(path);
	}
	closedir(d);
}

static void cgroup_cleanup_at_exit(void)
{
	size_t i;

	/* A forked test that calls exit() must not remove the runner's. */
	if (getpid() != owner_pid)
		return;
	for (i = 0; i < n_cgroup_dirs; i++)
		if (cgroup_dirs[i].created)
			cgroup_remove_tree(cgroup_dirs[i].path);
}

/*
 * The path of this process in `hierarchy` from /proc/self/cgroup: the
 * "0::" line for "unified", else the v1 line listing the controller.
 */
static int own_cgroup_path(const char *hierarchy, char *out, size_t len)
{
	char buf[4096], *line, *save = NULL;
	bool unified = strcmp(hierarchy, "unified") == 0;

	if (read_file("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *ctl = strchr(line, ':'), *path;

		if (!ctl)
			continue;
		ctl++;
		path = strchr(ctl, ':');
		if (!path)
			continue;
		*path++ = '\0';
		if (unified) {
			if (strncmp(line, "0:", 2) != 0 || *ctl)
				continue;
		} else {
			char *tok, *s2 = NULL;
			bool found = false;

			for (tok = strtok_r(ctl, ",", &s2); tok;
			     tok = strtok_r(NULL, ",", &s2))
				if (strcmp(tok, hierarchy) == 0)
					found = true;
			if (!found)
				continue;
		}
		if (strlen(path) >= len)
			return -1;
		strcpy(out, path);
		return 0;
	}
	return -1;
}

static bool is_cgroup2_mount(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

static bool list_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	for (p = strstr(p, word); p; p = strstr(p + n, word))
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (p[n] == '\0' || isspace((unsigned char)p[n])))
			return true;
	return false;
}

/*
 * On a v2 hierarchy with controllers, per-test cgroups only get
 * memory.max and pids.max when every level above them delegates the
 * controller (+memory in subtree_control).  A cgroup that has processes
 * cannot delegate (no internal processes), so when the runner is alone in
 * its cgroup it moves itself into a leaf `pyntest-<pid>-runner` first.
 * Failures are remembered as the reason; the run directory still serves
 * process tracking without controllers.
 */
static void cgroup2_enable_controllers(const char *own, const char *run,
				       char *why, size_t why_len)
{
	char path[PATH_MAX], avail[512], want[64] = "", procs[256];
	char leaf[PATH_MAX], pidbuf[32];
	long first;
	char *end;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", own);
	if (read_file(path, avail, sizeof(avail)) < 0)
		return;
	if (list_has_word(avail, "memory"))
		strcat(want, "+memory ");
	if (list_has_word(avail, "pids"))
		strcat(want, "+pids ");
	if (!want[0]) {
		snprintf(
			why, why_len,
			"the cgroup v2 hierarchy at '%s' offers no memory or pids controller",
			own);
		return;
	}
	want[strlen(want) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", own);
	if (write_file(path, want) < 0) {
		if (errno != EBUSY) {
			snprintf(why, why_len, "cannot enable '%s' in '%s': %s",
				 want, path, strerror(errno));
			return;
		}
		snprintf(path, sizeof(path), "%s/cgroup.procs", own);
		if (read_file(path, procs, sizeof(procs)) < 0)
			return;
		first = strtol(procs, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		if (first != getpid() || *end) {
			snprintf(
				why, why_len,
				"cannot delegate '%s' in '%s': other processes share the runner's cgroup",
				want, own);
			return;
		}
		snprintf(leaf, sizeof(leaf), "%s/pyntest-%ld-runner", own,
			 (long)getpid());
		snprintf(pidbuf, sizeof(pidbuf), "%ld", (long)getpid());
		snprintf(path, sizeof(path), "%s/cgroup.procs", leaf);
		if ((mkdir(leaf, 0755) < 0 && errno != EEXIST) ||
		    write_file(path, pidbuf) < 0) {
			snprintf(
				why, why_len,
				"cannot move the runner into leaf cgroup '%s': %s",
				leaf, strerror(errno));
			return;
		}
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", own);
		if (write_file(path, want) < 0) {
			snprintf(why, why_len, "cannot enable '%s' in '%s': %s",
				 want, path, strerror(errno));
			return;
		}
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", run);
	if (write_file(path, want) < 0)
		snprintf(why, why_len, "cannot enable '%s' in '%s': %s", want,
			 path, strerror(errno));
}

/* (Re)create the run directory of `cd`. */
static int cgroup_dir_make(struct cgroup_dir *cd)
{
	if (mkdir(cd->path, 0755) < 0 && errno != EEXIST) {
		snprintf(cd->why, sizeof(cd->why), "cannot create '%s': %s",
			 cd->path, strerror(errno));
		return -1;
	}
	cd->created = true;
	if (cd->controllers)
		cgroup2_enable_controllers(cd->base, cd->path, cd->why,
					   sizeof(cd->why));
	return 0;
}

/*
 * Remove the run directories nothing was created in yet.  Probing creates
 * them in every process that registers limiters, and a worker or fork
 * server never uses them (setup() runs in the runner) nor runs atexit
 * handlers when it is killed: without this they would outlive it until
 * the next run.  pyn__cgroup_parent() creates them again when asked.
 */
void pyn__cgroup_release_idle(void)
{
	size_t i;

	/*
	 * A worker that made none (most: each spawned test is one) takes no
	 * lock: writing it is one more page for a new process to fault in.
	 */
	if (!__atomic_load_n(&n_cgroup_dirs, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&lock);
	for (i = 0; i < n_cgroup_dirs; i++)
		if (cgroup_dirs[i].created && rmdir(cgroup_dirs[i].path) == 0)
			cgroup_dirs[i].created = false;
	pthread_mutex_unlock(&lock);
}

static void cgroup_dir_create(struct cgroup_dir *cd)
{
	char mount[PATH_MAX], own[PATH_MAX], base[PATH_MAX];
	bool unified = strcmp(cd->hierarchy, "unified") == 0;

	cd->path[0] = '\0';
	if (unified) {
		if (is_cgroup2_mount(CGROUP_ROOT))
			snprintf(mount, sizeof(mount), "%s", CGROUP_ROOT);
		else if (is_cgroup2_mount(CGROUP_ROOT "/unified"))
			snprintf(mount, sizeof(mount), "%s/unified",
				 CGROUP_ROOT);
		else {
			snprintf(
				cd->why, sizeof(cd->why),
				"no cgroup v2 hierarchy is mounted at %s or %s/unified",
				CGROUP_ROOT, CGROUP_ROOT);
			return;
		}
	} else {
		struct stat st;

		snprintf(mount, sizeof(mount), "%s/%s", CGROUP_ROOT,
			 cd->hierarchy);
		if (stat(mount, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    is_cgroup2_mount(mount)) {
			snprintf(cd->why, sizeof(cd->why),
				 "no cgroup v1 '%s' hierarchy is mounted at %s",
				 cd->hierarchy, mount);
			return;
		}
	}
	if (own_cgroup_path(cd->hierarchy, own, sizeof(own)) < 0) {
		snprintf(
			cd->why, sizeof(cd->why),
			"this process is in no '%s' cgroup (/proc/self/cgroup)",
			cd->hierarchy);
		return;
	}
	snprintf(base, sizeof(base), "%s%s", mount,
		 strcmp(own, "/") == 0 ? "" : own);
	cgroup_remove_stale(base);
	snprintf(cd->base, sizeof(cd->base), "%s", base);
	snprintf(cd->path, sizeof(cd->path), "%s/pyntest-%ld", base,
		 (long)getpid());
	cd->controllers = unified && strcmp(mount, CGROUP_ROOT) == 0;
	if (cgroup_dir_make(cd) < 0)
		cd->path[0] = '\0';
}

const char *pyn__cgroup_parent(const char *hierarchy)
{
	struct cgroup_dir *cd = NULL;
	const char *ret;
	size_t i;

	if (!hierarchy || strlen(hierarchy) >= sizeof(cd->hierarchy) ||
	    strchr(hierarchy, '/') || hierarchy[0] == '.')
		return NULL;
	pthread_mutex_lock(&lock);
	for (i = 0; i < n_cgroup_dirs; i++)
		if (strcmp(cgroup_dirs[i].hierarchy, hierarchy) == 0)
			cd = &cgroup_dirs[i];
	if (!cd &&
	    n_cgroup_dirs < sizeof(cgroup_dirs) / sizeof(cgroup_dirs[0])) {
		cd = &cgroup_dirs[n_cgroup_dirs];
		__atomic_store_n(&n_cgroup_dirs, n_cgroup_dirs + 1,
				 __ATOMIC_RELEASE);
		snprintf(cd->hierarchy, sizeof(cd->hierarchy), "%s", hierarchy);
		if (owner_pid == 0)
			owner_pid = getpid();
		cgroup_dir_create(cd);
		if (cd->path[0] && !cleanup_registered) {
			atexit(cgroup_cleanup_at_exit);
			cleanup_registered = true;
		}
	}
	if (cd && cd->path[0] && !cd->created && cgroup_dir_make(cd) < 0)
		cd = NULL;
	ret = cd && cd->path[0] ? cd->path : NULL;
	pthread_mutex_unlock(&lock);
	return ret;
}

const char *pyn__cgroup_why(const char *hierarchy)
{
	const char *why = "";
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < n_cgroup_dirs; i++)
		if (strcmp(cgroup_dirs[i].hierarchy, hierarchy) == 0)
			why = cgroup_dirs[i].why;
	pthread_mutex_unlock(&lock);
	return why;
}
