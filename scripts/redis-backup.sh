#!/bin/sh
# Backs up the Redis at $REDIS_URL as an RDB snapshot file, streamed over the network (redis-cli --rdb), into
# $BACKUP_DIR (default ./backups) as hold-hunter-<UTC time>.rdb; keeps the newest $BACKUP_KEEP (default 14).
# Prints the file's path. Run it from cron or a scheduled machine, e.g. hourly:
#   REDIS_URL=redis://127.0.0.1:6379 BACKUP_DIR=/var/backups/hold-hunter scripts/redis-backup.sh
# Managed Redis that refuses SYNC (Upstash) has backups of its own: use those (docs/runbook.md).
set -eu
: "${REDIS_URL:=redis://127.0.0.1:6379}"
: "${BACKUP_DIR:=./backups}"
: "${BACKUP_KEEP:=14}"
mkdir -p "$BACKUP_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
file="$BACKUP_DIR/hold-hunter-$stamp.rdb"
# --rdb writes a partial file on failure: write beside, move into place only when complete.
redis-cli -u "$REDIS_URL" --no-auth-warning --rdb "$file.part" >&2
if command -v redis-check-rdb >/dev/null 2>&1; then
  redis-check-rdb "$file.part" >&2
fi
mv "$file.part" "$file"
# Keep the newest $BACKUP_KEEP backups.
ls -1 "$BACKUP_DIR"/hold-hunter-*.rdb | sort -r | tail -n "+$((BACKUP_KEEP + 1))" | while read -r old; do rm -f "$old"; done
echo "$file"
