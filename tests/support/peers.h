/*
 * peers.h - the servers twice-app is compared with, for the live tests
 * (peers.c): the Flask app of targets/flask under gunicorn, nginx with
 * targets/nginx/nginx.conf, and the comparison of their answers with
 * twice-app's. A peer that is not installed fails the test with the Debian
 * package that provides it (scripts/deps.sh installs them).
 */
#ifndef TWICE_TEST_PEERS_H
#define TWICE_TEST_PEERS_H

#include "app_process.h"

/** Starts targets/flask/app.py under gunicorn with one worker of worker_class ("sync",
 * "gthread" with 16 threads, "gevent"), TWICE_LOCK_FILE=lock_file and TWICE_DB=db (NULL: no
 * database); fails the test when it cannot (naming the package when one is missing). */
void peer_start_flask(app_process *p, const char *worker_class, const char *lock_file,
                      const char *db);
/** Starts nginx on targets/nginx/nginx.conf in a temporary prefix written to dir (at least
 * 64 bytes); fails the test when it cannot. */
void peer_start_nginx(app_process *p, char *dir);
/** Stops a peer with SIGTERM and fails the test unless it exits with status 0. */
void peer_stop(app_process *p, const char *name);
/** Stops the twice-app a peer was compared with and fails the test on a sanitizer report or
 * an exit other than a clean one. */
void peer_stop_twice_app(app_process *app);
/** Removes the temporary prefix peer_start_nginx() made. */
void peer_remove_dir(const char *dir);

/**
 * Sends method target to twice-app and to the peer and fails the test unless both answer
 * with the same status, Content-Type, Allow header and body. A /contention body is compared
 * up to its "lock_wait_us", the one figure that depends on timing.
 */
void peer_same_answer(int twice_port, int peer_port, const char *method, const char *target,
                      const char *label);

#endif
