/*
 * prefork.c - the master process (gunicorn's arbiter): it forks the
 * workers, restarts one that dies, and on SIGTERM or SIGINT asks them all to
 * finish their requests, killing those that overrun the grace period. Every
 * model runs its workers under this master; what a worker does is the
 * model's business.
 *
 * The master blocks its signals and takes them with sigwaitinfo(), so it
 * never runs code in a signal handler and never misses a child's death.
 * Workers ask the kernel to kill them (SIGKILL) when the master dies, so
 * that no worker outlives it, even when the master is killed with SIGKILL:
 * a SIGTERM would start a graceful shutdown that a request in flight could
 * stretch for as long as it runs, and with the master gone nobody enforces
 * the bound. A graceful shutdown is something only a live master asks for.
 *
 * The master also keeps the count of responses served: before forking it
 * maps one shared anonymous page (MAP_SHARED, so workers' writes reach it)
 * with a cache-line-sized slot per worker. A worker's loop adds to its own
 * slot with a relaxed atomic, so counting costs the hot path one plain
 * store and no worker ever waits on another; a replacement worker takes
 * over the slot, so a worker's death loses no count. SIGUSR1 asks the
 * master for the sum, which it hands to on_served from its loop.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "prefork.h"

/* A worker that dies sooner than this after its start is restarted after a pause, so that
 * a worker that crashes at once does not turn the master into a fork loop. */
#define TW_QUICK_DEATH_MS 1000
#define TW_RESTART_PAUSE_MS 200
/* How long past the shutdown timeout the master waits before SIGKILL. */
#define TW_KILL_GRACE_MS 1000

static volatile sig_atomic_t worker_stop;

static void on_stop_signal(int sig)
{
    (void)sig;
    worker_stop = 1;
}

/* One worker's count of responses, alone on its cache line so that workers on different
 * cores never write the same line. */
typedef struct tw_served_count {
    _Alignas(64) _Atomic uint64_t responses;
} tw_served_count;

typedef struct tw_worker_slot {
    pid_t pid; /* 0 when not running */
    struct timespec started;
    _Atomic uint64_t *served; /* the slot's count, shared with whichever worker holds it */
} tw_worker_slot;

static uint64_t ms_since(const struct timespec *then)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)(now.tv_sec - then->tv_sec) * 1000 +
           (uint64_t)((now.tv_nsec - then->tv_nsec) / 1000000);
}

static void become_worker(pid_t master, const sigset_t *mask, tw_worker_fn worker,
                          const tw_worker_args *args, _Atomic uint64_t *served)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != master)
        _exit(0); /* the master died before prctl took effect */
    struct sigaction sa = {.sa_handler = on_stop_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* SIGUSR1 is the master's to answer; one sent to the whole process group must not kill
     * the workers. */
    signal(SIGUSR1, SIG_IGN);
    sigprocmask(SIG_SETMASK, mask, NULL);
    tw_worker_args own = *args;
    own.served = served;
    int status = worker(&own, &worker_stop);
    fflush(NULL);
    /* A worker is a copy of the master: returning would run the master's code. */
    _exit(status);
}

static int spawn(tw_worker_slot *slot, pid_t master, const sigset_t *mask, tw_worker_fn worker,
                 const tw_worker_args *args)
{
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "twice: cannot start a worker: %s\n", strerror(errno));
        return TW_FAIL;
    }
    if (pid == 0)
        become_worker(master, mask, worker, args, slot->served);
    slot->pid = pid;
    clock_gettime(CLOCK_MONOTONIC, &slot->started);
    return TW_OK;
}

static void signal_all(tw_worker_slot *slots, unsigned n, int sig)
{
    for (unsigned i = 0; i < n; i++) {
        if (slots[i].pid > 0)
            kill(slots[i].pid, sig);
    }
}

static void describe_exit(unsigned index, pid_t pid, int status)
{
    if (WIFSIGNALED(status))
        fprintf(stderr, "twice: worker %u (pid %d) was killed by signal %d (%s)", index, (int)pid,
                WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        fprintf(stderr, "twice: worker %u (pid %d) exited with status %d", index, (int)pid,
                WEXITSTATUS(status));
}

/* Stops taking connections, then asks every worker to finish. shutdown() on a listening socket
 * makes Linux stop listening on it, for every process that shares it: a connection that
 * arrives from now on is refused at once (or, with SO_REUSEPORT, goes to another server on
 * the port) instead of waiting in the backlog for the whole drain and then being reset. */
static void begin_shutdown(tw_worker_slot *slots, unsigned n, int listen_fd,
                           struct timespec *started)
{
    shutdown(listen_fd, SHUT_RDWR);
    clock_gettime(CLOCK_MONOTONIC, started);
    signal_all(slots, n, SIGTERM);
}

/* Every worker's count together; relaxed loads are enough for a figure read on request. */
static uint64_t served_total(const tw_served_count *counts, unsigned n)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += atomic_load_explicit(&counts[i].responses, memory_order_relaxed);
    return total;
}

/* Reaps every dead worker; restarts them unless shutting down. Returns how many are alive. */
static unsigned reap(tw_worker_slot *slots, unsigned n, int shutting_down, pid_t master,
                     const sigset_t *mask, tw_worker_fn worker, const tw_worker_args *args)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (unsigned i = 0; i < n; i++) {
            if (slots[i].pid != pid)
                continue;
            slots[i].pid = 0;
            if (shutting_down) {
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                    describe_exit(i, pid, status);
                    fprintf(stderr, " during shutdown\n");
                }
                break;
            }
            /* The harness counts these lines to flag a step in which a server lost workers
             * (harness/src/deploy_local.c): keep their start and end as they are. */
            describe_exit(i, pid, status);
            fprintf(stderr, "; starting a new one\n");
            if (ms_since(&slots[i].started) < TW_QUICK_DEATH_MS) {
                struct timespec pause = {0, TW_RESTART_PAUSE_MS * 1000000L};
                nanosleep(&pause, NULL);
            }
            spawn(&slots[i], master, mask, worker, args);
            break;
        }
    }
    unsigned alive = 0;
    for (unsigned i = 0; i < n; i++)
        alive += slots[i].pid > 0;
    return alive;
}

int tw__prefork(const tw_worker_args *args, tw_worker_fn worker)
{
    const tw_serve_config *config = args->config;
    unsigned n = config->workers;
    size_t counts_size = n * sizeof(tw_served_count);
    tw_served_count *counts =
        mmap(NULL, counts_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (counts == MAP_FAILED) {
        fprintf(stderr, "twice: cannot map the workers' counters: %s\n", strerror(errno));
        return TW_FAIL;
    }
    tw_worker_slot *slots = calloc(n, sizeof(*slots));
    if (slots == NULL) {
        munmap(counts, counts_size);
        return TW_FAIL;
    }
    for (unsigned i = 0; i < n; i++)
        slots[i].served = &counts[i].responses; /* the mapping starts zeroed */
    sigset_t watched, original;
    sigemptyset(&watched);
    sigaddset(&watched, SIGTERM);
    sigaddset(&watched, SIGINT);
    sigaddset(&watched, SIGCHLD);
    if (config->on_served != NULL)
        sigaddset(&watched, SIGUSR1);
    sigprocmask(SIG_BLOCK, &watched, &original);
    /* SIGCHLD must not be ignored, or the kernel reaps workers before we can see them die. */
    struct sigaction dfl = {.sa_handler = SIG_DFL}, previous_chld;
    sigaction(SIGCHLD, &dfl, &previous_chld);
    pid_t master = getpid();

    int rc = TW_OK;
    for (unsigned i = 0; i < n && rc == TW_OK; i++)
        rc = spawn(&slots[i], master, &original, worker, args);
    int shutting_down = rc != TW_OK;
    struct timespec shutdown_started;
    if (shutting_down)
        begin_shutdown(slots, n, args->listen_fd, &shutdown_started);
    uint64_t kill_after = (uint64_t)config->shutdown_timeout_ms + TW_KILL_GRACE_MS;
    int killed = 0;
    while (reap(slots, n, shutting_down, master, &original, worker, args) > 0) {
        siginfo_t info;
        int sig;
        if (shutting_down && !killed) {
            uint64_t spent = ms_since(&shutdown_started);
            uint64_t left = spent < kill_after ? kill_after - spent : 0;
            struct timespec timeout = {(time_t)(left / 1000), (long)(left % 1000) * 1000000L};
            sig = sigtimedwait(&watched, &info, &timeout);
            if (sig < 0 && errno == EAGAIN) {
                fprintf(stderr,
                        "twice: workers still running %llu ms after shutdown began; "
                        "killing them\n",
                        (unsigned long long)kill_after);
                signal_all(slots, n, SIGKILL);
                killed = 1;
            }
        } else {
            sig = sigwaitinfo(&watched, &info);
        }
        if (sig == SIGUSR1)
            config->on_served(served_total(counts, n), config->on_served_data);
        if (sig == SIGTERM || sig == SIGINT) {
            if (!shutting_down) {
                shutting_down = 1;
                begin_shutdown(slots, n, args->listen_fd, &shutdown_started);
            } else if (!killed) {
                /* A second request to stop: the user does not want to wait. */
                signal_all(slots, n, SIGKILL);
                killed = 1;
            }
        }
    }
    sigaction(SIGCHLD, &previous_chld, NULL);
    sigprocmask(SIG_SETMASK, &original, NULL);
    free(slots);
    munmap(counts, counts_size);
    return rc;
}
