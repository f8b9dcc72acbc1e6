/* SPDX-License-Identifier: MIT */
/*
 * engine/loop.c - the engine's event loop: epoll sources registered with
 * a handler and a phase (struct pyn__ev), the caller's watch_fd, and the
 * engine's warnings.
 *
 * May call: nothing else of the engine; the other files' handlers only
 * through the sources they registered.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "internal.h"

int pyn__io_start(struct pyn_engine *e, int fd, struct pyn__ev *ev)
{
	struct epoll_event ee;

	memset(&ee, 0, sizeof(ee));
	ee.events = EPOLLIN;
	ee.data.ptr = ev;
	return epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ee);
}

void pyn__io_stop(struct pyn_engine *e, int fd)
{
	if (e && fd >= 0)
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, fd, NULL);
}

void pyn__io_close(struct pyn_engine *e, int *fd)
{
	if (*fd < 0)
		return;
	if (e)
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, *fd, NULL);
	close(*fd);
	*fd = -1;
}

void pyn__warn(struct pyn_engine *e, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (e && e->warn)
		e->warn(e->warn_user, msg);
	else
		fprintf(stderr, "pyntest: warning: %s\n", msg);
}

static void on_watch(struct pyn_engine *e, struct pyn__ev *ev)
{
	(void)ev;
	if (e->watch_fd >= 0)
		e->watched = 1;
}

/*
 * Watch the caller's fd, and leave it in the epoll set for the next call
 * (the runner passes the same one for every test).  MOD finds it only if
 * this very file is still registered under that number: a closed fd left
 * the set by itself, and a new file behind a reused number is added.
 * One the caller no longer passes leaves the set: a readable fd nobody
 * reads would wake every epoll_wait.
 */
int pyn__loop_watch(struct pyn_engine *e, int fd)
{
	struct epoll_event ev;

	if (e->watch_fd >= 0 && e->watch_fd != fd)
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, e->watch_fd, NULL);
	e->watch_fd = fd;
	if (fd < 0)
		return 0;
	e->watch_tag.fn = on_watch;
	e->watch_tag.phase = PYN__PHASE_INPUT;
	/*
	 * One-shot, armed again by each call: a registration left behind
	 * (the caller closed its fd while a copy of the file stays open
	 * elsewhere, so DEL by number cannot reach it) fires once at most.
	 */
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.ptr = &e->watch_tag;
	if (epoll_ctl(e->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
		return 0;
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
		return 0;
	e->watch_fd = -1;
	return -1;
}

int pyn__loop_run(struct pyn_engine *e, struct pyn_error *err)
{
	struct epoll_event evs[32];
	struct pyn__ev *ev;
	int n, i, phase;

	n = epoll_wait(e->epfd, evs, 32, -1);
	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0)
		return pyn_error_set(err, PYN_ESYSTEM, NULL, 0, 0,
				     "epoll_wait: %s", strerror(errno));
	for (phase = 0; phase < PYN__PHASES; phase++) {
		for (i = 0; i < n; i++) {
			ev = evs[i].data.ptr;
			if ((int)ev->phase == phase)
				ev->fn(e, ev);
		}
	}
	return 0;
}
