// The Python module _motsim (pybind11): scenarios built by the CLI's loader (file or text,
// `extends`, --set assignments in order, validation), runs of the engine with the GIL released
// and Ctrl-C honoured between days, results as NumPy arrays, and the run file's own writer.
// compare, sweep and calibrate as the CLI runs them (the same functions, the same files), in a
// worker thread while this one watches for Ctrl-C.
// scripts/motsim/simulation.py wraps it in the package's API (DataFrames); docs/python.md.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "motsim/version.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/engine/economics.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/memory.hpp"
#include "sim/engine/results.hpp"
#include "sim/experiment/calibrate.hpp"
#include "sim/experiment/compare.hpp"
#include "sim/experiment/mpi.hpp"
#include "sim/experiment/sweep.hpp"
#include "sim/input/scenario.hpp"
#include "sim/io/output.hpp"
#include "sim/io/run_file.hpp"

namespace py = pybind11;

namespace motsim::python {
namespace {

// A results file that cannot be written (it exists, its directory is missing, ...): OSError.
struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A scenario as the CLI builds it: a file (or a text) and the --set assignments, in order.
// Every change rebuilds and validates the whole scenario, as `motsim run` would.
class PyScenario {
 public:
  static PyScenario load(const std::string& path, const std::vector<std::string>& sets) {
    PyScenario s;
    s.path_ = path;
    s.sets_ = sets;
    s.sc_ = s.build({});
    return s;
  }
  static PyScenario parse(const std::string& text, const std::string& name, const std::string& base_dir,
                          const std::vector<std::string>& sets) {
    PyScenario s;
    s.text_ = text;
    s.from_text_ = true;
    s.path_ = name;
    s.base_dir_ = base_dir;
    s.sets_ = sets;
    s.sc_ = s.build({});
    return s;
  }
  // Adds one KEY=VALUE assignment (TOML value syntax, as --set); on an error the scenario stays as it was.
  void set(const std::string& assignment) {
    std::vector<std::string> sets = sets_;
    sets.push_back(assignment);
    Scenario sc = build_with(sets);
    sets_ = std::move(sets);
    sc_ = std::move(sc);
  }
  // The scenario with further assignments after the user's (as the CLI appends --agents, --days, --seed).
  Scenario build(const std::vector<std::string>& extra) const {
    std::vector<std::string> sets = sets_;
    sets.insert(sets.end(), extra.begin(), extra.end());
    return build_with(sets);
  }
  std::string to_toml() const { return scenario_to_toml(sc_); }
  const std::string& path() const { return path_; }
  const std::vector<std::string>& sets() const { return sets_; }
  bool from_text() const { return from_text_; }
  const std::vector<std::string>& notes() const { return sc_.notes; }

 private:
  Scenario build_with(const std::vector<std::string>& sets) const {
    return from_text_ ? parse_scenario(text_, path_, base_dir_, sets) : load_scenario(path_, sets);
  }
  std::string path_, text_, base_dir_;
  bool from_text_ = false;
  std::vector<std::string> sets_;
  Scenario sc_;
};

// One finished run: the simulation (its results, and its world for the seed and /agents), the
// KPIs and what the run file records about where it came from.
struct PyRun {
  std::shared_ptr<Simulation> sim;
  Kpis kpis;
  RunInfo info;
  const Results& results() const { return sim->results(); }
};

// The `motsim run` command line equivalent to a run from Python (stored as command_line).
std::string command_line(const PyScenario& s, const std::vector<std::string>& extra, int threads) {
  std::string c = "motsim run " + s.path();
  for (const auto& a : s.sets()) c += " --set " + a;
  for (const auto& a : extra) c += " --set " + a;
  return c + " --threads " + std::to_string(threads) + "   (from Python: motsim.run" +
         (s.from_text() ? ", a scenario given as text" : "") + ")";
}

std::vector<std::string> extra_sets(std::optional<long long> agents, std::optional<long long> days,
                                    std::optional<long long> seed, std::optional<long long> replicate) {
  std::vector<std::string> v;
  if (agents) v.push_back("simulation.agents=" + std::to_string(*agents));
  if (days) v.push_back("simulation.days=" + std::to_string(*days));
  if (seed) v.push_back("simulation.seed=" + std::to_string(*seed));
  if (replicate) v.push_back("simulation.replicate=" + std::to_string(*replicate));
  return v;
}

// Runs the scenario with the GIL released. After each day (on this thread) the GIL is taken
// back briefly to let Python handle a signal (Ctrl-C raises KeyboardInterrupt) and to call
// `progress(day, days)`; either raising stops the run after that day, and the error propagates.
PyRun run(const PyScenario& s, std::optional<long long> agents, std::optional<long long> days,
          std::optional<long long> seed, std::optional<long long> replicate, int threads, const py::object& progress) {
  if (threads < 0 || threads > 1024)
    throw InputError("threads=" + std::to_string(threads) + ": error: expected 0 (every core) to 1024");
  const std::vector<std::string> extra = extra_sets(agents, days, seed, replicate);
  const Scenario sc = s.build(extra);
  check_memory(sc, false);
  std::atomic<bool> stop{false};
  bool python_error = false;
  auto on_day = [&](int done, int total) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      python_error = true;
    } else if (!progress.is_none()) {
      try {
        progress(done, total);
      } catch (py::error_already_set& e) {
        e.restore();
        python_error = true;
      }
    }
    if (python_error) stop.store(true);
  };
  std::shared_ptr<Simulation> sim;
  {
    py::gil_scoped_release nogil;
    sim = std::make_shared<Simulation>(sc, threads);
    sim->run(on_day, false, &stop);
  }
  if (python_error) throw py::error_already_set();
  return PyRun{sim, compute_kpis(sim->results()),
               RunInfo{scenario_to_toml(sc), s.path(), command_line(s, extra, threads), sc.title, sc.question}};
}

template <class T>
py::array_t<T> array(const T* data, std::vector<py::ssize_t> shape) {
  return py::array_t<T>(shape, data);  // a copy owned by Python
}

// Every stored daily quantity as [days, K] (histograms [days, K, 5]), under the names of the
// run file's /timeseries; the two sums behind the satisfaction means as *_sum.
py::dict raw_series(const PyRun& o) {
  const Results& r = o.results();
  const py::ssize_t D = r.days_done, K = r.K;
  const std::size_t stride = static_cast<std::size_t>(r.days) * r.K;  // a metric's block
  py::dict d;
  for (int c = 0; c < kNumCounts; ++c) d[kCountNames[c]] = array(r.counts.data() + c * stride, {D, K});
  d["remembered_sum"] = array(r.sums.data() + kRememberedSum * stride, {D, K});
  d["experienced_sum"] = array(r.sums.data() + kExperiencedSum * stride, {D, K});
  d["aware"] = array(r.aware.data(), {D, K});
  d["adopters"] = array(r.adopters.data(), {D, K});
  d["rating_mean"] = array(r.rating_mean.data(), {D, K});
  d["rating_count"] = array(r.rating_count.data(), {D, K});
  d["rating_histogram"] = array(r.rating_hist.data(), {D, K, 5});
  d["experience_stars"] = array(r.experience_stars.data(), {D, K, 5});
  const EconomicSeries e = economic_series(r);  // what the run file's writer stores
  for (const auto& name : economic_series_names()) d[name.c_str()] = array(e.named(name)->data(), {D, K});
  return d;
}

py::dict reviews(const PyRun& o) {
  const auto& rv = o.results().reviews;
  const auto n = static_cast<py::ssize_t>(rv.size());
  py::array_t<std::int32_t> day(n);
  py::array_t<std::uint32_t> agent(n);
  py::array_t<std::int16_t> product(n);
  py::array_t<std::int8_t> stars(n), answered(n);
  auto dd = day.mutable_unchecked<1>();
  auto aa = agent.mutable_unchecked<1>();
  auto pp = product.mutable_unchecked<1>();
  auto ss = stars.mutable_unchecked<1>();
  auto an = answered.mutable_unchecked<1>();
  for (py::ssize_t i = 0; i < n; ++i) {
    const auto& x = rv[static_cast<std::size_t>(i)];
    dd(i) = x.day, aa(i) = x.agent, pp(i) = x.product, ss(i) = x.stars, an(i) = x.answered;
  }
  py::dict d;
  d["day"] = day, d["agent"] = agent, d["product"] = product, d["stars"] = stars, d["answered"] = answered;
  return d;
}

py::list kpis(const PyRun& o) {  // [(name, values per product, description)], in the file's order
  py::list l;
  for (std::size_t i = 0; i < o.kpis.names.size(); ++i)
    l.append(py::make_tuple(o.kpis.names[i],
                            array(o.kpis.values[i].data(), {static_cast<py::ssize_t>(o.kpis.values[i].size())}),
                            o.kpis.descriptions[i]));
  return l;
}

// Writes the run with the writer of `motsim run` (sim/io/run_file): atomically, refusing an
// existing file without `force`.
void write(const PyRun& o, const std::string& path, bool force, bool save_agents) {
  try {
    py::gil_scoped_release nogil;
    check_output_path(path, force, o.sim->world().sc.input_files, {});
    write_run_file(path, force, o.results(), o.kpis, o.info, &o.sim->world(), save_agents);
  } catch (const InputError& e) {
    throw OutputError(e.what());
  }
}

// Runs `work` (a compare, a sweep or a calibration: minutes, maybe) in a thread of its own with
// the GIL released, while this thread checks every 50 ms for a signal Python has caught: Ctrl-C
// stops the work as SIGINT stops the CLI (no file written, the journal kept), then raises
// KeyboardInterrupt. A command that installs motsim's own handlers (sweep) catches the signal
// itself: that counts too, and Python's handlers are put back afterwards. Errors of the work
// are rethrown here (InputError: ScenarioError).
int interruptible(const std::function<int()>& work) {
  clear_stop();
  int rc = 0;
  bool interrupted = false;
  std::exception_ptr error;
  struct sigaction old_int {
  }, old_term{};
  sigaction(SIGINT, nullptr, &old_int);
  sigaction(SIGTERM, nullptr, &old_term);
  {
    py::gil_scoped_release nogil;
    std::atomic<bool> done{false};
    std::thread worker([&] {
      try {
        rc = work();
      } catch (...) {
        error = std::current_exception();
      }
      done.store(true);
    });
    while (!done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      py::gil_scoped_acquire gil;
      if (!interrupted && PyErr_CheckSignals() != 0) {
        interrupted = true;
        request_stop();
      }
    }
    worker.join();
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (!interrupted && interrupt_signal() != 0) {  // caught by motsim's handler
    interrupted = true;
    PyErr_SetNone(PyExc_KeyboardInterrupt);
  }
  clear_stop();
  if (interrupted) throw py::error_already_set();
  if (error) std::rethrow_exception(error);
  return rc;
}

int compare(const std::vector<std::string>& scenarios, const std::vector<std::string>& sets, int replicates,
            int threads, const std::string& out, bool force, bool quiet, bool attribute, const std::string& posterior,
            const std::string& command_line) {
  CompareOptions o;
  o.scenarios = scenarios, o.sets = sets, o.replicates = replicates, o.threads = threads, o.out = out;
  o.force = force, o.quiet = quiet, o.attribute = attribute, o.posterior = posterior;
  return interruptible([&] { return run_compare(o, command_line); });
}

int sweep(const std::string& spec, const std::string& out, int threads, bool resume, bool force, bool quiet,
          const std::string& extend, const std::string& command_line) {
  SweepOptions o;
  o.spec = spec, o.out = out, o.threads = threads, o.resume = resume, o.force = force, o.quiet = quiet;
  o.extend = extend;
  return interruptible([&] { return run_sweep(o, command_line); });
}

// As `motsim calibrate` on one process: the spec, the calibration, the file (the journal kept
// when interrupted, removed once the file is written).
int calibrate(const std::string& spec, const std::string& out, int threads, bool resume, bool force, bool quiet,
              const std::string& command_line) {
  return interruptible([&] {
    CalibrationRun run;
    run.threads = threads, run.resume = resume;
    run.progress = [&](const std::string& line) {
      if (!quiet) std::fprintf(stderr, "motsim: %s\n", line.c_str());
    };
    CalibrationFile f;
    return calibrate_into_file(load_calibration_spec(spec), out, force, run, command_line, f) ? 0 : kExitInterrupted;
  });
}

void bind_batches(py::module_& m) {
  m.def("compare", &compare, py::arg("scenarios"), py::arg("sets"), py::arg("replicates"), py::arg("threads"),
        py::arg("out"), py::arg("force"), py::arg("quiet"), py::arg("attribute"), py::arg("posterior"),
        py::arg("command_line"), "motsim compare (the package wraps it)");
  m.def("sweep", &sweep, py::arg("spec"), py::arg("out"), py::arg("threads"), py::arg("resume"), py::arg("force"),
        py::arg("quiet"), py::arg("extend"), py::arg("command_line"),
        "motsim sweep on this machine (the package wraps it)");
  m.def("calibrate", &calibrate, py::arg("spec"), py::arg("out"), py::arg("threads"), py::arg("resume"),
        py::arg("force"), py::arg("quiet"), py::arg("command_line"), "motsim calibrate (the package wraps it)");
}

void bind_scenario(py::module_& m) {
  py::class_<PyScenario>(m, "Scenario", "A scenario built as the CLI builds it (the package wraps it)")
      .def_static("load", &PyScenario::load, py::arg("path"), py::arg("sets") = std::vector<std::string>{})
      .def_static("parse", &PyScenario::parse, py::arg("text"), py::arg("name"), py::arg("base_dir"),
                  py::arg("sets") = std::vector<std::string>{})
      .def("set", &PyScenario::set, py::arg("assignment"), "add one KEY=VALUE assignment (as --set)")
      .def("to_toml", &PyScenario::to_toml, "the fully resolved scenario as TOML (every key)")
      .def_property_readonly("path", &PyScenario::path)
      .def_property_readonly("sets", &PyScenario::sets)
      .def_property_readonly("from_text", &PyScenario::from_text)
      .def_property_readonly("notes", &PyScenario::notes)
      .def("__copy__", [](const PyScenario& s) { return PyScenario(s); });
}

void bind_run(py::module_& m) {
  py::class_<PyRun>(m, "Run", "A finished run (the package wraps it)")
      .def_property_readonly("products", [](const PyRun& o) { return o.results().products; })
      .def_property_readonly("prices", [](const PyRun& o) { return o.results().prices; })
      .def_property_readonly("days", [](const PyRun& o) { return o.results().days_done; })
      .def_property_readonly("agents", [](const PyRun& o) { return o.results().agents; })
      .def_property_readonly("seed", [](const PyRun& o) { return o.sim->world().seed; })
      .def_property_readonly("replicate", [](const PyRun& o) { return o.sim->world().replicate; })
      .def_property_readonly("scenario_toml", [](const PyRun& o) { return o.info.scenario_toml; })
      .def_property_readonly("command_line", [](const PyRun& o) { return o.info.command_line; })
      .def_property_readonly("seconds", [](const PyRun& o) { return o.results().run_seconds; })
      .def("series", &raw_series)
      .def("reviews", &reviews)
      .def("kpis", &kpis)
      .def("write", &write, py::arg("path"), py::arg("force") = false, py::arg("save_agents") = false);
  m.def("run", &run, py::arg("scenario"), py::arg("agents") = py::none(), py::arg("days") = py::none(),
        py::arg("seed") = py::none(), py::arg("replicate") = py::none(), py::arg("threads") = 0,
        py::arg("progress") = py::none(), "run a scenario (the GIL is released while it runs)");
}

}  // namespace
}  // namespace motsim::python

PYBIND11_MODULE(_motsim, m) {
  using namespace motsim::python;
  m.doc() = "motsim's engine for Python; use it through the package (import motsim)";
  m.attr("__version__") = motsim::kVersion;
  py::register_exception<motsim::InputError>(m, "ScenarioError", PyExc_ValueError);
  py::register_exception<OutputError>(m, "OutputError", PyExc_OSError);
  bind_scenario(m);
  bind_run(m);
  bind_batches(m);
}
