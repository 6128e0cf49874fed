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
  # The version of the random streams (0: a sweep that varies it).
  h5dump -a /rng_streams "$f" 2>/dev/null | grep -qE '^ *\(0\): [0-9]+$' || fail "$f: root attribute rng_streams is missing"
  "$M" info "$f" >"$T/info" 2>&1 || fail "motsim info $f failed"
  for a in "built from git $v" "HDF5 " "oneTBB " "Random123 " "MPI library " "on $(hostname)" "started " "command: " \
           "random streams: "; do
    grep -qF -- "$a" "$T/info" || { cat "$T/info" >&2; fail "motsim info $f lacks '$a'"; }
  done
}
# every_object_documented FILE DOC: each group and dataset of FILE is named in DOC (as `/path`,
# or under a placeholder such as /sweep/levels/<key>), and each root attribute is documented in
# DOC or among the provenance attributes of docs/hdf5-schema.md.
every_object_documented() {
  /usr/bin/python3 - "$1" "$2" "$SRC/docs/hdf5-schema.md" <<'PY' || fail "$2 does not describe every object of the file"
import h5py, re, sys
path, doc, schema = sys.argv[1:]
text, prov = open(doc).read(), open(schema).read()
names = []
h5py.File(path).visit(names.append)
missing = []
for n in names:
    p = "/" + n
    parent, _, _ = p.rpartition("/")
    found = f"`{p}`" in text or re.search(re.escape(f"`{parent}/<") + r"[a-z_]+>`", text) or \
        re.search(r"`" + re.escape(p) + r"[`,/]", text) or any(
        f"`{parent}/{alt}`" in text for alt in ("*",)) or (p.count("/") > 1 and re.search(
        re.escape(parent) + r"/<[a-z_]+>", text) and not isinstance(h5py.File(path)[p], h5py.Group))
    name = p.rpartition("/")[2]  # a table row "`/parent/a`, `b`, `c`" names its siblings
    found = found or any(f"`{parent}/" in line and f"`{name}`" in line for line in text.splitlines())
    if not found:
        missing.append(p)
for a in h5py.File(path).attrs:
    if f"`{a}`" not in text and f"`{a}`" not in prov:
        missing.append("root attribute " + a)
if missing:
    sys.exit(f"{doc}: not described: {missing}")
PY
}
