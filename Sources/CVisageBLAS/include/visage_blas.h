#ifndef VISAGE_BLAS_H
#define VISAGE_BLAS_H

/// Loads OpenBLAS at run time (dlopen) after choosing the kernel family for this CPU.
///
/// OpenBLAS picks its kernels in a library constructor, so the choice must be made before the
/// library is loaded: Debian's OpenBLAS 0.3.21 does not recognise some recent CPUs and falls
/// back to slow generic kernels. When `OPENBLAS_CORETYPE` is not set by the user, this sets it
/// from the CPU's features (AVX-512 -> SkylakeX, AVX2+FMA -> Haswell) and then loads the
/// library, and sets OpenBLAS to one thread (visage_sgemm splits products over Visage's own
/// worker team). Unless the user set it, `OPENBLAS_THREAD_TIMEOUT` is set to 4 (OpenBLAS's
/// idle threads, unused at one thread, sleep at once).
/// Without OpenBLAS a portable built-in kernel is used (correct, slower).
///
/// Returns 0 when OpenBLAS was loaded, 1 when the built-in kernel is in use.
/// Safe to call many times from many threads; the work is done once.
int visage_blas_init(void);

/// Sets the number of threads for matrix products and parallel loops (values < 1 mean "all
/// cores"): the worker team of visage_parallel_for (pool.c). OpenBLAS itself runs on one thread;
/// visage_sgemm splits large products over the team.
void visage_blas_set_threads(int threads);

/// The number of threads for matrix products and parallel loops (visage_pool_threads).
int visage_blas_threads(void);

/// The kernel family in use, e.g. "Haswell", "SkylakeX", or "builtin".
const char *visage_blas_corename(void);

/// The OPENBLAS_CORETYPE value chosen by visage_blas_init ("" when the user's setting was kept
/// or none was needed).
const char *visage_blas_chosen_coretype(void);

/// Row-major single-precision C = alpha * op(A) * op(B) + beta * C.
/// op(A) is M x K, op(B) is K x N, C is M x N. transA/transB are 0 or 1.
/// Products of at least 2^18 multiply-adds are split
/// into column blocks (or row blocks when there are few columns) over the worker team; the
/// result equals one call's up to float rounding (OpenBLAS chooses its kernels by size).
void visage_sgemm(int transA, int transB, int M, int N, int K, float alpha,
                  const float *A, int lda, const float *B, int ldb,
                  float beta, float *C, int ldc);

/// One iteration of a parallel loop: `index` in [0, count).
typedef void (*visage_job_fn)(void *context, long index);

/// Runs fn(context, i) for every i in [0, count) on Visage's worker team (the calling thread
/// included) and returns when all are done. Runs on the calling thread alone when the team has
/// one thread, when called from inside a loop, or while another thread's loop is running.
void visage_parallel_for(long count, visage_job_fn fn, void *context);

/// Threads of the worker team (the caller included): VISAGE_THREADS, OPENBLAS_NUM_THREADS or
/// OMP_NUM_THREADS when set, else one per online core, until visage_pool_set_threads.
int visage_pool_threads(void);

/// Sets the team's thread count for later loops; 0 or less means one per online core.
void visage_pool_set_threads(int threads);

#endif
