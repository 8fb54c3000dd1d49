#!/usr/bin/env bash
# Runs the README's run command and then its walk-through blocks, as written, from the
# repository root. Fails if any command fails. `dotnet run` works in the project's folder, so
# the database is src/Cloudsign.Auth/data/; an existing one is set aside and put back after.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Extract the fenced bash block that follows each "<!-- readme-test: NAME -->" marker.
blocks() {
  awk -v name="$1" '
    $0 == "<!-- readme-test: " name " -->" { armed = 1; next }
    armed && /^```bash$/ { inside = 1; next }
    inside && /^```$/ { inside = 0; armed = 0; next }
    inside { print }
  ' README.md
}

serve=$(blocks serve)
walkthrough=$(blocks walkthrough)
[ -n "$serve" ] && [ -n "$walkthrough" ] || { echo "README has no serve or walkthrough block" >&2; exit 1; }

data_folder=src/Cloudsign.Auth/data
data_backup=""
if [ -d "$data_folder" ]; then
  data_backup=$(mktemp -d)
  mv "$data_folder" "$data_backup/"
fi

dotnet build src/Cloudsign.Auth --nologo -v quiet >/dev/null
bash -c "$serve" > /tmp/readme-walkthrough-server.log 2>&1 &
server_pid=$!
cleanup() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$data_folder"
  if [ -n "$data_backup" ]; then mv "$data_backup/data" "$data_folder"; fi
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  if curl --silent --fail http://localhost:8080/health/ready >/dev/null 2>&1; then break; fi
  sleep 1
done
curl --silent --fail http://localhost:8080/health/ready >/dev/null || { echo "the server did not become ready; its log:" >&2; cat /tmp/readme-walkthrough-server.log >&2; exit 1; }

# The walk-through prints tokens; keep them out of CI logs.
bash -euo pipefail -c "$walkthrough" > /dev/null
echo "README walk-through: passed"
