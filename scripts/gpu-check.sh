#!/usr/bin/env bash
# The GPU check, in one call on a machine with an NVIDIA GPU, PyTorch (cu13 cuBLAS/NVRTC wheels), no Java and
# no network. Needs gpu-check/ from scripts/pack-gpu-check.sh (a jlink'd JRE + ibot.jar) and tools/gpu_step_torch.py.
#   1. bindings + parity: CUDA/cuBLAS/NVRTC bindings, then every CUDA backend method vs the scalar CPU reference
#   2. gemm: FP32/TF32/BF16 TFLOP/s through our cuBLAS binding, the seam SGEMM with host copies, the CPU GEMM
#   3. torch: the iBOT step in PyTorch (fp32, tf32, bf16 autocast) and torch.matmul TFLOP/s, for comparison
#   4. step: a timed iBOT pre-training step, ViT-S/16, batch $BATCH, 2x224 + 10x96 crops, out_dim 8192, on the CUDA
#      backend (last: with host copies per kernel it is the slowest part and the likeliest to hit its timeout)
# Every figure is a key=value line; a summary is printed last. Exits non-zero when any part fails or times out.
# Settings (environment): CUDA_LIBDIR (folders searched first), GEMM_QUICK (non-empty: small GEMM shapes), BATCH (64), LOCAL_CROPS (10), STEP_REPS (1), STEP_GEMM (tf32), PYTHON (python3),
# T_CHECKS / T_TORCH / T_STEP (timeouts in s: 120 / 150 / 240; together under the 600 s of one device call), OUT (folder for logs, default gpu-check-out).
set -uo pipefail
cd "$(dirname "$0")/.."
JAVA=gpu-check/jre/bin/java
JAR=gpu-check/ibot.jar
PYTHON="${PYTHON:-python3}"
BATCH="${BATCH:-64}"
LOCAL_CROPS="${LOCAL_CROPS:-10}"
OUTDIR="${OUT:-gpu-check-out}"
mkdir -p "$OUTDIR"
rm -f "$OUTDIR/status.log"
fail=0
note() { echo "== $* ($(date -u +%H:%M:%S))"; }

[[ -x "$JAVA" && -f "$JAR" ]] || { echo "gpu-check: gpu-check/jre and gpu-check/ibot.jar are missing: run scripts/pack-gpu-check.sh and carry gpu-check/" >&2; exit 2; }
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

# The CUDA libraries PyTorch brought (nvidia/*/lib wheels, torch/lib), for the bindings' lookup.
LIBDIR=$("$PYTHON" - <<'PY' 2>/dev/null
import glob, os, site, sys
roots = list(site.getsitepackages()) + [site.getusersitepackages()]
try:
    import nvidia
    roots += [os.path.dirname(p) for p in nvidia.__path__]
except Exception:
    pass
dirs = []
for r in roots:
    for pat in ("nvidia/cu13/lib", "nvidia/*/lib", "torch/lib"):
        for d in sorted(glob.glob(os.path.join(r, pat))):
            if os.path.isdir(d) and d not in dirs:
                dirs.append(d)
print(":".join(dirs))
PY
)
LIBDIR="${CUDA_LIBDIR:+$CUDA_LIBDIR:}$LIBDIR"
echo "cuda_libdirs=${LIBDIR:-none}"
JOPTS=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m -Xmx100g
       "-Dibot4j.cuda.libdir=$LIBDIR" "-Dibot4j.cuda.ptxcache=$OUTDIR/ptx")

run() {  # name timeout command...
  local name=$1 t=$2; shift 2
  note "$name"
  timeout --kill-after=10 "$t" "$@" 2>&1 | tee "$OUTDIR/$name.log"
  local rc=${PIPESTATUS[0]}
  local status
  if [[ $rc -eq 124 || $rc -eq 137 ]]; then status="$name=TIMEOUT after ${t}s"; fail=1
  elif [[ $rc -ne 0 ]]; then status="$name=FAIL exit $rc"; fail=1
  else status="$name=OK"; fi
  echo "$status" | tee -a "$OUTDIR/status.log"
}

run checks "${T_CHECKS:-120}" "$JAVA" "${JOPTS[@]}" -cp "$JAR" org.ibot4j.gpucheck.GpuCheck bindings parity gemm ${GEMM_QUICK:+--quick}
run torch "${T_TORCH:-150}" "$PYTHON" tools/gpu_step_torch.py --gemm --batch "$BATCH" --local_crops "$LOCAL_CROPS" --reps 5
run step "${T_STEP:-240}" "$JAVA" "${JOPTS[@]}" -cp "$JAR" org.ibot4j.gpucheck.GpuCheck step \
    --batch "$BATCH" --local_crops "$LOCAL_CROPS" --reps "${STEP_REPS:-1}" --gemm "${STEP_GEMM:-tf32}"

note summary
grep -h -E "^(device=|cublas=|cublasLt=|nvrtc=|parity_checks=|parity .*FAIL|bindings .*FAIL|gemm_tflops|gemm_seam|ibot_step|step (warmup|rep)|step backend|torch=|torch_gemm|torch_step|gpu_check=|[a-z]+=(OK|FAIL|TIMEOUT))" \
  "$OUTDIR"/checks.log "$OUTDIR"/step.log "$OUTDIR"/torch.log 2>/dev/null
cat "$OUTDIR/status.log"
echo "gpu_check_all=$([[ $fail -eq 0 ]] && echo OK || echo FAIL)"
exit $fail
