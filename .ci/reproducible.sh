#!/usr/bin/env bash
# Reproducible builds: builds the deployable modules (and the sample agent that heartbeat.jar embeds) twice, each
# from its own copy of the tree, and compares every jar and SBOM byte for byte (sha256). Works because
# project.build.outputTimestamp fixes the entries' times.
# Usage: .ci/reproducible.sh   (online: the SBOM plugin skips itself offline; OFFLINE=-o compares the jars only)
set -euo pipefail
cd "$(dirname "$0")/.."
DEPLOYABLE=examples/sample-agent,heartbeat-core,heartbeat-protocol,heartbeat-agent,heartbeat-installer,heartbeat-enrollment,heartbeat-testkit,heartbeat-store-jdbc,heartbeat-servlet,heartbeat-spring-boot-autoconfigure,heartbeat-spring-boot3-autoconfigure,heartbeat-spring-boot-starter,examples
OFFLINE=${OFFLINE-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for run in a b; do
  mkdir -p "$work/$run"
  # The committed and uncommitted files of the tree, without build output.
  git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work/$run"
  echo "reproducible: build $run"
  # Error Prone's checks change no byte of the output; they run in the main build, not twice more here.
  (cd "$work/$run" && mvn -B -ntp -q $OFFLINE package -DskipTests -Dapi.baseline.none=true \
      -Derrorprone.main.args=-XepDisableAllChecks -Derrorprone.test.args=-XepDisableAllChecks \
      -pl "$DEPLOYABLE" -am)
done
compared=0
differ=0
while IFS= read -r f; do
  a=$(sha256sum "$work/a/$f" | cut -d' ' -f1)
  b=$(sha256sum "$work/b/$f" | cut -d' ' -f1)
  compared=$((compared + 1))
  if [ "$a" != "$b" ]; then
    echo "reproducible: DIFFERS $f"
    differ=$((differ + 1))
  else
    echo "reproducible: $a  $f"
  fi
done < <(cd "$work/a" && find . -path '*/target/*' \( -name '*.jar' -o -name 'bom.json' -o -name 'bom.xml' \) \
  -not -path '*/target/test-classes/*' | sort)
if [ "$compared" -eq 0 ]; then
  echo "reproducible: no artifact was built" >&2
  exit 1
fi
echo "reproducible: $compared artifacts compared, $differ differ"
[ "$differ" -eq 0 ]
