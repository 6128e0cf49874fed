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
# check_provenance FILE: the file carries the build and the machine (docs/hdf5-schema.md,
# "Provenance"), and `motsim info` shows them.
check_provenance() {
  local f="$1" a v
  for a in git_commit git_dirty compiler compiler_flags build_type hdf5_version tbb_version tomlplusplus_version \
           random123_version nlopt_version mpi_version host started created command_line motsim_version; do
    v=$(h5dump -a "/$a" "$f" 2>/dev/null | sed -n 's/^ *(0): "\(.*\)"$/\1/p')
    [ -n "$v" ] || fail "$f: root attribute $a is missing or empty"
  done
  v=$(h5dump -a /git_commit "$f" | sed -n 's/^ *(0): "\(.*\)"$/\1/p')
  if git -C "$SRC" rev-parse HEAD >/dev/null 2>&1; then
    # HEAD when built from a clean clone; an ancestor when commits followed the build.
    [ "$v" = unknown ] || git -C "$SRC" merge-base --is-ancestor "$v" HEAD 2>/dev/null ||
      fail "$f: git_commit $v is not a commit of the source tree's history"
  fi
  "$M" info "$f" >"$T/info" 2>&1 || fail "motsim info $f failed"
  for a in "built from git $v" "HDF5 " "oneTBB " "Random123 " "MPI library " "on $(hostname)" "started " "command: "; do
    grep -qF -- "$a" "$T/info" || { cat "$T/info" >&2; fail "motsim info $f lacks '$a'"; }
  done
}
