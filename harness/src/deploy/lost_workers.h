/*
 * lost_workers.h - reading a server's stderr for the lines in which
 * twice-app's master says it replaced a worker that died (lost_workers.c):
 * a step in which a server lost workers did not measure what it set out
 * to. Every deployer reads its servers' stderr through this.
 */
#ifndef TWICE_LOST_WORKERS_H
#define TWICE_LOST_WORKERS_H

#include "deploy.h"

/** Counts, in d->lost_workers[i], the lines of server i's stderr (d->stderr_fds[i]) that report
 * a lost worker, from where the last look stopped (d->stderr_read[i]) to the last whole line,
 * and keeps the last one in d->last_loss[i] (printable ASCII, for the report). */
void lost_workers_count(deployment *d, unsigned i);

#endif
