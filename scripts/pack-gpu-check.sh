#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs on a GPU machine that has no Java and no network:
#   gpu-check/jre      a jlink'd Java 25 runtime (java.base, java.management, jdk.incubator.vector, jdk.unsupported)
#   gpu-check/ibot.jar the shaded jar
# The folder is gitignored; carry it to the GPU machine (it must stay under 64 MiB) and run scripts/gpu-check.sh there.
# Usage: scripts/pack-gpu-check.sh [--no-build]   (--no-build: use the ibot.jar already at the repo root)
set -euo pipefail
cd "$(dirname "$0")/.."
JDK="${JDK_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
OUT=gpu-check
LIMIT=$((64 * 1024 * 1024))

if [[ "${1:-}" != "--no-build" ]]; then
  # Inside the shared workplace every build goes through the build lock; elsewhere flock is skipped.
  if [[ -n "${IBOT4J_BUILD_LOCK:-}" ]]; then
    flock "$IBOT4J_BUILD_LOCK" ./mvnw -o -q -pl ibot -am package -DskipTests
  else
    ./mvnw -o -q -pl ibot -am package -DskipTests
  fi
fi
[[ -f ibot.jar ]] || { echo "pack-gpu-check: ibot.jar is missing (run without --no-build)" >&2; exit 1; }
[[ -x "$JDK/bin/jlink" ]] || { echo "pack-gpu-check: no jlink at $JDK/bin/jlink (set JDK_HOME to a JDK 25)" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
"$JDK/bin/jlink" --add-modules java.base,java.management,jdk.incubator.vector,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$OUT/jre"
# libjvm.so ships with its symbol table (~4.5 MiB): drop it, debug info is of no use on the GPU machine.
if command -v strip >/dev/null; then
  chmod u+w "$OUT/jre/lib/server/libjvm.so"
  strip --strip-unneeded "$OUT/jre/lib/server/libjvm.so"
fi
cp ibot.jar "$OUT/ibot.jar"

# Smoke test here: the entry point must start and, without a GPU, say why and exit 2.
set +e
"$OUT/jre/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$OUT/ibot.jar" org.ibot4j.gpucheck.GpuCheck bindings > "$OUT/smoke.txt" 2>&1
smoke=$?
set -e
if [[ $smoke -ne 0 && $smoke -ne 2 ]]; then
  echo "pack-gpu-check: the packed runtime failed to start GpuCheck (exit $smoke):" >&2
  cat "$OUT/smoke.txt" >&2
  exit 1
fi
rm -f "$OUT/smoke.txt"

jre=$(du -sb "$OUT/jre" | cut -f1)
jar=$(du -sb "$OUT/ibot.jar" | cut -f1)
total=$(du -sb "$OUT" | cut -f1)
printf 'gpu-check/jre %.1f MiB, gpu-check/ibot.jar %.1f MiB, total %.1f MiB (limit 64 MiB)\n' \
  "$(echo "$jre / 1048576" | bc -l)" "$(echo "$jar / 1048576" | bc -l)" "$(echo "$total / 1048576" | bc -l)"
if (( total >= LIMIT )); then
  echo "pack-gpu-check: $OUT is over 64 MiB: it cannot be carried in one call" >&2
  exit 1
fi
