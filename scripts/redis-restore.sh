#!/bin/sh
# Restores an RDB backup (scripts/redis-backup.sh) into a Redis data directory, for a Redis that runs with AOF
# (docker-compose.yml). Redis must be STOPPED (and the app instances too): this replaces its data.
#   scripts/redis-restore.sh <backup.rdb> <redis data dir>
# With AOF on, Redis loads the AOF and ignores dump.rdb, so the backup becomes a fresh AOF: a temporary
# redis-server loads the RDB with AOF off, switches AOF on (rewriting it from memory) and shuts down. The old
# files are kept in <dir>/before-restore-<time>/. Afterwards start Redis as usual, then the app.
set -eu
backup=${1:?usage: redis-restore.sh <backup.rdb> <redis data dir>}
dir=${2:?usage: redis-restore.sh <backup.rdb> <redis data dir>}
[ -f "$backup" ] || { echo "no such backup: $backup" >&2; exit 2; }
[ -d "$dir" ] || { echo "no such directory: $dir" >&2; exit 2; }
if command -v redis-check-rdb >/dev/null 2>&1; then redis-check-rdb "$backup" >&2; fi
port=${RESTORE_PORT:-16379}
if redis-cli -p "$port" ping >/dev/null 2>&1; then echo "port $port is in use: set RESTORE_PORT" >&2; exit 2; fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
keep="$dir/before-restore-$stamp"
mkdir -p "$keep"
for f in dump.rdb appendonlydir appendonly.aof; do [ -e "$dir/$f" ] && mv "$dir/$f" "$keep/"; done
cp "$backup" "$dir/dump.rdb"
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --dbfilename dump.rdb --appendonly no --save "" --daemonize yes --pidfile "$dir/restore.pid" --logfile "$dir/restore.log"
i=0
until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do
  i=$((i + 1)); [ "$i" -gt 300 ] && { echo "temporary redis-server did not start: $dir/restore.log" >&2; exit 1; }
  sleep 0.1
done
keys=$(redis-cli -p "$port" dbsize)
redis-cli -p "$port" config set appendonly yes >/dev/null
# Wait until the AOF is written from memory.
until [ "$(redis-cli -p "$port" info persistence | tr -d '\r' | awk -F: '/^aof_rewrite_in_progress:/{print $2}')" = "0" ] \
  && [ "$(redis-cli -p "$port" info persistence | tr -d '\r' | awk -F: '/^aof_rewrite_scheduled:/{print $2}')" = "0" ] \
  && [ "$(redis-cli -p "$port" info persistence | tr -d '\r' | awk -F: '/^aof_enabled:/{print $2}')" = "1" ]; do
  sleep 0.1
done
redis-cli -p "$port" shutdown save >/dev/null 2>&1 || true
while [ -e "$dir/restore.pid" ]; do sleep 0.1; done
echo "restored $keys keys from $backup into $dir (previous files in $keep)"
