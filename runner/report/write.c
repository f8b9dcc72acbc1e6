/* SPDX-License-Identifier: MIT */
/*
 * runner/report/write.c - a report file written atomically, and the
 * temporary files of runners that died while writing one removed.
 *
 * The temporary file beside REPORT is named ".REPORT.pyntest-PID.XXXXXX"
 * with the writer's pid: a runner killed (SIGKILL, power cut) between
 * creating and renaming it leaves one, and the next run that writes the
 * same report removes every such file whose pid is no longer alive.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/report/report.h"

#define TAG ".pyntest-"

/*
 * In `dir`, remove ".BASE.pyntest-PID.XXXXXX" files whose PID is gone.
 * A pid reused since by another process keeps its file until that one
 * ends (docs/guarantees.md).  Errors are ignored: this only tidies.
 */
static void remove_dead(const char *dir, const char *base)
{
	size_t blen = strlen(base), tlen = strlen(TAG);
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((d = readdir(dp))) {
		const char *s = d->d_name, *pid_at;
		char *end;
		long pid;

		if (s[0] != '.' || strncmp(s + 1, base, blen) ||
		    strncmp(s + 1 + blen, TAG, tlen))
			continue;
		pid_at = s + 1 + blen + tlen;
		errno = 0;
		pid = strtol(pid_at, &end, 10);
		if (errno || end == pid_at || pid <= 0 || *end != '.' ||
		    strlen(end + 1) != 6 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			unlinkat(dirfd(dp), s, 0);
	}
	closedir(dp);
}

/*
 * Shared by the reporters: a reader of `path` sees the old file or the
 * whole new one, never a half-written report.
 */
int pyn__report_write_atomic(const char *path, const char *what,
			     int (*write)(FILE *f, void *user), void *user,
			     struct pyn_error *err)
{
	char *dcopy = NULL, *bcopy = NULL, *tmp = NULL;
	const char *dir, *base;
	FILE *f;
	int fd = -1, ret = 0, e;
	mode_t mask;

	dcopy = strdup(path);
	bcopy = strdup(path);
	if (!dcopy || !bcopy)
		goto out_nomem;
	dir = dirname(dcopy);
	base = basename(bcopy);
	if (asprintf(&tmp, "%s/.%s" TAG "%ld.XXXXXX", dir, base,
		     (long)getpid()) < 0) {
		tmp = NULL;
		goto out_nomem;
	}
	remove_dead(dir, base);
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = pyn__report_error(err, PYN_EIO,
					"cannot write %s '%s': %s", what, path,
					strerror(errno));
		goto out_free;
	}
	/* mkstemp makes 0600; a report is for everyone the umask allows. */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	f = fdopen(fd, "w");
	if (!f) {
		e = errno;
		close(fd);
		goto out_fail;
	}
	e = write(f, user);
	if (!e && fflush(f))
		e = errno;
	if (!e && ferror(f))
		e = EIO;
	if (!e && fsync(fileno(f)))
		e = errno;
	if (fclose(f) && !e)
		e = errno;
	if (!e && rename(tmp, path))
		e = errno;
	if (!e)
		goto out_free;
out_fail:
	unlink(tmp);
	ret = pyn__report_error(err, PYN_EIO, "cannot write %s '%s': %s", what,
				path, strerror(e));
	goto out_free;
out_nomem:
	ret = pyn__report_error(err, PYN_ENOMEM,
				"cannot write %s '%s': out of memory", what,
				path);
out_free:
	free(tmp);
	free(dcopy);
	free(bcopy);
	return ret;
}
