#!/usr/bin/env bash
# Load benchmark: the service against the floor (bench/Cloudsign.Auth.Floor), on loopback, with
# wrk. Each round runs every target once, in the same order (A B A B ...), and reads each
# server's CPU time from /proc/PID/stat around every run. It prints, per target, the medians
# over the rounds of requests/s, p50 and p99 latency and server CPU µs per request, and their
# ratios to the floor's pair endpoint measured in the same rounds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() {
  cat <<'EOF'
Usage: bench/load.sh [options]

  --seconds N               duration of one wrk run, in seconds (default 30)
  --rounds N                rounds of alternation, at least 3 for recorded figures (default 3)
  --warmup N                seconds of load on every target before the first round, so that the
                            JIT's tiering has finished and the figures show the steady state (default 20)
  --threads N               wrk threads (default 2)
  --connections N           wrk connections (default 64)
  --provider NAME           Storage:Provider of the service: sqlite (default) or postgresql
  --connection-string STR   Storage:ConnectionString; default: a SQLite file in a temporary folder.
                            CLOUDSIGN_BENCH_CONNECTION_STRING is read when this is not given,
                            which keeps a password off the command line.
  --database-pid PID        also read the CPU time of this process and its children (the
                            PostgreSQL postmaster) and print database CPU µs per request
  --start-postgresql        start a throwaway PostgreSQL cluster with the default durability
                            (fsync and synchronous_commit on) from pg_config --bindir, on a free
                            port of 127.0.0.1, and run the service on it with --database-pid set
  --no-write-variants       skip the floor's group-commit and insert-per-request variants
  --soak MINUTES            afterwards, load the service for MINUTES (token, refresh and /me in
                            turn, 20 s each) and print its resident memory after 1 minute and at the end
  --no-build                use the Release binaries already built
  --fail-on-errors          exit 1 when any run had socket errors or non-2xx responses
EOF
}

seconds=30
rounds=3
warmup=20
threads=2
connections=64
provider=sqlite
connection_string=${CLOUDSIGN_BENCH_CONNECTION_STRING:-}
database_pid=""
write_variants=1
soak_minutes=0
build=1
fail_on_errors=0
start_postgresql=0

while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --provider) provider=$2; shift 2 ;;
    --connection-string) connection_string=$2; shift 2 ;;
    --database-pid) database_pid=$2; shift 2 ;;
    --no-write-variants) write_variants=0; shift ;;
    --soak) soak_minutes=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --fail-on-errors) fail_on_errors=1; shift ;;
    --start-postgresql) start_postgresql=1; provider=postgresql; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "$tool is missing; install it with: apt-get install -y $tool" >&2; exit 1; }
done
if [ "$provider" != sqlite ] && [ -z "$connection_string" ] && [ "$start_postgresql" -eq 0 ]; then
  echo "--provider $provider needs --connection-string or CLOUDSIGN_BENCH_CONNECTION_STRING" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ "$build" -eq 1 ]; then
  echo "building Release..."
  dotnet build src/Cloudsign.Auth -c Release --nologo -v quiet >/dev/null
  dotnet build bench/Cloudsign.Auth.Floor -c Release --nologo -v quiet >/dev/null
fi
product_bin=src/Cloudsign.Auth/bin/Release/net10.0/cloudsign-auth
floor_bin=bench/Cloudsign.Auth.Floor/bin/Release/net10.0/Cloudsign.Auth.Floor

work=$(mktemp -d)
chmod 700 "$work"
pids=()
pg_bin=""
pg_dir=""
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$pg_dir" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_ready() {
  local url=$1 pid=$2 log=$3
  for _ in $(seq 1 120); do
    if curl --silent --fail "$url" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "the server behind $url did not become ready; its log:" >&2
  cat "$log" >&2
  exit 1
}

# A throwaway cluster, trusted on 127.0.0.1 only and removed at exit. Its postmaster's pid is the
# first line of postmaster.pid; the backends are its children, so their CPU time counts too.
if [ "$start_postgresql" -eq 1 ]; then
  pg_bin=$(pg_config --bindir)
  pg_port=$(free_port)
  pg_dir=$(mktemp -d)
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$pg_dir"; fi
  as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --no-instructions >/dev/null
  as_postgres sh -c "echo 'host all all 127.0.0.1/32 trust' >'$pg_dir/data/pg_hba.conf'"
  as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories='' -c max_connections=200" start >/dev/null
  database_pid=$(head -n 1 "$pg_dir/data/postmaster.pid")
  connection_string="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
fi

# The service: its own database, account and key, no rate limits, logs in the work folder.
export CLOUDSIGN_Storage__Provider=$provider
export CLOUDSIGN_Storage__ConnectionString=${connection_string:-"Data Source=$work/auth.db"}
export CLOUDSIGN_RateLimiting__Enabled=false
email=bench@example.com
"$product_bin" accounts create --email "$email" --json >/dev/null 2>"$work/cli.log" || {
  cat "$work/cli.log" >&2; exit 1; }
client_id=$("$product_bin" keys create --email "$email" --env production --json 2>"$work/cli.log" | jq -r .client_id) || {
  cat "$work/cli.log" >&2; exit 1; }

product_port=$(free_port)
"$product_bin" serve --urls "http://127.0.0.1:$product_port" >"$work/product.log" 2>&1 &
product_pid=$!
pids+=("$product_pid")

# The floor: its own SQLite file and a random secret, passed in the environment.
floor_port=$(free_port)
floor_client_id=$(cat /proc/sys/kernel/random/uuid)
FLOOR_CLIENT_ID=$floor_client_id "$floor_bin" --urls "http://127.0.0.1:$floor_port" \
  --Floor:Database="$work/floor.db" >"$work/floor.log" 2>&1 &
floor_pid=$!
pids+=("$floor_pid")

product=http://127.0.0.1:$product_port
floor=http://127.0.0.1:$floor_port
wait_ready "$product/health/ready" "$product_pid" "$work/product.log"
wait_ready "$floor/ready" "$floor_pid" "$work/floor.log"

product_body="{\"env\": \"production\", \"email\": \"$email\", \"client_id\": \"$client_id\"}"
floor_body="{\"env\": \"production\", \"email\": \"bench@example.com\", \"client_id\": \"$floor_client_id\"}"

access_token=$(curl --silent --fail --request POST "$product/api/v1/auth/api-access-token" \
  --header 'Content-Type: application/json' --data "$product_body" | jq -r .data.access_token)

# Fetches one fresh refresh token per connection and a margin, over one keep-alive connection.
fill_refresh_pool() {
  local urls=()
  for _ in $(seq 1 $((connections * 2))); do urls+=("$product/api/v1/auth/api-access-token"); done
  curl --silent --fail --request POST --header 'Content-Type: application/json' --data "$product_body" "${urls[@]}" \
    | grep -o '"refresh_token":"[^"]*"' | cut -d'"' -f4 >"$work/refresh-pool"
}

# utime + stime of a process (fields 14 and 15 of /proc/PID/stat), plus its children's when asked.
cpu_ticks() {
  local pid=$1 with_children=${2:-0}
  local total
  total=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  if [ "$with_children" -eq 1 ]; then
    for child in $(pgrep -P "$pid" || true); do
      total=$((total + $(awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || echo 0)))
    done
  fi
  echo "$total"
}

clock_ticks=$(getconf CLK_TCK)

# Converts a wrk latency such as 812.00us, 2.31ms or 1.02s to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n
  }'
}

# Runs wrk for one target and appends "round target rps p50 p99 cpu_us db_cpu_us errors" to results.
run_target() {
  local round=$1 name=$2 pid=$3 url=$4 script=$5 duration=$6
  local before after db_before=0 db_after=0 output
  if [ "$name" = service-refresh ]; then fill_refresh_pool; fi
  before=$(cpu_ticks "$pid")
  if [ -n "$database_pid" ]; then db_before=$(cpu_ticks "$database_pid" 1); fi
  output=$(WRK_THREADS=$threads WRK_REFRESH_POOL=$work/refresh-pool \
    wrk --threads "$threads" --connections "$connections" --duration "${duration}s" --latency --script "$script" "$url")
  after=$(cpu_ticks "$pid")
  if [ -n "$database_pid" ]; then db_after=$(cpu_ticks "$database_pid" 1); fi
  [ "$round" = warmup ] && return 0

  local requests rps p50 p99 errors cpu_us db_cpu_us
  requests=$(echo "$output" | awk '/requests in/ {print $1}')
  rps=$(echo "$output" | awk '/^Requests\/sec:/ {print $2}')
  p50=$(to_ms "$(echo "$output" | awk '$1 == "50%" {print $2}')")
  p99=$(to_ms "$(echo "$output" | awk '$1 == "99%" {print $2}')")
  errors=$(echo "$output" | awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}')
  cpu_us=$(awk -v t=$((after - before)) -v hz="$clock_ticks" -v n="$requests" 'BEGIN {printf "%.1f", n ? t / hz * 1e6 / n : 0}')
  db_cpu_us=$(awk -v t=$((db_after - db_before)) -v hz="$clock_ticks" -v n="$requests" 'BEGIN {printf "%.1f", n ? t / hz * 1e6 / n : 0}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$rps" "$p50" "$p99" "$cpu_us" "$db_cpu_us" "$errors" >>"$work/results"
  printf '  round %s %-24s %10s req/s  p50 %8s ms  p99 %8s ms  %7s µs CPU/req  errors %s\n' \
    "$round" "$name" "$rps" "$p50" "$p99" "$cpu_us" "$errors"
}

targets=(
  "floor-pair $floor_pid $floor/pair bench/wrk/token.lua"
  "service-token $product_pid $product/api/v1/auth/api-access-token bench/wrk/token.lua"
  "service-refresh $product_pid $product/api/v1/auth/refresh bench/wrk/refresh.lua"
  "service-me $product_pid $product/api/v1/me bench/wrk/me.lua"
)
if [ "$write_variants" -eq 1 ]; then
  targets+=(
    "floor-group-commit $floor_pid $floor/pair-group-commit bench/wrk/token.lua"
    "floor-insert-each $floor_pid $floor/pair-insert bench/wrk/token.lua"
  )
fi

body_for() { case "$1" in floor-*) echo "$floor_body" ;; *) echo "$product_body" ;; esac; }

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "load: wrk, $threads threads, $connections connections, ${seconds}s per run, $rounds rounds, provider $provider"
: >"$work/results"

# Warm-up: every target once, so that JIT tiering and the connection pools settle before measuring.
# Under full load the JIT's background thread competes with the requests for the two cores. A
# profile after 5 s of load still showed 10 % of the service's CPU time in the JIT, and methods
# not yet at their final tier.
for target in "${targets[@]}"; do
  read -r name pid url script <<<"$target"
  WRK_BODY=$(body_for "$name") WRK_ACCESS_TOKEN=$access_token run_target warmup "$name" "$pid" "$url" "$script" "$warmup"
done

for round in $(seq 1 "$rounds"); do
  for target in "${targets[@]}"; do
    read -r name pid url script <<<"$target"
    WRK_BODY=$(body_for "$name") WRK_ACCESS_TOKEN=$access_token run_target "$round" "$name" "$pid" "$url" "$script" "$seconds"
  done
done

median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
column_median() { awk -F'\t' -v t="$1" -v c="$2" '$2 == t {print $c}' "$work/results" | median; }

floor_rps=$(column_median floor-pair 3)
floor_p99=$(column_median floor-pair 5)
floor_cpu=$(column_median floor-pair 6)

echo
echo "medians over $rounds rounds; ratios are to floor-pair in the same run"
printf '| %-20s | %10s | %9s | %9s | %11s | %9s | %9s | %9s |' target 'req/s' 'p50 ms' 'p99 ms' 'CPU µs/req' 'req/s ×' 'p99 ×' 'CPU ×'
[ -n "$database_pid" ] && printf ' %12s |' 'DB CPU µs/req'
printf ' %6s |\n' errors
total_errors=0
for target in "${targets[@]}"; do
  read -r name _ <<<"$target"
  rps=$(column_median "$name" 3)
  p50=$(column_median "$name" 4)
  p99=$(column_median "$name" 5)
  cpu=$(column_median "$name" 6)
  db_cpu=$(column_median "$name" 7)
  errors=$(awk -F'\t' -v t="$name" '$2 == t {n += $8} END {print n + 0}' "$work/results")
  total_errors=$((total_errors + errors))
  ratios=$(awk -v r="$rps" -v fr="$floor_rps" -v p="$p99" -v fp="$floor_p99" -v c="$cpu" -v fc="$floor_cpu" \
    'BEGIN {printf "%9.2f | %9.2f | %9.2f", fr ? r / fr : 0, fp ? p / fp : 0, fc ? c / fc : 0}')
  printf '| %-20s | %10.0f | %9.2f | %9.2f | %11.1f | %s |' "$name" "$rps" "$p50" "$p99" "$cpu" "$ratios"
  [ -n "$database_pid" ] && printf ' %12.1f |' "$db_cpu"
  printf ' %6s |\n' "$errors"
done

# Three decimals, so that a verdict at the edge is not decided by rounding (0.397 is not 0.40).
ratio() { awk -v a="$(column_median "$1" "$2")" -v b="$3" 'BEGIN {printf "%.3f", b ? a / b : 0}'; }
verdict() { awk -v v="$1" -v limit="$3" -v op="$2" 'BEGIN {ok = (op == ">=") ? v >= limit : v <= limit; print ok ? "met" : "NOT met"}'; }
echo
token_rps=$(ratio service-token 3 "$floor_rps"); token_cpu=$(ratio service-token 6 "$floor_cpu")
refresh_rps=$(ratio service-refresh 3 "$floor_rps"); me_rps=$(ratio service-me 3 "$floor_rps")
token_p99=$(ratio service-token 5 "$floor_p99")
echo "target 1: token req/s $token_rps × floor (>= 0.75: $(verdict "$token_rps" '>=' 0.75)), CPU $token_cpu × floor (<= 1.35: $(verdict "$token_cpu" '<=' 1.35))"
echo "target 2: refresh req/s $refresh_rps × floor (>= 0.40: $(verdict "$refresh_rps" '>=' 0.4))"
echo "target 3: /me req/s $me_rps × floor (>= 0.50: $(verdict "$me_rps" '>=' 0.5))"
echo "target 4: token p99 $token_p99 × floor (<= 1.50: $(verdict "$token_p99" '<=' 1.5))"

rss_mib() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

if [ "$soak_minutes" -gt 0 ]; then
  echo
  echo "soak: $soak_minutes minutes of token, refresh and /me in turn, 20 s each"
  soak_targets=("${targets[1]}" "${targets[2]}" "${targets[3]}")
  start=$(date +%s)
  rss_1min=""
  slice=0
  while [ $(($(date +%s) - start)) -lt $((soak_minutes * 60)) ]; do
    read -r name pid url script <<<"${soak_targets[$((slice % 3))]}"
    WRK_BODY=$product_body WRK_ACCESS_TOKEN=$access_token run_target warmup "$name" "$pid" "$url" "$script" 20
    slice=$((slice + 1))
    if [ -z "$rss_1min" ] && [ $(($(date +%s) - start)) -ge 60 ]; then
      rss_1min=$(rss_mib "$product_pid")
      echo "  resident memory after $(($(date +%s) - start)) s: $rss_1min MiB"
    fi
  done
  rss_end=$(rss_mib "$product_pid")
  echo "  resident memory after $(($(date +%s) - start)) s: $rss_end MiB"
  growth=$(awk -v a="$rss_1min" -v b="$rss_end" 'BEGIN {printf "%.1f", (b / a - 1) * 100}')
  echo "target 5: $rss_end MiB at the end (<= 300: $(verdict "$rss_end" '<=' 300)), $growth % above the 1-minute figure (<= 10: $(verdict "$growth" '<=' 10))"
fi

if [ "$total_errors" -gt 0 ]; then
  echo "$total_errors requests failed (socket errors or non-2xx responses)" >&2
  if [ "$fail_on_errors" -eq 1 ]; then
    tail -n 40 "$work/product.log" >&2
    exit 1
  fi
fi
