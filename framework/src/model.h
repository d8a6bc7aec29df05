/*
 * model.h - the interface every concurrency model implements, one file
 * each (model_*.c), like redis' ae_*.c event-loop backends.
 */
#ifndef TWICE_MODEL_H
#define TWICE_MODEL_H

#include "prefork.h"

/** A model is what its worker processes run; the prefork master is the same for all. */
typedef struct tw_model {
    const char *name;
    tw_worker_fn run_worker;
} tw_model;

extern const tw_model tw__model_process;
extern const tw_model tw__model_thread;
extern const tw_model tw__model_coroutine;

#endif
