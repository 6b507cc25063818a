/*
 * monitor/resolver.c: a small pool of threads that run getaddrinfo(3) for
 * direct-tcpip targets, so the monitor's event loop never waits on DNS.
 *
 * The shape is monitor/crypt_pool.c's (a bounded queue under one mutex, a
 * pipe to wake the event loop), with one difference: crypt_r always returns
 * within milliseconds, getaddrinfo does not, and it cannot be interrupted.
 * So the state the threads share lives in its own allocation with a
 * reference count (the owner plus each thread), and resolver_stop may leave
 * a thread stuck in a lookup behind: the last one out frees the state.
 */
#include "monitor/resolver.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

struct resolver_shared {
	pthread_mutex_t lock;
	pthread_cond_t work;
	/* Jobs are results not filled in yet: one allocation per lookup. */
	struct resolve_result *queue, *queue_tail;
	struct resolve_result *done, *done_tail;
	size_t pending;  /* queued, running, or done and not taken */
	unsigned refs;   /* the owner's, and one per live thread */
	int stopping;
	int pipe_rd, pipe_wr;
};

void
resolve_result_free(struct resolve_result *list)
{
	struct resolve_result *next;

	for (; list != NULL; list = next) {
		next = list->next;
		free(list);
	}
}

static void
shared_destroy(struct resolver_shared *s)
{
	resolve_result_free(s->queue);
	resolve_result_free(s->done);
	if (s->pipe_rd >= 0)
		close(s->pipe_rd);
	if (s->pipe_wr >= 0)
		close(s->pipe_wr);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->work);
	free(s);
}

/* Drop one reference; the last frees. Nothing may touch s afterwards. */
static void
shared_put(struct resolver_shared *s)
{
	int last;

	pthread_mutex_lock(&s->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (last)
		shared_destroy(s);
}

static int
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	} else {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

		return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
}

size_t
resolver_collect(const struct addrinfo *ai, struct sockaddr_storage *addrs, socklen_t *lens,
    size_t max, int *truncated)
{
	size_t n = 0;

	*truncated = 0;
	for (; ai != NULL; ai = ai->ai_next) {
		struct sockaddr_storage ss;
		size_t i;

		if (ai->ai_addr == NULL || ai->ai_socktype != SOCK_STREAM)
			continue;
		if (!(ai->ai_family == AF_INET &&
		    ai->ai_addrlen == (socklen_t)sizeof(struct sockaddr_in)) &&
		    !(ai->ai_family == AF_INET6 &&
		    ai->ai_addrlen == (socklen_t)sizeof(struct sockaddr_in6)))
			continue;
		if (ai->ai_addr->sa_family != ai->ai_family)
			continue;
		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
		for (i = 0; i < n; i++)
			if (same_addr(&addrs[i], &ss))
				break;
		if (i < n)
			continue;
		if (n == max) {
			*truncated = 1;
			break;
		}
		addrs[n] = ss;
		lens[n] = ai->ai_addrlen;
		n++;
	}
	return n;
}

/*
 * Fill in res from getaddrinfo. No AI_ADDRCONFIG: it hides ::1 on a host
 * with no global IPv6 address (and 127.0.0.1 without global IPv4), and the
 * bastion may well forward to its own loopback; connecting to an address of
 * a family the host cannot reach just fails and the next one is tried.
 * Returns 0 with res->error set when there is no address.
 */
static int
lookup(struct resolve_result *res, int flags)
{
	struct addrinfo hints, *ai = NULL;
	char port[8];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = flags | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", (unsigned)res->port);
	rc = getaddrinfo(res->host, port, &hints, &ai);
	if (rc != 0) {
		res->error = rc;
		if (rc == EAI_SYSTEM) {
			char buf[96];
			/* GNU strerror_r: thread-safe, returns the text. */
			const char *t = strerror_r(errno, buf, sizeof(buf));

			snprintf(res->why, sizeof(res->why), "%s", t);
		} else {
			/* gai_strerror returns static strings in glibc. */
			snprintf(res->why, sizeof(res->why), "%s", gai_strerror(rc));
		}
		return 0;
	}
	res->naddrs = resolver_collect(ai, res->addrs, res->lens, RESOLVER_MAX_ADDRS,
	    &res->truncated);
	freeaddrinfo(ai);
	if (res->naddrs == 0) {
		res->error = EAI_NONAME;
		snprintf(res->why, sizeof(res->why), "no IPv4 or IPv6 address");
		return 0;
	}
	return 1;
}

static void *
run(void *arg)
{
	struct resolver_shared *s = arg;

	for (;;) {
		struct resolve_result *job;

		pthread_mutex_lock(&s->lock);
		while (s->queue == NULL && !s->stopping)
			pthread_cond_wait(&s->work, &s->lock);
		if (s->stopping) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		job = s->queue;
		s->queue = job->next;
		if (s->queue == NULL)
			s->queue_tail = NULL;
		job->next = NULL;
		pthread_mutex_unlock(&s->lock);

		/* The job belongs to this thread alone until it is on done. */
		(void)lookup(job, 0);

		pthread_mutex_lock(&s->lock);
		if (s->stopping) {
			/* Nobody will take it: resolver_stop already
			 * emptied the lists. */
			pthread_mutex_unlock(&s->lock);
			free(job);
			break;
		}
		if (s->done_tail != NULL)
			s->done_tail->next = job;
		else
			s->done = job;
		s->done_tail = job;
		pthread_mutex_unlock(&s->lock);
		/* Wake the event loop; a full pipe already means "look". The
		 * pipe stays open: this thread holds a reference. */
		(void)!write(s->pipe_wr, "x", 1);
	}
	shared_put(s);
	return NULL;
}

int
resolver_start(struct resolver *r, unsigned nthreads)
{
	struct resolver_shared *s;
	int fds[2];
	sigset_t all, old;

	memset(r, 0, sizeof(*r));
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return 0;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
		free(s);
		return 0;
	}
	s->pipe_rd = fds[0];
	s->pipe_wr = fds[1];
	s->refs = 1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->work, NULL);
	if (nthreads > RESOLVER_MAX_THREADS)
		nthreads = RESOLVER_MAX_THREADS;
	/* The threads take no signals: the main thread's ppoll() does. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (unsigned i = 0; i < nthreads; i++) {
		pthread_mutex_lock(&s->lock);
		s->refs++;
		pthread_mutex_unlock(&s->lock);
		if (pthread_create(&r->threads[r->nthreads], NULL, run, s) != 0) {
			pthread_mutex_lock(&s->lock);
			s->refs--;
			pthread_mutex_unlock(&s->lock);
			break;
		}
		r->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r->nthreads == 0 && nthreads > 0) {
		rp_error("cannot start name lookup threads");
		shared_destroy(s); /* no thread holds a reference */
		return 0;
	}
	r->shared = s;
	return 1;
}

int
resolver_fd(const struct resolver *r)
{
	return r->shared != NULL ? r->shared->pipe_rd : -1;
}

static int
host_ok(const char *host, size_t len)
{
	if (len == 0 || len > RESOLVER_MAX_HOST)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)host[i] < 0x21 || (unsigned char)host[i] > 0x7e)
			return 0;
	return 1;
}

int
resolver_submit(struct resolver *r, const char *host, size_t host_len, uint16_t port,
    uint64_t cookie1, uint32_t cookie2)
{
	struct resolver_shared *s = r->shared;
	struct resolve_result *job;
	int full, numeric;

	if (host == NULL || !host_ok(host, host_len) || port == 0)
		return RESOLVER_BAD_HOST;
	if (s == NULL)
		return RESOLVER_FULL;
	/* Cheap refusal before any work; checked again below for real. */
	pthread_mutex_lock(&s->lock);
	full = s->pending >= RESOLVER_MAX_PENDING;
	pthread_mutex_unlock(&s->lock);
	if (full || (job = calloc(1, sizeof(*job))) == NULL)
		return RESOLVER_FULL;
	memcpy(job->host, host, host_len);
	job->host[host_len] = '\0';
	job->port = port;
	job->cookie1 = cookie1;
	job->cookie2 = cookie2;
	/* AI_NUMERICHOST never asks NSS or DNS: a literal is parsed here,
	 * on the event loop, at no cost. Any other failure means "a name". */
	numeric = lookup(job, AI_NUMERICHOST);
	if (!numeric) {
		job->error = 0;
		job->why[0] = '\0';
		job->naddrs = 0;
		job->truncated = 0;
	}

	pthread_mutex_lock(&s->lock);
	if (s->pending >= RESOLVER_MAX_PENDING || s->stopping) {
		pthread_mutex_unlock(&s->lock);
		free(job);
		return RESOLVER_FULL;
	}
	s->pending++;
	if (numeric) {
		if (s->done_tail != NULL)
			s->done_tail->next = job;
		else
			s->done = job;
		s->done_tail = job;
	} else {
		if (s->queue_tail != NULL)
			s->queue_tail->next = job;
		else
			s->queue = job;
		s->queue_tail = job;
		pthread_cond_signal(&s->work);
	}
	pthread_mutex_unlock(&s->lock);
	if (numeric)
		(void)!write(s->pipe_wr, "x", 1);
	return RESOLVER_QUEUED;
}

struct resolve_result *
resolver_take(struct resolver *r)
{
	struct resolver_shared *s = r->shared;
	struct resolve_result *list, *res;
	char drain[64];

	if (s == NULL)
		return NULL;
	/* Drain first: a result finished after the lists are taken below
	 * writes again, so the next poll sees it. */
	while (read(s->pipe_rd, drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&s->lock);
	list = s->done;
	s->done = s->done_tail = NULL;
	for (res = list; res != NULL; res = res->next)
		s->pending--;
	pthread_mutex_unlock(&s->lock);
	return list;
}

void
resolver_stop(struct resolver *r)
{
	struct resolver_shared *s = r->shared;
	struct resolve_result *queue, *done;
	struct timespec until;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	queue = s->queue;
	done = s->done;
	s->queue = s->queue_tail = s->done = s->done_tail = NULL;
	s->pending = 0;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->lock);
	resolve_result_free(queue);
	resolve_result_free(done);

	/* An idle thread ends at once; one inside getaddrinfo is given a
	 * moment (a lookup in /etc/hosts or a cache is quick), then left to
	 * finish on its own: joining it could take the resolver's whole
	 * timeout, and cancelling it inside libc would leak or deadlock. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)RESOLVER_STOP_WAIT_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	for (unsigned i = 0; i < r->nthreads; i++) {
		if (pthread_timedjoin_np(r->threads[i], NULL, &until) != 0)
			pthread_detach(r->threads[i]);
	}
	r->nthreads = 0;
	r->shared = NULL;
	shared_put(s);
}
