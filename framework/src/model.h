/*
 * model.h - the interface every concurrency model implements, one file
 * each (model_*.c), like redis' ae_*.c event-loop backends.
 */
#ifndef TWICE_MODEL_H
#define TWICE_MODEL_H

#include "twice.h"

typedef struct tw_model {
    const char *name;
    /** Serves app on the already listening listen_fd until asked to stop; 0 when clean. */
    int (*serve)(tw_app *app, const tw_serve_config *config, int listen_fd);
} tw_model;

extern const tw_model tw__model_process;
extern const tw_model tw__model_thread;
extern const tw_model tw__model_coroutine;

#endif
