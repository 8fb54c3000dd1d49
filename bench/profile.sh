#!/usr/bin/env bash
# CPU profile of the service under load. It starts the Release build on a temporary SQLite file
# and loads one endpoint with wrk (2 threads, 64 connections). After a warm-up that lets the JIT's
# tiering settle, Linux perf records the service while the load runs. The runtime writes
# /tmp/perf-PID.map so that perf names the managed frames.
# Usage: bash bench/profile.sh token|refresh|me [SECONDS] [OUTPUT]
# Then: perf report -i OUTPUT --no-children --sort dso,sym
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

target=${1:?usage: bench/profile.sh token|refresh|me [SECONDS] [OUTPUT]}
seconds=${2:-8}
output=${3:-$root/bench/profile-$target.perf}
warmup=${WARMUP_SECONDS:-30}
for tool in perf wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "$tool is missing; install it with: apt-get install -y ${tool/perf/linux-perf}" >&2; exit 1; }
done

dotnet build src/Cloudsign.Auth -c Release --nologo -v quiet >/dev/null
bin=src/Cloudsign.Auth/bin/Release/net10.0/cloudsign-auth
work=$(mktemp -d)
chmod 700 "$work"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export CLOUDSIGN_Storage__ConnectionString="Data Source=$work/auth.db" CLOUDSIGN_RateLimiting__Enabled=false
email=profile@example.com
"$bin" accounts create --email "$email" --json >/dev/null 2>"$work/cli.log" || { cat "$work/cli.log" >&2; exit 1; }
client_id=$("$bin" keys create --email "$email" --env production --json 2>"$work/cli.log" | jq -r .client_id) || { cat "$work/cli.log" >&2; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base=http://127.0.0.1:$port
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 "$bin" serve --urls "$base" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl --silent --fail "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done

export WRK_BODY="{\"env\": \"production\", \"email\": \"$email\", \"client_id\": \"$client_id\"}"
export WRK_THREADS=2 WRK_REFRESH_POOL=$work/refresh-pool
fill_refresh_pool() {
  local urls=()
  for _ in $(seq 1 128); do urls+=("$base/api/v1/auth/api-access-token"); done
  curl --silent --fail --request POST --header 'Content-Type: application/json' --data "$WRK_BODY" "${urls[@]}" \
    | grep -o '"refresh_token":"[^"]*"' | cut -d'"' -f4 >"$WRK_REFRESH_POOL"
}
case "$target" in
  token) url=$base/api/v1/auth/api-access-token; script=bench/wrk/token.lua ;;
  refresh) url=$base/api/v1/auth/refresh; script=bench/wrk/refresh.lua ;;
  me)
    url=$base/api/v1/me; script=bench/wrk/me.lua
    WRK_ACCESS_TOKEN=$(curl --silent --fail --request POST --header 'Content-Type: application/json' \
      --data "$WRK_BODY" "$base/api/v1/auth/api-access-token" | jq -r .data.access_token)
    export WRK_ACCESS_TOKEN ;;
  *) echo "unknown target: $target (token, refresh or me)" >&2; exit 2 ;;
esac

# Each refresh run needs fresh tokens: a token presented twice is reuse and revokes its family.
[ "$target" = refresh ] && fill_refresh_pool
wrk --threads 2 --connections 64 --duration "${warmup}s" --script "$script" "$url" >/dev/null
[ "$target" = refresh ] && fill_refresh_pool
wrk --threads 2 --connections 64 --duration "$((seconds + 4))s" --latency --script "$script" "$url" >"$work/wrk.txt" &
wrk_pid=$!
sleep 2
perf record --quiet -F 2999 -g -p "$server_pid" -o "$output" -- sleep "$seconds" >/dev/null 2>&1
wait "$wrk_pid"
grep -E 'Requests/sec|Non-2xx' "$work/wrk.txt"
echo "profile written to $output; read it with: perf report -i $output --no-children --sort dso,sym"
