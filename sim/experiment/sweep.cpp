#include "sim/experiment/sweep.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "sim/core/files.hpp"
#include "sim/core/input_file.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/core/parallel.hpp"
#include "sim/engine/memory.hpp"
#include "sim/experiment/mpi.hpp"
#include "sim/experiment/sweep_journal.hpp"
#include "sim/experiment/sweep_local.hpp"
#include "sim/experiment/sweep_plan.hpp"
#include "sim/io/output.hpp"
#include "sim/io/sweep_file.hpp"

namespace motsim {

namespace {

void check_task_options(const SweepOptions& opt) {
  if (opt.task_count < 0 || (opt.task_count > 0 && (opt.task_index < 0 || opt.task_index >= opt.task_count)) ||
      (opt.task_count == 0 && opt.task_index >= 0))
    throw InputError("sweep: error: --task-index I --task-count N need 0 <= I < N");
}

// One line on stderr per finished run (none when quiet).
class Progress {
 public:
  Progress(bool quiet, std::size_t total) : quiet_(quiet), total_(total) {}
  void operator()(std::size_t run) {
    if (quiet_) return;
    std::lock_guard<std::mutex> lock(m_);
    ++finished_;
    std::fprintf(stderr, "run %zu done (%zu/%zu)\n", run, finished_, total_);
  }

 private:
  bool quiet_;
  std::size_t total_, finished_ = 0;
  std::mutex m_;
};

// The sweep reads its spec and base scenario, and writes OUT and OUT.journal: never one file as
// the other (with --force, the spec itself would be replaced).
void check_not_an_input(const std::string& written, const SweepPlan& pl, const std::string& role) {
  for (const auto& [input, what] : {std::pair{pl.spec.path, "the sweep spec"}, {pl.spec.base, "the base scenario"}})
    if (same_file(written, input))
      throw InputError(written + ": error: " + role + " is " + what + " " + input + "; write elsewhere (--out)");
}

// Rank 0 owns the files: checks the output path, that every point fits in memory, as many at
// once as runs go in parallel here (one per worker thread; under MPI one per rank, and the ranks
// of a node share its memory), with what the sweep keeps until its file is written, and that the
// file and the journal fit on the disk; then opens the journal.
std::unique_ptr<SweepJournal> open_journal(const SweepOptions& opt, const SweepPlan& pl, bool distributed) {
  check_not_an_input(opt.out, pl, "the output");
  check_not_an_input(opt.out + ".journal", pl, "the journal");
  std::vector<std::string> inputs = {opt.spec};
  if (!opt.extend.empty()) inputs.push_back(opt.extend);  // never written over by its extension
  check_output_path(opt.out, opt.force, pl.base.input_files, inputs);
  const int at_once =
      distributed ? 1 : static_cast<int>(std::min<std::size_t>(par::threads_or_all(opt.threads), pl.runs()));
  check_memory(pl.largest, false, at_once);
  const std::size_t kept = opt.task_count > 0 ? (pl.runs() + opt.task_count - 1) / opt.task_count : pl.runs();
  const SweepNeeds needs = sweep_needs(pl, kept);
  check_sweep_memory(pl, needs, true, estimate_memory(pl.largest, false).total(), at_once);
  check_sweep_disk(pl, needs, opt.out, true);
  return std::make_unique<SweepJournal>(opt.out + ".journal", JournalKey{pl.hash, pl.runs(), pl.values_per_run},
                                        opt.resume);
}

// Why `old` cannot lend its runs to `pl`, or "" when it can: the same base scenario (held values
// applied), seed, swept keys in the same order, lists of the same values, rows of the same shape.
std::string extend_mismatch(const SweepFileReader& old, const SweepLayout& layout) {
  if (const long long v = old.rng_streams(); v != layout.rng_streams && v > 0 && layout.rng_streams > 0)
    return "its runs used random streams version " + std::to_string(v) + " and this sweep's use version " +
           std::to_string(layout.rng_streams) +
           " (to extend it, hold \"simulation.rng_streams\" = " + std::to_string(v) + " in [parameters])";
  if (old.sweep_attribute("base_scenario") != layout.base_scenario)
    return "its base scenario or held values differ from this spec's";
  if (old.strings("/sweep/parameters") != layout.parameters) return "it sweeps other parameters (or in another order)";
  if (old.strings("/sweep/kpi_columns") != layout.kpi_columns || old.strings("/products/name") != layout.products)
    return "its KPI columns or products differ";
  for (const auto& list : layout.lists)
    if (old.strings("/sweep/level_literals/" + list.key) != list.values)
      return "the list of '" + list.key + "' differs (or the file predates /sweep/level_literals)";
  return "";
}

// --extend OLD: every run of this plan that OLD made (the same swept values, bit for bit, and the
// same random key) is taken from it into the journal instead of being run again. A Sobol or
// random design with more samples, or more replicates, keeps every earlier point; so does a grid
// whose lists or steps grow where the values coincide.
using MadeRuns = std::map<std::pair<std::vector<double>, long long>, std::vector<double>>;  // (point, key) -> row

// Reads and checks the file before the journal is opened, so that a refusal leaves nothing.
MadeRuns runs_to_extend(const SweepOptions& opt, const SweepPlan& pl, std::size_t& old_runs) {
  MadeRuns made;
  if (opt.extend.empty()) return made;
  const SweepFileReader old(opt.extend);
  const SweepLayout layout = sweep_layout(pl);
  if (const std::string why = extend_mismatch(old, layout); !why.empty())
    throw InputError(opt.extend + ": error: --extend: this sweep file cannot lend its runs to " + opt.spec + ": " +
                     why);
  auto held = old.held_runs(layout);
  old_runs = held.size();  // identical points (Saltelli's AB_i can equal A) share one entry
  for (auto& h : held) made[{h.values, h.replicate_key}] = std::move(h.row);
  return made;
}

void extend_from(const SweepOptions& opt, const SweepPlan& pl, const MadeRuns& made, std::size_t old_runs,
                 SweepJournal& journal, bool quiet) {
  std::size_t reused = 0;
  for (std::size_t run = 0; run < pl.runs(); ++run) {
    if (journal.done().count(run)) continue;
    const auto it = made.find({pl.points[pl.point_of(run)].values, pl.key_of(run)});
    if (it == made.end()) continue;
    journal.record(run, it->second);
    ++reused;
  }
  if (!quiet)
    std::fprintf(stderr, "sweep: --extend %s: %zu runs taken from its %zu (the same point and random key)\n",
                 opt.extend.c_str(), reused, old_runs);
}

void print_start(const SweepOptions& opt, const SweepPlan& pl, const MpiJob& job, std::size_t to_do, bool resumed) {
  std::fprintf(stderr, "sweep %s: design %s, %zu points x %d replicates = %zu runs; %zu to do%s%s\n", opt.spec.c_str(),
               pl.spec.design.c_str(), pl.points.size(), pl.spec.replicates, pl.runs(), to_do,
               resumed ? " (resumed from the journal)" : "",
               job.distributed() ? (", " + std::to_string(job.size() - 1) + " MPI workers").c_str() : "");
}

// After the runs: the file (and the journal removed), or, when stopped, the journal kept.
int finish(const SweepOptions& opt, const SweepPlan& pl, SweepJournal& journal, const std::string& command_line,
           bool quiet) {
  const std::string& out = opt.out;
  if (stop_requested()) {
    std::fprintf(stderr,
                 "motsim: sweep interrupted by signal %d; %zu runs are kept in %s.journal; rerun with --resume to "
                 "finish; %s %s\n",
                 interrupt_signal(), journal.done().size(), out.c_str(), out.c_str(),
                 path_exists(out) ? "left as it was" : "not created");
    return kExitInterrupted;
  }
  write_sweep_file(out, opt.force, sweep_layout(pl), journal.done(), command_line, opt.task_index, opt.task_count);
  journal.remove();
  if (!quiet)
    std::fprintf(stderr, "wrote %s (%zu of %zu runs%s)\n", out.c_str(), journal.done().size(), pl.runs(),
                 opt.task_count > 0 ? ", a slice: join the slices with motsim merge" : "");
  return 0;
}

#if MOTSIM_HAVE_MPI
// Runs `pending` over the ranks of a distributed job: rank 0 hands out runs, journals each
// result as it arrives and passes it to `finished`; the others compute. A failure on any rank
// ends the whole job; the finished runs are in OUT.journal.
void run_over_ranks(const MpiJob& job, const SweepPlan& pl, const std::vector<std::size_t>& pending,
                    SweepJournal* journal, const std::function<void(std::size_t)>& finished, const std::string& out) {
  try {
    if (job.rank() != 0) {
      mpi_serve([&](const MpiTask& t) {
        std::vector<double> v = compute_run(pl, static_cast<std::size_t>(t[0]), 1, &stop_flag());
        if (stop_requested()) v.clear();  // interrupted: the run is not kept
        return v;
      });
      return;
    }
    std::vector<MpiTask> tasks;
    tasks.reserve(pending.size());
    for (const std::size_t run : pending) tasks.push_back({static_cast<double>(run)});
    MpiFarm farm(job);
    farm.run(
        tasks,
        [&](std::size_t i, const std::vector<double>& v) {
          journal->record(pending[i], v);
          finished(pending[i]);
        },
        true);
  } catch (const std::exception&) {
    std::fprintf(stderr, "motsim: rank %d failed; finished runs are kept in %s.journal (rerun with --resume)\n",
                 job.rank(), out.c_str());
    job.abort_current(1);
  }
}
#endif

}  // namespace

int run_sweep(const SweepOptions& opt, const std::string& command_line) {
  check_task_options(opt);
  const MpiJob job;
  const bool quiet = opt.quiet || job.rank() != 0;
  SweepPlan pl;
  try {
    pl = make_plan(opt.spec);
  } catch (...) {
    return job.refuse_current(2);  // every rank reads the same spec; rank 0 reports the error
  }
  if (job.rank() == 0) {
    print_notes(pl.base);
    for (const auto& n : pl.spec.notes) std::fprintf(stderr, "motsim: %s\n", n.c_str());
  }
  if (opt.out.empty()) throw InputError("sweep: error: --out FILE is required");
  std::unique_ptr<SweepJournal> journal;
  std::vector<std::size_t> pending;
  if (job.rank() == 0) {
    MadeRuns made;
    std::size_t old_runs = 0;
    try {
      made = runs_to_extend(opt, pl, old_runs);
      journal = open_journal(opt, pl, job.distributed());
    } catch (...) {
#if MOTSIM_HAVE_MPI
      if (job.distributed()) job.abort_current(2);
#endif
      throw;
    }
    const bool resumed = !journal->done().empty();
    if (!opt.extend.empty()) extend_from(opt, pl, made, old_runs, *journal, quiet);
    pending = pending_runs(pl, opt.task_index, opt.task_count, journal->done());
    if (!quiet) print_start(opt, pl, job, pending.size(), resumed);
  }
  install_interrupt_handlers();
  Progress progress(quiet, pending.size());
  auto finished = [&](std::size_t run) { progress(run); };
#if MOTSIM_HAVE_MPI
  if (job.distributed()) {
    run_over_ranks(job, pl, pending, journal.get(), finished, opt.out);
    if (job.rank() != 0) return 0;
  } else
#endif
  {
    run_local(pl, pending, opt.threads, *journal, finished);
  }
  return finish(opt, pl, *journal, command_line, quiet);
}

namespace {

// A path a slice names (its spec, the spec's base scenario) is read only when it is a regular
// file that is none of the files merge was given: neither OUT nor a slice.
void check_named_path(const std::string& slice, const std::string& path, const std::string& what,
                      const std::string& out, const std::vector<std::string>& slices) {
  require_regular_file(path, slice + " (" + what + " it names)");
  for (const auto& given : slices)
    if (same_file(path, given))
      throw InputError(slice + ": error: " + what + " this slice names, " + path + ", is the slice " + given);
  if (same_file(path, out))
    throw InputError(slice + ": error: " + what + " this slice names, " + path + ", is merge's output " + out);
}

// The plan a slice was made with, rebuilt from the spec it names; refused when the spec (or its
// base scenario) changed since.
std::unique_ptr<SweepPlan> plan_of_slice(const std::string& slice, const SweepFileReader& f, const std::string& out,
                                         const std::vector<std::string>& slices) {
  const std::string spec_path = f.spec_path();
  if (!path_exists(spec_path))
    throw InputError(slice + ": error: merge rebuilds the sweep from its spec " + spec_path +
                     ", which is not there; run merge where the slices were made, or restore the spec");
  check_named_path(slice, spec_path, "the spec", out, slices);
  auto plan = std::make_unique<SweepPlan>(make_plan(spec_path));
  check_named_path(slice, plan->spec.base, "the base scenario of its spec", out, slices);
  if (hash_text(plan->hash) != f.spec_hash())  // the parsed spec: a comment added is no change
    throw InputError(slice + ": error: the spec " + spec_path +
                     " or its base scenario changed since this slice was made");
  return plan;
}

void check_complete(const SweepPlan& plan, const SweepRuns& done) {
  if (done.size() == plan.runs()) return;
  std::size_t missing = 0;
  for (std::size_t r = 0; r < plan.runs(); ++r) missing += !done.count(r);
  throw InputError("merge: error: the slices hold " + std::to_string(done.size()) + " of " +
                   std::to_string(plan.runs()) + " runs; " + std::to_string(missing) +
                   " are missing (run the missing --task-index values)");
}

}  // namespace

int run_merge(const std::string& out, const std::vector<std::string>& slices, bool force,
              const std::string& command_line) {
  if (slices.empty()) throw InputError("merge: error: give the output file and at least one slice file");
  check_output_path(out, force, slices);
  SweepRuns done;
  std::unique_ptr<SweepPlan> plan;
  SweepLayout layout;
  std::string spec_hash;  // the first slice's
  for (const auto& s : slices) {
    const SweepFileReader f(s);
    if (!plan) {
      spec_hash = f.spec_hash();
      plan = plan_of_slice(s, f, out, slices);
      layout = sweep_layout(*plan);
      const SweepNeeds needs = sweep_needs(*plan, plan->runs());
      check_sweep_memory(*plan, needs, true, 0, 0);
      check_sweep_disk(*plan, needs, out, false);
    } else if (f.spec_hash() != spec_hash) {
      throw InputError(s + ": error: this slice belongs to another sweep (spec hash " + f.spec_hash() + " vs " +
                       spec_hash + ")");
    }
    f.add_runs(layout, done);
    layout.slice_paths.push_back(std::filesystem::absolute(s).string());
    layout.slice_commands.push_back(f.command_line());
  }
  check_complete(*plan, done);
  write_sweep_file(out, force, layout, done, command_line, -1, 0);
  std::fprintf(stderr, "wrote %s (%zu runs from %zu slices)\n", out.c_str(), done.size(), slices.size());
  return 0;
}

}  // namespace motsim
