#ifndef VISAGE_BLAS_H
#define VISAGE_BLAS_H

/// Loads OpenBLAS at run time (dlopen) after choosing the kernel family for this CPU.
///
/// OpenBLAS picks its kernels in a library constructor, so the choice must be made before the
/// library is loaded: Debian's OpenBLAS 0.3.21 does not recognise some recent CPUs and falls
/// back to slow generic kernels. When `OPENBLAS_CORETYPE` is not set by the user, this sets it
/// from the CPU's features (AVX-512 -> SkylakeX, AVX2+FMA -> Haswell) and then loads the
/// library. Unless the user set it, `OPENBLAS_THREAD_TIMEOUT` is set to 4 (idle BLAS threads
/// sleep almost at once instead of spinning while Visage's own loops need the cores).
/// Without OpenBLAS a portable built-in kernel is used (correct, slower).
///
/// Returns 0 when OpenBLAS was loaded, 1 when the built-in kernel is in use.
/// Safe to call many times from many threads; the work is done once.
int visage_blas_init(void);

/// Sets the number of BLAS threads (values < 1 mean "all cores").
void visage_blas_set_threads(int threads);

/// The number of BLAS threads in use (1 for the built-in kernel).
int visage_blas_threads(void);

/// The kernel family in use, e.g. "Haswell", "SkylakeX", or "builtin".
const char *visage_blas_corename(void);

/// The OPENBLAS_CORETYPE value chosen by visage_blas_init ("" when the user's setting was kept
/// or none was needed).
const char *visage_blas_chosen_coretype(void);

/// Row-major single-precision C = alpha * op(A) * op(B) + beta * C.
/// op(A) is M x K, op(B) is K x N, C is M x N. transA/transB are 0 or 1.
void visage_sgemm(int transA, int transB, int M, int N, int K, float alpha,
                  const float *A, int lda, const float *B, int ldb,
                  float beta, float *C, int ldc);

#endif
