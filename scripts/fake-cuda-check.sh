#!/usr/bin/env bash
# Runs the GPU tests without a GPU against host-memory fakes of libcuda, cuBLAS and NVRTC
# (native-bindings/src/test/c/fakecuda): checks the FFM signatures, argument order of every kernel launch,
# the row-major cuBLAS mapping and the GpuCheck code paths before spending device time. The CUDA C kernels
# themselves are not run (their C twins are); only a real GPU checks those (scripts/gpu-check.sh).
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
"${LOCK[@]}" ./mvnw -o -q -pl native-bindings,runtime -am test \
  -Dtest='CudaGpu*,CudaBackendGpu*,CudaAvailability*,DeviceSelection*' -Dsurefire.failIfNoSpecifiedTests=false \
  "-Dibot.jvm.flags=$FLAGS"
skipped=$(grep -h -o 'skipped="[0-9]*"' native-bindings/target/surefire-reports/TEST-*CudaGpu*.xml \
  runtime/target/surefire-reports/TEST-*CudaBackendGpu*.xml runtime/target/surefire-reports/TEST-*CudaGpu*.xml | grep -v '"0"' || true)
if [[ -n "$skipped" ]]; then echo "fake-cuda-check: GPU tests were skipped: the fakes did not load" >&2; exit 1; fi
grep -h "Tests run" native-bindings/target/surefire-reports/*CudaGpu*.txt runtime/target/surefire-reports/*CudaBackendGpu*.txt \
  runtime/target/surefire-reports/*CudaGpu*.txt
echo "fake-cuda-check: OK"
