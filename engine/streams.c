/* SPDX-License-Identifier: MIT */
/*
 * engine/streams.c - a test's output: its lane's pipes (made once per
 * lane) or two of its own, read as epoll says they hold data and once
 * more at the test's end, up to output_limit for both.
 *
 * May call: loop.c (its sources).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* The stream is done with its fd: close it, unless it is a lane's. */
static void stream_close(struct pyn_engine *e, struct pyn__stream *s)
{
	if (s->lane_tag) {
		s->lane_tag->job = NULL;
		s->lane_tag = NULL;
		s->fd = -1;
		return;
	}
	pyn__io_close(e, &s->fd);
}

static int stream_buffer(struct pyn__stream *s, size_t limit)
{
	s->cap = limit;
	/*
	 * Most tests print little: output_limit (1 MiB) for each stream up front
	 * is an mmap and a munmap per stream and test, for nothing.
	 */
	s->alloc = limit < 4096 ? limit + 1 : 4096;
	s->buf = malloc(s->alloc);
	if (!s->buf)
		return -1;
	s->buf[0] = '\0';
	return 0;
}

static int open_stream(struct pyn__stream *s, int fds[2], size_t limit)
{
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	s->fd = fds[0];
	return stream_buffer(s, limit);
}

void pyn__job_close_writers(struct pyn__job *job)
{
	if (job->out_w >= 0 && !job->lane_pipes)
		close(job->out_w);
	if (job->err_w >= 0 && !job->lane_pipes)
		close(job->err_w);
	job->out_w = job->err_w = -1;
}

static void drain(struct pyn_engine *e, struct pyn__stream *s, int to_eof)
{
	char chunk[65536];
	size_t keep;
	ssize_t n;

	while (s->fd >= 0) {
		n = read(s->fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && !to_eof)
			return;
		if (n <= 0) {
			stream_close(e, s);
			return;
		}
		s->total += (uint64_t)n;
		keep = s->cap - s->len;
		if (s->other && s->other->len < keep)
			keep -= s->other->len;
		else if (s->other)
			keep = 0;
		if (keep > (size_t)n)
			keep = (size_t)n;
		if (keep && s->len + keep >= s->alloc) {
			size_t want = s->alloc * 2;
			char *p;

			if (want < s->len + keep + 1)
				want = s->len + keep + 1;
			if (want > s->cap + 1)
				want = s->cap + 1;
			p = realloc(s->buf, want);
			if (p) {
				s->buf = p;
				s->alloc = want;
			} else {
				keep = s->alloc - 1 - s->len;
			}
		}
		if (keep) {
			memcpy(s->buf + s->len, chunk, keep);
			s->len += keep;
			s->buf[s->len] = '\0';
		}
	}
}

/*
 * Output in a lane's pipe between two tests: of a process of the last
 * one that was not yet dead when it was drained.  Nobody's: drop it.
 */
static void discard(int fd)
{
	char chunk[4096];
	ssize_t n;

	do
		n = read(fd, chunk, sizeof(chunk));
	while (n > 0 || (n < 0 && errno == EINTR));
}

/* A pipe has data: its job's stream, or nobody's (a lane between tests). */
static void on_out(struct pyn_engine *e, struct pyn__ev *ev)
{
	if (!ev->job)
		discard(ev->fd);
	else
		drain(e, &ev->job->out, 0);
}

static void on_err(struct pyn_engine *e, struct pyn__ev *ev)
{
	if (!ev->job)
		discard(ev->fd);
	else
		drain(e, &ev->job->err, 0);
}

/* The lane's pipes, made and put in the epoll set on first use. */
static int lane_open(struct pyn_engine *e, struct pyn__lane *l)
{
	if (l->out[0] >= 0)
		return 0;
	if (pipe2(l->out, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(l->err, O_CLOEXEC) != 0)
		goto out_close;
	fcntl(l->out[0], F_SETFL, O_NONBLOCK);
	fcntl(l->err[0], F_SETFL, O_NONBLOCK);
	l->out_tag.fn = on_out;
	l->out_tag.phase = PYN__PHASE_INPUT;
	l->out_tag.fd = l->out[0];
	l->err_tag.fn = on_err;
	l->err_tag.phase = PYN__PHASE_INPUT;
	l->err_tag.fd = l->err[0];
	if (pyn__io_start(e, l->out[0], &l->out_tag) == 0 &&
	    pyn__io_start(e, l->err[0], &l->err_tag) == 0)
		return 0;
	close(l->err[0]);
	close(l->err[1]);
out_close:
	close(l->out[0]);
	close(l->out[1]);
	l->out[0] = l->out[1] = l->err[0] = l->err[1] = -1;
	return -1;
}

/*
 * Capture the job's output through its lane's pipes, when every process
 * of the test is killed at its end.  Returns 0, or -1: own pipes then.
 */
static int lane_take(struct pyn_engine *e, struct pyn__job *job)
{
	struct pyn__lane *l;

	if (!job->limits.terminate_child_processes || job->lane >= PYN__LANES)
		return -1;
	l = &e->lanes[job->lane];
	if (l->dirty && l->out[0] >= 0) {
		discard(l->out[0]);
		discard(l->err[0]);
	}
	l->dirty = 0;
	if (lane_open(e, l) != 0 ||
	    stream_buffer(&job->out, job->limits.output_limit) != 0 ||
	    stream_buffer(&job->err, job->limits.output_limit) != 0)
		return -1;
	job->lane_pipes = 1;
	job->out.fd = l->out[0];
	job->err.fd = l->err[0];
	job->out.lane_tag = &l->out_tag;
	job->err.lane_tag = &l->err_tag;
	job->out_w = l->out[1];
	job->err_w = l->err[1];
	l->out_tag.job = job;
	l->err_tag.job = job;
	/* The stream's own tag is not in the epoll set: the lane's is. */
	return 0;
}

int pyn__streams_open(struct pyn_engine *e, struct pyn__job *job)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };

	if (lane_take(e, job) == 0) {
		job->out.other = &job->err;
		job->err.other = &job->out;
		return 0;
	}
	if (open_stream(&job->out, outp, job->limits.output_limit) ||
	    open_stream(&job->err, errp, job->limits.output_limit)) {
		snprintf(job->host_error, sizeof(job->host_error),
			 "cannot capture output: %s", strerror(errno));
		if (outp[1] >= 0)
			close(outp[1]);
		if (errp[1] >= 0)
			close(errp[1]);
		return -1;
	}
	job->out_w = outp[1];
	job->err_w = errp[1];
	job->out.other = &job->err;
	job->err.other = &job->out;
	return 0;
}

void pyn__streams_watch(struct pyn_engine *e, struct pyn__job *job)
{
	if (job->out.fd < 0 || job->lane_pipes)
		return;
	job->out.tag.fn = on_out;
	job->out.tag.phase = PYN__PHASE_INPUT;
	job->out.tag.job = job;
	pyn__io_start(e, job->out.fd, &job->out.tag);
	job->err.tag.fn = on_err;
	job->err.tag.phase = PYN__PHASE_INPUT;
	job->err.tag.job = job;
	pyn__io_start(e, job->err.fd, &job->err.tag);
}

void pyn__streams_end(struct pyn_engine *e, struct pyn__job *job)
{
	/*
	 * Always read: a process of the test may have written after the
	 * test's own process ended and before it was killed just now.
	 */
	drain(e, &job->out, 0);
	drain(e, &job->err, 0);
	if (job->lane_pipes && job->lane < PYN__LANES &&
	    (job->leftover || job->killed_by))
		e->lanes[job->lane].dirty = 1;
	stream_close(e, &job->out);
	stream_close(e, &job->err);
}

void pyn__streams_close(struct pyn_engine *e, struct pyn__job *job)
{
	stream_close(e, &job->out);
	stream_close(e, &job->err);
}

void pyn__lanes_close(struct pyn_engine *e)
{
	size_t i;

	for (i = 0; i < PYN__LANES; i++) {
		if (e->lanes[i].out[0] < 0)
			continue;
		close(e->lanes[i].out[0]);
		close(e->lanes[i].out[1]);
		close(e->lanes[i].err[0]);
		close(e->lanes[i].err[1]);
	}
}
