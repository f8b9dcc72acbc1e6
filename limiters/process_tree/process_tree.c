/* SPDX-License-Identifier: MIT */
/*
 * limiters/process_tree - leave no process of a test behind.
 *
 * Active for every test.  kill() ends every process of the test and says
 * how many were still running; the engine calls it on a deadline or an
 * interrupt, and again after the test's own process was reaped (then the
 * count is the test's leftover processes).
 *
 * Providers:
 *   cgroup2    a per-test v2 cgroup (the hybrid /sys/fs/cgroup/unified
 *              mount needs no controllers for this): count cgroup.procs,
 *              write 1 to cgroup.kill; once the test's process was
 *              reaped (never inside a deadline's kill, which would stall
 *              the runner's loop), wait for "populated 0" in
 *              cgroup.events (POLLPRI, at most 2 s).  Nothing escapes.
 *              classify() reports the cgroup's cpu.stat as the test's CPU,
 *              and under a CPU limit a deadline at the limit checks it,
 *              re-armed for the rest of the budget: the test's child
 *              processes cannot use more than its limit (+2 % + 20 ms).
 *   subreaper  the runner is PR_SET_CHILD_SUBREAPER, so orphans of a test
 *              become its children.  kill() SIGKILLs the test's process
 *              group and every descendant still reachable from the test's
 *              pid, then repeatedly the runner's children that belong to
 *              the test: those in its process group, and those started
 *              after it in any other process group or session (its own,
 *              a fork server's, the runner's), that are not a test, not
 *              the engine's (host engine_owns: a test a fork server is
 *              starting, a fork server) and were not the runner's
 *              children when the test started, reaping each.  Limits:
 *              with -j > 1 an orphan that left its process group cannot
 *              be told apart from another running test's orphan, so it is
 *              killed (and counted) by whichever test ends first; a
 *              process a program using the C API starts while a test runs
 *              is taken for the test's; with several engines on several
 *              threads, a test another engine's fork server is starting.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pyntest/limiter.h>

#include "limiters/util.h"

enum tree_provider { TREE_NONE = 0, TREE_CGROUP2, TREE_SUBREAPER };

static const char *const tree_providers[] = { "cgroup2", "subreaper", NULL };

static enum tree_provider chosen;
static const struct pyn_host *tree_host;

/* Pids of tests between started() and teardown(): never orphans. */
#define LIVE_MAX 256
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t live[LIVE_MAX];

#define KILLED_MAX 4096

struct tree_child {
	char procs[768];
};

struct tree_state {
	int provider;
	int terminate;
	pid_t pid;
	unsigned long long start_ticks; /* of the test's process */
	char dir[PATH_MAX];
	/* The runner's children when the test started: never its orphans. */
	pid_t before[256];
	size_t n_before;
	/* Killed by an earlier kill(): not counted twice while dying. */
	pid_t counted[256];
	size_t n_counted;
	int kill_sent; /* cgroup.kill written while the test ran */
	bool emptied; /* the cgroup was seen empty after the test */
	bool killed; /* cgroup.kill was written */
	unsigned token; /* the request's: names the cgroup */
	bool shared; /* memory (cgroup2) may use it too: never kept */
	double cpu_last_s; /* tree_cpu() in classify, < 0: not read */
	double cpu_base_s; /* cpu.stat of a reused cgroup before the test */
	double cpu_limit_s; /* the test's CPU limit, for the tree (cgroup2) */
	double cpu_used_s; /* > 0: killed for the tree's CPU, having used it */
};

/* Count `pid` once per test; returns 1 when it was not counted yet. */
static unsigned count_once(struct tree_state *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->n_counted; i++)
		if (s->counted[i] == pid)
			return 0;
	if (s->n_counted < sizeof(s->counted) / sizeof(s->counted[0]))
		s->counted[s->n_counted++] = pid;
	return 1;
}

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

static void live_set(pid_t old, pid_t pid, unsigned long long start)
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

static bool live_has(pid_t pid)
{
	bool found = false;
	size_t i;

	pthread_mutex_lock(&live_lock);
	for (i = 0; i < LIVE_MAX && !found; i++)
		found = live[i] == pid;
	pthread_mutex_unlock(&live_lock);
	return found;
}

/* ---- /proc ----------------------------------------------------------- */

struct proc_stat {
	char state;
	pid_t ppid, pgid, sid;
	unsigned long long start;
};

static int proc_stat(pid_t pid, struct proc_stat *st)
{
	char path[64], buf[1024], *p;
	unsigned long long f[20];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (lim_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	/* The command may hold spaces and parentheses: skip to the last ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	p += 2;
	st->state = *p++;
	/* Fields 4 (ppid) .. 22 (starttime). */
	for (i = 0; i < 19; i++) {
		char *end;

		f[i] = strtoull(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
	}
	st->ppid = (pid_t)f[0];
	st->pgid = (pid_t)f[1];
	st->sid = (pid_t)f[2];
	st->start = f[18];
	return 0;
}

static bool is_running(pid_t pid)
{
	struct proc_stat st;

	/* Reaped already (the common case, after the test): no /proc read. */
	if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	return proc_stat(pid, &st) == 0 && st.state != 'Z' && st.state != 'X';
}

/* Append the children of `pid` (every thread's) to list; returns count. */
static size_t children_of(pid_t pid, pid_t *list, size_t n, size_t max)
{
	char path[PATH_MAX], buf[8192];
	struct dirent *de;
	const char *p;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return n;
	for (de = readdir(d); de && n < max; de = readdir(d)) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/children",
			 (int)pid, de->d_name);
		if (lim_read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		for (p = buf; *p && n < max;) {
			uint64_t c = lim_parse_u64(p, &p);

			if (c == 0)
				break;
			list[n++] = (pid_t)c;
		}
	}
	closedir(d);
	return n;
}

/* Every descendant of `pid`, breadth first, into list[n..]. */
static size_t descendants_of(pid_t pid, pid_t *list, size_t n, size_t max)
{
	size_t i = n;

	n = children_of(pid, list, n, max);
	for (; i < n; i++)
		n = children_of(list[i], list, n, max);
	return n;
}

/* ---- cgroup2 --------------------------------------------------------- */

static unsigned count_procs(const char *dir)
{
	char path[PATH_MAX], buf[16384];
	unsigned n = 0;
	const char *p;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (lim_read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	for (p = buf; *p; p++) {
		uint64_t pid = lim_parse_u64(p, &p);

		if (pid > 0 && is_running((pid_t)pid))
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
static unsigned cgroup_kill(const char *dir, bool wait, bool *empty,
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
	n = count_procs(dir);
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (wrote)
		*wrote = true;
	if (lim_write_file(path, "1") < 0 && tree_host) {
		snprintf(buf, sizeof(buf), "cgroup.kill failed: errno %d",
			 errno);
		tree_host->log("process_tree", buf);
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
			if (tree_host)
				tree_host->log(
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

/* ---- subreaper ------------------------------------------------------- */

/*
 * Does the runner's child `c` belong to the test `s`?  In the test's
 * process group, or started after the test (in whatever process group),
 * and not itself a test nor the engine's (engine_owns) nor a child the
 * runner had when the test started (its fork server, other tests).
 */
static bool orphan_of(const struct tree_state *s, pid_t c,
		      const struct proc_stat *st)
{
	size_t i;

	if (live_has(c))
		return false;
	/* A test being started (its pid not told yet), a fork server. */
	if (tree_host && PYN_LIMITER_HAS(tree_host, engine_owns) &&
	    tree_host->engine_owns && tree_host->engine_owns(c, st->pgid))
		return false;
	for (i = 0; i < s->n_before; i++)
		if (s->before[i] == c)
			return false;
	if (st->pgid == s->pid)
		return true;
	/*
	 * Started after the test, wherever it went: its own group or
	 * session, a fork server's, or the runner's own (setpgid into the
	 * group of the test's parent) - the engine starts nothing there.
	 */
	return st->start >= s->start_ticks;
}

static unsigned subreaper_kill(struct tree_state *s)
{
	pid_t *list, *killed;
	size_t n, i, n_killed = 0;
	unsigned count = 0;
	struct proc_stat st;
	int round;
	bool again;

	list = malloc(sizeof(pid_t) * KILLED_MAX * 2);
	if (!list)
		return 0;
	killed = list + KILLED_MAX;

	/* The test still running: everything below it, then the group. */
	if (is_running(s->pid)) {
		n = descendants_of(s->pid, list, 0, KILLED_MAX);
		for (i = 0; i < n; i++) {
			if (is_running(list[i]))
				count += count_once(s, list[i]);
			kill(list[i], SIGKILL);
		}
	}
	killpg(s->pid, SIGKILL);

	for (round = 0; round < 50; round++) {
		again = false;
		n = children_of(getpid(), list, 0, KILLED_MAX);
		for (i = 0; i < n; i++) {
			pid_t c = list[i];
			bool ours = false;
			size_t k;

			if (proc_stat(c, &st) < 0)
				continue;
			for (k = 0; k < n_killed && !ours; k++)
				ours = killed[k] == c;
			if (!ours && !orphan_of(s, c, &st))
				continue;
			/* Take its subtree first: it is reparented to us. */
			if (st.state != 'Z') {
				pid_t sub[256];
				size_t m = descendants_of(c, sub, 0, 256), j;

				if (!ours)
					count += count_once(s, c);
				kill(c, SIGKILL);
				for (j = 0; j < m; j++) {
					if (is_running(sub[j]))
						count += count_once(s, sub[j]);
					kill(sub[j], SIGKILL);
					if (n_killed < KILLED_MAX)
						killed[n_killed++] = sub[j];
				}
			}
			if (!ours && n_killed < KILLED_MAX)
				killed[n_killed++] = c;
			/* Our unreaped child: its pid cannot be reused. */
			waitpid(c, NULL, 0);
			again = true;
		}
		if (!again)
			break;
	}
	free(list);
	return count;
}

/* ---- a dead runner's tests ------------------------------------------ */

/* Map this runner's record (once); without one, nothing is recorded. */
static void slots_open(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	char dir[PATH_MAX];
	struct proc_stat me;
	void *p;
	int fd;

	pthread_mutex_lock(&lock);
	if (slots_owner == getpid() || record_dir(dir, sizeof(dir)) < 0 ||
	    proc_stat(getpid(), &me) < 0)
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
	struct proc_stat st;
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
		if (proc_stat(g[i].pgid, &st) == 0 && st.start != g[i].start)
			continue;
		killpg(g[i].pgid, SIGKILL);
	}
	unlink(path);
}

/* The records of runners that are gone (pid gone, or another process). */
static void kill_dead_runners(void)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct proc_stat st;
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
		if (proc_stat(pid, &st) == 0 && st.start == start)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		kill_recorded(path);
	}
	closedir(d);
}

/* ---- hooks ----------------------------------------------------------- */

static int tree_probe(const struct pyn_host *host, const char *forced,
		      char *provider, size_t provider_len, char *why,
		      size_t why_len)
{
	char dir[PATH_MAX], path[PATH_MAX], reason[200] = "";
	const char *parent;

	tree_host = host;
	chosen = TREE_NONE;
	why[0] = '\0';
	if (!forced || strcmp(forced, "cgroup2") == 0) {
		parent = host->cgroup_parent("unified");
		if (!parent) {
			snprintf(reason, sizeof(reason),
				 "no writable cgroup v2 hierarchy");
		} else {
			snprintf(dir, sizeof(dir), "%s/%sprobe-tree", parent,
				 host->cgroup_prefix);
			snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
			if (mkdir(dir, 0755) < 0 && errno != EEXIST)
				snprintf(reason, sizeof(reason),
					 "cannot create a cgroup in '%s': %s",
					 parent, strerror(errno));
			else if (lim_write_file(path, "1") < 0)
				snprintf(
					reason, sizeof(reason),
					"'%s' is not writable (kernel < 5.14?): %s",
					path, strerror(errno));
			rmdir(dir);
		}
		if (!reason[0]) {
			chosen = TREE_CGROUP2;
			snprintf(provider, provider_len, "cgroup2");
			return 1;
		}
		snprintf(why, why_len, "cgroup2: %s", reason);
		if (forced)
			return 0;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		if (why[0])
			lim_cat(why, why_len, "; ");
		lim_cat(why, why_len,
			"subreaper: PR_SET_CHILD_SUBREAPER failed");
		return 0;
	}
	chosen = TREE_SUBREAPER;
	kill_dead_runners();
	snprintf(provider, provider_len, "subreaper");
	/* Why not cgroup2, and what that costs (--limiters). */
	if (why[0])
		lim_cat(why, why_len,
			"; so subreaper: with -j > 1 a process that left its "
			"test's process group is counted by whichever test "
			"ends first, and after a killed run only those that "
			"stayed in their test's process group are removed by "
			"the next");
	return 1;
}

/* The tree's CPU budget with the measuring error the engine allows. */
static double cpu_budget(const struct tree_state *s)
{
	return s->cpu_limit_s * 1.02 + 0.02;
}

/* usage_usec of the cgroup's cpu.stat, in seconds; < 0: unknown. */
static double cgroup_cpu(const char *dir)
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
static double tree_cpu(const struct tree_state *s)
{
	double used = cgroup_cpu(s->dir);

	if (used < 0)
		return used;
	used -= s->cpu_base_s;
	return used > 0 ? used : 0;
}

/* The CPU deadline: kill (0) when the tree used its budget, else wait. */
static double tree_deadline(void *state, double elapsed_s)
{
	struct tree_state *s = state;
	double used, left;

	(void)elapsed_s;
	if (!s || !(s->cpu_limit_s > 0))
		return 0;
	used = tree_cpu(s);
	if (used < 0)
		return 3600; /* cannot tell: the test's own timer decides */
	left = cpu_budget(s) - used;
	if (left <= 0) {
		s->cpu_used_s = used;
		return 0;
	}
	/* At least 10 ms: near the end, no busy checking. */
	return left > 0.01 ? left : 0.01;
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
static int kept_take(unsigned token, struct tree_state *s, int use)
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
static int kept_put(struct tree_state *s)
{
	double used;
	size_t i;

	used = s->cpu_last_s >= 0 ? s->cpu_last_s : tree_cpu(s);
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

static int tree_setup(struct pyn_limiter_request *req, void **state, char *msg,
		      size_t msg_len)
{
	struct tree_child *child = req->child_data;
	size_t cap = req->child_data_size;
	struct tree_state *s;
	int created;

	req->child_data_size = 0;
	if (chosen == TREE_NONE)
		return 1;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	*state = s;
	s->provider = chosen;
	s->terminate = req->terminate_child_processes;
	s->token = req->token;
	s->cpu_last_s = -1;
	if (chosen != TREE_CGROUP2)
		return 0;
	if (cap < sizeof(*child)) {
		snprintf(msg, msg_len, "child data needs %zu bytes, not %zu",
			 sizeof(*child), cap);
		return -1;
	}
	/*
	 * Same name as memory's cgroup2 cgroup: they share it.  Kept from
	 * an earlier test of the token (teardown): cpu.stat goes on
	 * counting, so remember where it starts.
	 */
	/*
	 * A memory limit may make the cgroup anew (memory's setup comes
	 * first): then nothing kept of it holds.
	 */
	s->shared = req->memory_bytes != 0;
	if (!s->shared && kept_take(req->token, s, 1)) {
		/* Gone meanwhile (another limiter removed it): made anew. */
		created = 1;
		if (mkdir(s->dir, 0755) == 0)
			s->cpu_base_s = 0;
		else if (errno != EEXIST) {
			snprintf(msg, msg_len, "cannot create cgroup '%s': %s",
				 s->dir, strerror(errno));
			s->dir[0] = '\0';
			return -1;
		}
	} else {
		kept_take(req->token, s, 0);
		if (lim_cgroup_make(tree_host, "unified", req->token, s->dir,
				    sizeof(s->dir), sizeof(child->procs),
				    &created, msg, msg_len))
			return -1;
	}
	if (!created) {
		s->cpu_base_s = cgroup_cpu(s->dir);
		if (s->cpu_base_s < 0)
			s->cpu_base_s = 0;
	}
	memset(child, 0, sizeof(*child));
	snprintf(child->procs, sizeof(child->procs), "%s/cgroup.procs", s->dir);
	req->child_data_size = sizeof(*child);
	/*
	 * The CPU limit counts the test's child processes too, which the
	 * test's own CPU timer does not see.  The tree cannot have used the
	 * limit on one CPU before that much wall time: look then, and again
	 * when the rest of the budget could be used (tree_deadline).
	 */
	if (req->cpu_time_s > 0 && !req->loading) {
		s->cpu_limit_s = req->cpu_time_s;
		req->deadline_s = cpu_budget(s);
	}
	return 0;
}

LIM_CHILD_TEXT static int tree_apply(const void *data, size_t size, char *msg,
				     size_t msg_len)
{
	const struct tree_child *child = data;

	if (size == 0)
		return 0;
	if (size != sizeof(*child)) {
		lim_errmsg(msg, msg_len, "bad child data size", NULL,
			   (int)size);
		return -1;
	}
	if (lim_placed(tree_host, child->procs))
		return 0;
	if (lim_write_file(child->procs, "0") < 0) {
		lim_errmsg(msg, msg_len, "cannot join cgroup", child->procs,
			   errno);
		return -1;
	}
	return 0;
}

static void tree_started(void *state, pid_t pid)
{
	struct tree_state *s = state;
	struct proc_stat st;

	if (!s)
		return;
	s->pid = pid;
	/* Only the subreaper tells its orphans by their start time. */
	if (s->provider == TREE_SUBREAPER && proc_stat(pid, &st) == 0)
		s->start_ticks = st.start;
	if (s->provider == TREE_SUBREAPER)
		slots_open();
	live_set(0, pid, s->start_ticks);
	if (s->provider == TREE_SUBREAPER) {
		size_t i, k = 0;
		struct proc_stat c;

		s->n_before =
			children_of(getpid(), s->before, 0,
				    sizeof(s->before) / sizeof(s->before[0]));
		/*
		 * A fork server says the pid when the test may have run
		 * already: a process it left and the runner adopted is not
		 * an older child.  Older: made in an earlier clock tick, or
		 * a process group leader of the runner's (a fork server
		 * started for this test's library, in the same tick).
		 */
		for (i = 0; i < s->n_before; i++)
			if (proc_stat(s->before[i], &c) != 0 ||
			    c.start < s->start_ticks || c.pgid == s->before[i])
				s->before[k++] = s->before[i];
		s->n_before = k;
	}
}

static unsigned tree_kill(void *state, pid_t pid)
{
	struct tree_state *s = state;
	unsigned n;

	if (!s)
		return 0;
	if (!s->pid)
		s->pid = pid;
	/*
	 * After the test ended, leftovers are killed only when the test
	 * asks for it; while it runs (deadline, interrupt), always.
	 */
	if (s->provider == TREE_CGROUP2 && s->kill_sent &&
	    !is_running(s->pid)) {
		/* Counted when it was killed: wait until they are gone. */
		cgroup_kill(s->dir, true, &s->emptied, &s->killed);
		return 0;
	}
	if (!s->terminate && !is_running(s->pid)) {
		if (s->provider == TREE_CGROUP2)
			return count_procs(s->dir);
		return 0;
	}
	if (s->provider == TREE_CGROUP2) {
		/*
		 * While the test runs (a deadline, an interrupt) this is the
		 * runner's event loop: write cgroup.kill and go on, the
		 * processes die on their own.  The wait until the cgroup is
		 * empty comes after the test's process was reaped (here
		 * again, or in teardown), when the killed are gone or nearly.
		 */
		if (is_running(s->pid)) {
			s->kill_sent = 1;
			return cgroup_kill(s->dir, false, NULL, &s->killed);
		}
		return cgroup_kill(s->dir, true, &s->emptied, &s->killed);
	}
	n = subreaper_kill(s);
	return n;
}

static int tree_classify(void *state, const struct pyn_limiter_evidence *ev,
			 struct pyn_limiter_verdict *v)
{
	struct tree_state *s = state;
	double used;

	v->outcome = PYN_OUTCOME_UNDECIDED;
	/*
	 * The CPU of every process of the test, reaped or not: the CPU
	 * limit counts child processes too (cgroup v2 keeps cpu.stat's
	 * usage_usec without the cpu controller).
	 */
	if (!s || s->provider != TREE_CGROUP2 || !s->dir[0])
		return 0;
	used = tree_cpu(s);
	s->cpu_last_s = used;
	if (used >= 0)
		v->cpu_time_s = used;
	if (s->cpu_used_s > 0 && ev->killed_by == PYN_KILL_DEADLINE &&
	    ev->killer && strcmp(ev->killer, "process_tree") == 0) {
		v->outcome = PYN_OUTCOME_CPU_TIMEOUT;
		snprintf(v->message, sizeof(v->message),
			 "exceeded CPU time limit %.3f s (used %.3f s, with "
			 "its child processes)",
			 s->cpu_limit_s,
			 used > s->cpu_used_s ? used : s->cpu_used_s);
	}
	return 0;
}

static void tree_teardown(void *state)
{
	struct tree_state *s = state;

	if (!s)
		return;
	if (s->pid)
		live_set(s->pid, 0, 0);
	if (s->dir[0]) {
		if ((s->terminate || s->kill_sent) && !s->emptied)
			cgroup_kill(s->dir, true, &s->emptied, &s->killed);
		else if (!s->terminate && !s->kill_sent)
			lim_release_procs(tree_host, "process_tree", s->dir);
		/*
		 * Empty, of a test whose processes were all killed: the host
		 * gives its token to a later test, which uses the cgroup as
		 * it is.  Making and removing one costs more than the test.
		 * Not after cgroup.kill: some kernels (6.18 here) then kill
		 * every process later created in it with CLONE_INTO_CGROUP.
		 */
		if (s->terminate && s->emptied && !s->killed && !s->shared &&
		    kept_put(s)) {
			free(s);
			return;
		}
		/* With the cgroups the test made below it, and their own. */
		if (lim_cgroup_remove_tree(s->dir, 0) < 0 && errno != EBUSY &&
		    tree_host)
			tree_host->log("process_tree",
				       "cannot remove a per-test cgroup");
	}
	free(s);
}

static const struct pyn_limiter process_tree_limiter = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "process_tree",
	.version = "1.0",
	.summary = "kill every process of a test: cgroup.kill or subreaper",
	.provides = PYN_PROVIDES_PROCESS_TREE,
	.probe = tree_probe,
	.setup = tree_setup,
	.apply = tree_apply,
	.started = tree_started,
	.kill = tree_kill,
	.classify = tree_classify,
	.teardown = tree_teardown,
	.providers = tree_providers,
	.deadline = tree_deadline,
	.enforces = PYN_ENFORCES_PROCESS_TREE,
};

PYN_LIMITER_ENTRY(process_tree)
{
	(void)msg;
	(void)msg_len;
	tree_host = host;
	return &process_tree_limiter;
}
