// Host-memory fake of cuBLAS for scripts/fake-cuda-check.sh: column-major GEMMs with cuBLAS's leading-dimension
// checks (CUBLAS_STATUS_INVALID_VALUE = 7), float32 and bfloat16 inputs, float32 output.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef unsigned long long dptr;
int cublasCreate_v2(void** h) { *h = malloc(8); return 0; }
int cublasDestroy_v2(void* h) { free(h); return 0; }
int cublasSetStream_v2(void* h, void* s) { return 0; }
int cublasSetMathMode(void* h, int m) { return m == 0 || m == 2 || m == 3 ? 0 : 7; }
int cublasGetVersion_v2(void* h, int* v) { *v = 130000; return 0; }
const char* cublasGetStatusName(int s) { return s == 7 ? "CUBLAS_STATUS_INVALID_VALUE" : "CUBLAS_STATUS_OTHER"; }
static float ld(const void* p, int type, long i) {
  if (type == 0) return ((const float*) p)[i];
  if (type == 14) { unsigned b = ((unsigned) ((const unsigned short*) p)[i]) << 16; float f; memcpy(&f, &b, 4); return f; }
  if (type == 2) { _Float16 h; memcpy(&h, (const unsigned short*) p + i, 2); return (float) h; }
  abort(); }
// column-major: C(m×n) = alpha op(A) op(B) + beta C
static int gemm(int ta, int tb, int m, int n, int k, float al, const void* A, int at, int lda, const void* B, int bt, int ldb,
                float be, float* C, int ldc) {
  if (m < 0 || n < 0 || k < 0 || ldc < (m > 1 ? m : 1) || lda < ((ta ? k : m) > 1 ? (ta ? k : m) : 1) || ldb < ((tb ? n : k) > 1 ? (tb ? n : k) : 1)) return 7;
  for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) { double s = 0;
    for (int p = 0; p < k; p++) s += (double) ld(A, at, ta ? i * (long) lda + p : p * (long) lda + i) * ld(B, bt, tb ? p * (long) ldb + j : j * (long) ldb + p);
    float* c = &C[j * (long) ldc + i]; *c = (float) (al * s + (be == 0 ? 0 : be * *c)); }
  return 0; }
int cublasSgemm_v2(void* h, int ta, int tb, int m, int n, int k, const float* al, dptr A, int lda, dptr B, int ldb, const float* be, dptr C, int ldc) {
  return gemm(ta, tb, m, n, k, *al, (void*) A, 0, lda, (void*) B, 0, ldb, *be, (float*) C, ldc); }
int cublasSgemmStridedBatched(void* h, int ta, int tb, int m, int n, int k, const float* al, dptr A, int lda, long long sa,
    dptr B, int ldb, long long sb, const float* be, dptr C, int ldc, long long sc, int batch) {
  for (int i = 0; i < batch; i++) { int r = gemm(ta, tb, m, n, k, *al, (float*) A + i * sa, 0, lda, (float*) B + i * sb, 0, ldb, *be, (float*) C + i * sc, ldc); if (r) return r; }
  return 0; }
int cublasGemmEx(void* h, int ta, int tb, int m, int n, int k, const void* al, dptr A, int at, int lda, dptr B, int bt, int ldb,
    const void* be, dptr C, int ct, int ldc, int compute, int algo) {
  if (ct != 0 || at != bt || (compute != 68 && compute != 77) || algo != -1) return 7;
  return gemm(ta, tb, m, n, k, *(const float*) al, (void*) A, at, lda, (void*) B, bt, ldb, *(const float*) be, (float*) C, ldc); }
int cublasGemmStridedBatchedEx(void* h, int ta, int tb, int m, int n, int k, const void* al, dptr A, int at, int lda, long long sa,
    dptr B, int bt, int ldb, long long sb, const void* be, dptr C, int ct, int ldc, long long sc, int batch, int compute, int algo) {
  int es = at == 0 ? 4 : 2;
  if (ct != 0 || at != bt || (compute != 68 && compute != 77) || algo != -1) return 7;
  for (int i = 0; i < batch; i++) { int r = gemm(ta, tb, m, n, k, *(const float*) al, (char*) A + i * sa * es, at, lda, (char*) B + i * sb * es, bt, ldb,
      *(const float*) be, (float*) C + i * sc, ldc); if (r) return r; }
  return 0; }
