#include "sim/app/cli.hpp"
#include "sim/core/files.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "motsim/build_info.hpp"
#include "motsim/git_info.hpp"
#include "motsim/version.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/core/provenance.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/memory.hpp"
#include "sim/experiment/calibrate.hpp"
#include "sim/experiment/compare.hpp"
#include "sim/experiment/mpi.hpp"
#include "sim/experiment/sweep.hpp"
#include "sim/input/param_table.hpp"
#include "sim/input/scenario.hpp"
#include "sim/io/describe.hpp"
#include "sim/io/export.hpp"
#include "sim/io/output.hpp"
#include "sim/io/run_file.hpp"
#include "sim/studio/server.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace motsim {
namespace {

constexpr int kOk = 0, kFailure = 1, kBadInput = 2, kInterrupted = kExitInterrupted;

const char* kUsage =
    "motsim "
    "- the Moments-of-Truth consumer journey simulator\n\n"
    "usage: motsim COMMAND [options]\n\n"
    "commands:\n"
    "  run SCENARIO        simulate a scenario and write its results (HDF5)\n"
    "  validate SCENARIO   check a scenario file and print it fully resolved\n"
    "  compare BASE VARIANT...  run scenarios with common random numbers, KPIs with 95% CIs\n"
    "  sweep SPEC --out FILE   a parameter sweep (grid, random, lhs, morris, sobol); MPI-aware\n"
    "  calibrate SPEC --out FILE   fit parameters to observed data (ABC-SMC or NLopt), forecast with bands\n"
    "  serve [SCENARIO]    the studio: a what-if page in the browser, on this machine\n"
    "  merge OUT SLICE...  join the slices of a sweep run with --task-index/--task-count\n"
    "  info RESULTS.h5     summarise a results file\n"
    "  export RESULTS.h5 --csv DIR   series, KPIs and reviews as CSV files\n"
    "  params              list every scenario parameter, default and source (Markdown)\n\n"
    "options:\n"
    "  -h, --help          this help; `motsim COMMAND --help` for a command's options\n"
    "  -V, --version       print the version\n\n"
    "exit codes: 0 success, 2 bad input or usage, 1 internal failure, 130 interrupted\n";

// --threads: 0 (every core) to 1024.
int threads_option(const po::variables_map& vm) {
  const int t = vm["threads"].as<int>();
  if (t < 0 || t > 1024)
    throw InputError("--threads " + std::to_string(t) + ": error: expected 0 (every core) to 1024");
  return t;
}

std::string command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) {
    if (i) s += ' ';
    s += argv[i];
  }
  return s;
}

struct Progress {
  bool quiet, tty;
  int last_pct = -1;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  void operator()(int done, int total) {
    if (quiet) return;
    const int pct = static_cast<int>(100.0 * done / total);
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (tty) {
      if (pct == last_pct && done != total) return;
      last_pct = pct;
      const int width = 30, fill = width * done / total;
      const double eta = done ? el / done * (total - done) : 0;
      std::fprintf(stderr, "\r[%.*s%*s] day %d/%d %3d%%  %.1fs elapsed, eta %.1fs ", fill,
                   "##############################", width - fill, "", done, total, pct, el, eta);
      if (done == total) std::fputc('\n', stderr);
      std::fflush(stderr);
    } else {
      const int step = pct / 10;
      if (step == last_pct) return;
      last_pct = step;
      std::fprintf(stderr, "day %d/%d (%d%%) %.1fs\n", done, total, pct, el);
    }
  }
};

po::options_description run_options() {
  po::options_description o("run options");
  o.add_options()("help,h", "this help")("agents", po::value<long long>(), "number of consumers (simulation.agents)")(
      "days", po::value<long long>(), "days to simulate (simulation.days)")(
      "seed", po::value<long long>(), "master seed (simulation.seed)")("replicate", po::value<long long>(),
                                                                       "replicate number (simulation.replicate)")(
      "threads", po::value<int>()->default_value(0), "worker threads (0 = every core); results do not depend on it")(
      "out,o", po::value<std::string>(), "results file (default results/<scenario>.h5)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a scenario key, e.g. --set product.Nova.price=249 --set campaign.0.daily_reach=0.05 (repeatable)")(
      "force", "overwrite an existing results file")("quiet,q", "no progress and no summary")(
      "save-agents", "store the final state of every agent in /agents")("profile",
                                                                        "print the time spent in each stage");
  return o;
}

// The --set overrides, then --agents, --days, --seed and --replicate as overrides of their keys;
// an option and a --set of the same key together are refused (one would silently win).
std::vector<std::string> collect_sets(const po::variables_map& vm) {
  std::vector<std::string> sets;
  auto add = [&](const char* opt, const char* key) {
    if (!vm.count(opt)) return;
    for (const auto& s : sets) {
      std::string k = s.substr(0, s.find('='));
      k.erase(0, k.find_first_not_of(" \t"));
      k.erase(k.find_last_not_of(" \t") + 1);
      if (k == key)
        throw InputError(std::string("--") + opt + ": error: --" + opt + " and --set " + s + " both set " + key +
                         "; give one of them");
    }
    sets.push_back(std::string(key) + "=" + std::to_string(vm[opt].as<long long>()));
  };
  if (vm.count("set")) sets = vm["set"].as<std::vector<std::string>>();
  add("agents", "simulation.agents");
  add("days", "simulation.days");
  add("seed", "simulation.seed");
  add("replicate", "simulation.replicate");
  return sets;
}

po::variables_map parse(const po::options_description& opts, const std::vector<std::string>& args,
                        const char* positional_name, std::string* positional) {
  po::options_description all(opts);
  all.add_options()(positional_name, po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add(positional_name, -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (positional && vm.count(positional_name)) {
    const auto& v = vm[positional_name].as<std::vector<std::string>>();
    if (v.size() > 1)
      throw po::error("expected one " + std::string(positional_name) + ", got " + std::to_string(v.size()));
    *positional = v[0];
  }
  return vm;
}

int cmd_run(const std::vector<std::string>& args, const std::string& cmdline) {
  auto opts = run_options();
  std::string path;
  auto vm = parse(opts, args, "scenario", &path);
  if (vm.count("help")) {
    std::cout << "usage: motsim run SCENARIO [options]\n\n" << opts;
    return kOk;
  }
  if (path.empty()) throw po::error("run needs a SCENARIO file, e.g. motsim run scenarios/baseline.toml");
  const Scenario sc = load_scenario(path, collect_sets(vm));
  print_notes(sc);
  const bool force = vm.count("force") > 0, quiet = vm.count("quiet") > 0, save_agents = vm.count("save-agents") > 0;
  std::string out =
      vm.count("out") ? vm["out"].as<std::string>() : (fs::path("results") / fs::path(path).stem()).string() + ".h5";
  if (!vm.count("out")) {
    std::error_code ec;
    fs::create_directories("results", ec);  // the default place; an explicit --out must exist
  }
  check_output_path(out, force, sc.input_files);
  check_memory(sc, save_agents);
  const int threads = threads_option(vm);

  install_interrupt_handlers();
  if (!quiet)
    std::fprintf(stderr, "motsim %s: %s, %lld agents, %lld days, seed %lld\n", kVersion, path.c_str(),
                 static_cast<long long>(sc.simulation.agents), static_cast<long long>(sc.simulation.days),
                 static_cast<long long>(sc.simulation.seed));
  Simulation sim(sc, threads);
  Progress progress{quiet, static_cast<bool>(::isatty(STDERR_FILENO))};
  sim.run(std::ref(progress), vm.count("profile") > 0, &stop_flag());
  const Results& r = sim.results();
  if (stop_requested()) {
    std::fprintf(stderr, "motsim: interrupted by signal %d at day %d of %d; no results written, %s %s\n",
                 interrupt_signal(), r.days_done, r.days, out.c_str(),
                 path_exists(out) ? "left as it was" : "not created");
    return kInterrupted;
  }
  const Kpis k = compute_kpis(r);
  if (const auto& net = sim.world().net; net.self_loops + net.duplicate_edges > 0)
    std::fprintf(stderr, "motsim: note: network.file: %llu self-loops dropped and %llu repeated edges merged\n",
                 static_cast<unsigned long long>(net.self_loops), static_cast<unsigned long long>(net.duplicate_edges));
  RunInfo info{scenario_to_toml(sc), path, cmdline, sc.title, sc.question};
  write_run_file(out, force, r, k, info, &sim.world(), save_agents);
  if (!quiet) {
    std::printf("\n%s\n", format_kpi_table(r, k).c_str());
    std::printf("wrote %s (%zu reviews); setup %.3fs (network %.3fs), run %.3fs on %d threads\n", out.c_str(),
                r.reviews.size(), r.setup_seconds, r.network_seconds, r.run_seconds, sim.threads());
  }
  if (vm.count("profile")) {
    std::printf("\nstage        thread-seconds\n");
    for (std::size_t s = 0; s < r.stage_names.size(); ++s)
      std::printf("%-12s %10.3f\n", r.stage_names[s].c_str(), r.stage_seconds[s]);
  }
  return kOk;
}

int cmd_compare(const std::vector<std::string>& args, const std::string& cmdline) {
  po::options_description opts("compare options");
  opts.add_options()("help,h", "this help")(
      "replicates,r", po::value<int>()->default_value(5),
      "runs per scenario (replicate r uses the same random key in every scenario)")(
      "threads", po::value<int>()->default_value(0), "worker threads (0 = every core)")(
      "out,o", po::value<std::string>(), "results file (default results/compare_<base>.h5)")(
      "agents", po::value<long long>(), "number of consumers, for every scenario")(
      "days", po::value<long long>(), "days to simulate, for every scenario")("seed", po::value<long long>(),
                                                                              "master seed, for every scenario")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a key in every scenario (repeatable)")(
      "force", "overwrite an existing results file")("quiet,q", "no progress and no tables")(
      "attribute", "with one variant: each changed lever's share of every difference (Shapley values)")(
      "attribute-samples", po::value<int>()->default_value(kDefaultPermutations),
      "permutations sampled when the variant has more than 6 levers (fewer: exact)")(
      "posterior", po::value<std::string>(),
      "a calibration file (motsim calibrate): replicate r runs every scenario with posterior draw r");
  po::options_description all(opts);
  all.add_options()("scenario", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("scenario", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: motsim compare BASE VARIANT... [options]\n\n"
              << "Runs every scenario --replicates times with common random numbers and prints, per product,\n"
              << "each KPI's mean and 95% confidence interval and each variant's paired difference from BASE.\n"
              << "With --attribute (one variant), the base is also run with every subset of the variant's\n"
              << "levers, and each lever's Shapley value (its share of each difference) is printed and saved.\n\n"
              << opts;
    return kOk;
  }
  CompareOptions o;
  if (vm.count("scenario")) o.scenarios = vm["scenario"].as<std::vector<std::string>>();
  o.sets = collect_sets(vm);
  o.replicates = vm["replicates"].as<int>();
  o.threads = threads_option(vm);
  if (vm.count("out")) o.out = vm["out"].as<std::string>();
  o.force = vm.count("force") > 0;
  o.quiet = vm.count("quiet") > 0;
  o.attribute = vm.count("attribute") > 0;
  o.attribute_samples = vm["attribute-samples"].as<int>();
  if (vm.count("posterior")) o.posterior = vm["posterior"].as<std::string>();
  return run_compare(o, cmdline);
}

int cmd_export(const std::vector<std::string>& args) {
  po::options_description opts("export options");
  opts.add_options()("help,h", "this help")("csv", po::value<std::string>(),
                                            "directory for the CSV files (created if needed)")(
      "force", "overwrite existing CSV files");
  std::string path;
  auto vm = parse(opts, args, "results", &path);
  if (vm.count("help")) {
    std::cout << "usage: motsim export RESULTS.h5 --csv DIR [--force]\n\n" << opts;
    return kOk;
  }
  if (path.empty()) throw po::error("export needs a RESULTS.h5 file");
  if (!vm.count("csv")) throw po::error("export needs --csv DIR");
  for (const auto& f : export_csv(path, vm["csv"].as<std::string>(), vm.count("force") > 0))
    std::cout << "wrote " << f << '\n';
  return kOk;
}

int cmd_sweep(const std::vector<std::string>& args, const std::string& cmdline) {
  po::options_description opts("sweep options");
  opts.add_options()("help,h", "this help")("out,o", po::value<std::string>(), "results file (required)")(
      "resume", "continue a sweep that was interrupted, from its journal (OUT.journal)")(
      "threads", po::value<int>()->default_value(0), "runs in parallel on this machine (0 = every core)")(
      "task-index", po::value<int>(), "run only the runs of slice I (0-based) ...")(
      "task-count", po::value<int>(), "... of N slices (schedulers without MPI; join with motsim merge)")(
      "extend", po::value<std::string>(), "reuse the runs of this earlier sweep file (more samples or replicates)")(
      "force", "overwrite an existing results file")("quiet,q", "no progress");
  std::string spec;
  auto vm = parse(opts, args, "spec", &spec);
  if (vm.count("help")) {
    std::cout << "usage: motsim sweep SPEC --out FILE [--resume] [--extend OLD.h5] [--threads T] [--task-index I "
                 "--task-count N]\n"
              << "       mpirun -n N motsim sweep SPEC --out FILE   (rank 0 hands out runs, the others compute)\n\n"
              << opts << "\nThe spec format and the file layout: docs/sweeps.md\n";
    return kOk;
  }
  if (spec.empty())
    throw po::error("sweep needs a SPEC file, e.g. motsim sweep scenarios/sweeps/price.toml --out results/price.h5");
  if (!vm.count("out")) throw po::error("sweep needs --out FILE");
  SweepOptions o;
  o.spec = spec;
  o.out = vm["out"].as<std::string>();
  o.resume = vm.count("resume") > 0;
  o.force = vm.count("force") > 0;
  o.quiet = vm.count("quiet") > 0;
  o.threads = threads_option(vm);
  if (vm.count("extend")) o.extend = vm["extend"].as<std::string>();
  if (vm.count("task-index") != vm.count("task-count")) throw po::error("--task-index and --task-count go together");
  if (vm.count("task-count")) {
    o.task_index = vm["task-index"].as<int>();
    o.task_count = vm["task-count"].as<int>();
    if (o.task_count < 1)
      throw InputError("--task-count " + std::to_string(o.task_count) + ": error: expected 1 or more");
  }
  return run_sweep(o, cmdline);
}

void print_calibration(const CalibrationFile& f) {
  for (std::size_t j = 0; j < f.param_names.size(); ++j)
    std::cout << f.param_names[j] << ": mean " << f.post_mean[j] << ", sd " << f.post_sd[j] << ", 90 % ["
              << f.post_q05[j] << ", " << f.post_q95[j] << "]\n";
  if (f.held_out > 0)
    std::cout << "forecast on " << f.held_out << " held-out values: 50 % band covers " << 100 * f.coverage50
              << " %, 90 % band " << 100 * f.coverage90 << " %, MAPE " << 100 * f.mape << " %\n";
}

// Rank 0 (or the only process): checks the output, calibrates, writes the file. Under MPI a
// failure here ends every rank, so that no worker waits for ever.
int calibrate_and_write(const MpiJob& job, const CalibrationSpec& sp, const po::variables_map& vm,
                        const std::string& cmdline) {
  const std::string out = vm["out"].as<std::string>();
  const bool quiet = vm.count("quiet") > 0, force = vm.count("force") > 0;
  CalibrationRun run;
  run.threads = threads_option(vm);
  run.resume = vm.count("resume") > 0;
  run.job = &job;
  run.progress = [&](const std::string& line) {
    if (!quiet) std::cerr << "motsim: " << line << '\n';
  };
  CalibrationFile f;
  bool written = false;
  try {
    written = calibrate_into_file(sp, out, force, run, cmdline, f);
  } catch (...) {
    if (job.distributed()) job.abort_current(kBadInput);
    throw;
  }
  if (!written) {
    std::cerr << "motsim: interrupted: no calibration file written; every complete generation is in " << out
              << ".journal (continue with --resume)\n";
    return kInterrupted;
  }
  if (!quiet) std::cerr << "motsim: wrote " << out << " (" << f.method << ", stopped: " << f.stopped << ")\n";
  print_calibration(f);
  return kOk;
}

int cmd_calibrate(const std::vector<std::string>& args, const std::string& cmdline) {
  po::options_description opts("calibrate options");
  opts.add_options()("help,h", "this help")("out,o", po::value<std::string>(), "calibration file (required)")(
      "threads", po::value<int>()->default_value(0), "simulations in parallel (0 = every core)")(
      "resume", "continue an interrupted calibration from its journal (OUT.journal)")(
      "force", "overwrite an existing calibration file")("quiet,q", "no progress");
  std::string spec;
  auto vm = parse(opts, args, "spec", &spec);
  if (vm.count("help")) {
    std::cout << "usage: motsim calibrate SPEC --out FILE [--threads T] [--resume]\n"
              << "       mpirun -n N motsim calibrate SPEC --out FILE   (rank 0 calibrates, the others evaluate)\n\n"
              << opts << "\nThe spec, the data files and the file layout: docs/calibration.md\n";
    return kOk;
  }
  if (spec.empty())
    throw po::error(
        "calibrate needs a SPEC file, e.g. motsim calibrate scenarios/calibration/launch.toml --out results/fit.h5");
  if (!vm.count("out")) throw po::error("calibrate needs --out FILE");
  const MpiJob job;  // under mpirun: rank 0 calibrates, the other ranks evaluate
  CalibrationSpec sp;
  try {
    sp = load_calibration_spec(spec);
  } catch (...) {
    return job.refuse_current(kBadInput);  // every rank reads the same spec; rank 0 reports the error
  }
  install_interrupt_handlers();
  if (job.rank() == 0) return calibrate_and_write(job, sp, vm, cmdline);
  serve_calibration(sp);
  return kOk;
}

// The scenario library of `serve`: --library, else the directory of SCENARIO, else scenarios/
// here, else the one beside the sources.
std::string studio_library(const po::variables_map& vm, const std::string& scenario) {
  if (vm.count("library")) return vm["library"].as<std::string>();
  if (!scenario.empty()) {
    const std::string dir = std::filesystem::path(scenario).parent_path().string();
    return dir.empty() ? "." : dir;
  }
  std::error_code ec;
  if (std::filesystem::is_directory("scenarios", ec)) return "scenarios";
  return std::string(MOTSIM_SOURCE_DIR) + "/scenarios";
}

int cmd_serve(const std::vector<std::string>& args) {
  studio::ServeOptions o;
  po::options_description opts("serve options");
  opts.add_options()("help,h", "this help")("port", po::value<int>(&o.port)->default_value(8080),
                                            "port to listen on (0: any free port, printed)")(
      "bind", po::value<std::string>(&o.bind)->default_value("127.0.0.1"),
      "address to listen on (another than 127.0.0.1 opens the studio to the network: a warning)")(
      "threads", po::value<int>(&o.threads)->default_value(0), "threads of each simulation (0 = every core)")(
      "token", po::value<std::string>(&o.token), "the access token (default: a random one, printed in the address)")(
      "library", po::value<std::string>(), "directory of the scenarios the page offers (default: scenarios/)")(
      "history", po::value<std::string>(&o.history)->default_value("results/studio"),
      "directory of the run history (runs, uploads, reports)")(
      "max-agent-days", po::value<long long>(&o.limits.max_agent_days)->default_value(o.limits.max_agent_days),
      "largest agents x days x simulations of one request")(
      "max-queue", po::value<int>(&o.limits.max_queue)->default_value(o.limits.max_queue),
      "runs waiting at most, over all clients")(
      "abandon-after", po::value<double>(&o.limits.abandon_seconds)->default_value(o.limits.abandon_seconds),
      "seconds after which a run its client stopped asking about is cancelled")(
      "report-script", po::value<std::string>(&o.report_script), "scripts/report (default: beside the sources)");
  std::string scenario;
  auto vm = parse(opts, args, "scenario", &scenario);
  if (vm.count("help")) {
    std::cout << "usage: motsim serve [SCENARIO] [--port 8080] [--bind 127.0.0.1] [--threads T] [--token T]\n\n"
              << "The studio: a what-if page in the browser (docs/studio.md). SCENARIO opens the page on it and\n"
              << "offers the scenarios of its directory.\n\n"
              << opts;
    return kOk;
  }
  if (o.limits.max_agent_days < 1) throw po::error("--max-agent-days must be at least 1");
  if (o.limits.max_queue < 1) throw po::error("--max-queue must be at least 1");
  if (!(o.limits.abandon_seconds > 0)) throw po::error("--abandon-after must be a positive number of seconds");
  if (!scenario.empty()) (void)load_scenario(scenario);  // a bad file stops here, with its message
  o.library = studio_library(vm, scenario);
  o.default_scenario = scenario;
  if (o.report_script.empty()) o.report_script = std::string(MOTSIM_SOURCE_DIR) + "/scripts/report";
  return studio::serve(o);
}

int cmd_merge(const std::vector<std::string>& args, const std::string& cmdline) {
  po::options_description opts("merge options");
  opts.add_options()("help,h", "this help")("force", "overwrite an existing results file");
  po::options_description all(opts);
  all.add_options()("files", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: motsim merge OUT SLICE... [--force]\n\n" << opts;
    return kOk;
  }
  std::vector<std::string> files;
  if (vm.count("files")) files = vm["files"].as<std::vector<std::string>>();
  if (files.size() < 2) throw po::error("merge needs OUT and at least one SLICE");
  return run_merge(files[0], std::vector<std::string>(files.begin() + 1, files.end()), vm.count("force") > 0, cmdline);
}

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description opts("validate options");
  opts.add_options()("help,h", "this help")("set", po::value<std::vector<std::string>>()->composing(),
                                            "override a key")("quiet,q", "print nothing on success");
  std::string path;
  auto vm = parse(opts, args, "scenario", &path);
  if (vm.count("help")) {
    std::cout << "usage: motsim validate SCENARIO [--set key=value]...\n\n" << opts;
    return kOk;
  }
  if (path.empty()) throw po::error("validate needs a SCENARIO file");
  std::vector<std::string> sets;
  if (vm.count("set")) sets = vm["set"].as<std::vector<std::string>>();
  const Scenario sc = load_scenario(path, sets);
  print_notes(sc);
  check_memory(sc, false);
  if (!vm.count("quiet")) {
    std::cout << "# " << path << ": valid (" << sc.products.size() << " products, " << sc.segments.size()
              << " segments, " << sc.campaigns.size() << " campaigns)\n"
              << scenario_to_toml(sc);
  }
  return kOk;
}

int cmd_info(const std::vector<std::string>& args) {
  po::options_description opts("info options");
  opts.add_options()("help,h", "this help");
  std::string path;
  auto vm = parse(opts, args, "results", &path);
  if (vm.count("help")) {
    std::cout << "usage: motsim info RESULTS.h5\n";
    return kOk;
  }
  if (path.empty()) throw po::error("info needs a RESULTS.h5 file");
  std::cout << describe_results(path);
  return kOk;
}

// Runs one command and turns its exceptions into the exit codes of the contract.
int run_command(const std::string& cmd, const std::vector<std::string>& args, const std::string& cmdline) {
  try {
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
      std::cout << kUsage;
      return kOk;
    }
    if (cmd == "-V" || cmd == "--version") {
      std::cout << "motsim " << kVersion << " (git " << build::kGitCommit
                << (std::string(build::kGitDirty) == "true" ? ", uncommitted changes" : "") << "; " << build::kCompiler
                << " " << build::kBuildType << ")\n";
      return kOk;
    }
    if (cmd == "run") return cmd_run(args, cmdline);
    if (cmd == "validate") return cmd_validate(args);
    if (cmd == "compare") return cmd_compare(args, cmdline);
    if (cmd == "export") return cmd_export(args);
    if (cmd == "sweep") return cmd_sweep(args, cmdline);
    if (cmd == "merge") return cmd_merge(args, cmdline);
    if (cmd == "calibrate") return cmd_calibrate(args, cmdline);
    if (cmd == "serve") return cmd_serve(args);
    if (cmd == "info") return cmd_info(args);
    if (cmd == "params") {
      std::cout << "# motsim scenario parameters\n\nGenerated by `motsim params`.\n" << parameters_markdown();
      return kOk;
    }
    const std::string hint = did_you_mean(
        cmd, {"run", "validate", "compare", "sweep", "calibrate", "serve", "merge", "info", "export", "params"});
    std::cerr << "motsim: error: unknown command '" << cmd << "'"
              << (hint.empty() ? "" : " (did you mean '" + hint + "'?)") << "\n\n"
              << kUsage;
    return kBadInput;
  } catch (const InputError& e) {
    std::cerr << "motsim: " << e.what() << '\n';
    return kBadInput;
  } catch (const po::error& e) {
    std::cerr << "motsim: usage error: " << e.what() << "\n(see motsim --help)\n";
    return kBadInput;
  } catch (const std::bad_alloc&) {
    std::cerr << "motsim: error: out of memory; reduce --agents\n";
    return kFailure;
  } catch (const std::exception& e) {
    std::cerr << "motsim: error: " << e.what() << '\n';
    return kFailure;
  }
}

// What a reading command's arguments name: the files it reads, and where it writes (merge's
// OUT, export's --csv DIR; Boost accepts an abbreviated option such as --cs, so any prefix of
// --csv of three characters or more counts).
struct ReaderArgs {
  std::vector<std::string> inputs;
  double input_bytes = 0;
  std::string out_dir, merge_out;
};
ReaderArgs reader_args(const std::string& cmd, const std::vector<std::string>& args) {
  ReaderArgs r;
  auto is_csv = [](const std::string& name) { return name.size() >= 3 && std::string("--csv").rfind(name, 0) == 0; };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.empty()) continue;
    if (a[0] == '-') {
      const auto eq = a.find('=');
      if (!is_csv(a.substr(0, eq))) continue;
      if (eq != std::string::npos)
        r.out_dir = a.substr(eq + 1);
      else if (i + 1 < args.size())
        r.out_dir = args[++i];
      continue;
    }
    if (cmd == "merge" && r.merge_out.empty()) {  // merge OUT SLICE...: OUT is written, not read
      r.merge_out = a;
      continue;
    }
    std::error_code ec;
    if (!fs::is_regular_file(a, ec)) continue;
    r.inputs.push_back(a);
    r.input_bytes += static_cast<double>(fs::file_size(a, ec));
  }
  return r;
}

// The time a reading child is allowed: 2 minutes plus 1 second per 10 MB read, or
// MOTSIM_READ_TIMEOUT (seconds).
double read_time_limit(const ReaderArgs& ra) {
  double limit = 120.0 + ra.input_bytes / 10e6;
  if (const char* t = std::getenv("MOTSIM_READ_TIMEOUT")) limit = std::max(0.1, std::atof(t));
  return limit;
}

// Forks a child that runs the command and never outlives this process; returns its pid, or -1
// when it cannot fork. The child never returns.
pid_t start_reader(const std::string& cmd, const std::vector<std::string>& args, const std::string& cmdline) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::signal(SIGCHLD, SIG_DFL);  // an inherited "ignore" would make waitpid fail
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child != 0) return child;
  // Never outlive the watcher (killed with -9, or its terminal gone): no orphan left looping.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(kFailure);
  const int rc = run_command(cmd, args, cmdline);
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  ::_exit(rc);
}

// How the child ended, as the watcher saw it.
struct ChildEnd {
  int status = 0;
  bool wait_failed = false;
  bool forwarded = false;  // an interruption was passed on to it
  bool timed_out = false;  // it was killed: past the time allowed, or deaf to the interruption
};

// Waits for the child, passing an interruption on and killing it past `limit` seconds or 5 s
// after an interruption it did not obey (stuck inside the library).
ChildEnd watch(pid_t child, double limit) {
  install_interrupt_handlers();     // forwarded to the child, which stops cleanly
  std::signal(SIGHUP, [](int) {});  // a hang-up ends the watcher only after the child
  const auto t0 = std::chrono::steady_clock::now();
  auto forwarded_at = t0;
  ChildEnd e;
  for (;;) {
    const pid_t r = ::waitpid(child, &e.status, WNOHANG);
    if (r == child) return e;
    if (r < 0 && errno != EINTR) {
      e.wait_failed = true;
      return e;
    }
    const auto now = std::chrono::steady_clock::now();
    if (stop_requested() && !e.forwarded) {
      // SIGTERM whatever was received: a child started in the background ignores SIGINT.
      ::kill(child, SIGTERM);
      e.forwarded = true;
      forwarded_at = now;
    }
    if (!e.timed_out && (std::chrono::duration<double>(now - t0).count() > limit ||
                         (e.forwarded && now - forwarded_at > std::chrono::seconds(5)))) {
      ::kill(child, SIGKILL);
      e.timed_out = true;
    }
    ::usleep(10000);
  }
}

// After a killed or crashed child: its temporary files, and the export directories it made.
void clean_after_child(const ReaderArgs& ra, const fs::path& out_dir_created) {
  if (!ra.out_dir.empty()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(ra.out_dir, ec)) {
      const std::string name = e.path().filename().string();
      const auto tmp = name.rfind(".tmp-");
      if (tmp != std::string::npos) remove_stale_temporaries((fs::path(ra.out_dir) / name.substr(0, tmp)).string());
    }
    remove_empty_directories(ra.out_dir, out_dir_created);
  }
  if (!ra.merge_out.empty()) remove_stale_temporaries(ra.merge_out);
}

// The message and exit code for a child that hung or crashed: the input is damaged.
int report_damaged(const ReaderArgs& ra, const ChildEnd& e, double limit) {
  std::string files;
  for (const auto& f : ra.inputs) files += (files.empty() ? "" : ", ") + f;
  if (files.empty()) files = "the input file";
  const std::string which = ra.inputs.size() > 1 ? ": one of them is damaged" : ": the file is damaged";
  if (e.timed_out) {
    std::cerr << "motsim: " << files << ": error: reading did not finish within " << limit
              << " s (the HDF5 library loops on some damaged files)" << which
              << ". Nothing was written. If the input is just very large, set MOTSIM_READ_TIMEOUT (seconds)\n";
    return kBadInput;
  }
  const int sig = WTERMSIG(e.status);
  std::cerr << "motsim: " << files << ": error: the HDF5 library crashed reading it (signal " << sig << ", "
            << strsignal(sig) << ")" << which << ". Nothing was written\n";
  return kBadInput;
}

// libhdf5 itself can crash, or loop for ever, on some damaged files (found by fuzzing; see
// docs/reliability.md). The commands that read results files given by the user (info, export,
// merge) therefore run in a child process watched by this one: a crash or a hang there
// becomes a clear error naming the files and exit 2, never a crash of motsim. The time
// allowed is generous (2 minutes plus 1 second per 10 MB read); MOTSIM_READ_TIMEOUT (seconds)
// overrides it.
int run_supervised(const std::string& cmd, const std::vector<std::string>& args, const std::string& cmdline) {
  const ReaderArgs ra = reader_args(cmd, args);
  const double limit = read_time_limit(ra);
  const fs::path out_dir_created = ra.out_dir.empty() ? fs::path() : first_missing_directory(ra.out_dir);
  const pid_t child = start_reader(cmd, args, cmdline);
  if (child < 0) return run_command(cmd, args, cmdline);  // cannot fork: run unwatched
  const ChildEnd e = watch(child, limit);
  if (e.wait_failed) return kFailure;
  const bool signalled = WIFSIGNALED(e.status);
  // A closed output (motsim info FILE | head) is not a damaged file: end as the shell expects.
  if (signalled && WTERMSIG(e.status) == SIGPIPE) return 128 + SIGPIPE;
  if (e.timed_out || signalled) clean_after_child(ra, out_dir_created);
  if (e.forwarded && (e.timed_out || signalled || (WIFEXITED(e.status) && WEXITSTATUS(e.status) == kExitInterrupted))) {
    if (signalled || e.timed_out) std::cerr << "motsim: interrupted; nothing was written\n";
    return kExitInterrupted;
  }
  if (e.timed_out || signalled) return report_damaged(ra, e, limit);
  return WIFEXITED(e.status) ? WEXITSTATUS(e.status) : kFailure;
}

}  // namespace

int cli_main(int argc, char** argv) {
  (void)process_started();  // the start time the results files record
  const std::string cmdline = command_line(argc, argv);
  if (argc < 2) {
    std::cerr << kUsage;
    return kBadInput;
  }
  const std::string cmd = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "info" || cmd == "export" || cmd == "merge") return run_supervised(cmd, args, cmdline);
  return run_command(cmd, args, cmdline);
}

}  // namespace motsim
