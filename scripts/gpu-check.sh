#!/usr/bin/env bash
# The GPU check, in one call on a machine with an NVIDIA GPU, PyTorch (cu13 cuBLAS/NVRTC wheels), no Java, no Maven
# and no network. Needs gpu-check/ from scripts/pack-gpu-check.sh (a jlink'd JRE, ibot.jar, the JMH benchmark jars,
# the test jars) and tools/gpu_step_torch.py. Parts, cheap and most telling first, each under its own timeout:
#   1. tests:  the JUnit GPU tests (CudaGpu*, CudaBackendGpu*, CudaAvailability*, DeviceSelection* of native-bindings,
#              runtime and ibot) through GpuTestsMain; a skipped test fails the part (on a GPU nothing should skip)
#   2. checks: GpuCheck bindings, parity (backend methods vs the scalar CPU reference), ops (device ops vs the CPU),
#              stepcheck (device iBOT steps vs the CPU), gemm (FP32/TF32/BF16 TFLOP/s through our cuBLAS binding)
#   3. jmh:    CudaGemmBenchmark: our device-tensor matmul vs cuBLAS called directly on the same buffers, FP32/TF32/BF16,
#              4096^3 and the ViT-S/16 MLP shapes at batch 64; printed as jmh_gemm ... ours_tflops= cublas_tflops= ratio=
#   4. torch:  the iBOT step in PyTorch (fp32, tf32, bf16 autocast) and torch.matmul TFLOP/s, for comparison
#   5. step_tf32, step_bf16: a timed iBOT pre-training step, ViT-S/16, batch $BATCH, 2x224 + 10x96 crops, out_dim 8192,
#              device-resident, GEMMs in TF32 then BF16 (last: the longest parts)
# Every figure is a key=value line; a summary is printed last. Exits non-zero when any part fails or times out.
# Settings (environment): CUDA_LIBDIR (folders searched first), GEMM_QUICK (non-empty: small GEMM shapes, also for JMH),
# BATCH (64), LOCAL_CROPS (10), STEP_REPS (3), PYTHON (python3), JMH_ARGS (-f 1 -wi 1 -w 500ms -i 3 -r 500ms),
# T_TESTS / T_CHECKS / T_JMH / T_TORCH / T_STEP (timeouts in s: 60 / 80 / 110 / 90 / 90 per step part; 520 in all,
# under the 600 s of one device call), OUT (folder for logs, default gpu-check-out).
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

[[ -x "$JAVA" && -f "$JAR" && -d gpu-check/tests && -d gpu-check/bench ]] || {
  echo "gpu-check: gpu-check/{jre,ibot.jar,tests,bench} are missing: run scripts/pack-gpu-check.sh and carry gpu-check/" >&2; exit 2; }
TESTCP="$JAR:$(ls gpu-check/tests/*.jar | paste -sd:)"
BENCHCP="$JAR:$(ls gpu-check/bench/*.jar | paste -sd:)"
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
# One PTX cache for every part: the tests compile the kernels once, later parts (and JMH forks) load them.
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
  elif grep -q '<failure>' "$OUTDIR/$name.log"; then status="$name=FAIL (a benchmark failed, see $name.log)"; fail=1
  else status="$name=OK"; fi
  echo "$status" | tee -a "$OUTDIR/status.log"
}

# JMH's per-benchmark results (from its log, so a timeout keeps what finished) as TFLOP/s, ours next to cuBLAS.
jmh_tflops() {  # log
  awk '
    /^# Benchmark: / { n = split($3, p, "."); method = p[n] }
    /^# Parameters: / { line = $0; gsub(/[(),]/, " ", line); split(line, w, " ")
                        for (i = 1; i in w; i++) { if (w[i] == "precision") prec = w[i + 2]; if (w[i] == "shape") shape = w[i + 2] } }
    /^Result "/ { getline; us = $1 + 0; key = prec " " shape
                  if (!(key in seen)) { seen[key] = 1; order[++count] = key }
                  split(shape, d, "x"); tf = 2 * d[1] * d[2] * d[3] / (us * 1e-6) / 1e12
                  if (method == "tensorMatmul") ours[key] = tf; else if (method == "cublasDirect") blas[key] = tf }
    END { for (i = 1; i <= count; i++) { key = order[i]; split(key, q, " "); split(q[2], d, "x")
            o = (key in ours) ? sprintf("%.1f", ours[key]) : "NA"; b = (key in blas) ? sprintf("%.1f", blas[key]) : "NA"
            r = (key in ours && key in blas && blas[key] > 0) ? sprintf("%.2f", ours[key] / blas[key]) : "NA"
            printf "jmh_gemm precision=%s m=%s n=%s k=%s ours_tflops=%s cublas_tflops=%s ratio=%s\n", q[1], d[1], d[2], d[3], o, b, r } }
  ' "$1"
}

run tests "${T_TESTS:-60}" "$JAVA" "${JOPTS[@]}" -cp "$TESTCP" org.ibot4j.runtime.backend.cuda.GpuTestsMain --fail-on-skip
run checks "${T_CHECKS:-80}" "$JAVA" "${JOPTS[@]}" -cp "$JAR" org.ibot4j.gpucheck.GpuCheck bindings parity ops stepcheck gemm \
    ${GEMM_QUICK:+--quick}
# shellcheck disable=SC2086  # JMH_ARGS is a list of options
run jmh "${T_JMH:-110}" "$JAVA" "${JOPTS[@]}" -cp "$BENCHCP" org.openjdk.jmh.Main CudaGemmBenchmark \
    ${JMH_ARGS:--f 1 -wi 1 -w 500ms -i 3 -r 500ms} ${GEMM_QUICK:+-p shape=96x64x80} -foe false \
    -rf csv -rff "$OUTDIR/jmh_gemm.csv"
jmh_tflops "$OUTDIR/jmh.log" | tee -a "$OUTDIR/jmh.log"
run torch "${T_TORCH:-90}" "$PYTHON" tools/gpu_step_torch.py --gemm --batch "$BATCH" --local_crops "$LOCAL_CROPS" --reps 5
for p in tf32 bf16; do
  run "step_$p" "${T_STEP:-90}" "$JAVA" "${JOPTS[@]}" -cp "$JAR" org.ibot4j.gpucheck.GpuCheck step \
      --batch "$BATCH" --local_crops "$LOCAL_CROPS" --reps "${STEP_REPS:-3}" --gemm "$p"
done

note summary
grep -h -E "^(device=|cublas=|cublasLt=|nvrtc=|gpu_tests |gpu_test .* (FAILED|SKIPPED)|parity_checks=|parity .*FAIL|bindings .*FAIL|ops_checks=|ops .*FAIL|stepcheck|gemm_tflops|gemm_seam|jmh_gemm|ibot_step|step (warmup|rep)|step backend|torch=|torch_gemm|torch_step|gpu_check=|[a-z_0-9]+=(OK|FAIL|TIMEOUT))" \
  "$OUTDIR"/tests.log "$OUTDIR"/checks.log "$OUTDIR"/jmh.log "$OUTDIR"/torch.log "$OUTDIR"/step_tf32.log "$OUTDIR"/step_bf16.log 2>/dev/null
cat "$OUTDIR/status.log"
echo "gpu_check_all=$([[ $fail -eq 0 ]] && echo OK || echo FAIL)"
exit $fail
