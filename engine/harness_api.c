/* SPDX-License-Identifier: MIT */
/*
 * engine/harness_api.c - <pyntest/test.h> for the test's code (pyn_skip,
 * pyn_fail, pyn_return, ...), and the CUnit assertion hook's entry: what
 * a test says of itself goes into the page, and a step it ends jumps back
 * to the harness (harness_run.c) so that teardown still runs.  Outside a
 * test child each says so on stdout/stderr and exits like a plain
 * program.
 *
 * May use: harness.c (the page, the result fd, the step's jump), libc.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pyntest/test.h>

#include "harness.h"
#include "harness_int.h"

PYN__CHILD_TEXT int pyn__child_assert(int value, unsigned line,
				      const char *cond, const char *file,
				      const char *function, int fatal)
{
	struct pyn__page *page = pyn__page;
	struct pyn_failure *f;
	uint32_t n;

	if (!page || page->loading)
		return -1;
	if (value)
		return 0;
	n = page->n_failures;
	if (n < PYN_RESULT_FAILURES_MAX) {
		f = &page->failures[n];
		pyn__child_copy(f->file, sizeof(f->file), file ? file : "");
		f->line = line;
		pyn__child_copy(f->condition, sizeof(f->condition),
				cond ? cond : "");
		pyn__child_copy(f->function, sizeof(f->function),
				function ? function : "");
	}
	page->n_failures = n + 1;
	if (fatal && pyn__child_step.armed)
		siglongjmp(pyn__child_step.jump, 1);
	if (fatal) {
		fflush(NULL);
		page->state = PYN_CHILD_FAILED;
		_exit(1);
	}
	return 0;
}

void pyn_skip(const char *reason)
{
	struct pyn__page *page = pyn__page;

	if (!page) {
		printf("skipped: %s\n", reason ? reason : "");
		fflush(stdout);
		exit(77);
	}
	pyn__child_copy(page->skip_reason, sizeof(page->skip_reason),
			reason ? reason : "");
	page->skipped = 1;
	if (pyn__child_step.armed)
		siglongjmp(pyn__child_step.jump, 1);
	fflush(NULL);
	page->state = PYN_CHILD_SKIPPED;
	_exit(0);
}

void pyn_fail(int code, const char *fmt, ...)
{
	struct pyn__page *page = pyn__page;
	char msg[1024] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (!page) {
		fprintf(stderr, "failed (%d): %s\n", code, msg);
		exit(1);
	}
	pyn__child_copy(page->fail_message, sizeof(page->fail_message), msg);
	page->fail_code = code;
	page->fail_called = 1;
	if (pyn__child_step.armed)
		siglongjmp(pyn__child_step.jump, 1);
	fflush(NULL);
	page->state = PYN_CHILD_FAILED;
	_exit(1);
}

/* Size the result memfd and map it; NULL when size is 0 or it fails. */
static void *map_result(size_t size, int *rc)
{
	void *p;

	*rc = PYN_EINVAL;
	if (!pyn__page || pyn__result_fd < 0)
		return NULL;
	if (ftruncate(pyn__result_fd, (off_t)size) != 0) {
		*rc = PYN_ENOMEM;
		return NULL;
	}
	*rc = 0;
	pyn__page->return_size = size;
	pyn__page->returned = 1;
	if (!size)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, pyn__result_fd,
		 0);
	if (p == MAP_FAILED) {
		pyn__page->returned = 0;
		*rc = PYN_ENOMEM;
		return NULL;
	}
	return p;
}

int pyn_return(const void *data, size_t size)
{
	int rc;
	void *p = map_result(size, &rc);

	if (rc)
		return rc;
	if (p) {
		memcpy(p, data, size);
		munmap(p, size);
	}
	return 0;
}

void *pyn_return_buffer(size_t size)
{
	int rc;

	return map_result(size, &rc);
}

bool pyn_is_limited(void)
{
	return pyn__page != NULL;
}
