#!/usr/bin/env bash
# One adversarial input: motsim must exit 2 with a message containing every "# expect:" line
# of the file, and leave no results or temporary file. Usage: corpus_case.sh FILE MOTSIM
set -uo pipefail
FILE="$1"; M="$2"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
case "$(basename "$FILE")" in
  sweep_*) "$M" sweep "$FILE" --out "$T/out.h5" >"$T/out" 2>"$T/err" ;;
  *)       "$M" run "$FILE" --out "$T/out.h5" --quiet >"$T/out" 2>"$T/err" ;;
esac
rc=$?
fail() { echo "FAIL: $(basename "$FILE"): $*" >&2; echo "--- stderr:" >&2; cat "$T/err" >&2; exit 1; }
[ $rc -eq 2 ] || fail "exit code $rc, expected 2"
grep -q "^motsim: " "$T/err" || fail "no motsim message"
while IFS= read -r want; do
  grep -qF -- "$want" "$T/err" || fail "message lacks '$want'"
done < <(sed -n 's/^# expect: //p' "$FILE")
[ -z "$(ls -A "$T" | grep -v '^out$\|^err$')" ] || fail "left files: $(ls "$T")"
echo "PASS $(basename "$FILE"): $(head -c 200 "$T/err")"
