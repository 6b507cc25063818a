/*
 * monitor/crypt_pool.h: password hashing off the monitor's event loop.
 *
 * crypt(3) with yescrypt or sha512-crypt takes tens of milliseconds on
 * purpose; the monitor must never wait on it. A few threads take jobs from
 * a bounded queue and report through a pipe the event loop polls. The
 * threads only hash: account lookups (/etc/shadow) stay on the main thread.
 */
#ifndef RAMPART_MONITOR_CRYPT_POOL_H
#define RAMPART_MONITOR_CRYPT_POOL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPT_POOL_THREADS 2
#define CRYPT_POOL_MAX_JOBS 256

struct crypt_job {
	struct crypt_job *next;
	uint64_t conn_id;   /* who asked; the connection may be gone by then */
	uint32_t req_id;
	char *hash;         /* the crypt(3) hash to check against */
	char *password;     /* wiped when the job is freed */
	size_t password_len;
	int force_fail;     /* hash only for timing: the answer is no */
	const char *fail_reason; /* with force_fail: why, for the log (static) */
	int ok;             /* the result: the password matches */
};

struct crypt_pool {
	pthread_t threads[CRYPT_POOL_THREADS];
	size_t nthreads;
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct crypt_job *queue, *queue_tail, *done;
	size_t pending;     /* queued or running */
	int stopping;
	int pipe_rd, pipe_wr;
};

int crypt_pool_start(struct crypt_pool *p);
/* The same with nthreads threads (at most CRYPT_POOL_THREADS). 0 makes a
 * pool that only queues, for the fuzz harness: nothing is ever hashed, and
 * crypt_pool_stop frees what waits. */
int crypt_pool_start_n(struct crypt_pool *p, size_t nthreads);
/* Queue a job (the pool owns it from now on). 0 when the pool is full:
 * the caller answers the request itself. */
int crypt_pool_submit(struct crypt_pool *p, struct crypt_job *job);
/* The descriptor that becomes readable when jobs are done. */
int crypt_pool_fd(const struct crypt_pool *p);
/* Take one finished job (NULL: none); the caller frees it. */
struct crypt_job *crypt_pool_take(struct crypt_pool *p);
void crypt_job_free(struct crypt_job *job);
void crypt_pool_stop(struct crypt_pool *p);

/* A hash of a random password in the default scheme (yescrypt), for
 * checking passwords of users who have none at the same cost. */
int crypt_dummy_hash(char *out, size_t outsz);

#endif
