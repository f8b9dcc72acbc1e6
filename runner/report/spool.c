/* SPDX-License-Identifier: MIT */
/*
 * runner/report/spool.c - captured output spooled to an unnamed file
 * (issue 20 item 8): the runner's memory stays flat whatever the tests
 * print, and the reporters read each test's output back when they write
 * it, one test at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/report/report.h"
#include "runner/report/spool.h"

static int open_in(const char *dir)
{
	char *path = NULL;
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* No O_TMPFILE here (old kernel, some file systems): unlink now. */
	if (asprintf(&path, "%s/pyntest-spool.XXXXXX", dir) < 0)
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	free(path);
	return fd;
}

int pyn__spool_open(struct pyn__spool *s)
{
	const char *tmpdir = getenv("TMPDIR");

	s->size = 0;
	s->fd = -1;
	if (tmpdir && *tmpdir)
		s->fd = open_in(tmpdir);
	if (s->fd < 0)
		s->fd = open_in("/tmp");
	return s->fd < 0 ? errno : 0;
}

void pyn__spool_close(struct pyn__spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->size = 0;
}

int pyn__spool_put(struct pyn__spool *s, const char *buf, size_t len,
		   uint64_t *at)
{
	size_t done = 0;

	if (s->fd < 0)
		return EBADF;
	while (done < len) {
		ssize_t n = pwrite(s->fd, buf + done, len - done,
				   (off_t)(s->size + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		done += (size_t)n;
	}
	*at = s->size;
	s->size += len;
	return 0;
}

int pyn__spool_get(const struct pyn__spool *s, uint64_t at, size_t len,
		   char **buf)
{
	size_t done = 0;
	char *b;

	*buf = NULL;
	if (s->fd < 0)
		return EBADF;
	b = malloc(len + 1);
	if (!b)
		return ENOMEM;
	while (done < len) {
		ssize_t n =
			pread(s->fd, b + done, len - done, (off_t)(at + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(b);
			return n < 0 ? errno : EIO;
		}
		done += (size_t)n;
	}
	b[len] = '\0';
	*buf = b;
	return 0;
}

size_t pyn__utf8_whole(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = len, need;

	/* Back to the last byte that is not a continuation (at most 3). */
	while (i > 0 && len - i < 4 && (s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0 || len - i >= 4 || s[i - 1] < 0xC0)
		return len; /* ASCII, or not UTF-8 to begin with */
	need = s[i - 1] >= 0xF0 ? 4 : s[i - 1] >= 0xE0 ? 3 : 2;
	return len - (i - 1) < need ? i - 1 : len;
}

void pyn__run_text(const struct pyn__run *run, bool err, struct pyn__text *t)
{
	static const char lost[] = "[pyntest: cannot read this output back "
				   "from the spool]\n";
	size_t len = err ? run->err_len : run->out_len;
	uint64_t at = err ? run->err_at : run->out_at;

	t->owned = NULL;
	t->buf = err ? run->err : run->out;
	t->len = t->buf ? len : 0;
	if (t->buf || !run->spool || !len)
		return;
	if (pyn__spool_get(run->spool, at, len, &t->owned)) {
		t->buf = lost;
		t->len = sizeof(lost) - 1;
		return;
	}
	t->buf = t->owned;
	t->len = len;
}

void pyn__text_release(struct pyn__text *t)
{
	free(t->owned);
	t->owned = NULL;
	t->buf = NULL;
	t->len = 0;
}
