/*
 * worker/loop.h: the worker's event loop.
 */
#ifndef RAMPART_WORKER_LOOP_H
#define RAMPART_WORKER_LOOP_H

#include "worker/server.h"

/* Serve the connection until it ends. Returns the worker's exit status:
 * 0 when the connection ended normally, 2 after a protocol error. */
int worker_run(struct worker *w, int client_fd);

#endif
