/*
 * model_thread.c - the thread model (gunicorn's "gthread"): in each worker
 * process, the h2o loop thread copies every request into an exchange and
 * hands it to a pool of handler threads; a handler thread runs the request
 * and hands the exchange back through h2o's multithread queue, and the loop
 * thread sends the response. Responses are only ever sent from the loop
 * thread, which owns the connections. A handler that blocks blocks only its
 * thread, so concurrency is the number of threads per worker.
 *
 * Hand-offs are batched, because waking threads is where this model's cost
 * lies: the loop queues what one turn of events brought in and wakes one
 * thread for the lot, which works through the queue. A thread about to
 * block in tw_sleep() or an fd wait first wakes another for the rest of the
 * queue; for handlers that block some other way, a 1 ms watchdog on the
 * loop wakes idle threads while work waits.
 *
 * A client may go away while its handler runs: h2o then disposes of the
 * request, the pool's dispose hook clears the job's pointer to it, and the
 * finished exchange is dropped instead of sent.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "model.h"
#include "prefork.h"
#include "wait.h"

#define TW_WATCHDOG_US 1000

typedef struct tw_thread_job {
    h2o_multithread_message_t message; /* the way back to the loop */
    struct tw_thread_job *next;        /* in the pool's queue */
    tw_exchange *ex;                   /* a request to run, or NULL for a later-call */
    tw_later *later;                   /* a later-call to run */
    tw_req_watch watch;                /* the request; loop thread only */
} tw_thread_job;

typedef struct tw_job_list {
    tw_thread_job *head, *tail;
} tw_job_list;

typedef struct tw_thread_pool {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    tw_job_list queue; /* under lock */
    tw_job_list batch; /* this loop turn's jobs; loop thread only */
    unsigned idle;     /* threads waiting on ready; under lock */
    int stopping;
    tw_waiter waiter;  /* the handler threads' */
    tw_timer watchdog; /* loop thread */
    pthread_t *threads;
    unsigned nthreads;
    h2o_multithread_receiver_t done;
    tw_loop *loop;
} tw_thread_pool;

static void append(tw_job_list *list, tw_thread_job *job)
{
    job->next = NULL;
    if (list->tail != NULL)
        list->tail->next = job;
    else
        list->head = job;
    list->tail = job;
}

/* Wakes one idle thread if work is queued; returns whether work is queued. The signal goes
 * after the unlock, so that the woken thread does not wake only to wait for the lock. */
static int wake_for_queue(tw_thread_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    int queued = pool->queue.head != NULL;
    int wake = queued && pool->idle != 0;
    pthread_mutex_unlock(&pool->lock);
    if (wake)
        pthread_cond_signal(&pool->ready);
    return queued;
}

static int sleep_handing_over(tw_waiter *self, uint64_t us)
{
    wake_for_queue(TW__STRUCT_FROM_MEMBER(tw_thread_pool, waiter, self));
    return tw__block_sleep_us(us);
}

static int wait_fd_handing_over(tw_waiter *self, int fd, short events, int timeout_ms)
{
    wake_for_queue(TW__STRUCT_FROM_MEMBER(tw_thread_pool, waiter, self));
    return tw__block_wait_fd(fd, events, timeout_ms);
}

static void on_watchdog(tw_timer *timer)
{
    tw_thread_pool *pool = TW__STRUCT_FROM_MEMBER(tw_thread_pool, watchdog, timer);
    if (wake_for_queue(pool))
        tw__timers_add(&pool->loop->timers, timer, tw__now_us() + TW_WATCHDOG_US);
}

/* Loop thread, end of a turn: hands the turn's jobs over with one wake. */
static void flush_batch(tw_loop *loop)
{
    tw_thread_pool *pool = loop->model;
    if (pool->batch.head == NULL)
        return;
    pthread_mutex_lock(&pool->lock);
    if (pool->queue.tail != NULL)
        pool->queue.tail->next = pool->batch.head;
    else
        pool->queue.head = pool->batch.head;
    pool->queue.tail = pool->batch.tail;
    int wake = pool->idle != 0;
    pthread_mutex_unlock(&pool->lock);
    if (wake)
        pthread_cond_signal(&pool->ready);
    pool->batch.head = pool->batch.tail = NULL;
    if (pool->watchdog.index == 0)
        tw__timers_add(&loop->timers, &pool->watchdog, tw__now_us() + TW_WATCHDOG_US);
}

static tw_thread_job *pop(tw_thread_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    while (pool->queue.head == NULL && !pool->stopping) {
        pool->idle++;
        pthread_cond_wait(&pool->ready, &pool->lock);
        pool->idle--;
    }
    tw_thread_job *job = pool->queue.head;
    if (job != NULL) {
        pool->queue.head = job->next;
        if (pool->queue.head == NULL)
            pool->queue.tail = NULL;
    }
    pthread_mutex_unlock(&pool->lock);
    return job;
}

static void *handler_thread(void *arg)
{
    tw_thread_pool *pool = arg;
    tw_thread_job *job;
    tw__set_waiter(&pool->waiter);
    while ((job = pop(pool)) != NULL) {
        if (job->ex != NULL)
            tw__dispatch(job->ex);
        else
            tw__later_run(job->later);
        h2o_multithread_send_message(&pool->done, &job->message);
    }
    return NULL;
}

/* On the loop thread: what the handler threads have finished. */
static void on_jobs_done(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    tw_thread_pool *pool = TW__STRUCT_FROM_MEMBER(tw_thread_pool, done, receiver);
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *message =
            H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&message->link);
        tw_thread_job *job = H2O_STRUCT_FROM_MEMBER(tw_thread_job, message, message);
        if (job->ex != NULL) {
            /* The job lives in its exchange's arena: this is the last look at it. */
            tw__loop_respond(pool->loop, job->ex, tw__unwatch_request(&job->watch));
        } else {
            tw__loop_later_done(pool->loop, job->later);
            free(job);
        }
    }
}

static int hand_off(tw_loop *loop, h2o_req_t *req)
{
    tw_exchange *ex = tw__exchange_from_h2o(loop->app, req);
    /* A request's job goes with its exchange: no allocation of its own. */
    tw_thread_job *job = tw__arena_alloc(&ex->arena, sizeof(*job));
    memset(job, 0, sizeof(*job));
    job->ex = ex;
    tw__watch_request(&job->watch, req);
    append(&((tw_thread_pool *)loop->model)->batch, job);
    return 0;
}

static void run_later_in_pool(tw_loop *loop, tw_later *later)
{
    tw_thread_job *job = calloc(1, sizeof(*job));
    if (job == NULL) {
        fprintf(stderr, "twice: out of memory scheduling a later-call\n");
        abort();
    }
    job->later = later;
    append(&((tw_thread_pool *)loop->model)->batch, job);
}

static int start_pool(tw_thread_pool *pool, tw_loop *loop, unsigned nthreads)
{
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->ready, NULL);
    pool->loop = loop;
    pool->waiter = (tw_waiter){sleep_handing_over, wait_fd_handing_over};
    pool->watchdog.fire = on_watchdog;
    pool->threads = calloc(nthreads, sizeof(*pool->threads));
    if (pool->threads == NULL)
        return TW_FAIL;
    h2o_multithread_register_receiver(loop->ctx.queue, &pool->done, on_jobs_done);
    /* The stop signals are the loop thread's: taken there, they cut its poll short, and the
     * stop flag is written and read by one thread. Handler threads inherit them blocked. */
    sigset_t stop_signals, previous;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
    int rc = TW_OK;
    for (; pool->nthreads < nthreads; pool->nthreads++) {
        if (pthread_create(&pool->threads[pool->nthreads], NULL, handler_thread, pool) != 0) {
            fprintf(stderr, "twice: cannot start handler thread %u of %u\n", pool->nthreads + 1,
                    nthreads);
            rc = TW_FAIL;
            break;
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return rc;
}

static void stop_pool(tw_thread_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->stopping = 1;
    pthread_cond_broadcast(&pool->ready);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned i = 0; i < pool->nthreads; i++)
        pthread_join(pool->threads[i], NULL);
    free(pool->threads);
}

static int run_worker(const tw_worker_args *args, volatile sig_atomic_t *stop)
{
    tw_thread_pool pool = {0};
    tw_loop loop;
    tw__loop_init(&loop, args, hand_off, run_later_in_pool, &pool);
    loop.after_turn = flush_batch;
    if (start_pool(&pool, &loop, args->config->threads) != TW_OK)
        return 1;
    /* Handler threads still busy past the bound: joining them would wait past it too. */
    if (tw__loop_run(&loop, stop, args->config->shutdown_timeout_ms) != 0)
        return 1;
    stop_pool(&pool);
    return 0;
}

const tw_model tw__model_thread = {"thread", run_worker};
