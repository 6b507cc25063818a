/*
 * monitor/crypt_pool.c: a small pool of threads that run crypt_r(3)
 * (libxcrypt: yescrypt, sha512-crypt, sha256-crypt, bcrypt) for password
 * authentication, so the monitor's event loop never waits on a hash.
 */
#include "monitor/crypt_pool.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "crypto/secret.h"

void
crypt_job_free(struct crypt_job *job)
{
	if (job == NULL)
		return;
	if (job->password != NULL) {
		rp_wipe(job->password, job->password_len);
		free(job->password);
	}
	free(job->hash);
	free(job);
}

/* Does password hash to hash? Constant time in the comparison. */
static int
check(const struct crypt_job *job, struct crypt_data *cd)
{
	const char *out;
	size_t n = strlen(job->hash);

	memset(cd, 0, sizeof(*cd));
	out = crypt_r(job->password, job->hash, cd);
	/* libxcrypt returns a string starting with '*' on failure. */
	if (out == NULL || out[0] == '*' || strlen(out) != n)
		return 0;
	return rp_ct_equal(out, job->hash, n);
}

static void *
run(void *arg)
{
	struct crypt_pool *p = arg;
	struct crypt_data *cd = calloc(1, sizeof(*cd));

	for (;;) {
		struct crypt_job *job;
		int ok;

		pthread_mutex_lock(&p->lock);
		while (p->queue == NULL && !p->stopping)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stopping) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		job = p->queue;
		p->queue = job->next;
		if (p->queue == NULL)
			p->queue_tail = NULL;
		pthread_mutex_unlock(&p->lock);

		ok = cd != NULL && check(job, cd);
		job->ok = ok && !job->force_fail;
		rp_wipe(job->password, job->password_len);

		pthread_mutex_lock(&p->lock);
		job->next = p->done;
		p->done = job;
		pthread_mutex_unlock(&p->lock);
		/* Wake the event loop; a full pipe already means "look". */
		(void)!write(p->pipe_wr, "x", 1);
	}
	if (cd != NULL) {
		rp_wipe(cd, sizeof(*cd));
		free(cd);
	}
	return NULL;
}

int
crypt_pool_start(struct crypt_pool *p)
{
	return crypt_pool_start_n(p, CRYPT_POOL_THREADS);
}

int
crypt_pool_start_n(struct crypt_pool *p, size_t nthreads)
{
	int fds[2];
	sigset_t all, old;

	memset(p, 0, sizeof(*p));
	p->pipe_rd = p->pipe_wr = -1;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return 0;
	p->pipe_rd = fds[0];
	p->pipe_wr = fds[1];
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	/* The threads take no signals: the main thread's ppoll() does. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (size_t i = 0; i < nthreads && i < CRYPT_POOL_THREADS; i++) {
		if (pthread_create(&p->threads[i], NULL, run, p) != 0)
			break;
		p->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (p->nthreads == 0 && nthreads > 0) {
		rp_error("cannot start password hashing threads");
		return 0;
	}
	return 1;
}

int
crypt_pool_submit(struct crypt_pool *p, struct crypt_job *job)
{
	pthread_mutex_lock(&p->lock);
	if (p->pending >= CRYPT_POOL_MAX_JOBS) {
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	job->next = NULL;
	if (p->queue_tail != NULL)
		p->queue_tail->next = job;
	else
		p->queue = job;
	p->queue_tail = job;
	p->pending++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return 1;
}

int
crypt_pool_fd(const struct crypt_pool *p)
{
	return p->pipe_rd;
}

struct crypt_job *
crypt_pool_take(struct crypt_pool *p)
{
	struct crypt_job *job;
	char drain[64];

	while (read(p->pipe_rd, drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&p->lock);
	if ((job = p->done) != NULL) {
		p->done = job->next;
		p->pending--;
	}
	pthread_mutex_unlock(&p->lock);
	return job;
}

void
crypt_pool_stop(struct crypt_pool *p)
{
	struct crypt_job *j, *next;

	if (p->pipe_rd < 0)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	for (j = p->queue; j != NULL; j = next) {
		next = j->next;
		crypt_job_free(j);
	}
	for (j = p->done; j != NULL; j = next) {
		next = j->next;
		crypt_job_free(j);
	}
	close(p->pipe_rd);
	close(p->pipe_wr);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work);
	p->pipe_rd = p->pipe_wr = -1;
}

int
crypt_dummy_hash(char *out, size_t outsz)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE], phrase[33];
	uint8_t raw[16];
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *h;
	int ok = 0;

	if (cd == NULL)
		return 0;
	rp_random_bytes(raw, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(phrase + 2 * i, 3, "%02x", raw[i]);
	/* NULL prefix: libxcrypt's default (yescrypt on Debian 12). */
	if (crypt_gensalt_rn(NULL, 0, NULL, 0, salt, sizeof(salt)) != NULL &&
	    (h = crypt_r(phrase, salt, cd)) != NULL && h[0] != '*' && strlen(h) < outsz) {
		memcpy(out, h, strlen(h) + 1);
		ok = 1;
	}
	rp_wipe(phrase, sizeof(phrase));
	rp_wipe(cd, sizeof(*cd));
	free(cd);
	return ok;
}
