#!/usr/bin/env bash
# Measures how many refresh-token spends per second one PostgreSQL server commits: each refresh
# writes one row like spent_refresh_tokens (a primary-key insert in its own transaction).
# Starts a throwaway cluster with default durability (fsync and synchronous_commit on) on a free
# port of 127.0.0.1, runs pgbench with CLIENTS connections for SECONDS seconds, and removes it.
# Usage: bash bench/pg-spend-rate.sh [CLIENTS] [SECONDS]
set -euo pipefail

clients=${1:-16}
seconds=${2:-20}
bin=$(pg_config --bindir)
folder=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

[ "$(id -u)" -eq 0 ] && chown postgres "$folder"
cleanup() {
  as_postgres "$bin/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$folder"
}
trap cleanup EXIT

cd "$folder"
as_postgres "$bin/initdb" -D "$folder/data" -U postgres --auth=trust --no-instructions >/dev/null
echo "host all all 127.0.0.1/32 trust" > "$folder/data/pg_hba.conf"
[ "$(id -u)" -eq 0 ] && chown postgres "$folder/data/pg_hba.conf"
as_postgres "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=''" start >/dev/null

psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -q)
"${psql[@]}" -c 'CREATE TABLE spent_refresh_tokens ("Jti" uuid PRIMARY KEY, "FamilyId" uuid NOT NULL, "SpentAt" timestamptz NOT NULL, "ExpiresAt" timestamptz NOT NULL)'
"${psql[@]}" -c 'CREATE INDEX ON spent_refresh_tokens ("ExpiresAt")'
echo 'INSERT INTO spent_refresh_tokens VALUES (gen_random_uuid(), gen_random_uuid(), now(), now() + interval '"'"'30 days'"'"');' > "$folder/spend.sql"

echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}'), $(nproc) cores, $clients clients, $seconds s"
"$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -c "$clients" -j 2 -T "$seconds" -f "$folder/spend.sql" postgres \
  | grep -E '^(number of transactions actually processed|latency average|tps)'
