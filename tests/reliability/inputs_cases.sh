# Hostile input files (issue classes "edge lists", "relative paths in parents", "special files",
# "messages that point the wrong way"): each case tries several inputs and expects exit 2 with
# a message naming the file, line or key. Run by ctest as reliability_inputs_NAME.
source "$(dirname "$0")/../cli/lib.sh"

# scenario FILE NETWORK-FILE: a small scenario whose network is an edge list.
scenario() {
  printf '[simulation]\nagents = 100\ndays = 3\n[network]\ntype = "file"\nfile = "%s"\n[[product]]\nname = "A"\nprice = 10\n' "$2" >"$1"
}

case_edge_list_bad_lines() {
  printf '0 1\nfoo bar\n' >"$T/words.txt"
  printf '0 1\n3000000000 2\n' >"$T/beyond_int.txt"
  printf '0 1\n1 100\n' >"$T/beyond_agents.txt"
  printf '0 -1\n' >"$T/negative.txt"
  head -c 64 /dev/zero >"$T/nul.txt"
  printf '0 1 2\n' >"$T/three.txt"
  printf '0\n' >"$T/one.txt"
  printf '0 1.5\n' >"$T/fraction.txt"
  printf '0x1 2\n' >"$T/hex.txt"
  for f in words beyond_int beyond_agents negative nul three one fraction hex; do
    scenario "$T/s.toml" "$f.txt"
    expect_exit 2 "$M" run "$T/s.toml" --out "$T/o.h5" --quiet
    expect_msg "$f.txt:"
    [ ! -e "$T/o.h5" ] || fail "$f: a result was written"
  done
  expect_msg "$T/hex.txt:1: error: expected two agent ids"
}

case_edge_list_policy_counted() {
  printf '# a comment\n0 1\n1 0   # the same edge\n2 2\n\n 3\t4 \r\n' >"$T/e.txt"
  scenario "$T/s.toml" e.txt
  expect_exit 0 "$M" run "$T/s.toml" --out "$T/o.h5" --quiet
  expect_msg "1 self-loops dropped and 1 repeated edges merged"
}

case_special_files_refused() {
  mkfifo "$T/fifo" || exit 77
  scenario "$T/s.toml" fifo
  expect_exit 2 timeout 10 "$M" run "$T/s.toml" --out "$T/o.h5" --quiet
  expect_msg "network.file"; expect_msg "FIFO"
  scenario "$T/s.toml" /dev/zero
  expect_exit 2 timeout 10 "$M" run "$T/s.toml" --out "$T/o.h5" --quiet
  expect_msg "character device"
  expect_exit 2 timeout 10 "$M" run "$T/fifo" --out "$T/o.h5" --quiet
  expect_msg "FIFO"
  expect_exit 2 timeout 10 "$M" validate /dev/zero
  expect_msg "character device"
  for parent in fifo /dev/zero /dev/null "$T"; do
    printf 'extends = "%s"\n' "$parent" >"$T/child.toml"
    expect_exit 2 timeout 10 "$M" validate "$T/child.toml"
    expect_msg "child.toml:1:"; expect_msg "'extends'"
  done
}

case_extends_messages_name_the_child() {
  printf 'extends = ""\n' >"$T/c1.toml"
  expect_exit 2 "$M" validate "$T/c1.toml"
  expect_msg "c1.toml:1:11: error: 'extends' = \"\": an empty path"
  mkdir "$T/dir"
  printf '\n\nextends = "dir"\n' >"$T/c2.toml"
  expect_exit 2 "$M" validate "$T/c2.toml"
  expect_msg "c2.toml:3:11: error: 'extends' = \"dir\""; expect_msg "is a directory"
  printf 'extends = "missing.toml"\n' >"$T/c3.toml"
  expect_exit 2 "$M" validate "$T/c3.toml"
  expect_msg "c3.toml:1:11"; expect_msg "does not exist"
}

case_parent_paths_resolve_against_the_parent() {
  mkdir -p "$T/a/data" "$T/b/deeper"
  printf '0 1\n1 2\n2 3\n' >"$T/a/data/edges.txt"
  scenario "$T/a/parent.toml" data/edges.txt
  printf 'extends = "../../a/parent.toml"\n[simulation]\ndays = 2\n' >"$T/b/deeper/child.toml"
  # From the child's directory, from the root, and from elsewhere: the parent's file is found.
  (cd "$T/b/deeper" && "$M" run child.toml --out ../o1.h5 --quiet) >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "run from the child's directory"; }
  expect_exit 0 "$M" run "$T/b/deeper/child.toml" --out "$T/o2.h5" --quiet
  expect_exit 0 "$M" validate "$T/b/deeper/child.toml"
  grep -qF "file = '$T/a/data/edges.txt'" "$T/out" || { cat "$T/out"; fail "resolved scenario lacks the parent's path"; }
  # The stored scenario names the same file.
  /usr/bin/python3 -c 'import h5py, sys; a = h5py.File(sys.argv[1]).attrs["scenario"]
sys.exit(0 if sys.argv[2] in (a.decode() if isinstance(a, bytes) else a) else 1)' "$T/o2.h5" "$T/a/data/edges.txt" ||
    fail "stored scenario lacks the parent's path"
}

run_case
