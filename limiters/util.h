/* SPDX-License-Identifier: MIT */
/*
 * limiters/util.h - small helpers shared by the built-in limiters.
 *
 * Private and header-only, so that each limiter still builds against
 * nothing but <pyntest/limiter.h> and libc, like a third-party one.  The
 * lim_* functions without "fmt" in the name are async-signal-safe: plain
 * system calls and byte copies, for use in apply().
 */
#ifndef PYN_LIMITERS_UTIL_H
#define PYN_LIMITERS_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pyntest/limiter.h>

/*
 * For apply(): beside the harness's own code of a test's process, which
 * faults in its code 64 KiB at a time (host/registry.h,
 * PYN__CHILD_TEXT).  Only a placement: without it all works the same.
 */
#define LIM_CHILD_TEXT __attribute__((section(".text.hot.pyntest_child")))

/* Append `src` to the NUL-terminated `dst` of capacity `len`. */
static inline void lim_cat(char *dst, size_t len, const char *src)
{
	size_t n = strlen(dst);

	while (*src && n + 1 < len)
		dst[n++] = *src++;
	if (len)
		dst[n < len ? n : len - 1] = '\0';
}

/* Append the decimal `v`. */
static inline void lim_cat_u64(char *dst, size_t len, uint64_t v)
{
	char buf[24];
	size_t i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	lim_cat(dst, len, buf + i);
}

/* "MSG 'PATH': errno N" into msg, for apply() failures. */
static inline void lim_errmsg(char *msg, size_t len, const char *what,
			      const char *path, int err)
{
	if (!msg || !len)
		return;
	msg[0] = '\0';
	lim_cat(msg, len, what);
	if (path) {
		lim_cat(msg, len, " '");
		lim_cat(msg, len, path);
		lim_cat(msg, len, "'");
	}
	lim_cat(msg, len, ": errno ");
	lim_cat_u64(msg, len, (uint64_t)err);
}

/*
 * Read up to len-1 bytes of a small file; returns bytes or -1.  A short
 * read is the end: /proc and cgroup files fill what they are asked for
 * while they have more, so no second read() just to see 0.
 */
static inline ssize_t lim_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	size_t want;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)total + 1 < len) {
		want = len - 1 - (size_t)total;
		n = read(fd, buf + total, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
		if ((size_t)n < want)
			break;
	}
	close(fd);
	buf[total] = '\0';
	return total;
}

/* Write `text` to a (cgroup) file; 0 or -1 with errno. */
static inline int lim_write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int saved;

	if (fd < 0)
		return -1;
	/*
	 * Some cgroup files give up at any pending signal with EINTR, not
	 * a restart (memory v1's limit_in_bytes checks signal_pending): a
	 * SIGCHLD of another test ending meanwhile, say.
	 */
	for (int tries = 0;; tries++) {
		n = write(fd, text, len);
		if (n >= 0 || errno != EINTR || tries >= 100)
			break;
	}
	saved = errno;
	close(fd);
	errno = saved;
	if (n >= 0 && (size_t)n != len)
		errno = EIO;
	return n >= 0 && (size_t)n == len ? 0 : -1;
}

/*
 * apply(): did the host create this process in the cgroup whose
 * cgroup.procs is `procs` (host->placed_in)?  Then joining it is done.
 * The path as it is: the host takes a directory's cgroup.procs too, and
 * a copy of it here would be a page of stack to fault in.
 */
static inline int lim_placed(const struct pyn_host *host, const char *procs)
{
	if (!host || !PYN_LIMITER_HAS(host, placed_in) || !host->placed_in)
		return 0;
	return host->placed_in(procs);
}

/* The decimal number at `p`; *end (may be NULL) gets the byte after. */
static inline uint64_t lim_parse_u64(const char *p, const char **end)
{
	uint64_t v = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (end)
		*end = p;
	return v;
}

/*
 * The value of the line "KEY VALUE" (or "KEY: VALUE") whose key is
 * exactly `key` in `text`; -1 when there is none.  Exact keys matter:
 * memory.oom_control has both "oom_kill_disable" and "oom_kill".
 */
static inline int64_t lim_key_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line && *line) {
		if (strncmp(line, key, klen) == 0 &&
		    (line[klen] == ' ' || line[klen] == ':' ||
		     line[klen] == '\t')) {
			const char *p = line + klen + (line[klen] == ':');

			return (int64_t)lim_parse_u64(p, NULL);
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

/* "64.0 MiB": bytes for people (not async-signal-safe). */
static inline const char *lim_fmt_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

/*
 * terminate_child_processes: false - the processes a test left in its
 * cgroup `dir` are the user's: move them to the cgroup the runner started
 * in (two levels up: <own>/pyntest-<pid>/<test>), so that removing the
 * per-test cgroup, now or at the runner's exit, never kills them.
 * `host` (may be NULL) logs what cannot be moved, for `limiter`.
 */
static inline void lim_release_procs(const struct pyn_host *host,
				     const char *limiter, const char *dir)
{
	char path[PATH_MAX], to[PATH_MAX], buf[16384], pid[32];
	const char *p;
	char *slash;
	int up;

	snprintf(to, sizeof(to), "%s", dir);
	for (up = 0; up < 2; up++) {
		slash = strrchr(to, '/');
		if (!slash || slash == to)
			return;
		*slash = '\0';
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (lim_read_file(path, buf, sizeof(buf)) < 0)
		return;
	strncat(to, "/cgroup.procs", sizeof(to) - strlen(to) - 1);
	for (p = buf; *p;) {
		uint64_t n = lim_parse_u64(p, &p);

		if (n > 0) {
			snprintf(pid, sizeof(pid), "%llu",
				 (unsigned long long)n);
			if (lim_write_file(to, pid) < 0 && host)
				host->log(limiter, "cannot move a detached "
						   "process out of its test's "
						   "cgroup");
		}
		if (*p != '\n')
			break;
		p++;
	}
}

/*
 * Create (or reuse) the per-test cgroup `PARENT/PREFIXtoken` under the
 * host's run directory for `hierarchy` ("unified", "memory", ...), into
 * `dir`; `procs_cap` is the room the caller has for "DIR/cgroup.procs".
 * Limiters of one test share it: same hierarchy, same token, same name.
 * The host reuses a token once its test is over (limiter.h), so the
 * directory may be left from an earlier test: `created` (may be NULL)
 * says whether it was made now.  Returns 0, or -1 with a message (then
 * `dir` is "").
 */
static inline int lim_cgroup_make(const struct pyn_host *host,
				  const char *hierarchy, unsigned token,
				  char *dir, size_t dir_len, size_t procs_cap,
				  int *created, char *msg, size_t msg_len)
{
	/* Asked again: the host re-creates an idle run directory. */
	const char *parent = host->cgroup_parent(hierarchy);
	int n;

	dir[0] = '\0';
	if (!parent) {
		snprintf(msg, msg_len, "the cgroup run directory is gone");
		return -1;
	}
	n = snprintf(dir, dir_len, "%s/%s%u", parent, host->cgroup_prefix,
		     token);
	if (n < 0 || (size_t)n >= dir_len ||
	    (size_t)n + sizeof("/cgroup.procs") > procs_cap) {
		snprintf(msg, msg_len, "cgroup path too long: '%s'", dir);
		dir[0] = '\0';
		return -1;
	}
	if (created)
		*created = 1;
	if (mkdir(dir, 0755) < 0) {
		if (errno == EEXIST) {
			if (created)
				*created = 0;
			return 0;
		}
		snprintf(msg, msg_len, "cannot create cgroup '%s': %s", dir,
			 strerror(errno));
		dir[0] = '\0';
		return -1;
	}
	return 0;
}

/* SIGKILL every process listed in the cgroup `dir`'s cgroup.procs. */
static inline void lim_cgroup_kill_procs(const char *dir)
{
	char path[PATH_MAX], buf[4096];
	const char *p;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (lim_read_file(path, buf, sizeof(buf)) < 0)
		return;
	for (p = buf; *p;) {
		uint64_t pid = lim_parse_u64(p, &p);

		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
		if (*p != '\n')
			break;
		p++;
	}
}

/*
 * Remove the cgroup `dir` with every cgroup a test made below it, their
 * processes killed first (cgroup.kill where the kernel has it, else each
 * one of cgroup.procs), at most ~2 s per level.  0, or -1 with errno
 * when it cannot be removed.
 */
static inline int lim_cgroup_remove_tree(const char *dir, int depth)
{
	struct timespec ts = { 0, 2000000 };
	char path[PATH_MAX];
	struct dirent *de;
	int round, saved;
	DIR *d;

	if (depth > 32) {
		errno = ELOOP;
		return -1;
	}
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	d = opendir(dir);
	if (d) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_type != DT_DIR || de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			lim_cgroup_remove_tree(path, depth + 1);
		}
		closedir(d);
	}
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (access(path, F_OK) == 0)
		lim_write_file(path, "1");
	for (round = 0; round < 100; round++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		lim_cgroup_kill_procs(dir);
		ts.tv_nsec = round < 10 ? 2000000 : 20000000;
		nanosleep(&ts, NULL);
	}
	saved = errno;
	errno = saved;
	return -1;
}

#endif /* PYN_LIMITERS_UTIL_H */
