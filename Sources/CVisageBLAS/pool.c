// Visage's worker threads: one team for its own parallel loops and for splitting matrix
// products, so that OpenBLAS runs single-threaded inside them.
//
// Why: with OpenBLAS's own threads and libdispatch's for Visage's loops, a batch-1 forward pass
// wakes a sleeping thread of one pool or the other before nearly every layer (about 130 times
// for the 160 x 160 FaceNet), and when the other pool's threads spin they take the cores the
// woken ones need. Here the workers spin for a short while after each job (WORKER_SPIN_NS), so
// back-to-back layers find them awake, then sleep on a futex.
//
// A job is fn(context, i) for i in [0, count), strided over the team (thread w runs i = w,
// w + t, ...); the caller is thread 0 and returns when every iteration is done. A job started
// from inside a job, or while another thread's job runs, runs on the calling thread alone.
#define _GNU_SOURCE
#include "visage_blas.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64
#define WORKER_SPIN_NS 200000L // 0.2 ms of spinning before a worker sleeps

// The job word: (sequence << 8) | threads of the current job, the futex the workers sleep on.
static _Atomic unsigned job_word = 0;
static _Atomic int pending = 0;  // workers still running the current job
static _Atomic int sleepers = 0; // workers asleep (or about to be) on job_word
static _Atomic int configured = 0; // threads for future jobs; 0 = not yet set
static pthread_mutex_t submit = PTHREAD_MUTEX_INITIALIZER;
static int started = 0; // workers created (under `submit`)
static unsigned sequence = 0;
static visage_job_fn job_fn;
static void *job_context;
static long job_count;
static _Thread_local int in_job = 0;
static unsigned initial_word[MAX_THREADS]; // the job word when worker i was created

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void run_share(int id, int threads) {
    in_job = 1;
    for (long i = id; i < job_count; i += threads) job_fn(job_context, i);
    in_job = 0;
}

static void *worker(void *arg) {
    const int id = (int)(long)arg;
    // The word before the job that created this worker was published: that job is not missed.
    unsigned seen = initial_word[id];
    for (;;) {
        unsigned word;
        long spin_start = 0;
        int spins = 0;
        while ((word = atomic_load_explicit(&job_word, memory_order_acquire)) == seen) {
            cpu_relax();
            if ((++spins & 63) != 0) continue;
            const long t = now_ns();
            if (spin_start == 0) {
                spin_start = t;
            } else if (t - spin_start > WORKER_SPIN_NS) {
                atomic_fetch_add(&sleepers, 1);
                if (atomic_load(&job_word) == seen) syscall(SYS_futex, &job_word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
                atomic_fetch_sub(&sleepers, 1);
                spin_start = 0;
            }
        }
        seen = word;
        const int threads = (int)(word & 0xff);
        if (id < threads) {
            run_share(id, threads);
            atomic_fetch_sub_explicit(&pending, 1, memory_order_release);
        }
    }
    return NULL;
}

static int online_cores(void) {
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}

static int default_threads(void) {
    const char *names[] = {"VISAGE_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", NULL};
    for (int i = 0; names[i] != NULL; i++) {
        const char *v = getenv(names[i]);
        const int n = v != NULL ? atoi(v) : 0;
        if (n > 0) return n;
    }
    return online_cores();
}

static void run_serial(long count, visage_job_fn fn, void *context) {
    for (long i = 0; i < count; i++) fn(context, i);
}

int visage_pool_threads(void) {
    int t = atomic_load(&configured);
    if (t == 0) {
        int expected = 0;
        t = default_threads();
        if (t > MAX_THREADS) t = MAX_THREADS;
        if (!atomic_compare_exchange_strong(&configured, &expected, t)) t = expected;
    }
    return t;
}

void visage_pool_set_threads(int threads) {
    if (threads < 1) threads = online_cores();
    atomic_store(&configured, threads > MAX_THREADS ? MAX_THREADS : threads);
}

void visage_parallel_for(long count, visage_job_fn fn, void *context) {
    if (count <= 0) return;
    int threads = visage_pool_threads();
    if (threads > count) threads = (int)count;
    if (threads <= 1 || in_job || pthread_mutex_trylock(&submit) != 0) {
        run_serial(count, fn, context);
        return;
    }
    while (started < threads - 1) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 8L << 20);
        initial_word[started + 1] = atomic_load(&job_word);
        const int failed = pthread_create(&thread, &attr, worker, (void *)(long)(started + 1));
        pthread_attr_destroy(&attr);
        if (failed) break;
        started++;
    }
    if (threads > started + 1) threads = started + 1;
    if (threads <= 1) {
        pthread_mutex_unlock(&submit);
        run_serial(count, fn, context);
        return;
    }
    job_fn = fn;
    job_context = context;
    job_count = count;
    atomic_store(&pending, threads - 1);
    sequence++;
    atomic_store(&job_word, (sequence << 8) | (unsigned)threads);
    if (atomic_load(&sleepers) > 0) syscall(SYS_futex, &job_word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    run_share(0, threads);
    int spins = 0;
    while (atomic_load_explicit(&pending, memory_order_acquire) != 0) {
        cpu_relax();
        if (++spins > 4096) sched_yield();
    }
    pthread_mutex_unlock(&submit);
}
