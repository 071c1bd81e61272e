// Fake cuBLASLt for scripts/fake-cuda-check.sh: descriptors are plain structs, cublasLtMatmul runs the column-major
// GEMM of fakecublas.c (included) per batch entry and requires D == C with one layout.
#include "fakecublas.c"
typedef struct { int compute, scale, ta, tb; } desc_t;
typedef struct { int type; unsigned long long rows, cols; long long ld; int batch; long long stride; } layout_t;
size_t cublasLtGetVersion(void) { return 130000; }
int cublasLtCreate(void** h) { *h = malloc(8); return 0; }
int cublasLtDestroy(void* h) { free(h); return 0; }
int cublasLtMatmulDescCreate(desc_t** d, int compute, int scale) { *d = calloc(1, sizeof(desc_t)); (*d)->compute = compute; (*d)->scale = scale; return 0; }
int cublasLtMatmulDescDestroy(desc_t* d) { free(d); return 0; }
int cublasLtMatmulDescSetAttribute(desc_t* d, int attr, const void* buf, size_t n) {
  if (n != 4) return 7;
  if (attr == 3) d->ta = *(const int*) buf; else if (attr == 4) d->tb = *(const int*) buf; else return 7;
  return 0; }
int cublasLtMatrixLayoutCreate(layout_t** l, int type, unsigned long long rows, unsigned long long cols, long long ld) {
  if (ld < (long long) rows) return 7;
  *l = calloc(1, sizeof(layout_t)); (*l)->type = type; (*l)->rows = rows; (*l)->cols = cols; (*l)->ld = ld; (*l)->batch = 1; return 0; }
int cublasLtMatrixLayoutDestroy(layout_t* l) { free(l); return 0; }
int cublasLtMatrixLayoutSetAttribute(layout_t* l, int attr, const void* buf, size_t n) {
  if (attr == 5 && n == 4) l->batch = *(const int*) buf; else if (attr == 6 && n == 8) l->stride = *(const long long*) buf; else return 7;
  return 0; }
int cublasLtMatmul(void* h, desc_t* d, const float* al, dptr A, layout_t* la, dptr B, layout_t* lb, const float* be,
                   dptr C, layout_t* lc, dptr D, layout_t* ld, const void* algo, dptr ws, size_t wsn, void* stream) {
  if (C != D || lc != ld || d->scale != 0 || lc->type != 0 || la->type != lb->type) return 7;
  int m = (int) lc->rows, n = (int) lc->cols, k = (int) (d->ta ? la->rows : la->cols);
  if ((d->ta ? la->cols : la->rows) != (unsigned long long) m || (d->tb ? lb->rows : lb->cols) != (unsigned long long) n
      || (d->tb ? lb->cols : lb->rows) != (unsigned long long) k || la->batch != lc->batch || lb->batch != lc->batch) return 7;
  int es = la->type == 0 ? 4 : 2;
  for (int i = 0; i < lc->batch; i++) {
    int r = gemm(d->ta, d->tb, m, n, k, *al, (char*) A + i * la->stride * es, la->type, (int) la->ld,
                 (char*) B + i * lb->stride * es, lb->type, (int) lb->ld, *be, (float*) C + i * lc->stride, (int) lc->ld);
    if (r) return r; }
  return 0; }
