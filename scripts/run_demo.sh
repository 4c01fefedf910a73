#!/usr/bin/env bash
# The gRPC part of `make run`: start `priors serve` on a free loopback port over DATA_DIR,
# run two DraftImpressions through the CLI client (`priors draft`) — a staging scan, and a
# follow-up of a stored patient compared with its own prior — print the cited drafts, show
# the audit log of that patient (read while the server runs),
# then stop the server (SIGTERM; it drains and exits). The server is stopped on any exit.
#   scripts/run_demo.sh DATA_DIR FINDINGS_FILE INDICATION
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PRIORS=target/release/priors
DATA=${1:?usage: run_demo.sh DATA_DIR FINDINGS_FILE INDICATION}
FINDINGS=${2:?findings file}
INDICATION=${3:-}
RUN=$(mktemp -d)
PID=
cleanup() {
  if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$RUN"
}
trap cleanup EXIT
"$PRIORS" --data-dir "$DATA" serve --addr 127.0.0.1:0 --port-file "$RUN/addr" 2>"$RUN/server.log" &
PID=$!
for _ in $(seq 1 600); do
  [[ -s $RUN/addr ]] && break
  kill -0 "$PID" 2>/dev/null || { cat "$RUN/server.log" >&2; echo "run_demo: server exited" >&2; exit 1; }
  sleep 0.1
done
[[ -s $RUN/addr ]] || { cat "$RUN/server.log" >&2; echo "run_demo: server did not start" >&2; exit 1; }
ADDR=$(cat "$RUN/addr")
echo "== priors serve is listening on $ADDR; DraftImpression for $FINDINGS"
"$PRIORS" draft --addr "$ADDR" --findings-file "$FINDINGS" --indication "$INDICATION"
# A follow-up of a stored patient: the draft compares it with the patient's own prior (P1).
FOLLOW_UP=data-samples/findings/dlbcl_interim.txt
echo "== DraftImpression for $FOLLOW_UP, a follow-up of SYN-P000000 (compared with its stored study)"
"$PRIORS" draft --addr "$ADDR" --findings-file "$FOLLOW_UP" --patient-id SYN-P000000 \
  --exam-date 2023-03-05 --indication "Interim PET/CT during R-CHOP for stage IV DLBCL."
# The audit log is read beside the running server: who saw SYN-P000000 (ids only, never text).
echo "== priors audit --patient SYN-P000000 (the audit log, read while the server runs)"
"$PRIORS" --data-dir "$DATA" audit --patient SYN-P000000
echo "== stopping the server"
kill -TERM "$PID"
wait "$PID"
PID=
grep -v -e 'Feature flags' -e MULTI_MMAP "$RUN/server.log" || true
