/* SPDX-License-Identifier: MIT */
/* An out-of-tree plug-in: lowers RLIMIT_NOFILE to option `count` (8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pyntest/limiter.h>

struct oot_child {
	rlim_t count;
};

static const char *const keys[] = { "count", NULL };

static int oot_setup(struct pyn_limiter_request *req, void **state, char *msg,
		     size_t msg_len)
{
	struct oot_child c = { 8 };
	size_t i;

	(void)msg;
	(void)msg_len;
	*state = NULL;
	if (!req->configured)
		return 1;
	for (i = 0; i < req->n_options; i++)
		if (strcmp(req->options[i].key, "count") == 0)
			c.count = (rlim_t)strtoul(req->options[i].value, NULL,
						  10);
	memcpy(req->child_data, &c, sizeof(c));
	req->child_data_size = sizeof(c);
	return 0;
}

static int oot_apply(const void *data, size_t size, char *msg, size_t msg_len)
{
	struct oot_child c;
	struct rlimit rl;

	if (size != sizeof(c))
		return -1;
	memcpy(&c, data, sizeof(c));
	rl.rlim_cur = rl.rlim_max = c.count;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(msg, msg_len, "cannot set RLIMIT_NOFILE");
		return -1;
	}
	return 0;
}

static const struct pyn_limiter oot = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "oot_files",
	.version = "1.0",
	.summary = "out-of-tree RLIMIT_NOFILE",
	.provides = PYN_PROVIDES_OTHER,
	.keys = keys,
	.setup = oot_setup,
	.apply = oot_apply,
};

PYN_LIMITER_ENTRY(oot_limiter)
{
	(void)host;
	(void)msg;
	(void)msg_len;
	return &oot;
}
