/* SPDX-License-Identifier: MIT */
/*
 * limiters/process_tree/proc.c - reading /proc: a process's state,
 * parent, group, session and start time; its children and descendants.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limiters/process_tree/internal.h"
#include "limiters/util.h"

int pyn__tree_proc_stat(pid_t pid, struct pyn__tree_proc_stat *st)
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

bool pyn__tree_is_running(pid_t pid)
{
	struct pyn__tree_proc_stat st;

	/* Reaped already (the common case, after the test): no /proc read. */
	if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	return pyn__tree_proc_stat(pid, &st) == 0 && st.state != 'Z' &&
	       st.state != 'X';
}

/* Append the children of `pid` (every thread's) to list; returns count. */
size_t pyn__tree_children_of(pid_t pid, pid_t *list, size_t n, size_t max)
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
size_t pyn__tree_descendants_of(pid_t pid, pid_t *list, size_t n, size_t max)
{
	size_t i = n;

	n = pyn__tree_children_of(pid, list, n, max);
	for (; i < n; i++)
		n = pyn__tree_children_of(list[i], list, n, max);
	return n;
}
