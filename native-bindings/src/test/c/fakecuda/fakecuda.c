// Host-memory fake of the CUDA driver (scripts/fake-cuda-check.sh): device pointers are malloc'd host pointers,
// cuLaunchKernel runs a C twin of each kernel by name with the argument order of its .cu signature, so the Java
// side's FFM signatures, argument marshalling and launch shapes are exercised without a GPU.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
typedef unsigned long long dptr;
#define P(i, T) (*(T*) params[i])
int cuInit(unsigned f) { return f == 0 ? 0 : 1; }
int cuDriverGetVersion(int* v) { *v = 13000; return 0; }
int cuGetErrorName(int e, const char** s) {
  switch (e) { case 2: *s = "CUDA_ERROR_OUT_OF_MEMORY"; return 0; case 500: *s = "CUDA_ERROR_NOT_FOUND"; return 0;
  case 1: *s = "CUDA_ERROR_INVALID_VALUE"; return 0; default: return 1; } }
int cuDeviceGetCount(int* c) { *c = 1; return 0; }
int cuDeviceGet(int* d, int o) { *d = o; return 0; }
int cuDeviceGetName(char* n, int len, int d) { snprintf(n, len, "Fake GPU %d", d); return 0; }
int cuDeviceGetAttribute(int* v, int a, int d) { *v = a == 75 ? 9 : a == 76 ? 0 : a == 16 ? 132 : 1024; return 0; }
int cuDeviceTotalMem_v2(size_t* b, int d) { *b = 80ULL << 30; return 0; }
int cuDevicePrimaryCtxRetain(void** c, int d) { *c = (void*) 0x1234; return 0; }
int cuDevicePrimaryCtxRelease_v2(int d) { return 0; }
int cuCtxSetCurrent(void* c) { return c == (void*) 0x1234 ? 0 : 201; }
int cuCtxSynchronize(void) { return 0; }
int cuStreamCreate(void** s, unsigned f) { *s = malloc(8); return 0; }
int cuStreamSynchronize(void* s) { return 0; }
int cuStreamDestroy_v2(void* s) { free(s); return 0; }
int cuEventCreate(void** e, unsigned f) { *e = malloc(8); return 0; }
int cuEventRecord(void* e, void* s) { return 0; }
int cuEventSynchronize(void* e) { return 0; }
int cuEventElapsedTime_v2(float* ms, void* a, void* b) { *ms = 1.5f; return 0; }
int cuEventDestroy_v2(void* e) { free(e); return 0; }
int cuMemAlloc_v2(dptr* p, size_t n) { if (n > (1ULL << 40)) return 2; *p = (dptr) malloc(n); return 0; }
int cuMemFree_v2(dptr p) { free((void*) p); return 0; }
int cuMemcpyHtoD_v2(dptr d, const void* s, size_t n) { memcpy((void*) d, s, n); return 0; }
int cuMemcpyDtoH_v2(void* d, dptr s, size_t n) { memcpy(d, (void*) s, n); return 0; }
int cuMemcpyDtoD_v2(dptr d, dptr s, size_t n) { memcpy((void*) d, (void*) s, n); return 0; }
int cuMemcpyHtoDAsync_v2(dptr d, const void* s, size_t n, void* st) { return cuMemcpyHtoD_v2(d, s, n); }
int cuMemcpyDtoHAsync_v2(void* d, dptr s, size_t n, void* st) { return cuMemcpyDtoH_v2(d, s, n); }
int cuMemcpyDtoDAsync_v2(dptr d, dptr s, size_t n, void* st) { return cuMemcpyDtoD_v2(d, s, n); }
int cuMemsetD32_v2(dptr d, unsigned v, size_t n) { for (size_t i = 0; i < n; i++) ((unsigned*) d)[i] = v; return 0; }
int cuMemsetD32Async(dptr d, unsigned v, size_t n, void* s) { return cuMemsetD32_v2(d, v, n); }
int cuMemGetInfo_v2(size_t* f, size_t* t) { *f = 70ULL << 30; *t = 80ULL << 30; return 0; }
int cuModuleLoadData(void** m, const void* img) { *m = strdup((const char*) img); return 0; }
int cuModuleGetFunction(void** f, void* m, const char* name) {
  char key[300]; snprintf(key, sizeof key, ".entry %s(", name);
  if (!strstr((const char*) m, key)) return 500;
  *f = strdup(name); return 0; }
int cuModuleUnload(void* m) { free(m); return 0; }
// strided.cu's by-value geometry and the offsets of logical element i (row-major over dims) per operand.
typedef struct { int rank, n, dims[8], sa[8], sb[8], sc[8], sy[8]; } ibot_geo;
static void geo_offsets(const ibot_geo* g, long i, long* ia, long* ib, long* ic, long* iy) {
  *ia = *ib = *ic = *iy = 0;
  for (int d = g->rank - 1; d >= 0; d--) { long k = i % g->dims[d]; i /= g->dims[d];
    *ia += k * g->sa[d]; *ib += k * g->sb[d]; *ic += k * g->sc[d]; *iy += k * g->sy[d]; } }
static int geo_ok(const ibot_geo* g) {
  if (g->rank < 0 || g->rank > 8 || g->n < 0) return 0;
  long n = 1; for (int d = 0; d < g->rank; d++) n *= g->dims[d];
  return n == g->n || (g->n == 0 && g->rank == 0); }  // an empty view packs rank 0, n 0
// Null inputs an op does not use are never touched (the pointer is only dereferenced by the op that reads it).
static int twin_map(unsigned gx, unsigned bx, void** params) {
  int op = P(0, int); ibot_geo g = P(1, ibot_geo); float* a = P(2, float*); float* b = P(3, float*); float* c = P(4, float*);
  float* y = P(5, float*); float p = P(6, float);
  long want = ((long) g.n + 255) / 256; if (want > 65535L * 8) want = 65535L * 8;
  if (!geo_ok(&g) || bx != 256 || (long) gx != want) { fprintf(stderr, "bad ibot_map launch\n"); return 1; }
  for (long i = 0; i < g.n; i++) { long ia, ib, ic, iy; geo_offsets(&g, i, &ia, &ib, &ic, &iy); float r, v;
    switch (op) {
      case 0: r = a[ia]; break; case 1: r = p; break; case 2: r = a[ia] + p; break; case 3: r = a[ia] * p; break;
      case 4: r = expf(a[ia]); break; case 5: r = logf(a[ia]); break; case 6: r = sqrtf(a[ia]); break;
      case 7: r = tanhf(a[ia]); break; case 8: r = powf(a[ia], p); break; case 9: v = a[ia]; r = v > 0 ? v : 0; break;
      case 10: r = a[ia] + b[ib]; break; case 11: r = a[ia] - b[ib]; break; case 12: r = a[ia] * b[ib]; break;
      case 13: r = a[ia] / b[ib]; break; case 14: r = a[ia] != 0 ? b[ib] : c[ic]; break;
      case 15: r = a[ia] > 0 ? b[ib] : 0; break; case 16: r = b[ib] != 0 ? p : a[ia]; break;
      case 17: r = y[iy] + p * a[ia]; break; case 18: v = a[ia]; r = v * v; break;
      case 19: v = a[ia]; r = isnan(v) ? v : fmaxf(v, p); break;
      default: return 1; }
    y[iy] = r; }
  return 0; }
// Twins of ibot_gather (y[iy] = x[ia + idx[ib]*axis]) and ibot_scatter_add (gx[ia + idx[ib]*axis] += gy[iy]).
static int twin_gather(int scatter, unsigned gx, unsigned bx, void** params) {
  ibot_geo g = P(0, ibot_geo); float* src = P(1, float*); int* idx = P(2, int*); float* dst = P(3, float*); int axis = P(4, int);
  long want = ((long) g.n + 255) / 256; if (want > 65535L * 8) want = 65535L * 8;
  if (!geo_ok(&g) || bx != 256 || (long) gx != want) { fprintf(stderr, "bad gather launch\n"); return 1; }
  for (long i = 0; i < g.n; i++) { long ia, ib, ic, iy; geo_offsets(&g, i, &ia, &ib, &ic, &iy);
    if (scatter) dst[ia + (long) idx[ib] * axis] += src[iy]; else dst[iy] = src[ia + (long) idx[ib] * axis]; }
  return 0; }
// Sequential twin of ibot_reduce: the same results as the kernel's fixed tree (sums may differ in the last bit).
static int twin_reduce(unsigned gx, unsigned bx, void** params) {
  int op = P(0, int); ibot_geo kept = P(1, ibot_geo); ibot_geo red = P(2, ibot_geo); float* x = P(3, float*);
  float* y = P(4, float*); int* arg = P(5, int*);
  long want = kept.n < (1L << 20) ? kept.n : (1L << 20);
  if (!geo_ok(&kept) || !geo_ok(&red) || bx != 256 || (op != 0 && op != 1) || (long) gx != want) { fprintf(stderr, "bad ibot_reduce launch\n"); return 1; }
  for (long o = 0; o < kept.n; o++) { long xo, yo, u;
    geo_offsets(&kept, o, &xo, &u, &u, &yo);
    double s = 0; float best = -INFINITY; int bi = -1;
    for (long r = 0; r < red.n; r++) { long ro, v1, v2, v3; geo_offsets(&red, r, &ro, &v1, &v2, &v3); float v = x[xo + ro];
      s += v; if (bi < 0 || v > best || (isnan(v) && !isnan(best))) { best = v; bi = (int) r; } }
    if (op == 0) y[yo] = (float) s; else { y[yo] = best; if (arg) arg[o] = bi; } }
  return 0; }
static float gelu(float v) { return 0.5f * v * (1 + erff(v / sqrtf(2))); }
#ifdef IBOT_EMULATE
// scripts/emulated-cuda-check.sh: the real CUDA C kernels compiled as host code (src/test/c/cudaemu); -1: not emulated.
int emu_launch(const char* name, unsigned gx, unsigned bx, unsigned shmem, void** params);
#endif
int cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shmem, void* stream, void** params, void** extra) {
  const char* k = (const char*) f;
  if (bx % 32 || bx > 1024 || gx == 0 || gy != 1 || gz != 1 || by != 1 || bz != 1 || extra) { fprintf(stderr, "bad launch %s\n", k); return 1; }
#ifdef IBOT_EMULATE
  { int r = emu_launch(k, gx, bx, shmem, params); if (r >= 0) return r; }
#endif
  if (!strcmp(k, "scale")) { float* y = P(0, float*); float* x = P(1, float*); float a = P(2, float); int n = P(3, int);
    for (int i = 0; i < n; i++) y[i] = a * x[i]; return 0; }
  if (!strcmp(k, "ibot_unary")) { int op = P(0, int); float* x = P(1, float*); float* y = P(2, float*); int n = P(3, int); float p = P(4, float);
    for (int i = 0; i < n; i++) { float v = x[i]; y[i] = op == 0 ? v + p : op == 1 ? v * p : op == 2 ? expf(v) : op == 3 ? logf(v) :
      op == 4 ? sqrtf(v) : op == 5 ? tanhf(v) : op == 6 ? powf(v, p) : (v > 0 ? v : 0); } return 0; }
  if (!strcmp(k, "ibot_binary")) { int op = P(0, int); float* a = P(1, float*); float* b = P(2, float*); float* y = P(3, float*); int n = P(4, int);
    for (int i = 0; i < n; i++) y[i] = op == 0 ? a[i] + b[i] : op == 1 ? a[i] - b[i] : op == 2 ? a[i] * b[i] : a[i] / b[i]; return 0; }
  if (!strcmp(k, "ibot_axpy")) { float al = P(0, float); float* x = P(1, float*); float* y = P(2, float*); int n = P(3, int);
    for (int i = 0; i < n; i++) y[i] += al * x[i]; return 0; }
  if (!strcmp(k, "ibot_gelu")) { float* x = P(0, float*); float* y = P(1, float*); int n = P(2, int);
    for (int i = 0; i < n; i++) y[i] = gelu(x[i]); return 0; }
  if (!strcmp(k, "ibot_gelu_backward")) { float* x = P(0, float*); float* gy = P(1, float*); float* gx = P(2, float*); int n = P(3, int);
    for (int i = 0; i < n; i++) { float v = x[i]; gx[i] = gy[i] * (0.5f * (1 + erff(v / sqrtf(2))) + v * expf(-0.5f * v * v) / sqrtf(2 * M_PI)); } return 0; }
  if (!strcmp(k, "ibot_f32_to_bf16")) { float* x = P(0, float*); unsigned short* y = P(1, unsigned short*); int n = P(2, int);
    for (int i = 0; i < n; i++) { unsigned b; memcpy(&b, &x[i], 4); y[i] = (b & 0x7fffffff) > 0x7f800000 ? (b >> 16) | 0x40 : (b + 0x7fff + ((b >> 16) & 1)) >> 16; } return 0; }
  if (!strcmp(k, "ibot_f32_to_f16")) { float* x = P(0, float*); unsigned short* y = P(1, unsigned short*); int n = P(2, int);
    for (int i = 0; i < n; i++) { _Float16 h = (_Float16) x[i]; memcpy(&y[i], &h, 2); } return 0; }
  if (!strcmp(k, "ibot_bf16_to_f32")) { unsigned short* x = P(0, unsigned short*); float* y = P(1, float*); int n = P(2, int);
    for (int i = 0; i < n; i++) { unsigned b = ((unsigned) x[i]) << 16; memcpy(&y[i], &b, 4); } return 0; }
  if (!strcmp(k, "ibot_scale")) { float* x = P(0, float*); float s = P(1, float); int n = P(2, int);
    for (int i = 0; i < n; i++) x[i] *= s; return 0; }
  if (!strcmp(k, "ibot_sum_partial") || !strcmp(k, "ibot_sumsq_partial")) { float* x = P(0, float*); int n = P(1, int); double* part = P(2, double*);
    int sq = k[8] == 's'; double s = 0; for (int i = 0; i < n; i++) s += sq ? (double) x[i] * x[i] : x[i];
    for (unsigned b = 0; b < gx; b++) part[b] = b == 0 ? s : 0; return 0; }
  if (!strcmp(k, "ibot_sum_finalize")) { double* part = P(0, double*); int c = P(1, int); double* out = P(2, double*);
    if (gx != 1) return 1; double s = 0; for (int i = 0; i < c; i++) s += part[i]; out[0] = s; return 0; }
  if (!strcmp(k, "ibot_clip_by_norm")) { float* g = P(0, float*); int n = P(1, int); double* ss = P(2, double*); float mx = P(3, float);
    float norm = (float) sqrt(ss[0]); float c = (1.0f / (norm + 1e-6f)) * mx; if (c < 1) for (int i = 0; i < n; i++) g[i] *= c; return 0; }
  if (!strcmp(k, "ibot_softmax_rows")) { float* x = P(0, float*); float* y = P(1, float*); int rows = P(2, int), cols = P(3, int), lg = P(4, int);
    if ((int) gx != rows) return 1;
    for (int r = 0; r < rows; r++) { float* xr = x + (long) r * cols; float* yr = y + (long) r * cols; float m = -INFINITY;
      for (int j = 0; j < cols; j++) m = fmaxf(m, xr[j]); if (m == -INFINITY) m = 0; float s = 0;
      for (int j = 0; j < cols; j++) s += expf(xr[j] - m);
      for (int j = 0; j < cols; j++) yr[j] = lg ? xr[j] - m - logf(s) : expf(xr[j] - m) / s; } return 0; }
  if (!strcmp(k, "ibot_softmax_backward_rows")) { float* y = P(0, float*); float* gy = P(1, float*); float* gxx = P(2, float*);
    int rows = P(3, int), cols = P(4, int), lg = P(5, int); if ((int) gx != rows) return 1;
    for (int r = 0; r < rows; r++) { long b = (long) r * cols; float d = 0; for (int j = 0; j < cols; j++) d += lg ? gy[b + j] : gy[b + j] * y[b + j];
      for (int j = 0; j < cols; j++) gxx[b + j] = lg ? gy[b + j] - expf(y[b + j]) * d : y[b + j] * (gy[b + j] - d); } return 0; }
  if (!strcmp(k, "ibot_layernorm_rows")) { float* x = P(0, float*); float* w = P(1, float*); float* bb = P(2, float*); float* y = P(3, float*);
    float* mean = P(4, float*); float* rstd = P(5, float*); int rows = P(6, int), cols = P(7, int); float eps = P(8, float); if ((int) gx != rows) return 1;
    for (int r = 0; r < rows; r++) { float* xr = x + (long) r * cols; float s = 0; for (int j = 0; j < cols; j++) s += xr[j]; float mu = s / cols;
      float v = 0; for (int j = 0; j < cols; j++) v += (xr[j] - mu) * (xr[j] - mu); float rs = 1 / sqrtf(v / cols + eps); mean[r] = mu; rstd[r] = rs;
      for (int j = 0; j < cols; j++) { float h = (xr[j] - mu) * rs; if (w) h *= w[j]; if (bb) h += bb[j]; y[(long) r * cols + j] = h; } } return 0; }
  if (!strcmp(k, "ibot_layernorm_backward_rows")) { float* x = P(0, float*); float* w = P(1, float*); float* mean = P(2, float*); float* rstd = P(3, float*);
    float* gy = P(4, float*); float* gxx = P(5, float*); int rows = P(6, int), cols = P(7, int); if ((int) gx != rows) return 1;
    for (int r = 0; r < rows; r++) { long b = (long) r * cols; float sg = 0, sgx = 0;
      for (int j = 0; j < cols; j++) { float xh = (x[b + j] - mean[r]) * rstd[r]; float g = gy[b + j] * (w ? w[j] : 1); sg += g; sgx += g * xh; }
      sg /= cols; sgx /= cols;
      for (int j = 0; j < cols; j++) { float xh = (x[b + j] - mean[r]) * rstd[r]; float g = gy[b + j] * (w ? w[j] : 1); gxx[b + j] = rstd[r] * (g - sg - xh * sgx); } } return 0; }
  if (!strcmp(k, "ibot_layernorm_backward_params")) { float* x = P(0, float*); float* mean = P(1, float*); float* rstd = P(2, float*); float* gy = P(3, float*);
    float* gw = P(4, float*); float* gb = P(5, float*); int rows = P(6, int), cols = P(7, int); if ((long) gx * bx < cols) return 1;
    for (int j = 0; j < cols; j++) { double sw = 0, sb = 0; for (int r = 0; r < rows; r++) { long i = (long) r * cols + j; sw += (double) gy[i] * ((x[i] - mean[r]) * rstd[r]); sb += gy[i]; }
      if (gw) gw[j] += (float) sw; if (gb) gb[j] += (float) sb; } return 0; }
  if (!strcmp(k, "ibot_adamw_update")) { float* p = P(0, float*); float* g = P(1, float*); float* m = P(2, float*); float* v = P(3, float*); int n = P(4, int);
    float decay = P(5, float), b1 = P(6, float), ob1 = P(7, float), b2 = P(8, float), ob2 = P(9, float), neg = P(10, float),
      bc2 = P(11, float), eps = P(12, float);
    for (int i = 0; i < n; i++) { float pi = p[i] * decay, mi = m[i] * b1 + ob1 * g[i], vi = v[i] * b2 + ob2 * g[i] * g[i];
      m[i] = mi; v[i] = vi; p[i] = pi + neg * mi / (sqrtf(vi) / bc2 + eps); } return 0; }
  if (!strcmp(k, "ibot_ema_update")) { float* t = P(0, float*); float* s = P(1, float*); int n = P(2, int); float mo = P(3, float), om = P(4, float);
    for (int i = 0; i < n; i++) t[i] = t[i] * mo + s[i] * om; return 0; }
  if (!strcmp(k, "ibot_map")) return twin_map(gx, bx, params);
  if (!strcmp(k, "ibot_reduce")) return twin_reduce(gx, bx, params);
  if (!strcmp(k, "ibot_gather") || !strcmp(k, "ibot_scatter_add")) return twin_gather(k[5] == 's', gx, bx, params);
  fprintf(stderr, "fake cuLaunchKernel: no twin for %s\n", k); return 1;
}
