/* SPDX-License-Identifier: MIT */
/*
 * host/registry.c - the process-global list of limiters and the host
 * table handed to them.
 *
 * The built-in limiters are linked in and registered through the same
 * entry point and checks as plug-ins.  Every limiter is probed once, when
 * it is registered; the result (provider or reason) never changes in this
 * process.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <pyntest/version.h>

#include "host/loader.h"
#include "host/registry.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_ROOT "/sys/fs/cgroup"
#define FORCED_MAX 16

/* The built-in limiters (limiters/<name>/<name>.c). */
const struct pyn_limiter *
wall_time_LTX_pyn_limiter_init(const struct pyn_host *host, char *msg,
			       size_t msg_len);
const struct pyn_limiter *
cpu_time_LTX_pyn_limiter_init(const struct pyn_host *host, char *msg,
			      size_t msg_len);
const struct pyn_limiter *
memory_LTX_pyn_limiter_init(const struct pyn_host *host, char *msg,
			    size_t msg_len);
const struct pyn_limiter *
process_tree_LTX_pyn_limiter_init(const struct pyn_host *host, char *msg,
				  size_t msg_len);

static const struct {
	const char *name;
	pyn_limiter_init_fn init;
} builtins[] = {
	{ "wall_time", wall_time_LTX_pyn_limiter_init },
	{ "cpu_time", cpu_time_LTX_pyn_limiter_init },
	{ "memory", memory_LTX_pyn_limiter_init },
	{ "process_tree", process_tree_LTX_pyn_limiter_init },
};

struct forced_provider {
	char limiter[64];
	char provider[32];
};

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
 * The lock is recursive: a limiter's probe may call cgroup_parent() while
 * the registry registers it.
 */
static pthread_mutex_t lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static bool initialised;
static struct pyn__limiter_slot slots[PYN__LIMITERS_MAX];
static size_t n_slots;
static struct pyn__module *modules[PYN__LIMITERS_MAX];
static struct forced_provider forced[FORCED_MAX];
static size_t n_forced;
static struct cgroup_dir cgroup_dirs[8];
static size_t n_cgroup_dirs;
static pid_t owner_pid;
static bool cleanup_registered;
static char prefix[32];

static void host_log(const char *limiter, const char *message)
{
	fprintf(stderr, "warning: %s: %s\n", limiter ? limiter : "limiter",
		message ? message : "");
}

static const char *host_cgroup_parent(const char *hierarchy);

/*
 * placed_in() until the engine says how to tell: a process that creates
 * no test in a cgroup itself (fork and spawn modes) placed nothing.
 */
PYN__CHILD_TEXT static int placed_nowhere(const char *dir)
{
	(void)dir;
	return 0;
}

static struct pyn_host host = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_host),
	.version = PYN_VERSION_STRING,
	.log = host_log,
	.cgroup_parent = host_cgroup_parent,
	.cgroup_prefix = prefix,
	.placed_in = placed_nowhere,
};

/* ---- small file helpers ---------------------------------------------- */

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

/* ---- cgroups ---------------------------------------------------------- */

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
 * the next run.  host_cgroup_parent() creates them again when asked.
 */
static void cgroup_release_idle(void)
{
	size_t i;

	for (i = 0; i < n_cgroup_dirs; i++)
		if (cgroup_dirs[i].created && rmdir(cgroup_dirs[i].path) == 0)
			cgroup_dirs[i].created = false;
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

static const char *host_cgroup_parent(const char *hierarchy)
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
		cd = &cgroup_dirs[n_cgroup_dirs++];
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

const char *pyn__registry_cgroup_why(const char *hierarchy)
{
	size_t i;

	for (i = 0; i < n_cgroup_dirs; i++)
		if (strcmp(cgroup_dirs[i].hierarchy, hierarchy) == 0)
			return cgroup_dirs[i].why;
	return "";
}

/* ---- registration ---------------------------------------------------- */

static const char *forced_for(const char *limiter)
{
	size_t i;

	for (i = 0; i < n_forced; i++)
		if (strcmp(forced[i].limiter, limiter) == 0)
			return forced[i].provider;
	return NULL;
}

static int force_locked(const char *limiter, size_t llen, const char *provider,
			size_t plen, struct pyn_error *err)
{
	struct forced_provider *f = NULL;
	size_t i;

	if (llen == 0 || plen == 0 || llen >= sizeof(f->limiter) ||
	    plen >= sizeof(f->provider))
		return pyn_error_set(
			err, PYN_EUSAGE, NULL, 0, 0,
			"invalid provider choice '%.*s=%.*s': expected LIMITER=PROVIDER",
			(int)llen, limiter, (int)plen, provider);
	for (i = 0; i < n_forced; i++)
		if (strlen(forced[i].limiter) == llen &&
		    strncmp(forced[i].limiter, limiter, llen) == 0)
			f = &forced[i];
	if (!f) {
		if (n_forced == FORCED_MAX)
			return pyn_error_set(
				err, PYN_EUSAGE, NULL, 0, 0,
				"too many provider choices (at most %d)",
				FORCED_MAX);
		f = &forced[n_forced++];
	}
	snprintf(f->limiter, sizeof(f->limiter), "%.*s", (int)llen, limiter);
	snprintf(f->provider, sizeof(f->provider), "%.*s", (int)plen, provider);
	return 0;
}

int pyn__registry_force(const char *limiter, const char *provider,
			struct pyn_error *err)
{
	int ret;

	if (!limiter || !provider)
		return pyn_error_set(
			err, PYN_EINVAL, NULL, 0, 0,
			"invalid provider choice: no limiter or provider");
	pthread_mutex_lock(&lock);
	ret = force_locked(limiter, strlen(limiter), provider, strlen(provider),
			   err);
	pthread_mutex_unlock(&lock);
	return ret;
}

/* "memory=rlimit,process_tree=subreaper" */
static int parse_env_providers(struct pyn_error *err)
{
	const char *s = getenv("PYNTEST_PROVIDERS"), *p, *end, *eq;
	int ret;

	for (p = s; p && *p; p = end + (*end ? 1 : 0)) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (end == p)
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			return pyn_error_set(
				err, PYN_EUSAGE, NULL, 0, 0,
				"invalid PYNTEST_PROVIDERS entry '%.*s': expected LIMITER=PROVIDER",
				(int)(end - p), p);
		ret = force_locked(p, (size_t)(eq - p), eq + 1,
				   (size_t)(end - eq - 1), err);
		if (ret)
			return ret;
	}
	return 0;
}

static bool has_provider(const struct pyn_limiter *l, const char *name)
{
	const char *const *p;

	for (p = l->providers; p && *p; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

static void probe_slot(struct pyn__limiter_slot *slot)
{
	const struct pyn_limiter *l = slot->limiter;
	const char *want = forced_for(l->name);
	bool listed = PYN_LIMITER_HAS(l, providers) && l->providers;

	slot->provider[0] = '\0';
	slot->why[0] = '\0';
	if (want && listed && !has_provider(l, want)) {
		const char *const *p;
		size_t n;

		n = (size_t)snprintf(slot->why, sizeof(slot->why),
				     "unknown provider '%s' (known:", want);
		for (p = l->providers; *p && n < sizeof(slot->why); p++)
			n += (size_t)snprintf(slot->why + n,
					      sizeof(slot->why) - n, " %s", *p);
		if (n < sizeof(slot->why))
			snprintf(slot->why + n, sizeof(slot->why) - n, ")");
		slot->supported = false;
		return;
	}
	if (!l->probe) {
		slot->supported = true;
		if (want)
			snprintf(slot->provider, sizeof(slot->provider), "%s",
				 want);
		return;
	}
	slot->supported =
		l->probe(&host, want, slot->provider, sizeof(slot->provider),
			 slot->why, sizeof(slot->why)) == 1;
	if (slot->supported)
		slot->why[0] = '\0';
	else if (!slot->why[0])
		snprintf(slot->why, sizeof(slot->why),
			 "not supported on this system");
}

/*
 * The checks every limiter passes, built-in or not.  `file` names it in
 * messages ("built-in" for the built-ins).
 */
static int check_limiter(const struct pyn_limiter *l, const char *file,
			 const char *init_msg, struct pyn_error *err)
{
	size_t need =
		offsetof(struct pyn_limiter, teardown) + sizeof(l->teardown);
	const char *name;
	size_t i;

	if (!l)
		return pyn_error_set(
			err, PYN_EABI, NULL, 0, 0,
			"plug-in '%s' returned no limiter: %s", file,
			init_msg[0] ? init_msg : "no reason given");
	/* name is the third field in every ABI version: safe to read. */
	name = l->struct_size >= offsetof(struct pyn_limiter, name) +
					       sizeof(l->name) &&
			       l->name ?
		       l->name :
		       "?";
	if (l->abi_version != PYN_LIMITER_ABI_VERSION)
		return pyn_error_set(
			err, PYN_EABI, NULL, 0, 0,
			"plug-in '%s' limiter '%s' was built for limiter ABI %u; this pyntest speaks ABI %d",
			file, name, (unsigned)l->abi_version,
			PYN_LIMITER_ABI_VERSION);
	if (l->struct_size < need)
		return pyn_error_set(
			err, PYN_EABI, NULL, 0, 0,
			"plug-in '%s' limiter '%s' is too old: its struct pyn_limiter has %u bytes, limiter ABI %d needs at least %zu",
			file, name, (unsigned)l->struct_size,
			PYN_LIMITER_ABI_VERSION, need);
	if (!l->name || !l->name[0])
		return pyn_error_set(err, PYN_EABI, NULL, 0, 0,
				     "plug-in '%s' limiter has no name", file);
	for (i = 0; i < n_slots; i++) {
		const struct pyn_limiter *o = slots[i].limiter;

		if (strcmp(o->name, l->name) != 0)
			continue;
		return pyn_error_set(
			err, PYN_EABI, NULL, 0, 0,
			"plug-in '%s' limiter '%s' version %s: a limiter of that name is already loaded from %s (version %s)",
			file, l->name, l->version ? l->version : "?",
			slots[i].builtin ? "pyntest (built-in)" : slots[i].path,
			o->version ? o->version : "?");
	}
	if (n_slots == PYN__LIMITERS_MAX)
		return pyn_error_set(
			err, PYN_EABI, NULL, 0, 0,
			"plug-in '%s' limiter '%s': too many limiters (at most %d)",
			file, l->name, PYN__LIMITERS_MAX);
	return 0;
}

/*
 * One entry of a probed list (pyn__registry_probed()): the limiter's
 * name, and either its provider (supported) or nothing (unsupported).
 */
struct probed_entry {
	const char *name;
	size_t name_len;
	const char *provider;
	size_t provider_len;
	bool supported;
};

/*
 * Add a slot for `l`: probed here, or - with `known` - taking another
 * process's probe results for it.
 */
static struct pyn__limiter_slot *add_slot(const struct pyn_limiter *l,
					  const char *path,
					  const struct probed_entry *known)
{
	struct pyn__limiter_slot *slot = &slots[n_slots];

	memset(slot, 0, sizeof(*slot));
	slot->limiter = l;
	slot->builtin = path == NULL;
	snprintf(slot->path, sizeof(slot->path), "%s", path ? path : "");
	if (known) {
		slot->supported = known->supported;
		snprintf(slot->provider, sizeof(slot->provider), "%.*s",
			 (int)known->provider_len, known->provider);
		if (!known->supported)
			snprintf(slot->why, sizeof(slot->why),
				 "not supported (probed by the runner)");
	} else {
		probe_slot(slot);
	}
	/* Publish only once the slot is complete. */
	__atomic_store_n(&n_slots, n_slots + 1, __ATOMIC_RELEASE);
	return slot;
}

/* Limiter names and providers that go into a probed list as they are. */
static bool plain_word(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

/*
 * Parse the next entry of `*p` ("NAME=PROVIDER" or "NAME!", then ',' or
 * the end).  Returns 1 with *e filled, 0 at the end, -1 when it does not
 * parse.
 */
static int next_probed(const char **p, struct probed_entry *e)
{
	const char *s = *p, *end, *mark;

	if (!*s)
		return 0;
	end = s + strcspn(s, ",");
	mark = s + strcspn(s, "=!,");
	if (mark == s || mark == end)
		return -1;
	e->name = s;
	e->name_len = (size_t)(mark - s);
	e->supported = *mark == '=';
	e->provider = mark + 1;
	e->provider_len = e->supported ? (size_t)(end - mark - 1) : 0;
	if ((!e->supported && mark + 1 != end) ||
	    !plain_word(e->name, e->name_len) ||
	    !plain_word(e->provider, e->provider_len) ||
	    e->provider_len >= sizeof(((struct pyn__limiter_slot *)0)->provider))
		return -1;
	*p = *end ? end + 1 : end;
	return 1;
}

static int bad_probed(struct pyn_error *err, const char *probed,
		      const char *why)
{
	return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
			     "invalid probe results '%s' from the runner: %s",
			     probed, why);
}

/*
 * Register the built-in limiters: probed here, or with `probed` (a
 * runner's pyn__registry_probed()) taking its results, which must list
 * the built-ins first, in order; the plug-ins after them get the
 * runner's provider forced for when they are loaded and probed here.
 */
static int init_locked(const char *probed, struct pyn_error *err)
{
	char msg[PYN_LIMITER_MESSAGE_MAX];
	struct probed_entry e;
	const struct pyn_limiter *l;
	const char *p = probed;
	size_t i;
	int ret;

	memset(&e, 0, sizeof(e));
	if (initialised)
		return 0;
	if (owner_pid == 0)
		owner_pid = getpid();
	snprintf(prefix, sizeof(prefix), "pyntest-%ld-", (long)getpid());
	ret = parse_env_providers(err);
	if (ret)
		return ret;
	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if (probed) {
			ret = next_probed(&p, &e);
			if (ret < 0)
				return bad_probed(err, probed,
						  "expected NAME=PROVIDER or NAME!");
			if (ret == 0 || e.name_len != strlen(builtins[i].name) ||
			    strncmp(e.name, builtins[i].name, e.name_len) != 0)
				return bad_probed(
					err, probed,
					"the built-in limiters differ from this worker's");
		}
		msg[0] = '\0';
		l = builtins[i].init(&host, msg, sizeof(msg));
		ret = check_limiter(l, builtins[i].name, msg, err);
		if (ret)
			return ret;
		add_slot(l, NULL, probed ? &e : NULL);
	}
	while (probed && (ret = next_probed(&p, &e)) != 0) {
		if (ret < 0)
			return bad_probed(err, probed,
					  "expected NAME=PROVIDER or NAME!");
		/* The runner's choice already includes its forced ones. */
		if (e.supported && e.provider_len > 0) {
			ret = force_locked(e.name, e.name_len, e.provider,
					   e.provider_len, err);
			if (ret)
				return ret;
		}
	}
	cgroup_release_idle();
	initialised = true;
	return 0;
}

int pyn__registry_init(struct pyn_error *err)
{
	int ret;

	pthread_mutex_lock(&lock);
	ret = init_locked(NULL, err);
	pthread_mutex_unlock(&lock);
	return ret;
}

int pyn__registry_init_probed(const char *probed, struct pyn_error *err)
{
	int ret;

	if (!probed)
		return pyn__registry_init(err);
	pthread_mutex_lock(&lock);
	ret = init_locked(probed, err);
	pthread_mutex_unlock(&lock);
	return ret;
}

size_t pyn__registry_probed(char *buf, size_t len)
{
	const struct pyn__limiter_slot *s;
	size_t i, n = 0, count = pyn__registry_count();
	int w;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < count; i++) {
		s = &slots[i];
		/* A plug-in the list cannot name is probed unforced. */
		if (!plain_word(s->limiter->name, strlen(s->limiter->name)) ||
		    !plain_word(s->provider, strlen(s->provider)))
			continue;
		w = snprintf(buf ? buf + (n < len ? n : len) : NULL,
			     n < len ? len - n : 0, "%s%s%s%s", n ? "," : "",
			     s->limiter->name, s->supported ? "=" : "!",
			     s->supported ? s->provider : "");
		if (w > 0)
			n += (size_t)w;
	}
	return n;
}

int pyn__registry_add_plugin(const char *path, struct pyn_error *err)
{
	char real[PATH_MAX], msg[PYN_LIMITER_MESSAGE_MAX];
	const struct pyn_limiter *l;
	struct pyn__module *m = NULL;
	pyn_limiter_init_fn init;
	size_t i;
	int ret;

	if (!path || !*path)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "cannot load plug-in: no path given");
	pthread_mutex_lock(&lock);
	ret = init_locked(NULL, err);
	if (ret)
		goto out_unlock;
	if (pyn__module_resolve(path, NULL, NULL, real, sizeof(real)) < 0)
		snprintf(real, sizeof(real), "%s", path);
	for (i = 0; i < n_slots; i++)
		if (!slots[i].builtin && strcmp(slots[i].path, real) == 0)
			goto out_unlock;
	ret = pyn__module_open_as(&m, path, "plug-in", err);
	if (ret)
		goto out_unlock;
	/*
	 * lt_dlsym tries "<module>_LTX_pyn_limiter_init" first, so a module
	 * built like a built-in (PYN_LIMITER_ENTRY only) loads too.
	 */
	init = (pyn_limiter_init_fn)pyn__module_symbol(m, "pyn_limiter_init");
	if (!init) {
		ret = pyn_error_set(
			err, PYN_ESYMBOL, NULL, 0, 0,
			"plug-in '%s' has no entry point 'pyn_limiter_init'",
			path);
		goto out_close;
	}
	msg[0] = '\0';
	l = init(&host, msg, sizeof(msg));
	ret = check_limiter(l, path, msg, err);
	if (ret)
		goto out_close;
	modules[n_slots] = m;
	add_slot(l, real, NULL);
	cgroup_release_idle();
	goto out_unlock;
out_close:
	pyn__module_close(m);
out_unlock:
	pthread_mutex_unlock(&lock);
	return ret;
}

size_t pyn__registry_count(void)
{
	return __atomic_load_n(&n_slots, __ATOMIC_ACQUIRE);
}

/* In a test's process too: beside its other code. */
PYN__CHILD_TEXT const struct pyn__limiter_slot *pyn__registry_get(size_t index)
{
	return index < pyn__registry_count() ? &slots[index] : NULL;
}

const struct pyn__limiter_slot *pyn__registry_find(const char *name,
						   size_t *index)
{
	size_t i, n = pyn__registry_count();

	for (i = 0; name && i < n; i++) {
		if (strcmp(slots[i].limiter->name, name) == 0) {
			if (index)
				*index = i;
			return &slots[i];
		}
	}
	return NULL;
}

const struct pyn_host *pyn__registry_host(void)
{
	return &host;
}

void pyn__registry_set_placed_in(int (*placed_in)(const char *dir))
{
	host.placed_in = placed_in ? placed_in : placed_nowhere;
}
