/* SPDX-License-Identifier: MIT */
/*
 * engine/core.c - the core file a crashed test left (--core-dumps): the
 * kernel's /proc/sys/kernel/core_pattern with what is known of the test
 * filled in (%p, %s, %u, %g, %h, %%), the rest matched by a glob, the
 * newest match made since the test started.  A pattern that pipes the
 * core to a program (systemd-coredump, apport) names no file: why not
 * is said instead.
 *
 * May call: libc only; result.c calls it.
 */
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* One line of a /proc/sys file, without its newline; "" when unreadable. */
static void read_proc(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	buf[0] = '\0';
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Append `s` to the glob, escaping glob characters. */
static void put_literal(char *g, size_t len, size_t *k, const char *s)
{
	for (; *s && *k + 2 < len; s++) {
		if (strchr("*?[\\", *s))
			g[(*k)++] = '\\';
		g[(*k)++] = *s;
	}
	g[*k] = '\0';
}

void pyn__core_find(pid_t pid, int sig, const char *cwd, time_t since,
		    char *out, size_t len, char *why, size_t why_len)
{
	char pattern[512], g[2048], num[32], host[256], uses_pid[8];
	size_t k = 0;
	glob_t gl;
	struct stat st;
	time_t best_t = 0;
	int has_pid = 0;

	out[0] = why[0] = '\0';
	read_proc("/proc/sys/kernel/core_pattern", pattern, sizeof(pattern));
	if (!pattern[0]) {
		snprintf(why, why_len,
			 "cannot read /proc/sys/kernel/core_pattern");
		return;
	}
	if (pattern[0] == '|') {
		snprintf(why, why_len,
			 "core_pattern pipes cores to '%s' (coredumpctl or "
			 "the tool's own store has it, pid %ld)",
			 pattern + 1, (long)pid);
		return;
	}
	/* A relative pattern is the crashed process's working directory's. */
	if (pattern[0] != '/') {
		if (cwd && cwd[0])
			put_literal(g, sizeof(g), &k, cwd);
		else if (getcwd(host, sizeof(host)))
			put_literal(g, sizeof(g), &k, host);
		put_literal(g, sizeof(g), &k, "/");
	}
	for (const char *p = pattern; *p && k + 16 < sizeof(g); p++) {
		if (*p != '%') {
			char one[2] = { *p, '\0' };

			put_literal(g, sizeof(g), &k, one);
			continue;
		}
		p++;
		num[0] = '\0';
		switch (*p) {
		case 'p':
			has_pid = 1;
			snprintf(num, sizeof(num), "%ld", (long)pid);
			break;
		case 's':
			snprintf(num, sizeof(num), "%d", sig);
			break;
		case 'u':
			snprintf(num, sizeof(num), "%ld", (long)getuid());
			break;
		case 'g':
			snprintf(num, sizeof(num), "%ld", (long)getgid());
			break;
		case 'h':
			if (gethostname(host, sizeof(host)) == 0) {
				host[sizeof(host) - 1] = '\0';
				put_literal(g, sizeof(g), &k, host);
				continue;
			}
			break;
		case '%':
			put_literal(g, sizeof(g), &k, "%");
			continue;
		case '\0':
			p--;
			continue;
		default:
			break;
		}
		if (num[0])
			put_literal(g, sizeof(g), &k, num);
		else if (!k || g[k - 1] != '*')
			g[k++] =
				'*'; /* %e, %t, %P, %i, %E, ...: unknown here */
		g[k] = '\0';
	}
	read_proc("/proc/sys/kernel/core_uses_pid", uses_pid, sizeof(uses_pid));
	if (!has_pid && uses_pid[0] == '1') {
		snprintf(num, sizeof(num), ".%ld", (long)pid);
		put_literal(g, sizeof(g), &k, num);
	}
	if (glob(g, GLOB_NOSORT, NULL, &gl) != 0) {
		snprintf(why, why_len, "no file matches core_pattern '%s' (%s)",
			 pattern, g);
		return;
	}
	for (size_t i = 0; i < gl.gl_pathc; i++) {
		if (stat(gl.gl_pathv[i], &st) != 0 || !S_ISREG(st.st_mode) ||
		    st.st_mtime < since || st.st_mtime < best_t)
			continue;
		best_t = st.st_mtime;
		snprintf(out, len, "%s", gl.gl_pathv[i]);
	}
	globfree(&gl);
	if (!out[0])
		snprintf(why, why_len,
			 "no file matching core_pattern '%s' was written "
			 "since the test started",
			 pattern);
}
