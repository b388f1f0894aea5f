#!/usr/bin/env bash
# Bounded schemathesis run over the whole API (docs/reliability.md): a throwaway embedded
# instance (SQLite, demo data) served by gunicorn on 127.0.0.1, fuzzed as an operator and as a
# distributor; the run fails on any server error (5xx). Used by `make fuzz-api` and .ci/run.
#   FUZZ_SECONDS  time budget per identity (default 120)
#   FUZZ_PORT     port (default: a free one)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
SECONDS_PER_IDENTITY="${FUZZ_SECONDS:-120}"
PORT="${FUZZ_PORT:-$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The embedded default, whatever the caller's environment points at.
unset DATABASE_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND CACHE_URL
export HOTLINE_VAR_DIR="$WORK/var" DEBUG=true LOG_LEVEL=ERROR CTI_TOKENS=fuzz-cti-token \
  API_RATE_USER=100000/min API_RATE_ANON=100000/min API_RATE_CTI=100000/min
mkdir -p "$HOTLINE_VAR_DIR"

echo "fuzz-api: demo data in $HOTLINE_VAR_DIR"
$BIN/python manage.py migrate --noinput -v 0
$BIN/python manage.py load_demo > "$WORK/demo.log" 2>&1
eval "$($BIN/python tests/fuzz/fuzz_ids.py 2>/dev/null | grep -E '^[A-Z_]+=[A-Za-z0-9-]+$')"

cat > "$WORK/schemathesis.toml" <<TOML
[parameters]
"path.number" = "$CASE"
"path.imei" = "$IMEI"
TOML

$BIN/gunicorn hotline.wsgi -b "127.0.0.1:$PORT" -w 2 -k gthread --threads 2 --timeout 120 \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1 && break
  sleep 1
done

status=0
for who in operator distributor; do
  token_var="TOKEN_${who^^}"
  echo "fuzz-api: as $who, up to ${SECONDS_PER_IDENTITY}s"
  $BIN/st --config-file "$WORK/schemathesis.toml" --no-color run "http://127.0.0.1:$PORT/api/schema/" \
    -H "Authorization: Token ${!token_var}" \
    --checks not_a_server_error --phases examples,coverage,fuzzing \
    --max-examples 25 --max-time "$SECONDS_PER_IDENTITY" -w 1 --seed 17 \
    --suppress-health-check all --warnings off \
    > "$WORK/st-$who.log" 2>&1 || status=$?
  grep -E "^(Test cases:|  [0-9]+ generated)|ST101|Server error|passed|failed" "$WORK/st-$who.log" | tail -6
  if [ "$status" -ne 0 ]; then
    sed -n '/FAILURES/,/SUMMARY/p' "$WORK/st-$who.log" | head -120
    grep -E "level=error" "$WORK/server.log" | head -20 || true
    break
  fi
done
exit "$status"
