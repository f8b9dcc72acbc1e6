/* SPDX-License-Identifier: MIT */
/*
 * examples/api/big_result.c - get a large result back.
 *
 * The function writes its result straight into memory shared with the
 * caller (pyn_return_buffer()): nothing goes through a pipe, nothing is
 * copied.  Without an argument it returns 64 MiB and checks it; with a
 * size ("1GB") it also measures the throughput.
 *
 *	$ big_result 1GB
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct job {
	uint64_t size;
	double fill_s; /* how long the child took to write it */
};

static void produce(void *arg)
{
	struct job *job = arg;
	double t0 = now();
	unsigned char *p = pyn_return_buffer(job->size);
	uint64_t off;

	if (!p)
		pyn_fail(1, "cannot map %llu bytes",
			 (unsigned long long)job->size);
	for (off = 0; off < job->size; off += 1 << 20) {
		size_t n = job->size - off < (1 << 20) ? job->size - off :
							 (1 << 20);
		memset(p + off, (int)(off >> 20) & 0xff, n);
	}
	/* The last 8 bytes say how long writing took, for the report. */
	job->fill_s = now() - t0;
	if (job->size >= 8 + sizeof(double))
		memcpy(p + job->size - sizeof(double), &job->fill_s,
		       sizeof(double));
}

int main(int argc, char **argv)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct job job = { PYN_MiB(64), 0 };
	struct pyn_error err;
	struct pyn_result res = PYN_RESULT_INIT;
	const unsigned char *p;
	double t0, total, fill;
	uint64_t off;

	if (argc > 1 && pyn_bytes(argv[1], &job.size, &err) != 0) {
		fprintf(stderr, "error: %s\n", err.message);
		return 2;
	}
	lim.wall_time_s = 60;
	t0 = now();
	if (pyn_call(produce, &job, &lim, &res, &err) != 0) {
		fprintf(stderr, "error: %s\n", err.message);
		return 1;
	}
	total = now() - t0;
	if (res.outcome != PYN_OUTCOME_PASS || res.size != job.size) {
		printf("%s: %s\n", pyn_outcome_name(res.outcome), res.message);
		pyn_result_release(&res);
		return 1;
	}
	p = res.data;
	for (off = 0; off + (1 << 20) <= job.size - 16; off += 1 << 20)
		if (p[off] != ((off >> 20) & 0xff)) {
			printf("wrong byte at %llu\n", (unsigned long long)off);
			pyn_result_release(&res);
			return 1;
		}
	memcpy(&fill, p + job.size - sizeof(double), sizeof(double));
	printf("got %llu bytes back: pass, content checked\n",
	       (unsigned long long)job.size);
	if (argc > 1)
		printf("call %.3f s, of which the child wrote for %.3f s: "
		       "%.3f s to hand back, %.1f GB/s end to end\n",
		       total, fill, total - fill,
		       (double)job.size / total / 1e9);
	pyn_result_release(&res);
	return 0;
}
