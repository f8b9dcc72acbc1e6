/* SPDX-License-Identifier: MIT */
/*
 * host/probe.c - which provider of each limiter works here.
 *
 * Probing asks each limiter's probe() once, with the provider the user
 * forced for it (PYNTEST_PROVIDERS, `--provider`), and keeps the answer
 * in its slot.  A worker or fork server takes the runner's answers
 * instead, as a probed list ("wall_time=engine,memory!,...") written and
 * parsed here.
 *
 * May use: the registry's slots and host table (registry.h), libc, and
 * pyn_error_set() (base/).  Called with the registry's lock
 * held.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/probe.h"
#include "host/registry.h"

#define FORCED_MAX 16

struct forced_provider {
	char limiter[64];
	char provider[32];
};

static struct forced_provider forced[FORCED_MAX];
static size_t n_forced;

static const char *forced_for(const char *limiter)
{
	size_t i;

	for (i = 0; i < n_forced; i++)
		if (strcmp(forced[i].limiter, limiter) == 0)
			return forced[i].provider;
	return NULL;
}

int pyn__probe_force(const char *limiter, size_t llen, const char *provider,
		     size_t plen, struct pyn_error *err)
{
	struct forced_provider *f = NULL;
	size_t i;

	if (llen == 0 || plen == 0 || llen >= sizeof(f->limiter) ||
	    plen >= sizeof(f->provider))
		return pyn_error_set(
			err, PYN_EUSAGE, NULL, 0, 0,
			"invalid provider choice '%.*s=%.*s': expected LIMITER=PROVIDER",
			(int)llen, limiter, (int)plen, provider);
	for (i = 0; i < n_forced; i++)
		if (strlen(forced[i].limiter) == llen &&
		    strncmp(forced[i].limiter, limiter, llen) == 0)
			f = &forced[i];
	if (!f) {
		if (n_forced == FORCED_MAX)
			return pyn_error_set(
				err, PYN_EUSAGE, NULL, 0, 0,
				"too many provider choices (at most %d)",
				FORCED_MAX);
		f = &forced[n_forced++];
	}
	snprintf(f->limiter, sizeof(f->limiter), "%.*s", (int)llen, limiter);
	snprintf(f->provider, sizeof(f->provider), "%.*s", (int)plen, provider);
	return 0;
}

/* Forced by the caller (`--provider`) before the environment is read. */
static bool forced_already(const char *limiter, size_t len)
{
	size_t i;

	for (i = 0; i < n_forced; i++)
		if (strlen(forced[i].limiter) == len &&
		    strncmp(forced[i].limiter, limiter, len) == 0)
			return true;
	return false;
}

/* "memory=rlimit,process_tree=subreaper"; `--provider` wins. */
int pyn__probe_force_env(struct pyn_error *err)
{
	const char *s = getenv("PYNTEST_PROVIDERS"), *p, *end, *eq;
	int ret;

	for (p = s; p && *p; p = end + (*end ? 1 : 0)) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (end == p)
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			return pyn_error_set(
				err, PYN_EUSAGE, NULL, 0, 0,
				"invalid PYNTEST_PROVIDERS entry '%.*s': expected LIMITER=PROVIDER",
				(int)(end - p), p);
		if (forced_already(p, (size_t)(eq - p)))
			continue;
		ret = pyn__probe_force(p, (size_t)(eq - p), eq + 1,
				       (size_t)(end - eq - 1), err);
		if (ret)
			return ret;
	}
	return 0;
}

static bool has_provider(const struct pyn_limiter *l, const char *name)
{
	const char *const *p;

	for (p = l->providers; p && *p; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

void pyn__probe_slot(struct pyn__limiter_slot *slot)
{
	const struct pyn_limiter *l = slot->limiter;
	const char *want = forced_for(l->name);
	bool listed = PYN_LIMITER_HAS(l, providers) && l->providers;

	slot->provider[0] = '\0';
	slot->why[0] = '\0';
	if (want && listed && !has_provider(l, want)) {
		const char *const *p;
		size_t n;

		n = (size_t)snprintf(slot->why, sizeof(slot->why),
				     "unknown provider '%s' (known:", want);
		for (p = l->providers; *p && n < sizeof(slot->why); p++)
			n += (size_t)snprintf(slot->why + n,
					      sizeof(slot->why) - n, " %s", *p);
		if (n < sizeof(slot->why))
			snprintf(slot->why + n, sizeof(slot->why) - n, ")");
		slot->supported = false;
		return;
	}
	if (!l->probe) {
		slot->supported = true;
		if (want)
			snprintf(slot->provider, sizeof(slot->provider), "%s",
				 want);
		return;
	}
	slot->fallback[0] = '\0';
	slot->supported = l->probe(pyn__registry_host(), want, slot->provider,
				   sizeof(slot->provider), slot->fallback,
				   sizeof(slot->fallback)) == 1;
	/* Supported: what it says is why not better (not when forced). */
	if (!slot->supported)
		snprintf(slot->why, sizeof(slot->why), "%s", slot->fallback);
	if (!slot->supported || want)
		slot->fallback[0] = '\0';
	if (!slot->supported && !slot->why[0])
		snprintf(slot->why, sizeof(slot->why),
			 "not supported on this system");
}

/* Limiter names and providers that go into a probed list as they are. */
static bool plain_word(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

int pyn__probed_next(const char **p, struct pyn__probed_entry *e)
{
	const char *s = *p, *end, *mark;

	if (!*s)
		return 0;
	end = s + strcspn(s, ",");
	mark = s + strcspn(s, "=!,");
	if (mark == s || mark == end)
		return -1;
	e->name = s;
	e->name_len = (size_t)(mark - s);
	e->supported = *mark == '=';
	e->provider = mark + 1;
	e->provider_len = e->supported ? (size_t)(end - mark - 1) : 0;
	if ((!e->supported && mark + 1 != end) ||
	    !plain_word(e->name, e->name_len) ||
	    !plain_word(e->provider, e->provider_len) ||
	    e->provider_len >=
		    sizeof(((struct pyn__limiter_slot *)0)->provider))
		return -1;
	*p = *end ? end + 1 : end;
	return 1;
}

size_t pyn__registry_probed(char *buf, size_t len)
{
	const struct pyn__limiter_slot *s;
	size_t i, n = 0, count = pyn__registry_count();
	int w;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < count; i++) {
		s = pyn__registry_get(i);
		/* A plug-in the list cannot name is probed unforced. */
		if (!plain_word(s->limiter->name, strlen(s->limiter->name)) ||
		    !plain_word(s->provider, strlen(s->provider)))
			continue;
		w = snprintf(buf ? buf + (n < len ? n : len) : NULL,
			     n < len ? len - n : 0, "%s%s%s%s", n ? "," : "",
			     s->limiter->name, s->supported ? "=" : "!",
			     s->supported ? s->provider : "");
		if (w > 0)
			n += (size_t)w;
	}
	return n;
}
