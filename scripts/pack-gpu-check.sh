#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs on a GPU machine that has no Java, no Maven and no network:
#   gpu-check/jre      a jlink'd Java 25 runtime (java.base, java.logging, java.management, jdk.incubator.vector,
#                      jdk.unsupported, jdk.zipfs)
#   gpu-check/ibot.jar the shaded jar
#   gpu-check/bench/   a thin jar of the JMH benchmark classes (run against ibot.jar) + jmh-core, jopt-simple,
#                      commons-math3 (not the shaded benchmarks.jar, which repeats ibot.jar)
#   gpu-check/tests/   the test classes of native-bindings, runtime and ibot as *-tests.jar (without their fixtures
#                      except $TEST_FIXTURES, which GPU tests read) + the JUnit jars, for GpuTestsMain
# The folder is gitignored; carry it to the GPU machine (it must stay under 64 MiB) and run scripts/gpu-check.sh there.
# Usage: scripts/pack-gpu-check.sh [--no-build]   (--no-build: use ibot.jar and the target/ folders already built)
set -euo pipefail
cd "$(dirname "$0")/.."
JDK="${JDK_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
OUT=gpu-check
LIMIT=$((64 * 1024 * 1024))
# Test resources the GPU tests read (module:path under target/test-classes); other fixtures stay behind.
TEST_FIXTURES="${TEST_FIXTURES:-ibot:fixtures/official/step}"
CPFILE=target/gpu-check-classpath.txt   # per module, written by dependency:build-classpath below

if [[ "${1:-}" != "--no-build" ]]; then
  # Test classes are compiled by package -DskipTests; build-classpath lists the JUnit and JMH jars of each module.
  BUILD=(./mvnw -o -q -pl ibot,benchmarks -am package dependency:build-classpath -DskipTests -DincludeScope=test
         "-Dmdep.outputFile=$CPFILE"
         -DincludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian,org.openjdk.jmh,net.sf.jopt-simple,org.apache.commons)
  # Inside the shared workplace every build goes through the build lock; elsewhere flock is skipped.
  if [[ -n "${IBOT4J_BUILD_LOCK:-}" ]]; then flock "$IBOT4J_BUILD_LOCK" "${BUILD[@]}"; else "${BUILD[@]}"; fi
fi
[[ -f ibot.jar ]] || { echo "pack-gpu-check: ibot.jar is missing (run without --no-build)" >&2; exit 1; }
for f in runtime/$CPFILE benchmarks/$CPFILE benchmarks/target/classes/META-INF/BenchmarkList \
         native-bindings/target/test-classes runtime/target/test-classes ibot/target/test-classes; do
  [[ -e "$f" ]] || { echo "pack-gpu-check: $f is missing (run without --no-build)" >&2; exit 1; }
done
[[ -x "$JDK/bin/jlink" ]] || { echo "pack-gpu-check: no jlink at $JDK/bin/jlink (set JDK_HOME to a JDK 25)" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT/bench" "$OUT/tests"
# java.logging: JUnit Platform and JMH log through java.util.logging; jdk.zipfs: JUnit scans the test jars.
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.incubator.vector,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$OUT/jre"
# libjvm.so ships with its symbol table (~4.5 MiB): drop it, debug info is of no use on the GPU machine.
if command -v strip >/dev/null; then
  chmod u+w "$OUT/jre/lib/server/libjvm.so"
  strip --strip-unneeded "$OUT/jre/lib/server/libjvm.so"
fi
cp ibot.jar "$OUT/ibot.jar"

# JMH: the benchmark classes with their generated stubs and META-INF/BenchmarkList, and the JMH runtime.
"$JDK/bin/jar" --create --file "$OUT/bench/benchmarks-thin.jar" -C benchmarks/target/classes .
tr ':' '\n' < "benchmarks/$CPFILE" | grep -E '/(jmh-core|jopt-simple|commons-math3)-[^/]*\.jar$' | xargs -r -I{} cp {} "$OUT/bench/"

# Tests: each module's test classes as a jar (GpuTestsMain scans *-tests.jar), fixtures only where listed.
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
for m in native-bindings runtime ibot; do
  mkdir -p "$STAGE/$m"
  tar -C "$m/target/test-classes" --exclude=./fixtures -cf - . | tar -C "$STAGE/$m" -xf -
  for spec in $TEST_FIXTURES; do
    [[ "${spec%%:*}" == "$m" ]] || continue
    path=${spec#*:}
    [[ -e "$m/target/test-classes/$path" ]] || { echo "pack-gpu-check: $m/target/test-classes/$path is missing" >&2; exit 1; }
    mkdir -p "$STAGE/$m/$(dirname "$path")"
    cp -r "$m/target/test-classes/$path" "$STAGE/$m/$(dirname "$path")/"
  done
  "$JDK/bin/jar" --create --file "$OUT/tests/$m-tests.jar" -C "$STAGE/$m" .
done
tr ':' '\n' < "runtime/$CPFILE" | grep -E '/(junit-[^/]*|opentest4j-[^/]*|apiguardian-api-[^/]*)\.jar$' | xargs -r -I{} cp {} "$OUT/tests/"
[[ -n "$(ls "$OUT"/tests/junit-platform-launcher-*.jar 2>/dev/null)" ]] \
  || { echo "pack-gpu-check: junit-platform-launcher is not on runtime's test class path" >&2; exit 1; }

# Smoke tests here, on the packed runtime: each entry point must start and, without a GPU, say why.
JAVA=("$OUT/jre/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
smoke() {  # name expected-regex command...
  local name=$1 want=$2; shift 2
  set +e
  "$@" > "$OUT/smoke.txt" 2>&1
  local rc=$?
  set -e
  if ! grep -q -E "$want" "$OUT/smoke.txt"; then
    echo "pack-gpu-check: the packed runtime failed to start $name (exit $rc):" >&2
    cat "$OUT/smoke.txt" >&2
    exit 1
  fi
}
smoke GpuCheck '^(gpu_check=|device=)' "${JAVA[@]}" -cp "$OUT/ibot.jar" org.ibot4j.gpucheck.GpuCheck bindings
TESTCP="$OUT/ibot.jar:$(ls "$OUT"/tests/*.jar | paste -sd:)"
smoke GpuTestsMain '^gpu_tests run=[1-9]' "${JAVA[@]}" -cp "$TESTCP" org.ibot4j.runtime.backend.cuda.GpuTestsMain
BENCHCP="$OUT/ibot.jar:$(ls "$OUT"/bench/*.jar | paste -sd:)"
smoke JMH 'CudaGemmBenchmark\.cublasDirect' "${JAVA[@]}" -cp "$BENCHCP" org.openjdk.jmh.Main -l CudaGemmBenchmark
rm -f "$OUT/smoke.txt"

mib() { echo "scale=1; $(du -sb "$1" | cut -f1) / 1048576" | bc -l; }
total=$(du -sb "$OUT" | cut -f1)
echo "gpu-check/jre $(mib "$OUT/jre") MiB, ibot.jar $(mib "$OUT/ibot.jar") MiB, bench/ $(mib "$OUT/bench") MiB," \
  "tests/ $(mib "$OUT/tests") MiB (test classes $(cat "$OUT"/tests/*-tests.jar | wc -c | awk '{printf "%.1f", $1/1048576}') MiB)," \
  "total $(mib "$OUT") MiB (limit 64 MiB)"
if (( total >= LIMIT )); then
  echo "pack-gpu-check: $OUT is over 64 MiB: it cannot be carried in one call" >&2
  exit 1
fi
