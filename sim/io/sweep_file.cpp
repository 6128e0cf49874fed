#include "sim/io/sweep_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <utility>

#include "sim/core/errors.hpp"
#include "sim/io/h5util.hpp"

namespace fs = std::filesystem;

namespace motsim {

std::string hash_text(std::uint64_t h) {
  char b[24];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(h));
  return b;
}

namespace {

using h5::Handle;

// ---- writing ------------------------------------------------------------------------------

// The held parameters as columns of /sweep/points: a number as itself, anything else as index 0
// of /sweep/levels/<key>.
struct HeldColumns {
  std::vector<std::string> names;
  std::vector<double> values;
  std::vector<std::pair<std::string, std::string>> levels;  // key, value (not a number)
};

HeldColumns held_columns(const std::vector<std::string>& held) {
  HeldColumns h;
  for (const auto& kv : held) {
    const auto eq = kv.find('=');
    const std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
    char* end = nullptr;
    const double x = std::strtod(value.c_str(), &end);
    h.names.push_back(key);
    if (!value.empty() && end && *end == '\0' && std::isfinite(x)) {
      h.values.push_back(x);
    } else {
      h.values.push_back(0);
      h.levels.emplace_back(key, value);
    }
  }
  return h;
}

void write_sweep_attributes(hid_t sw, const SweepLayout& l, bool complete, int task_index, int task_count) {
  using namespace h5;
  attr_string(sw, "spec", l.spec_text);
  {
    std::error_code ec;  // absolute, so that motsim merge finds the spec from any directory
    const fs::path abs = fs::absolute(l.spec_path, ec);
    attr_string(sw, "spec_path", ec ? l.spec_path : abs.lexically_normal().string());
  }
  attr_string(sw, "base_scenario", l.base_scenario);
  attr_string(sw, "design", l.design);
  attr_int(sw, "replicates", l.replicates);
  attr_int(sw, "points", static_cast<long long>(l.points.size()));
  attr_int(sw, "runs", static_cast<long long>(l.runs()));
  attr_int(sw, "complete", complete ? 1 : 0);
  attr_int(sw, "task_index", task_index);
  attr_int(sw, "task_count", task_count);
  attr_string(sw, "spec_hash", hash_text(l.spec_hash));
}

// /sweep/parameters, /sweep/held_parameters, /sweep/levels (plain values: a string without its
// quotes) and /sweep/level_literals (the same values as TOML literals, as --set takes them).
void write_parameters(hid_t sw, const SweepLayout& l, const HeldColumns& held) {
  h5::strings(sw, "parameters", l.parameters);
  h5::strings(sw, "held_parameters", held.names);
  auto plain = [&](std::vector<std::string> v) {
    for (auto& x : v)
      if (const auto it = l.plain.find(x); it != l.plain.end()) x = it->second;
    return v;
  };
  Handle lv = h5::group(sw, "levels"), lit = h5::group(sw, "level_literals");
  for (const auto& list : l.lists) {
    h5::strings(lv, list.key.c_str(), plain(list.values));
    h5::strings(lit, list.key.c_str(), list.values);
  }
  for (const auto& [key, value] : held.levels) {
    h5::strings(lv, key.c_str(), plain({value}));
    h5::strings(lit, key.c_str(), {value});
  }
}

// /sweep/points and its columns: one row per run (none in a dry run).
void write_points(hid_t sw, const SweepLayout& l, const HeldColumns& held, bool dry) {
  std::vector<std::string> cols = {"run", "point", "replicate", "seed", "replicate_key"};
  cols.insert(cols.end(), l.parameters.begin(), l.parameters.end());
  cols.insert(cols.end(), held.names.begin(), held.names.end());
  for (const char* c : {"trajectory", "step", "changed", "block", "row"}) cols.push_back(c);
  const std::size_t R = dry ? 0 : l.runs(), PC = cols.size();
  const auto reps = static_cast<std::size_t>(l.replicates);
  std::vector<double> pts(R * PC);
  for (std::size_t run = 0; run < R; ++run) {
    const std::size_t point = run / reps;
    const auto& pt = l.points[point];
    double* row = &pts[run * PC];
    std::size_t c = 0;
    row[c++] = static_cast<double>(run);
    row[c++] = static_cast<double>(point);
    row[c++] = static_cast<double>(run % reps);
    row[c++] = static_cast<double>(l.seed);
    row[c++] = static_cast<double>(l.replicate_keys[run]);
    for (double v : pt.values) row[c++] = v;
    for (double v : held.values) row[c++] = v;
    for (double v : {pt.trajectory, pt.step, pt.changed, pt.block, pt.row}) row[c++] = v;
  }
  h5::strings(sw, "point_columns", cols);
  h5::dataset(sw, "points", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {R, PC}, pts.data(),
              "one row per run: run, point, replicate, seed, replicate_key, each swept parameter, then each held "
              "parameter (a value that is not a number: its index in /sweep/levels/<key>), and the design's "
              "trajectory, step, changed (Morris) and block, row "
              "(Sobol/Saltelli), -1 when not used");
}

// /sweep/kpis and /sweep/done: NaN rows and 0 for the runs the file does not hold (no rows
// without `done`: a dry run).
void write_kpis(hid_t sw, const SweepLayout& l, const SweepRuns* done) {
  static const SweepRuns none;
  const std::size_t R = done ? l.runs() : 0, KC = l.kpi_columns.size();
  std::vector<double> kp(R * KC, NAN);
  std::vector<std::uint8_t> mask(R, 0);
  for (const auto& [run, v] : done ? *done : none) {
    std::copy(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(KC),
              kp.begin() + static_cast<std::ptrdiff_t>(run * KC));
    mask[run] = 1;
  }
  h5::strings(sw, "kpi_columns", l.kpi_columns);
  h5::dataset(sw, "kpis", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {R, KC}, kp.data(),
              "one row per run, columns in /sweep/kpi_columns (KPI.product, KPI.all); NaN for runs not done");
  h5::dataset(sw, "done", H5T_STD_U8LE, H5T_NATIVE_UINT8, {R}, mask.data(), "1 for runs this file holds");
}

// /sweep/timeseries/<metric>: [run, day, product], NaN for the runs the file does not hold (no
// rows without `done`).
void write_series(hid_t sw, const SweepLayout& l, const SweepRuns* done) {
  if (l.keep_series.empty()) return;
  static const SweepRuns none;
  Handle ts = h5::group(sw, "timeseries");
  const std::size_t R = done ? l.runs() : 0, KC = l.kpi_columns.size(), K = l.products.size();
  const std::size_t DK = static_cast<std::size_t>(l.days) * K;
  for (std::size_t m = 0; m < l.keep_series.size(); ++m) {
    std::vector<double> s(R * DK, NAN);
    for (const auto& [run, v] : done ? *done : none)
      std::copy(v.begin() + static_cast<std::ptrdiff_t>(KC + m * DK),
                v.begin() + static_cast<std::ptrdiff_t>(KC + (m + 1) * DK),
                s.begin() + static_cast<std::ptrdiff_t>(run * DK));
    h5::dataset(ts, l.keep_series[m].c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                {R, static_cast<hsize_t>(l.days), static_cast<hsize_t>(K)}, s.data(), "[run, day, product]");
  }
}

// /provenance: each run's wall time (the last value of its row; NaN for the runs the file does
// not hold) and, in a merged file, each slice's path and the command that wrote it. Apart from
// /sweep: what two runs of the same sweep do not share.
void write_run_provenance(hid_t file, const SweepLayout& l, const SweepRuns* done) {
  static const SweepRuns none;
  const std::size_t R = done ? l.runs() : 0;
  std::vector<double> secs(R, NAN);
  for (const auto& [run, v] : done ? *done : none) secs[run] = v.back();
  Handle g = h5::group(file, "provenance");
  h5::dataset(g, "run_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {R}, secs.data(),
              "wall time of each run, setup included (seconds); NaN for runs not done");
  if (l.slice_paths.empty()) return;
  h5::strings(g, "slice_path", l.slice_paths);
  h5::strings(g, "slice_command_line", l.slice_commands);
}

// Every object of a sweep file; without `done`, the datasets have no rows (a dry run).
void write_body(hid_t file, const SweepLayout& layout, const SweepRuns* done, int task_index, int task_count) {
  h5::attr_int(file, "rng_streams", layout.rng_streams);
  {
    Handle g = h5::group(file, "products");
    h5::strings(g, "name", layout.products);
  }
  Handle sw = h5::group(file, "sweep");
  write_sweep_attributes(sw, layout, done && done->size() == layout.runs(), task_index, task_count);
  const HeldColumns held = held_columns(layout.held);
  write_parameters(sw, layout, held);
  write_points(sw, layout, held, done == nullptr);
  write_kpis(sw, layout, done);
  write_series(sw, layout, done);
  write_run_provenance(file, layout, done);
}

// ---- checking a layout before the first run -----------------------------------------------

// A string as a message shows it: a NUL byte as \0.
std::string shown(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '\0' ? std::string("\\0") : std::string(1, c);
  return o;
}

// Why `name` cannot name an HDF5 object, or empty when it can.
std::string object_name_problem(const std::string& name) {
  if (name.empty()) return "an empty name";
  if (name == ".") return "\".\" (HDF5's name of the group itself)";
  if (name.find('/') != std::string::npos) return "a '/' (HDF5's path separator)";
  if (name.find('\0') != std::string::npos) return "a NUL byte";
  return "";
}

// The datasets named after keys: each swept list, and each held value that is not a number.
void check_object_names(const SweepLayout& l, const std::string& where) {
  std::vector<std::string> named;
  for (const auto& list : l.lists) named.push_back(list.key);
  for (const auto& [key, value] : held_columns(l.held).levels) named.push_back(key);
  for (const auto& key : named)
    if (const std::string why = object_name_problem(key); !why.empty())
      throw InputError(where + ": error: parameter '" + shown(key) + "': the sweep file keeps its values in " +
                       "the dataset /sweep/levels/<key>, and this key has " + why +
                       ", which HDF5 refuses in a name; rename what the key names (a product, segment or campaign)");
}

// Strings are stored up to their first NUL byte: one inside would be cut.
void check_strings(const SweepLayout& l, const std::string& where) {
  auto check = [&](const std::string& s, const std::string& what) {
    if (s.find('\0') != std::string::npos)
      throw InputError(where + ": error: " + what + " holds a NUL byte, which the sweep file would cut: \"" +
                       shown(s.substr(0, 80)) + "\"");
  };
  check(l.spec_text, "the spec");
  check(l.spec_path, "the spec's path");
  check(l.base_scenario, "the base scenario");
  for (const auto& p : l.products) check(p, "the product name");
  for (const auto& c : l.kpi_columns) check(c, "the KPI column");
  for (const auto& p : l.parameters) check(p, "the parameter key");
  for (const auto& h : l.held) check(h, "the held parameter");
  for (const auto& list : l.lists)
    for (const auto& v : list.values) check(v, "a value of parameter '" + shown(list.key) + "'");
}

// /sweep/points stores the seed and every replicate key as float64: exact up to 2^53.
void check_exact_numbers(const SweepLayout& l, const std::string& where) {
  const std::string limit = std::to_string(kMaxExactInFile) + " (2^53: /sweep/points stores it as a float64)";
  if (l.seed < 0 || l.seed > kMaxExactInFile)
    throw InputError(where + ": error: seed " + std::to_string(l.seed) + " is above " + limit +
                     "; set a smaller 'seed' in the spec");
  for (const long long k : l.replicate_keys)
    if (k < 0 || k > kMaxExactInFile)
      throw InputError(where + ": error: replicate key " + std::to_string(k) + " is above " + limit +
                       "; set a smaller simulation.replicate in the base scenario");
}

// HDF5 stores a dataset in chunks of at most 4 GiB; the writer's chunk holds one run's row at
// least (h5::dataset: about 64k values along the runs).
void check_shapes(const SweepLayout& l, const std::string& where) {
  if (l.replicates < 1 || l.points.empty() || l.replicate_keys.size() != l.runs())
    throw InputError(where + ": error: the sweep has no runs, or its layout does not match its runs");
  for (const auto& pt : l.points)
    if (pt.values.size() != l.parameters.size())
      throw InputError(where + ": error: a point of the design does not have one value per swept parameter");
  constexpr std::uint64_t kChunkLimit = (1ull << 32) - 1;
  const std::uint64_t row = static_cast<std::uint64_t>(std::max(l.days, 0)) * l.products.size();
  if (!l.keep_series.empty() && (65536 / std::max<std::uint64_t>(row, 1) + 1) * row * 8 > kChunkLimit)
    throw InputError(where + ": error: keep_series: a run's series is " + std::to_string(l.days) + " days x " +
                     std::to_string(l.products.size()) + " products = " + std::to_string(row) +
                     " values, beyond the 4 GiB HDF5 allows in one chunk; keep no series or simulate fewer days");
}

}  // namespace

void check_sweep_layout(const SweepLayout& layout, const std::string& where) {
  check_object_names(layout, where);
  check_strings(layout, where);
  check_exact_numbers(layout, where);
  check_shapes(layout, where);
  try {  // the structure itself, in memory: anything else HDF5 would refuse at the end
    Handle fapl(h5::check(H5Pcreate(H5P_FILE_ACCESS), "create a file access list"), H5Pclose);
    h5::check(H5Pset_fapl_core(fapl, 1 << 16, 0), "use a file in memory", 0);
    Handle file(
        h5::check(H5Fcreate("motsim-sweep-dry-run", H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "create a file in memory"),
        H5Fclose);
    write_body(file, layout, nullptr, -1, 0);
  } catch (const h5::Error& e) {
    throw InputError(where + ": error: the sweep file could not record this sweep: " + e.what());
  }
}

void write_sweep_file(const std::string& path, bool force, const SweepLayout& layout, const SweepRuns& done,
                      const std::string& command_line, int task_index, int task_count) {
  h5::write_atomically(path, force, "motsim-sweep-1", command_line,
                       [&](hid_t file) { write_body(file, layout, &done, task_index, task_count); });
}

// ---- reading and merging ------------------------------------------------------------------

struct SweepFileReader::File {
  Handle file;
  std::optional<Handle> sweep;  // /sweep
};

namespace {

// Runs a read of a slice; a malformed file becomes an InputError naming it.
template <class F>
auto reading(const std::string& path, F&& f) {
  try {
    return f();
  } catch (const h5::Error& e) {
    throw InputError(path + ": error: " + e.what() + " (truncated or corrupt slice?)");
  }
}

}  // namespace

SweepFileReader::SweepFileReader(const std::string& path)
    : file_(std::make_unique<File>(File{h5::open_for_reading(path), std::nullopt})), path_(path) {
  if (h5::read_attr_string(file_->file, "format") != "motsim-sweep-1")
    throw InputError(path + ": error: not a motsim sweep file");
  spec_hash_ = reading(path_, [&] {
    file_->sweep.emplace(H5Gopen2(file_->file, "/sweep", H5P_DEFAULT), H5Gclose);
    if (*file_->sweep < 0) throw h5::Error("no /sweep");
    return h5::read_attr_string(*file_->sweep, "spec_hash");
  });
}

SweepFileReader::~SweepFileReader() = default;

std::string SweepFileReader::spec_path() const {
  return reading(path_, [&] { return h5::read_attr_string(*file_->sweep, "spec_path"); });
}

std::string SweepFileReader::spec_text() const {
  return reading(path_, [&] { return h5::read_attr_string(*file_->sweep, "spec"); });
}

std::string SweepFileReader::command_line() const {
  return reading(path_, [&] { return h5::read_attr_string(file_->file, "command_line"); });
}

void SweepFileReader::add_runs(const SweepLayout& layout, SweepRuns& done) const {
  reading(path_, [&] {
    const hid_t f = file_->file;
    std::vector<hsize_t> dims;
    const std::size_t R = layout.runs(), KC = layout.kpi_columns.size();
    const std::size_t DK = static_cast<std::size_t>(layout.days) * layout.products.size();
    // At most what the spec's layout holds: a slice cannot make merge read more (nor is a large
    // sweep held to the readers' default limit).
    const auto kp = h5::read_doubles(f, "/sweep/kpis", dims, std::max<hsize_t>(R * KC, 1));
    const auto mask = h5::read_doubles(f, "/sweep/done", dims, std::max<hsize_t>(R, 1));
    if (mask.size() != R || kp.size() != R * KC) throw h5::Error("/sweep/kpis does not match the spec");
    std::vector<std::vector<double>> series;
    for (const auto& m : layout.keep_series) {
      series.push_back(h5::read_doubles(f, "/sweep/timeseries/" + m, dims, std::max<hsize_t>(R * DK, 1)));
      if (series.back().size() != R * DK) throw h5::Error("/sweep/timeseries/" + m + " does not match the spec");
    }
    std::vector<double> secs(R, NAN);  // a file written before /provenance existed has no times
    if (H5Lexists(f, "/provenance", H5P_DEFAULT) > 0 && H5Lexists(f, "/provenance/run_seconds", H5P_DEFAULT) > 0) {
      secs = h5::read_doubles(f, "/provenance/run_seconds", dims, std::max<hsize_t>(R, 1));
      if (secs.size() != R) throw h5::Error("/provenance/run_seconds does not match the spec");
    }
    for (std::size_t r = 0; r < R; ++r) {
      if (mask[r] == 0 || done.count(r)) continue;
      std::vector<double> v(kp.begin() + static_cast<std::ptrdiff_t>(r * KC),
                            kp.begin() + static_cast<std::ptrdiff_t>((r + 1) * KC));
      for (const auto& sv : series)
        v.insert(v.end(), sv.begin() + static_cast<std::ptrdiff_t>(r * DK),
                 sv.begin() + static_cast<std::ptrdiff_t>((r + 1) * DK));
      v.push_back(secs[r]);
      done[r] = std::move(v);
    }
  });
}

std::vector<std::string> SweepFileReader::strings(const std::string& dataset) const {
  return reading(path_, [&] {
    if (!h5::exists(file_->file, dataset)) return std::vector<std::string>{};
    return h5::read_strings(file_->file, dataset);
  });
}

std::string SweepFileReader::sweep_attribute(const char* name) const {
  return reading(path_, [&] { return h5::read_attr_string(*file_->sweep, name); });
}

long long SweepFileReader::rng_streams() const {
  return reading(path_, [&] {
    const long long v = h5::read_attr_int(file_->file, "rng_streams");
    return v < 0 ? 1 : v;
  });
}

std::vector<SweepFileReader::HeldRun> SweepFileReader::held_runs(const SweepLayout& layout) const {
  return reading(path_, [&] {
    const hsize_t R = static_cast<hsize_t>(h5::read_attr_int(*file_->sweep, "runs"));
    SweepLayout mine = layout;  // the caller's shape, this file's number of runs
    mine.replicates = 1;
    mine.points.assign(R, {});
    SweepRuns rows;
    add_runs(mine, rows);
    std::vector<hsize_t> dims;
    const auto pts = h5::read_doubles(file_->file, "/sweep/points", dims, std::max<hsize_t>(R * 4096, 1));
    const auto cols = h5::read_strings(file_->file, "/sweep/point_columns");
    const auto params = h5::read_strings(file_->file, "/sweep/parameters");
    if (dims.size() != 2 || dims[0] != R || dims[1] != cols.size()) throw h5::Error("/sweep/points has another shape");
    auto col = [&](const std::string& c) {
      const auto it = std::find(cols.begin(), cols.end(), c);
      if (it == cols.end()) throw h5::Error("/sweep/points has no column " + c);
      return static_cast<std::size_t>(it - cols.begin());
    };
    std::vector<HeldRun> out;
    for (auto& [run, row] : rows) {
      HeldRun h;
      for (const auto& p : params) h.values.push_back(pts[run * cols.size() + col(p)]);
      h.replicate_key = static_cast<long long>(pts[run * cols.size() + col("replicate_key")]);
      h.row = std::move(row);
      out.push_back(std::move(h));
    }
    return out;
  });
}

}  // namespace motsim
