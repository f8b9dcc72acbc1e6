/* SPDX-License-Identifier: MIT */
/*
 * host/registry.c - the process-global list of limiters, and what the
 * engine asks of it.
 *
 * The built-in limiters are linked in and registered through the same
 * entry point and checks as plug-ins.  Every limiter is probed once, when
 * it is registered (probe.c); the result (provider or reason) never
 * changes in this process.  The engine finds a limiter by what it
 * enforces (pyn__registry_enforcer(), from the limiter's ABI), by index
 * in a test's process, and by name only where a user named it.
 *
 * May use: probe.c, table.c, cgroup.c, loader.c (libltdl), libc and
 * pyn_error_set() (base/).  Never the engine.
 */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cgroup.h"
#include "host/loader.h"
#include "host/probe.h"
#include "host/registry.h"
#include "host/table.h"

/* The built-in limiters (limiters/<name>/<name>.c). */
const struct pyn_limiter *
wall_time_LTX_pyn_limiter_init(const struct pyn_host *host, char *msg,
			       size_t msg_len);
const struct pyn_limiter *
cpu_time_LTX_pyn_limiter_init(const struct pyn_host *host, char *msg,
			      size_t msg_len);
const struct pyn_limiter *
memory_LTX_pyn_limiter_init(const struct pyn_host *host, char *msg,
			    size_t msg_len);
const struct pyn_limiter *
process_tree_LTX_pyn_limiter_init(const struct pyn_host *host, char *msg,
				  size_t msg_len);

static const struct {
	const char *name;
	pyn_limiter_init_fn init;
} builtins[] = {
	{ "wall_time", wall_time_LTX_pyn_limiter_init },
	{ "cpu_time", cpu_time_LTX_pyn_limiter_init },
	{ "memory", memory_LTX_pyn_limiter_init },
	{ "process_tree", process_tree_LTX_pyn_limiter_init },
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool initialised;
static struct pyn__limiter_slot slots[PYN__LIMITERS_MAX];
static size_t n_slots;
static struct pyn__module *modules[PYN__LIMITERS_MAX];

/*
 * The checks every limiter passes, built-in or not.  `file` names it in
 * messages ("built-in" for the built-ins).
 */
static int check_limiter(const struct pyn_limiter *l, const char *file,
			 const char *init_msg, struct pyn_error *err)
{
	size_t need =
		offsetof(struct pyn_limiter, teardown) + sizeof(l->teardown);
	const char *name;
	size_t i;

	if (!l)
		return pyn_error_set(
			err, PYN_EABI, NULL, 0, 0,
			"plug-in '%s' returned no limiter: %s", file,
			init_msg[0] ? init_msg : "no reason given");
	/* name is the third field in every ABI version: safe to read. */
	name = l->struct_size >= offsetof(struct pyn_limiter, name) +
					       sizeof(l->name) &&
			       l->name ?
		       l->name :
		       "?";
	if (l->abi_version != PYN_LIMITER_ABI_VERSION)
		return pyn_error_set(
			err, PYN_EABI, NULL, 0, 0,
			"plug-in '%s' limiter '%s' was built for limiter ABI %u; this pyntest speaks ABI %d",
			file, name, (unsigned)l->abi_version,
			PYN_LIMITER_ABI_VERSION);
	if (l->struct_size < need)
		return pyn_error_set(
			err, PYN_EABI, NULL, 0, 0,
			"plug-in '%s' limiter '%s' is too old: its struct pyn_limiter has %u bytes, limiter ABI %d needs at least %zu",
			file, name, (unsigned)l->struct_size,
			PYN_LIMITER_ABI_VERSION, need);
	if (!l->name || !l->name[0])
		return pyn_error_set(err, PYN_EABI, NULL, 0, 0,
				     "plug-in '%s' limiter has no name", file);
	for (i = 0; i < n_slots; i++) {
		const struct pyn_limiter *o = slots[i].limiter;

		if (strcmp(o->name, l->name) != 0)
			continue;
		return pyn_error_set(
			err, PYN_EABI, NULL, 0, 0,
			"plug-in '%s' limiter '%s' version %s: a limiter of that name is already loaded from %s (version %s)",
			file, l->name, l->version ? l->version : "?",
			slots[i].builtin ? "pyntest (built-in)" : slots[i].path,
			o->version ? o->version : "?");
	}
	if (n_slots == PYN__LIMITERS_MAX)
		return pyn_error_set(
			err, PYN_EABI, NULL, 0, 0,
			"plug-in '%s' limiter '%s': too many limiters (at most %d)",
			file, l->name, PYN__LIMITERS_MAX);
	return 0;
}

/*
 * Add a slot for `l`: probed here, or - with `known` - taking another
 * process's probe results for it.
 */
static struct pyn__limiter_slot *add_slot(const struct pyn_limiter *l,
					  const char *path,
					  const struct pyn__probed_entry *known)
{
	struct pyn__limiter_slot *slot = &slots[n_slots];

	memset(slot, 0, sizeof(*slot));
	slot->limiter = l;
	slot->builtin = path == NULL;
	snprintf(slot->path, sizeof(slot->path), "%s", path ? path : "");
	/* Built before the field existed: it enforces nothing. */
	slot->enforces = PYN_LIMITER_HAS(l, enforces) ? l->enforces : 0;
	if (known) {
		slot->supported = known->supported;
		snprintf(slot->provider, sizeof(slot->provider), "%.*s",
			 (int)known->provider_len, known->provider);
		if (!known->supported)
			snprintf(slot->why, sizeof(slot->why),
				 "not supported (probed by the runner)");
	} else {
		pyn__probe_slot(slot);
	}
	/* Publish only once the slot is complete. */
	__atomic_store_n(&n_slots, n_slots + 1, __ATOMIC_RELEASE);
	return slot;
}

static int bad_probed(struct pyn_error *err, const char *probed,
		      const char *why)
{
	return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
			     "invalid probe results '%s' from the runner: %s",
			     probed, why);
}

/*
 * Register the built-in limiters: probed here, or with `probed` (a
 * runner's pyn__registry_probed()) taking its results, which must list
 * the built-ins first, in order; the plug-ins after them get the
 * runner's provider forced for when they are loaded and probed here.
 */
static int init_locked(const char *probed, struct pyn_error *err)
{
	char msg[PYN_LIMITER_MESSAGE_MAX];
	struct pyn__probed_entry e;
	const struct pyn_limiter *l;
	const char *p = probed;
	size_t i;
	int ret;

	memset(&e, 0, sizeof(e));
	if (initialised)
		return 0;
	pyn__host_start();
	ret = pyn__probe_force_env(err);
	if (ret)
		return ret;
	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if (probed) {
			ret = pyn__probed_next(&p, &e);
			if (ret < 0)
				return bad_probed(
					err, probed,
					"expected NAME=PROVIDER or NAME!");
			if (ret == 0 ||
			    e.name_len != strlen(builtins[i].name) ||
			    strncmp(e.name, builtins[i].name, e.name_len) != 0)
				return bad_probed(
					err, probed,
					"the built-in limiters differ from this worker's");
		}
		msg[0] = '\0';
		l = builtins[i].init(pyn__registry_host(), msg, sizeof(msg));
		ret = check_limiter(l, builtins[i].name, msg, err);
		if (ret)
			return ret;
		add_slot(l, NULL, probed ? &e : NULL);
	}
	while (probed && (ret = pyn__probed_next(&p, &e)) != 0) {
		if (ret < 0)
			return bad_probed(err, probed,
					  "expected NAME=PROVIDER or NAME!");
		/* The runner's choice already includes its forced ones. */
		if (e.supported && e.provider_len > 0) {
			ret = pyn__probe_force(e.name, e.name_len, e.provider,
					       e.provider_len, err);
			if (ret)
				return ret;
		}
	}
	pyn__cgroup_release_idle();
	initialised = true;
	return 0;
}

int pyn__registry_init(struct pyn_error *err)
{
	int ret;

	pthread_mutex_lock(&lock);
	ret = init_locked(NULL, err);
	pthread_mutex_unlock(&lock);
	return ret;
}

int pyn__registry_init_probed(const char *probed, struct pyn_error *err)
{
	int ret;

	if (!probed)
		return pyn__registry_init(err);
	pthread_mutex_lock(&lock);
	ret = init_locked(probed, err);
	pthread_mutex_unlock(&lock);
	return ret;
}

int pyn__registry_force(const char *limiter, const char *provider,
			struct pyn_error *err)
{
	int ret;

	if (!limiter || !provider)
		return pyn_error_set(
			err, PYN_EINVAL, NULL, 0, 0,
			"invalid provider choice: no limiter or provider");
	pthread_mutex_lock(&lock);
	ret = pyn__probe_force(limiter, strlen(limiter), provider,
			       strlen(provider), err);
	pthread_mutex_unlock(&lock);
	return ret;
}

int pyn__registry_add_plugin(const char *path, struct pyn_error *err)
{
	char real[PATH_MAX], msg[PYN_LIMITER_MESSAGE_MAX];
	const struct pyn_limiter *l;
	struct pyn__module *m = NULL;
	pyn_limiter_init_fn init;
	size_t i;
	int ret;

	if (!path || !*path)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "cannot load plug-in: no path given");
	pthread_mutex_lock(&lock);
	ret = init_locked(NULL, err);
	if (ret)
		goto out_unlock;
	if (pyn__module_resolve(path, NULL, NULL, real, sizeof(real)) < 0)
		snprintf(real, sizeof(real), "%s", path);
	for (i = 0; i < n_slots; i++)
		if (!slots[i].builtin && strcmp(slots[i].path, real) == 0)
			goto out_unlock;
	ret = pyn__module_open_as(&m, path, "plug-in", err);
	if (ret)
		goto out_unlock;
	/*
	 * lt_dlsym tries "<module>_LTX_pyn_limiter_init" first, so a module
	 * built like a built-in (PYN_LIMITER_ENTRY only) loads too.
	 */
	init = (pyn_limiter_init_fn)pyn__module_symbol(m, "pyn_limiter_init");
	if (!init) {
		ret = pyn_error_set(
			err, PYN_ESYMBOL, NULL, 0, 0,
			"plug-in '%s' has no entry point 'pyn_limiter_init'",
			path);
		goto out_close;
	}
	msg[0] = '\0';
	l = init(pyn__registry_host(), msg, sizeof(msg));
	ret = check_limiter(l, path, msg, err);
	if (ret)
		goto out_close;
	modules[n_slots] = m;
	add_slot(l, real, NULL);
	pyn__cgroup_release_idle();
	goto out_unlock;
out_close:
	pyn__module_close(m);
out_unlock:
	pthread_mutex_unlock(&lock);
	return ret;
}

size_t pyn__registry_count(void)
{
	return __atomic_load_n(&n_slots, __ATOMIC_ACQUIRE);
}

/* In a test's process too: beside its other code. */
PYN__CHILD_TEXT const struct pyn__limiter_slot *pyn__registry_get(size_t index)
{
	return index < pyn__registry_count() ? &slots[index] : NULL;
}

const struct pyn__limiter_slot *pyn__registry_find(const char *name,
						   size_t *index)
{
	size_t i, n = pyn__registry_count();

	for (i = 0; name && i < n; i++) {
		if (strcmp(slots[i].limiter->name, name) == 0) {
			if (index)
				*index = i;
			return &slots[i];
		}
	}
	return NULL;
}

const struct pyn__limiter_slot *pyn__registry_enforcer(unsigned what)
{
	const struct pyn__limiter_slot *unsupported = NULL;
	size_t i, n = pyn__registry_count();

	for (i = 0; what && i < n; i++) {
		if ((slots[i].enforces & what) != what)
			continue;
		if (slots[i].supported)
			return &slots[i];
		if (!unsupported)
			unsupported = &slots[i];
	}
	return unsupported;
}

bool pyn__registry_enforced(unsigned what)
{
	const struct pyn__limiter_slot *slot = pyn__registry_enforcer(what);

	return slot && slot->supported;
}

/* The limits of the C API and the manifest, by the field each sets. */
static const struct {
	unsigned what;
	const char *name;
} limits[] = {
	{ PYN_ENFORCES_WALL_TIME, "wall_time" },
	{ PYN_ENFORCES_CPU_TIME, "cpu_time" },
	{ PYN_ENFORCES_MEMORY, "memory" },
	{ PYN_ENFORCES_PROCESS_TREE, "process_tree" },
};

unsigned pyn__registry_limit(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(limits) / sizeof(limits[0]); i++)
		if (strcmp(limits[i].name, name) == 0)
			return limits[i].what;
	return 0;
}

const char *pyn__registry_limit_name(unsigned what)
{
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (limits[i].what == what)
			return limits[i].name;
	return NULL;
}
