#!/usr/bin/env bash
# Declares the current public API as the baseline that the build's japicmp check compares against
# (README "Build gates"). Run it only for a deliberate, reviewed API change, and commit api-baseline/ with it.
# Usage: .ci/api-baseline.sh [MODULE...]   (default: every library module)
set -euo pipefail
cd "$(dirname "$0")/.."
LIBRARIES=(heartbeat-core heartbeat-protocol heartbeat-agent heartbeat-installer heartbeat-enrollment heartbeat-testkit
  heartbeat-store-jdbc heartbeat-servlet heartbeat-spring-boot-autoconfigure heartbeat-spring-boot3-autoconfigure)
if [ "$#" -gt 0 ]; then MODULES=("$@"); else MODULES=("${LIBRARIES[@]}"); fi
list=$(IFS=,; echo "${MODULES[*]}")
mvn -B -ntp -q -o package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip -Dcyclonedx.skip \
  -pl "$list" -am
mkdir -p api-baseline
for m in "${MODULES[@]}"; do
  jar=$(ls "$m"/target/"$m"-*.jar | grep -v -e '-sources.jar$' -e '-javadoc.jar$' | head -n 1)
  cp "$jar" "api-baseline/$m.jar"
  echo "api-baseline/$m.jar <- $jar ($(sha256sum "$jar" | cut -c1-16))"
done
echo "taken from commit $(git rev-parse --short HEAD)$(git diff --quiet -- '*.java' '*pom.xml' || echo ' with uncommitted changes')" \
  > api-baseline/FROM
