#!/usr/bin/env bash
# Bounded schemathesis run over the whole API (docs/reliability.md): a throwaway embedded
# instance (SQLite, demo data) served by gunicorn on 127.0.0.1, fuzzed as an operator, as a
# distributor's user and with a distributor's API key; the run fails on any server error
# (5xx) and on any answer the schema does not describe: an undocumented status code or
# Content-Type, a body or a header that breaks the schema. Used by `make fuzz-api` and .ci/run.
#   FUZZ_SECONDS  time budget per identity (default 120; three identities)
#   FUZZ_PORT     port (default: a free one)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
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
export DJANGO_SETTINGS_MODULE=tests.fuzz.settings HOTLINE_VAR_DIR="$WORK/var" DEBUG=true LOG_LEVEL=ERROR CTI_TOKENS=fuzz-cti-token \
  API_RATE_USER=100000/min API_RATE_ANON=100000/min API_RATE_CTI=100000/min
mkdir -p "$HOTLINE_VAR_DIR"

# Any step that fails says why (the work folder goes when the script ends).
step() {
  local name="$1"; shift
  if ! "$@" > "$WORK/$name.log" 2>&1; then
    echo "fuzz-api: $name failed:"; tail -40 "$WORK/$name.log"; exit 1
  fi
}
started=$(date +%s)
echo "fuzz-api: demo data in $HOTLINE_VAR_DIR"
step tables $BIN/python manage.py migrate --run-syncdb --noinput -v 0
step extras $BIN/python tests/fuzz/fuzz_extras.py
step demo $BIN/python manage.py load_demo
step ids $BIN/python tests/fuzz/fuzz_ids.py
eval "$(grep -E '^[A-Z_]+=[A-Za-z0-9._-]+$' "$WORK/ids.log")"
echo "fuzz-api: instance ready in $(( $(date +%s) - started ))s"

cat > "$WORK/schemathesis.toml" <<TOML
[parameters]
"path.number" = "$CASE"
"path.imei" = "$IMEI"
TOML

# No limit on the request line: beyond gunicorn's 4 KB its own HTML 400 would answer (the web
# server's, not the API's: in production the proxy in front has its own limit and page), and
# the fuzzer's long query strings would never reach the API it checks.
$BIN/gunicorn hotline.wsgi -b "127.0.0.1:$PORT" -w 2 -k gthread --threads 2 --timeout 120 \
  --limit-request-line 0 \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1 && break
  sleep 1
done
if ! curl -fsS "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1; then
  echo "fuzz-api: the server did not start:"; tail -40 "$WORK/server.log"; exit 1
fi

# Server errors, and every answer checked against the schema.
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance
CHECKS=$CHECKS,response_headers_conformance,response_schema_conformance
status=0
# The operator's token, the distributor user's token and the distributor's API key.
declare -A AUTH=([operator]="Token $TOKEN_OPERATOR" [distributor]="Token $TOKEN_DISTRIBUTOR"
                 [distributor-key]="Api-Key $KEY_DISTRIBUTOR")
for who in operator distributor distributor-key; do
  echo "fuzz-api: as $who, up to ${SECONDS_PER_IDENTITY}s"
  # Run from the work folder: schemathesis keeps its cache (.schemathesis/) where it runs.
  (cd "$WORK" && "$ROOT/$BIN/st" --config-file "$WORK/schemathesis.toml" --no-color run \
    "http://127.0.0.1:$PORT/api/schema/" \
    -H "Authorization: ${AUTH[$who]}" \
    --checks "$CHECKS" --phases examples,coverage,fuzzing \
    --max-examples 25 --max-time "$SECONDS_PER_IDENTITY" -w 1 --seed 17 \
    --suppress-health-check all --warnings off \
    > "$WORK/st-$who.log" 2>&1) || status=$?
  grep -E "^(Test cases:|  [0-9]+ generated)|ST1[0-9]+|passed|failed" "$WORK/st-$who.log" | tail -8
  if [ "$status" -ne 0 ]; then
    sed -n '/FAILURES/,/SUMMARY/p' "$WORK/st-$who.log" | head -120
    grep -E "level=error" "$WORK/server.log" | head -20 || true
    break
  fi
done
echo "fuzz-api: done in $(( $(date +%s) - started ))s"
exit "$status"
