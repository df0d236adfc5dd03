// Run-time loader for OpenBLAS with CPU-specific kernel selection, and a portable fallback.
#define _GNU_SOURCE
#include "visage_blas.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);
typedef char *(*corename_fn)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn p_sgemm = NULL;
static set_threads_fn p_set_threads = NULL;
static corename_fn p_corename = NULL;
static char chosen[32] = "";

static const char *coretype_for_cpu(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512cd"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return __builtin_cpu_is("amd") ? "Zen" : "Haswell";
    if (__builtin_cpu_supports("avx"))
        return "Sandybridge";
#endif
    return NULL;
}

static void load(void) {
    const char *user = getenv("OPENBLAS_CORETYPE");
    if (user == NULL || user[0] == '\0') {
        const char *core = coretype_for_cpu();
        if (core != NULL) {
            strncpy(chosen, core, sizeof(chosen) - 1);
            setenv("OPENBLAS_CORETYPE", core, 1);
        }
    }
    // OpenBLAS's idle threads spin (sched_yield) for 2^28 cycles after each product before
    // they sleep. Visage keeps OpenBLAS at one thread (below), so they should never run; 2^4
    // makes sure that they sleep at once if a user raises OpenBLAS's count.
    const char *timeout = getenv("OPENBLAS_THREAD_TIMEOUT");
    if (timeout == NULL || timeout[0] == '\0') setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1);
    static const char *names[] = {"libopenblas.so.0", "libopenblas.so", NULL};
    for (int i = 0; names[i] != NULL; i++) {
        void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (h == NULL) continue;
        sgemm_fn g = (sgemm_fn)dlsym(h, "cblas_sgemm");
        if (g == NULL) { dlclose(h); continue; }
        p_sgemm = g;
        p_set_threads = (set_threads_fn)dlsym(h, "openblas_set_num_threads");
        p_corename = (corename_fn)dlsym(h, "openblas_get_corename");
        // Products are split over Visage's own worker team (visage_sgemm), so OpenBLAS runs
        // each part on the calling thread.
        if (p_set_threads != NULL) p_set_threads(1);
        break;
    }
}

int visage_blas_init(void) {
    pthread_once(&once, load);
    return p_sgemm != NULL ? 0 : 1;
}

void visage_blas_set_threads(int threads) {
    visage_blas_init();
    visage_pool_set_threads(threads);
}

int visage_blas_threads(void) {
    visage_blas_init();
    return visage_pool_threads();
}

const char *visage_blas_corename(void) {
    visage_blas_init();
    if (p_corename != NULL) return p_corename();
    return p_sgemm != NULL ? "openblas" : "builtin";
}

const char *visage_blas_chosen_coretype(void) {
    visage_blas_init();
    return chosen;
}

// Portable fallback: blocked i-k-j loops (correct for all transposes, not tuned).
static void builtin_sgemm(int tA, int tB, int M, int N, int K, float alpha, const float *A,
                          int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    for (int i = 0; i < M; i++) {
        float *c = C + (size_t)i * ldc;
        if (beta == 0.0f) memset(c, 0, sizeof(float) * (size_t)N);
        else if (beta != 1.0f) for (int j = 0; j < N; j++) c[j] *= beta;
        for (int k = 0; k < K; k++) {
            float a = alpha * (tA ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k]);
            if (a == 0.0f) continue;
            if (!tB) {
                const float *b = B + (size_t)k * ldb;
                for (int j = 0; j < N; j++) c[j] += a * b[j];
            } else {
                for (int j = 0; j < N; j++) c[j] += a * B[(size_t)j * ldb + k];
            }
        }
    }
}

static void single_sgemm(int transA, int transB, int M, int N, int K, float alpha, const float *A,
                         int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    if (p_sgemm != NULL) {
        p_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, M, N, K, alpha,
                A, lda, B, ldb, beta, C, ldc);
    } else {
        builtin_sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    }
}

// A product split into column blocks (by_columns) or row blocks of `step`, one per job index.
typedef struct {
    int transA, transB, M, N, K, lda, ldb, ldc, by_columns, step;
    float alpha, beta;
    const float *A, *B;
    float *C;
} split_product;

static void run_part(void *context, long index) {
    const split_product *p = context;
    const int start = (int)index * p->step;
    if (p->by_columns) {
        const int n = p->N - start < p->step ? p->N - start : p->step;
        const float *b = p->transB ? p->B + (size_t)start * p->ldb : p->B + start;
        single_sgemm(p->transA, p->transB, p->M, n, p->K, p->alpha, p->A, p->lda, b, p->ldb, p->beta, p->C + start,
                     p->ldc);
    } else {
        const int m = p->M - start < p->step ? p->M - start : p->step;
        const float *a = p->transA ? p->A + start : p->A + (size_t)start * p->lda;
        single_sgemm(p->transA, p->transB, m, p->N, p->K, p->alpha, a, p->lda, p->B, p->ldb, p->beta,
                     p->C + (size_t)start * p->ldc, p->ldc);
    }
}

// Products below this many multiply-adds run on one thread (OpenBLAS's own threshold).
#define SPLIT_MINIMUM_MACS 262144.0

void visage_sgemm(int transA, int transB, int M, int N, int K, float alpha, const float *A,
                  int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    if (M <= 0 || N <= 0) return;
    visage_blas_init();
    const int threads = visage_pool_threads();
    if (threads > 1 && (double)M * N * K >= SPLIT_MINIMUM_MACS) {
        // Column blocks (multiples of 16) when there are enough columns, else row blocks
        // (multiples of 8). Each block is an independent product: its elements equal the
        // unsplit call's up to float rounding (OpenBLAS picks its kernels by size).
        split_product p = {transA, transB, M, N, K, lda, ldb, ldc, 0, 0, alpha, beta, A, B, C};
        if (N >= 32 * threads) {
            p.by_columns = 1;
            p.step = ((N + threads - 1) / threads + 15) / 16 * 16;
        } else if (M >= 16 * threads) {
            p.step = ((M + threads - 1) / threads + 7) / 8 * 8;
        }
        if (p.step > 0) {
            const int extent = p.by_columns ? N : M;
            visage_parallel_for((extent + p.step - 1) / p.step, run_part, &p);
            return;
        }
    }
    single_sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
