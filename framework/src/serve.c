/*
 * serve.c - tw_serve(): checks the configuration, opens the listener,
 * announces the address and hands over to the chosen concurrency model.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "coro.h"
#include "listen.h"
#include "model.h"

#define TW_MAX_WORKERS 1024
#define TW_MAX_THREADS 4096
#define TW_MIN_STACK (16 * 1024)
#define TW_MAX_STACK (64 * 1024 * 1024)

static const tw_model *const models[] = {&tw__model_process, &tw__model_thread,
                                         &tw__model_coroutine};
static const char *const model_names[] = {"process", "thread", "coroutine", NULL};

const char *const *tw_models(void)
{
    return model_names;
}

tw_serve_config tw_serve_config_default(void)
{
    return (tw_serve_config){
        .listen = "127.0.0.1:8080",
        .model = "process",
        .workers = 1,
        .threads = 8,
        .stack_size = TW_CORO_DEFAULT_STACK,
        .max_coroutines = 16384,
        .shutdown_timeout_ms = 5000,
    };
}

static const tw_model *find_model(const char *name)
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        if (strcmp(models[i]->name, name) == 0)
            return models[i];
    }
    return NULL;
}

int tw_serve_config_check(const tw_serve_config *config, char *err, size_t errlen)
{
    if (config->model == NULL || find_model(config->model) == NULL) {
        size_t used = (size_t)snprintf(err, errlen, "unknown model \"%s\"; this build has:",
                                       config->model != NULL ? config->model : "(null)");
        for (const char *const *name = model_names; *name != NULL && used < errlen; name++)
            used += (size_t)snprintf(err + used, errlen - used, " %s", *name);
        return TW_FAIL;
    }
    if (config->workers < 1 || config->workers > TW_MAX_WORKERS) {
        snprintf(err, errlen, "workers must be 1-%d, got %u", TW_MAX_WORKERS, config->workers);
        return TW_FAIL;
    }
    if (config->threads < 1 || config->threads > TW_MAX_THREADS) {
        snprintf(err, errlen, "threads must be 1-%d, got %u", TW_MAX_THREADS, config->threads);
        return TW_FAIL;
    }
    if (config->stack_size < TW_MIN_STACK || config->stack_size > TW_MAX_STACK) {
        snprintf(err, errlen, "stack size must be %d-%d KiB, got %zu KiB", TW_MIN_STACK / 1024,
                 TW_MAX_STACK / 1024, config->stack_size / 1024);
        return TW_FAIL;
    }
    if (config->max_coroutines < 1) {
        snprintf(err, errlen, "max coroutines must be at least 1");
        return TW_FAIL;
    }
    char host[256], port[8];
    if (config->listen == NULL) {
        snprintf(err, errlen, "no listen address");
        return TW_FAIL;
    }
    return tw__split_address(config->listen, host, sizeof(host), port, sizeof(port), err, errlen);
}

int tw_serve(tw_app *app, const tw_serve_config *config)
{
    char bound[300], err[512];
    if (tw_serve_config_check(config, err, sizeof(err)) != TW_OK) {
        fprintf(stderr, "twice: %s\n", err);
        return TW_FAIL;
    }
    const tw_model *model = find_model(config->model);
    int fd = tw__listen(config->listen, bound, sizeof(bound), err, sizeof(err));
    if (fd < 0) {
        fprintf(stderr, "twice: %s\n", err);
        return TW_FAIL;
    }
    /* Once announced, the server may be asked for its count at any moment: SIGUSR1 is held
     * from here for the master's loop to take, never left to kill it in between. */
    sigset_t ask, before;
    sigemptyset(&ask);
    if (config->on_served != NULL)
        sigaddset(&ask, SIGUSR1);
    sigprocmask(SIG_BLOCK, &ask, &before);
    if (config->on_listening != NULL)
        config->on_listening(bound, config->on_listening_data);
    tw_worker_args args = {.app = app, .listen_fd = fd, .config = config};
    int rc = tw__prefork(&args, model->run_worker);
    sigprocmask(SIG_SETMASK, &before, NULL);
    close(fd);
    return rc;
}
