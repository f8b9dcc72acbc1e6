/* SPDX-License-Identifier: MIT */
/*
 * engine/jobs.c - a job's memory: made with its page (one kept from a
 * finished test when nothing of that test can still write there), freed
 * with its page given back; the lists jobs move through.
 *
 * May call: streams.c, timers.c (its timer's handler), page.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

unsigned pyn__bit_take(uint64_t *bits)
{
	unsigned i;

	for (i = 0; i < 64; i++) {
		if (!(*bits & ((uint64_t)1 << i))) {
			*bits |= (uint64_t)1 << i;
			return i;
		}
	}
	return 64;
}

/*
 * Keep the page of a finished test for a later one: when nothing of the
 * test can still write into it (its processes were killed) and its
 * result memfd holds no returned bytes (still mapped by the result).
 */
static bool page_keep(struct pyn_engine *e, struct pyn__job *job)
{
	if (!job->page || job->page_fd < 0 || job->result_fd < 0 ||
	    e->n_pool >= PYN__PAGE_POOL ||
	    !job->limits.terminate_child_processes || job->page->returned ||
	    job->page->return_size)
		return false;
	e->pool[e->n_pool].page = job->page;
	e->pool[e->n_pool].page_fd = job->page_fd;
	e->pool[e->n_pool].result_fd = job->result_fd;
	e->n_pool++;
	job->page = NULL;
	job->page_fd = job->result_fd = -1;
	return true;
}

/* A page for a new test: a kept one, else a new memfd. */
static int page_take(struct pyn_engine *e, struct pyn__job *job,
		     struct pyn_error *err)
{
	if (e->n_pool) {
		e->n_pool--;
		job->page = e->pool[e->n_pool].page;
		job->page_fd = e->pool[e->n_pool].page_fd;
		job->result_fd = e->pool[e->n_pool].result_fd;
		pyn__page_reset(job->page);
		return 0;
	}
	if (pyn__page_new(&job->page, &job->page_fd, err) != 0)
		return -1;
	job->result_fd = memfd_create("pyntest-result", MFD_CLOEXEC);
	if (job->result_fd < 0)
		return pyn_error_set(err, PYN_ESYSTEM, NULL, 0, 0,
				     "cannot create the result memfd: %s",
				     strerror(errno));
	return 0;
}

int pyn__job_new(struct pyn_engine *e, const struct pyn_task *task,
		 const struct pyn_limits *limits, void *user,
		 struct pyn__job **out, struct pyn_error *err)
{
	struct pyn__job *job;
	int rc;

	*out = NULL;
	job = calloc(1, sizeof(*job));
	if (!job)
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "out of memory");
	job->engine = e;
	job->user = user;
	job->seq = ++e->seq;
	job->page_fd = job->result_fd = job->pidfd = job->timerfd = -1;
	job->timer_tag.fn = pyn__timer_on_deadline;
	job->timer_tag.phase = PYN__PHASE_TIMER;
	job->timer_tag.job = job;
	job->out.fd = job->err.fd = -1;
	job->out_w = job->err_w = -1;
	job->t_submit = pyn__now();
	job->limits = *limits;
	job->res.struct_size = sizeof(job->res);
	job->limits.options = NULL; /* only read during setup */
	job->fn = task->fn;
	job->arg = task->arg;
	rc = page_take(e, job, err);
	if (!rc)
		rc = pyn__page_set_task(job->page, task, err);
	if (rc) {
		pyn__job_free(job);
		return rc;
	}
	job->page->limited = 1;
	job->page->foreground = limits->foreground;
	job->page->core_dumps = limits->core_dumps;
	job->limits.wrapper = NULL;
	if (limits->wrapper && limits->wrapper[0]) {
		rc = pyn__wrapper_split(limits->wrapper, &job->wrapper, err);
		if (rc) {
			pyn__job_free(job);
			return rc;
		}
	}
	/* Options are borrowed: used now, during setup. */
	job->limits.options = limits->options;
	*out = job;
	return 0;
}

void pyn__job_free(struct pyn__job *job)
{
	if (!job)
		return;
	free(job->out.buf);
	free(job->err.buf);
	pyn__job_close_writers(job);
	if (job->pid <= 0 || job->reaped)
		page_keep(job->engine, job);
	if (job->result_fd >= 0)
		close(job->result_fd);
	if (job->page_fd >= 0)
		close(job->page_fd);
	pyn__page_unmap(job->page);
	pyn_result_release(&job->res);
	free(job->wrapper);
	free(job);
}

void pyn__job_unlink(struct pyn__job **pp, struct pyn__job *job)
{
	for (; *pp; pp = &(*pp)->next) {
		if (*pp == job) {
			*pp = job->next;
			break;
		}
	}
	job->next = NULL;
}

void pyn__job_done(struct pyn_engine *e, struct pyn__job *job)
{
	job->next = NULL;
	if (e->done_tail)
		e->done_tail->next = job;
	else
		e->done = job;
	e->done_tail = job;
}

void pyn__pages_free(struct pyn_engine *e)
{
	while (e->n_pool) {
		e->n_pool--;
		pyn__page_unmap(e->pool[e->n_pool].page);
		close(e->pool[e->n_pool].page_fd);
		close(e->pool[e->n_pool].result_fd);
	}
}
