/* SPDX-License-Identifier: MIT */
/*
 * engine/result.c - a test's end, once its process is reaped (or was
 * never made): what it left killed, its output read, the evidence from
 * its page, the limiters' claims, pyn__classify()'s verdict, the result
 * (returned bytes mapped, not copied); then the job is done, parked
 * (held) or freed (cancelled).
 *
 * May call: loop.c, limiter_calls.c, streams.c, jobs.c, gate.c,
 * classify.c, cunit_exec.c.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>

#include "classify.h"
#include "cunit_exec.h"
#include "internal.h"

/*
 * Could an allocation of `size` bytes have succeeded without the test's
 * memory limit?  Not when it is larger than the machine gives one
 * allocation: its address space with overcommit_memory 1, else its RAM
 * and swap (heuristic overcommit refuses more at once, strict more in
 * all).  malloc(SIZE_MAX / 4) fails anyway: not the limit's doing.
 */
static bool machine_could_give(uint64_t size)
{
	static uint64_t most;
	struct sysinfo si;
	char buf[8] = "";
	FILE *f;

	if (!most) {
		f = fopen("/proc/sys/vm/overcommit_memory", "re");
		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = '\0';
			fclose(f);
		}
		if (buf[0] == '1' || sysinfo(&si) != 0)
			most = (uint64_t)1 << 48;
		else
			most = ((uint64_t)si.totalram + si.totalswap) *
			       (si.mem_unit ? si.mem_unit : 1);
	}
	return size <= most;
}

static void read_evidence(struct pyn__job *job, struct pyn_limiter_evidence *ev)
{
	struct pyn__page *p = job->page;

	memset(ev, 0, sizeof(*ev));
	ev->struct_size = sizeof(*ev);
	ev->wait_status = job->status;
	ev->rusage = &job->ru;
	ev->wall_time_s = job->wall;
	ev->cpu_time_s = (double)job->ru.ru_utime.tv_sec +
			 (double)job->ru.ru_utime.tv_usec / 1e6 +
			 (double)job->ru.ru_stime.tv_sec +
			 (double)job->ru.ru_stime.tv_usec / 1e6;
	ev->killed_by = job->killed_by;
	ev->killer = job->killer;
	ev->child_state = p->state;
	/*
	 * A failed allocation is the memory limit's evidence only when the
	 * limit is why it failed (size 0: seen at a crash through errno).
	 */
	if (p->alloc_failed && (!p->alloc_failed_size ||
				machine_could_give(p->alloc_failed_size))) {
		ev->alloc_failed = 1;
		ev->alloc_failed_size = p->alloc_failed_size;
	}
	ev->vm_peak_bytes = p->vm_peak_bytes;
	ev->vm_hwm_bytes = p->vm_hwm_bytes;
	ev->rss_at_start_bytes = p->rss_at_start_bytes;
	ev->would_pass = pyn__would_pass(job->status, p->state, p->n_failures,
					 p->fail_called);
}

static void take_output(struct pyn__stream *s, char **buf, size_t *len,
			uint64_t *total)
{
	*buf = s->buf;
	*len = s->len;
	*total = s->total;
	s->buf = NULL;
}

static void take_return(struct pyn__job *job, struct pyn_result *res)
{
	struct stat st;
	size_t size = (size_t)job->page->return_size;
	void *p;

	/* pynisher tells "no result" from an empty one; so does this. */
	res->returned = job->page->returned && job->result_fd >= 0;
	if (!job->page->returned || !size || job->result_fd < 0)
		return;
	if (fstat(job->result_fd, &st) != 0 || (uint64_t)st.st_size < size)
		return;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 job->result_fd, 0);
	if (p == MAP_FAILED)
		return;
	res->data = p;
	res->size = size;
}

/*
 * --core-dumps: the crash dumped core: name the file in the message and
 * the pyntest.core_file property (or say why it cannot be found).
 */
static void name_core(struct pyn_engine *e, struct pyn__job *job,
		      struct pyn_result *res)
{
	char path[PATH_MAX], why[768], *prop, **props;
	time_t since = time(NULL) - (time_t)(pyn__now() - job->t_submit) - 1;
	size_t have = strlen(res->message);

	(void)e;
	pyn__core_find(job->pid, WTERMSIG(job->status),
		       pyn__page_str(job->page, job->page->task.cwd), since,
		       path, sizeof(path), why, sizeof(why));
	if (!path[0]) {
		snprintf(res->message + have, sizeof(res->message) - have,
			 "; core dumped, not found: %s", why);
		return;
	}
	snprintf(res->message + have, sizeof(res->message) - have,
		 "; core dumped: %s", path);
	props = realloc(res->properties,
			(res->n_properties + 1) * sizeof(*props));
	if (!props)
		return;
	res->properties = props;
	if (asprintf(&prop, "pyntest.core_file=%s", path) < 0)
		return;
	props[res->n_properties++] = prop;
}

void pyn__job_finish(struct pyn_engine *e, struct pyn__job *job)
{
	struct pyn__claim claims[PYN__LIMITERS_MAX];
	struct pyn__classify_input in;
	struct pyn_limiter_evidence ev;
	struct pyn__verdict v;
	struct pyn__san_report san;
	struct pyn_result *res = &job->res;
	const struct pyn__limiter_slot *slot;
	size_t i, k, n_claims, n_props = 0;
	double cpu = -1;
	int64_t peak = -1;
	struct pyn__lim *l;
	uint64_t hwm;

	/* What the test left behind goes now, before the evidence. */
	if (job->pid > 0) {
		if (job->limits.terminate_child_processes) {
			job->leftover = pyn__limiters_kill(job);
			kill(-job->pid, SIGKILL);
		}
		pyn__io_close(e, &job->pidfd);
	}
	/* Its processes are gone: the next test need not wait for the rest. */
	pyn__gate_autostart(e, job);
	/* Armed before the pid was known (a fork server's test), too. */
	pyn__io_close(e, &job->timerfd);
	pyn__streams_end(e, job);

	read_evidence(job, &ev);
	n_claims =
		pyn__limiters_classify(job, &ev, claims, &cpu, &peak, &n_props);
	if (cpu < 0)
		cpu = ev.cpu_time_s;
	if (peak < 0 && job->pid > 0) {
		hwm = ev.vm_hwm_bytes ? ev.vm_hwm_bytes :
					(uint64_t)job->ru.ru_maxrss * 1024;
		peak = hwm > ev.rss_at_start_bytes ?
			       (int64_t)(hwm - ev.rss_at_start_bytes) :
			       0;
	}

	memset(&in, 0, sizeof(in));
	in.ev = &ev;
	in.host_setup_error = job->host_error;
	in.setup_message = job->page->setup_message;
	in.setup_step = job->page->setup_step;
	if (job->page->limiter_index >= 0) {
		slot = pyn__registry_get((size_t)job->page->limiter_index);
		in.applying_limiter = slot ? slot->limiter->name : NULL;
	}
	in.library = pyn__page_str(job->page, job->page->task.library);
	in.n_failures = job->page->n_failures;
	in.first_failure = &job->page->failures[0];
	in.fail_called = job->page->fail_called;
	in.fail_code = job->page->fail_code;
	in.fail_message = job->page->fail_message;
	in.skip_reason = job->page->skip_reason;
	in.wall_time_s = job->limits.wall_time_s;
	in.cpu_time_s = job->limits.cpu_time_s;
	in.memory_bytes = job->limits.memory_bytes;
	in.peak_memory_bytes = peak;
	in.tree_cpu_time_s = job->pid > 0 ? cpu : -1;
	in.claims = claims;
	in.n_claims = n_claims;
	if (job->instr && job->pid > 0 &&
	    (pyn__sanitizer_report(job->err.buf, job->err.len, &san) ||
	     pyn__sanitizer_report(job->out.buf, job->out.len, &san)))
		in.sanitizer = &san;
	pyn__classify(&in, &v);
	pyn__wrapper_verdict(job, ev.child_state, &v);
	/* A crash says where: the function and file:line, when known. */
	if (v.outcome == PYN_OUTCOME_ERROR && job->pid > 0 &&
	    WIFSIGNALED(job->status) &&
	    WTERMSIG(job->status) == job->page->fatal_signal &&
	    job->page->fault_pc)
		pyn__fault_where(job->page, v.message, sizeof(v.message));
	if (ev.child_state == PYN_CHILD_LOADING && job->page->task.program &&
	    v.outcome != PYN_OUTCOME_PASS)
		pyn__cunit_loading_note(
			v.message, sizeof(v.message),
			pyn__page_str(job->page, job->page->task.program),
			ev.wait_status, ev.killed_by);

	res->outcome = v.outcome;
	snprintf(res->message, sizeof(res->message), "%s", v.message);
	snprintf(res->error_type, sizeof(res->error_type), "%s", v.error_type);
	res->wall_time_s = job->wall;
	res->cpu_time_s = job->pid > 0 ? cpu : 0;
	res->peak_memory_bytes = job->pid > 0 ? peak : -1;
	res->start_s = job->t_start > 0 ? job->t_start - e->t0 : 0;
	res->slot = job->slot;
	if (job->pid > 0 && WIFEXITED(job->status)) {
		res->exit_code = WEXITSTATUS(job->status);
	} else if (job->pid > 0 && WIFSIGNALED(job->status)) {
		res->exit_code = -1;
		res->term_signal = WTERMSIG(job->status);
	} else {
		res->exit_code = -1;
	}
	res->fail_code = job->page->fail_code;
	res->leftover_processes = job->leftover;
	res->n_failures = job->page->n_failures;
	memcpy(res->failures, job->page->failures, sizeof(res->failures));
	snprintf(res->skip_reason, sizeof(res->skip_reason), "%s",
		 job->page->state == PYN_CHILD_SKIPPED ?
			 job->page->skip_reason :
			 "");
	take_return(job, res);
	if (job->out.buf)
		take_output(&job->out, &res->out, &res->out_len,
			    &res->out_total);
	if (job->err.buf)
		take_output(&job->err, &res->err, &res->err_len,
			    &res->err_total);
	if (n_props) {
		res->properties = calloc(n_props, sizeof(char *));
		for (i = 0; res->properties && i < job->n_lims; i++) {
			l = &job->lims[i];
			for (k = 0; k < l->n_props; k++) {
				res->properties[res->n_properties++] =
					l->props[k];
				l->props[k] = NULL;
			}
		}
	}
	if (job->page->core_dumps && job->pid > 0 && WIFSIGNALED(job->status) &&
	    WCOREDUMP(job->status))
		name_core(e, job, res);
	pyn__limiters_teardown(job);
	/* Its processes were killed and waited for: the token is free. */
	if (job->limits.terminate_child_processes)
		pyn__token_release(job->token);
	job->token = 0;
	if (job->slot < 64 && !job->slot_passed)
		e->slots &= ~((uint64_t)1 << job->slot);
	if (job->lane < 64)
		e->lanes_busy &= ~((uint64_t)1 << job->lane);
	job->lane = 64;

	if (job->cancelled) {
		pyn__job_free(job);
		return;
	}
	if (job->held) {
		job->next = e->parked;
		e->parked = job;
		return;
	}
	pyn__job_done(e, job);
}
