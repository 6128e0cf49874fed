#pragma once
// Sweep files (format motsim-sweep-1, docs/sweeps.md): writing one, reading a slice back and
// merging the runs of slices. Plain data in and out: the sweep's spec and plan live in
// sim/experiment, which fills a SweepLayout. Only sweep_file.cpp includes HDF5 headers.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace motsim {

// Finished runs by run id: each run's KPI columns, then each kept series as [day, product].
using SweepRuns = std::map<std::size_t, std::vector<double>>;

// FNV-1a: identifies a sweep (its spec and base scenario: the spec_hash attribute, the journal's
// header) and checks each line of a journal.
inline constexpr std::uint64_t kFnvBasis = 1469598103934665603ull;
inline std::uint64_t fnv1a(const std::string& s, std::uint64_t h = kFnvBasis) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}
// A hash as the files write it: 16 hexadecimal digits.
std::string hash_text(std::uint64_t h);

// One point of the design, as /sweep/points records it.
struct SweepFilePoint {
  std::vector<double> values;  // per swept parameter: its value, or for a list its index in the list
  double trajectory = -1, step = -1, changed = -1;  // Morris; -1 when not used
  double block = -1, row = -1;                      // Sobol (Saltelli); -1 when not used
};

// The values of a swept list (/sweep/levels/<key>).
struct SweepLevels {
  std::string key;
  std::vector<std::string> values;  // as TOML literals
};

// What a sweep file records about its sweep. Run id = point x replicates + replicate.
struct SweepLayout {
  std::string spec_text, spec_path, base_scenario, design;
  std::uint64_t spec_hash = 0;
  int replicates = 1;
  // The random streams' version of every run; 0 when the sweep varies simulation.rng_streams
  // (each point's version is then in /sweep/levels).
  long long rng_streams = -1;
  long long seed = 0;
  int days = 0;
  std::vector<std::string> products, kpi_columns, keep_series;
  std::vector<std::string> parameters;       // the swept keys, in the spec's order
  std::vector<SweepLevels> lists;            // the swept lists' values
  std::vector<std::string> held;             // key=value of the held (scalar) parameters
  std::map<std::string, std::string> plain;  // a TOML literal -> the value as text (strings unquoted)
  std::vector<SweepFilePoint> points;
  std::vector<long long> replicate_keys;  // per run: the second half of its random key

  std::size_t runs() const { return points.size() * static_cast<std::size_t>(replicates); }
  std::vector<std::string> slice_paths, slice_commands;  // a merged file's slices and their commands
  // Values of one run: KPI columns, then days x products per kept series, then the run's wall
  // time in seconds (/provenance/run_seconds).
  std::size_t values_per_run() const {
    return kpi_columns.size() + keep_series.size() * static_cast<std::size_t>(days) * products.size() + 1;
  }
};

// The largest integer /sweep/points records exactly (its columns are float64): 2^53. A seed or
// replicate key above it could not be read back to rerun its run.
inline constexpr long long kMaxExactInFile = 1ll << 53;

// Checks, writing no data, that write_sweep_file can write `layout`: the name of every object
// (a swept list's or a held parameter's key names a dataset of /sweep/levels), every string (a
// NUL byte would be cut), the seed and replicate keys as /sweep/points stores them, the shapes
// (a run's row against HDF5's limit of a chunk), then the whole structure written with no rows
// to a file in memory, so that what HDF5 itself refuses is found too. InputError "WHERE: error:
// ..." naming the key or the size. Called before the first run: a sweep never fails at its end.
void check_sweep_layout(const SweepLayout& layout, const std::string& where);

// Writes a sweep file atomically (h5::write_atomically); `done` holds the runs it carries (all
// of them in a complete file; a slice's own). spec_path is recorded absolute, so that merge finds
// the spec from any directory.
void write_sweep_file(const std::string& path, bool force, const SweepLayout& layout, const SweepRuns& done,
                      const std::string& command_line, int task_index, int task_count);

// A sweep file (a slice, usually) opened for merging. Every failure is an InputError naming the
// file; a damaged one says "(truncated or corrupt slice?)".
class SweepFileReader {
 public:
  explicit SweepFileReader(const std::string& path);  // missing, not HDF5, not a sweep file
  ~SweepFileReader();
  SweepFileReader(const SweepFileReader&) = delete;
  SweepFileReader& operator=(const SweepFileReader&) = delete;

  const std::string& spec_hash() const { return spec_hash_; }
  std::string spec_path() const;
  std::string spec_text() const;
  std::string command_line() const;
  // Adds to `done` the runs this file holds that `done` lacks: merging slices. Refuses datasets
  // whose shape does not match `layout`.
  void add_runs(const SweepLayout& layout, SweepRuns& done) const;
  // The runs this file holds with the point each ran (for --extend): its swept values in the
  // order of /sweep/parameters (a list's value: its index in /sweep/level_literals/<key>), its
  // replicate key, and its row. The file's rows must have `layout`'s shape (its KPI columns,
  // kept series, days and products); its number of runs may differ.
  struct HeldRun {
    std::vector<double> values;
    long long replicate_key = 0;
    std::vector<double> row;
  };
  std::vector<HeldRun> held_runs(const SweepLayout& layout) const;
  std::vector<std::string> strings(const std::string& dataset) const;  // e.g. /sweep/parameters
  std::string sweep_attribute(const char* name) const;                 // e.g. base_scenario
  // The random streams' version of its runs (root attribute rng_streams; 1 when the file predates
  // it, 0 when the sweep varied it).
  long long rng_streams() const;

 private:
  struct File;
  std::unique_ptr<File> file_;
  std::string path_, spec_hash_;
};

}  // namespace motsim
