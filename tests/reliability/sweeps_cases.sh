#!/usr/bin/env bash
# Hostile sweeps and merges (issue classes "the writer fails at the end", "keys a command sets
# itself", "sizes multiplied before allocating", "special files", "unquoted dotted keys"): each
# case tries several inputs and expects exit 2 before the first run, with a message naming the
# key or the file. Run by ctest as reliability_sweeps_NAME.
source "$(dirname "$0")/../cli/lib.sh"
B="$SRC/scenarios/baseline.toml"

# small FILE [PRODUCT-NAME]: a tiny scenario with products NAME and B.
small() {
  printf '[simulation]\nagents = 200\ndays = 3\n[[segment]]\nname = "%s"\nshare = 1\n' "${3:-everyone}" >"$1"
  printf '[[product]]\nname = "%s"\nprice = 10\n[[product]]\nname = "B"\nprice = 12\n' "${2:-Nova}" >>"$1"
}
# refused_before_running: the last sweep ran nothing and left no journal or results.
refused_before_running() {
  grep -q "done (" "$T/err" && fail "runs were made before the refusal"
  [ -z "$(ls "$T" | grep -E '\.journal$|\.h5$|tmp-')" ] || fail "files left: $(ls "$T")"
}

case_writer_needs_checked_before_the_first_run() {
  small "$T/slash.toml" "Nova/Pro" "a/b"
  # A swept list, a held value that is not a number, a segment's list: each key names a dataset.
  for p in '"product.Nova/Pro.price" = [10, 20]' '"product.Nova/Pro.name" = "Nova"' \
           '"segment.a/b.research_prob" = [0.5, 0.6]'; do
    printf 'base = "slash.toml"\n[parameters]\n%s\n"product.B.price" = [10, 11]\n' "$p" >"$T/s.toml"
    expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5"
    expect_msg "/"; expect_msg "s.toml"; refused_before_running
    # and --resume fails the same way, up front, instead of after every run again
    expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5" --resume
    refused_before_running
  done
  expect_msg "segment.a/b.research_prob"
  # A seed the file's float64 columns cannot hold exactly.
  printf 'base = "%s"\nseed = %s\n[parameters]\n"product.Nova.price" = [10, 20]\n' "$B" 4611686018427387904 >"$T/s.toml"
  expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5"
  expect_msg "seed 4611686018427387904"; expect_msg "2^53"; refused_before_running
  # A missing output directory: refused before the runs, not when writing.
  printf 'base = "%s"\n[parameters]\n"product.Nova.price" = [10, 20]\n' "$B" >"$T/s.toml"
  expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/missing/o.h5"
  expect_msg "$T/missing"; refused_before_running
  # The output (or its journal) is never the spec or the base scenario, even with --force.
  small "$T/base.toml"
  printf 'base = "base.toml"\n[parameters]\n"product.Nova.price" = [10, 20]\n' >"$T/s.toml"
  cp "$T/s.toml" "$T/s.keep"
  for out in "$T/s.toml" "$T/base.toml"; do
    expect_exit 2 "$M" sweep "$T/s.toml" --out "$out" --force
    expect_msg "write elsewhere"
  done
  cmp -s "$T/s.toml" "$T/s.keep" || fail "the spec was overwritten"
  grep -q 'name = "Nova"' "$T/base.toml" || fail "the base scenario was overwritten"
}

case_keys_the_sweep_sets_are_refused() {
  for p in '"simulation.seed" = [1, 2]' '"simulation.seed" = { min = 1, max = 9, steps = 3 }' \
           '"simulation.seed" = 7' '"simulation.replicate" = [0, 1]' '"simulation.replicate" = 3'; do
    printf 'base = "%s"\n[parameters]\n"simulation.agents" = 300\n%s\n' "$B" "$p" >"$T/s.toml"
    expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5"
    expect_msg "s.toml:4:"; expect_msg "cannot be swept or held"; refused_before_running
  done
  expect_msg "parameter 'simulation.replicate'"; expect_msg "replicates"
  printf 'base = "%s"\n[parameters]\n"simulation.seed" = [1, 2]\n' "$B" >"$T/s.toml"
  expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5"
  expect_msg "top-level 'seed = N'"
  # compare sets each variant's replicate key itself: a variant's own is refused, not ignored.
  small "$T/a.toml"; small "$T/b.toml"
  printf '[simulation]\nagents = 200\ndays = 3\nreplicate = 9\n[[product]]\nname = "Nova"\nprice = 11\n[[product]]\nname = "B"\nprice = 12\n' >"$T/c.toml"
  expect_exit 2 "$M" compare "$T/a.toml" "$T/c.toml" -r 2 --out "$T/o.h5" --quiet
  expect_msg "c.toml: error: simulation.replicate = 9"
  # ...while --set simulation.replicate, applied to every scenario, is its first key and is kept.
  expect_exit 0 "$M" compare "$T/a.toml" "$T/b.toml" -r 2 --out "$T/r5.h5" --quiet --set simulation.replicate=5
  h5dump -a first_replicate "$T/r5.h5" | grep -q "(0): 5" || fail "compare dropped --set simulation.replicate"
  rm -f "$T/r5.h5"
  # An option and a --set of the same key: one would silently win.
  for args in "--days 3 --set simulation.days=4" "--seed 1 --set simulation.seed=2" \
              "--agents 100 --set simulation.agents=300"; do
    # shellcheck disable=SC2086
    expect_exit 2 "$M" compare "$T/a.toml" "$T/b.toml" -r 2 --out "$T/o.h5" --quiet $args
    expect_msg "give one of them"
    # shellcheck disable=SC2086
    expect_exit 2 "$M" run "$T/a.toml" --out "$T/o.h5" --quiet $args
    expect_msg "both set simulation."
  done
  refused_before_running
}

case_sizes_refused_before_allocating() {
  # 100,000 steps on three parameters x 100,000 replicates: exact numbers, the keys to change.
  printf 'base = "%s"\nreplicates = 100000\n[parameters]\n' "$B" >"$T/s.toml"
  for k in product.Nova.price product.Orbit.price behavior.wom_rate; do
    printf '"%s" = { min = 0.01, max = 0.2, steps = 100000 }\n' "$k" >>"$T/s.toml"
  done
  expect_exit 2 timeout 20 "$M" sweep "$T/s.toml" --out "$T/o.h5"
  expect_msg "100000 x 100000 x 100000 = 1000000000000000 points x 100000 replicates = 100000000000000000000 runs"
  expect_msg "at most 2147483647 runs"; expect_msg "'steps' of 'product.Nova.price'"; expect_msg "'replicates' (100000)"
  # More dimensions than 128 bits hold: still refused, not wrapped.
  printf 'base = "%s"\n[parameters]\n' "$B" >"$T/s.toml"
  for k in price quality claim visibility info_completeness service_quality response_rate initial_awareness; do
    for p in Nova Orbit; do printf '"product.%s.%s" = { min = 0.1, max = 0.9, steps = 100000 }\n' "$p" "$k" >>"$T/s.toml"; done
  done
  expect_exit 2 timeout 20 "$M" sweep "$T/s.toml" --out "$T/o.h5"
  expect_msg "more than 3.4e38 points"
  # A sampled design: samples x replicates over the limit.
  printf 'base = "%s"\ndesign = "lhs"\nsamples = 10000000\nreplicates = 1000\n[parameters]\n"product.Nova.price" = { min = 1, max = 2 }\n' "$B" >"$T/s.toml"
  expect_exit 2 timeout 20 "$M" sweep "$T/s.toml" --out "$T/o.h5"
  expect_msg "s.toml:3:11"; expect_msg "10000000000 runs"; expect_msg "'samples' (10000000)"
  # Sobol, 10 million samples x 32 parameters: within the run limit, but its plan cannot fit.
  printf 'base = "%s"\ndesign = "sobol"\nsamples = 10000000\n[parameters]\n' "$B" >"$T/s.toml"
  for k in price quality claim visibility info_completeness service_quality response_rate initial_awareness \
           defect_prob missing_accessory_prob delivery_problem_prob; do
    for p in Nova Orbit Pulse; do printf '"product.%s.%s" = { min = 0.1, max = 0.9 }\n' "$p" "$k" >>"$T/s.toml"; done
  done
  sed -i '$d' "$T/s.toml"  # 32 parameters
  expect_exit 2 timeout 20 "$M" sweep "$T/s.toml" --out "$T/o.h5"
  expect_msg "340000000 points of 32 parameters"; expect_msg "of memory"; expect_msg "'samples' (10000000, 34 points each)"
  # What rank 0 keeps until the file is written, and the disk the file and journal need.
  printf 'base = "%s"\nreplicates = 1000\nkeep_series = ["purchases", "aware"]\n[parameters]\n"simulation.agents" = 200\n"product.Nova.price" = [10, 20, 30]\n' "$B" >"$T/s.toml"
  MOTSIM_MEMORY_LIMIT=40000000 expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5" --threads 1
  expect_msg "the results kept until the file is written"; expect_msg "keep fewer series"
  MOTSIM_DISK_LIMIT=1000000 expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5" --threads 1
  expect_msg "o.h5: error: the sweep needs up to"; expect_msg "3000 runs x"; expect_msg "its journal up to"
  refused_before_running
}

case_special_files_as_spec_or_base() {
  mkfifo "$T/fifo" || exit 77
  mkdir "$T/dir"
  for spec in "$T/fifo" /dev/zero /dev/null "$T/dir"; do
    expect_exit 2 timeout 10 "$M" sweep "$spec" --out "$T/o.h5"
    expect_msg "sweep spec: error: $spec is"
  done
  for base in fifo /dev/zero dir; do
    printf 'base = "%s"\n[parameters]\n"product.Nova.price" = [10, 20]\n' "$base" >"$T/s.toml"
    expect_exit 2 timeout 10 "$M" sweep "$T/s.toml" --out "$T/o.h5"
    expect_msg "s.toml:1:8: error: 'base' = \"$base\""; expect_msg "expected a regular scenario file"
  done
  # A path a parameter names is checked with every value, before the first run.
  printf '0 1\n1 2\n' >"$T/e.txt"
  printf '[simulation]\nagents = 50\ndays = 2\n[network]\ntype = "file"\nfile = "e.txt"\n[[product]]\nname = "A"\nprice = 1\n' >"$T/n.toml"
  for f in "$T/fifo" /dev/zero; do
    printf 'base = "n.toml"\n[parameters]\n"network.file" = ["%s", "%s"]\n' "$T/e.txt" "$f" >"$T/s.toml"
    expect_exit 2 timeout 10 "$M" sweep "$T/s.toml" --out "$T/o.h5"
    expect_msg "s.toml:3:"; expect_msg "'network.file' = \"$f\""
  done
  refused_before_running
}

case_unquoted_dotted_keys() {
  local suggestion
  for p in 'product.Nova.price = [149, 199]' 'behavior.wom_rate = { min = 0.02, max = 0.2, steps = 3 }' \
           'simulation.agents = 300' $'[parameters.product.Nova]\nprice = [149, 199]'; do
    printf 'base = "%s"\n[parameters]\n%s\n' "$B" "$p" >"$T/s.toml"
    expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5"
    expect_msg "s.toml:3:1:"; expect_msg "quote it"
  done
  expect_msg '"product.Nova.price" = [...]'
  printf 'base = "%s"\n[parameters]\nbehavior.wom_rate = { min = 0.02, max = 0.2, steps = 3 }\n' "$B" >"$T/s.toml"
  expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5"; expect_msg '"behavior.wom_rate" = { min'
  # Above [parameters], quoted or not: where scenario keys go.
  for p in 'product.Nova.price = [149, 199]' '"product.Nova.price" = [149, 199]'; do
    printf 'base = "%s"\n%s\n[parameters]\n' "$B" "$p" >"$T/s.toml"
    expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5"
    expect_msg "s.toml:2:"; expect_msg 'scenario keys go under [parameters], quoted: "product.Nova.price" = [...]'
  done
  # A real range with a misspelt key keeps its own message.
  printf 'base = "%s"\n[parameters]\n"behavior.wom_rate" = { min = 0.1, max = 0.5, step = 3 }\n' "$B" >"$T/s.toml"
  expect_exit 2 "$M" sweep "$T/s.toml" --out "$T/o.h5"
  expect_msg "unknown range key 'step' (did you mean 'steps'?)"
  refused_before_running
}

case_merge_checks_the_paths_a_slice_names() {
  small "$T/base.toml"
  printf 'base = "base.toml"\n[parameters]\n"product.Nova.price" = [10, 20]\n' >"$T/s.toml"
  expect_exit 0 "$M" sweep "$T/s.toml" --out "$T/s0.h5" --task-index 0 --task-count 2 --quiet
  expect_exit 0 "$M" sweep "$T/s.toml" --out "$T/s1.h5" --task-index 1 --task-count 2 --quiet
  cp "$T/s.toml" "$T/s.keep"
  # The spec the slices name, replaced by a FIFO, a device, a directory.
  rm "$T/s.toml"; mkfifo "$T/s.toml" || exit 77
  expect_exit 2 timeout 20 "$M" merge "$T/m.h5" "$T/s0.h5" "$T/s1.h5"
  expect_msg "s0.h5 (the spec it names): error: $T/s.toml is a FIFO"
  rm "$T/s.toml"; ln -s /dev/zero "$T/s.toml"
  expect_exit 2 timeout 20 "$M" merge "$T/m.h5" "$T/s0.h5" "$T/s1.h5"; expect_msg "is a character device"
  rm "$T/s.toml"; mkdir "$T/s.toml"
  expect_exit 2 timeout 20 "$M" merge "$T/m.h5" "$T/s0.h5" "$T/s1.h5"; expect_msg "is a directory"
  # ...by one of the slices, or given as merge's output: never read as a spec, never overwritten.
  rmdir "$T/s.toml"; ln "$T/s1.h5" "$T/s.toml"
  expect_exit 2 timeout 20 "$M" merge "$T/m.h5" "$T/s0.h5" "$T/s1.h5"; expect_msg "is the slice $T/s1.h5"
  rm "$T/s.toml"; cp "$T/s.keep" "$T/s.toml"
  expect_exit 2 timeout 20 "$M" merge "$T/s.toml" "$T/s0.h5" "$T/s1.h5" --force
  grep -qE "is merge's output|not a motsim results file" "$T/err" || { cat "$T/err"; fail "merge over its spec: no message"; }
  cmp -s "$T/s.toml" "$T/s.keep" || fail "merge overwrote the spec"
  expect_exit 2 timeout 20 "$M" merge "$T/base.toml" "$T/s0.h5" "$T/s1.h5" --force
  grep -qE "is merge's output|not a motsim results file" "$T/err" || { cat "$T/err"; fail "merge over the base: no message"; }
  grep -q 'name = "Nova"' "$T/base.toml" || fail "merge overwrote the base scenario"
  [ ! -e "$T/m.h5" ] || fail "a merged file was written"
  expect_exit 0 timeout 20 "$M" merge "$T/m.h5" "$T/s0.h5" "$T/s1.h5"
}

run_case
