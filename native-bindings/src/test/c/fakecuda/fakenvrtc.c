// Fake NVRTC for scripts/fake-cuda-check.sh: "compiles" by listing each __global__ function as a PTX .entry;
// a source containing "undefined" fails with NVRTC_ERROR_COMPILATION and a log.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef struct { char* src; char* ptx; char* log; } prog;
int nvrtcCreateProgram(prog** p, const char* src, const char* name, int nh, const char* const* h, const char* const* in) {
  *p = calloc(1, sizeof(prog)); (*p)->src = strdup(src); return 0; }
int nvrtcCompileProgram(prog* p, int n, const char* const* opts) {
  for (int i = 0; i < n; i++) if (strncmp(opts[i], "--gpu-architecture=compute_", 27) && strcmp(opts[i], "--std=c++17")) { return 5; }
  if (strstr(p->src, "undefined")) { p->log = strdup("bad.cu(1): error: identifier \"undefined_thing\" is undefined"); return 6; }
  size_t cap = strlen(p->src) * 2 + 64; p->ptx = malloc(cap); strcpy(p->ptx, "// fake ptx\n");
  const char* s = p->src;
  while ((s = strstr(s, "__global__ void "))) { s += 16; const char* e = strchr(s, '(');
    strcat(p->ptx, ".entry "); strncat(p->ptx, s, e - s); strcat(p->ptx, "(\n"); }
  return 0; }
int nvrtcGetPTXSize(prog* p, size_t* n) { *n = strlen(p->ptx) + 1; return 0; }
int nvrtcGetPTX(prog* p, char* out) { strcpy(out, p->ptx); return 0; }
int nvrtcGetProgramLogSize(prog* p, size_t* n) { *n = p->log ? strlen(p->log) + 1 : 1; return 0; }
int nvrtcGetProgramLog(prog* p, char* out) { strcpy(out, p->log ? p->log : ""); return 0; }
int nvrtcDestroyProgram(prog** p) { free((*p)->src); free(*p); *p = 0; return 0; }
const char* nvrtcGetErrorString(int r) { return r == 6 ? "NVRTC_ERROR_COMPILATION" : r == 5 ? "NVRTC_ERROR_INVALID_OPTION" : "NVRTC_OTHER"; }
int nvrtcVersion(int* a, int* b) { *a = 13; *b = 0; return 0; }
