# Shared by the tests/cli/*_cases.sh drivers (sourced; not a test itself: CMake registers only
# *_cases.sh). Each driver is called as DRIVER CASE MOTSIM SOURCE_DIR and runs case_CASE.
set -uo pipefail
CASE="$1"; M="$2"; SRC="$3"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_exit CODE COMMAND...: runs COMMAND (stdout in $T/out, stderr in $T/err) and requires CODE.
expect_exit() {
  local want="$1"; shift
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  [ "$rc" -eq "$want" ] || { cat "$T/err" "$T/out" >&2; fail "expected exit $want, got $rc: $*"; }
}
# expect_msg TEXT: the last command's stderr contains TEXT.
expect_msg() { grep -qF -- "$1" "$T/err" || { cat "$T/err" >&2; fail "message lacks '$1'"; }; }
# At the end of a driver: run the case named on the command line.
run_case() {
  declare -F "case_$CASE" >/dev/null || fail "no case $CASE"
  "case_$CASE"
  echo "PASS $CASE"
}
