#!/usr/bin/env bash
# Runs the GPU tests without a GPU against host-memory fakes of libcuda, cuBLAS and NVRTC
# (native-bindings/src/test/c/fakecuda): checks the FFM signatures, argument order of every kernel launch,
# the row-major cuBLAS mapping and the GpuCheck code paths before spending device time. The CUDA C kernels
# themselves are not run (their C twins are); only a real GPU checks those (scripts/gpu-check.sh).
# When gpu-check/ is packed (scripts/pack-gpu-check.sh), also runs what scripts/gpu-check.sh runs from it on the
# fakes: GpuTestsMain over the packed test jars, and CudaGemmBenchmark at a small shape for a moment.
# Needs gcc. Usage: scripts/fake-cuda-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LIB=native-bindings/target/fakecuda
mkdir -p "$LIB"
SRC=native-bindings/src/test/c/fakecuda
gcc -shared -fPIC -O1 -o "$LIB/libcuda.so.1" "$SRC/fakecuda.c" -lm
gcc -shared -fPIC -O1 -o "$LIB/libcublas.so.13" "$SRC/fakecublas.c"
gcc -shared -fPIC -O1 -o "$LIB/libnvrtc.so.13" "$SRC/fakenvrtc.c"
gcc -shared -fPIC -O1 -o "$LIB/libcublasLt.so.13" "$SRC/fakecublaslt.c"
FLAGS="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dibot4j.cuda.libdir=$PWD/$LIB -Dibot4j.cuda.ptxcache=off"
LOCK=()
[[ -n "${IBOT4J_BUILD_LOCK:-}" ]] && LOCK=(flock "$IBOT4J_BUILD_LOCK")
# Reports of an earlier run must not stand in for this one.
rm -f {native-bindings,runtime,ibot}/target/surefire-reports/*Cuda{Gpu,BackendGpu}*
"${LOCK[@]}" ./mvnw -o -q -pl native-bindings,runtime,ibot -am test \
  -Dtest='CudaGpu*,CudaBackendGpu*,CudaAvailability*,DeviceSelection*' -Dsurefire.failIfNoSpecifiedTests=false \
  "-Dibot.jvm.flags=$FLAGS"
REPORTS=(native-bindings/target/surefire-reports/TEST-*CudaGpu*.xml runtime/target/surefire-reports/TEST-*CudaBackendGpu*.xml
         runtime/target/surefire-reports/TEST-*CudaGpu*.xml ibot/target/surefire-reports/TEST-*CudaGpu*.xml)
for r in "${REPORTS[@]}"; do
  [[ -f "$r" ]] || { echo "fake-cuda-check: no report $r: the GPU tests of that module did not run" >&2; exit 1; }
done
skipped=$(grep -h -o '<testsuite [^>]*skipped="[0-9]*"' "${REPORTS[@]}" | grep -v 'skipped="0"' || true)
if [[ -n "$skipped" ]]; then echo "fake-cuda-check: GPU tests were skipped: the fakes did not load" >&2; exit 1; fi
grep -h "Tests run" native-bindings/target/surefire-reports/*CudaGpu*.txt runtime/target/surefire-reports/*CudaBackendGpu*.txt \
  runtime/target/surefire-reports/*CudaGpu*.txt ibot/target/surefire-reports/*CudaGpu*.txt

# The packed check's entry points on the fakes, as scripts/gpu-check.sh runs them (its JRE, its jars).
if [[ -x gpu-check/jre/bin/java && -d gpu-check/tests && -d gpu-check/bench ]]; then
  JAVA=(gpu-check/jre/bin/java $FLAGS)
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  "${JAVA[@]}" -cp "gpu-check/ibot.jar:$(ls gpu-check/tests/*.jar | paste -sd:)" \
    org.ibot4j.runtime.backend.cuda.GpuTestsMain --fail-on-skip > "$TMP/tests.txt" 2>&1 \
    || { cat "$TMP/tests.txt" >&2; echo "fake-cuda-check: the packed GpuTestsMain failed on the fakes" >&2; exit 1; }
  grep -E '^gpu_tests ' "$TMP/tests.txt"
  "${JAVA[@]}" -cp "gpu-check/ibot.jar:$(ls gpu-check/bench/*.jar | paste -sd:)" org.openjdk.jmh.Main CudaGemmBenchmark \
    -p shape=96x64x80 -f 1 -wi 0 -i 1 -r 200ms -foe true -rf csv -rff "$TMP/gemm.csv" > "$TMP/jmh.txt" 2>&1 \
    || { cat "$TMP/jmh.txt" >&2; echo "fake-cuda-check: CudaGemmBenchmark failed on the fakes" >&2; exit 1; }
  echo "jmh_fake results=$(($(wc -l < "$TMP/gemm.csv") - 1)) (3 precisions x 2 methods at 96x64x80)"
else
  echo "fake-cuda-check: gpu-check/ is not packed: skipped the packed GpuTestsMain and CudaGemmBenchmark (scripts/pack-gpu-check.sh)"
fi
echo "fake-cuda-check: OK"
