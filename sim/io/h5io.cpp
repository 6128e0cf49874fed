#include "sim/io/h5io.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "motsim/version.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/files.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/io/h5util.hpp"

namespace fs = std::filesystem;

namespace motsim {
using namespace h5;
namespace {
using H5Error = h5::Error;

void write_timeseries(hid_t file, const Results& r) {
  Handle ts = group(file, "timeseries");
  const hsize_t D = static_cast<hsize_t>(r.days_done), K = static_cast<hsize_t>(r.K);
  std::vector<std::int32_t> day(D);
  for (hsize_t d = 0; d < D; ++d) day[d] = static_cast<std::int32_t>(d);
  dataset(ts, "day", H5T_STD_I32LE, H5T_NATIVE_INT32, {D}, day.data(), "day index (0 = first simulated day)");
  const std::size_t stride = static_cast<std::size_t>(r.days) * r.K;  // a metric's block in counts
  for (int c = 0; c < kNumCounts; ++c)
    dataset(ts, kCountNames[c], H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K}, r.counts.data() + c * stride);
  std::vector<double> revenue(D * K), refunded(D * K), rem(D * K), expd(D * K), nps(D * K);
  for (hsize_t d = 0; d < D; ++d)
    for (hsize_t k = 0; k < K; ++k) {
      const std::size_t i = d * K + k;
      const int dd = static_cast<int>(d), kk = static_cast<int>(k);
      revenue[i] = static_cast<double>(r.count(kPurchases, dd, kk)) * r.prices[k];
      refunded[i] = static_cast<double>(r.count(kRefunds, dd, kk)) * r.prices[k];
      const double ex = static_cast<double>(r.count(kExperiences, dd, kk));
      rem[i] = ex > 0 ? r.sum(kRememberedSum, dd, kk) / ex : NAN;
      expd[i] = ex > 0 ? r.sum(kExperiencedSum, dd, kk) / ex : NAN;
      nps[i] =
          ex > 0 ? 100.0 * static_cast<double>(r.count(kPromoters, dd, kk) - r.count(kDetractors, dd, kk)) / ex : NAN;
    }
  dataset(ts, "revenue", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, revenue.data(), "purchases x price");
  dataset(ts, "refunded_amount", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, refunded.data(), "refunds x price");
  dataset(ts, "remembered_satisfaction", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, rem.data(),
          "mean peak-end remembered satisfaction of experiences completed that day (NaN: none)");
  dataset(ts, "experienced_satisfaction", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, expd.data(),
          "mean of the experiencing self (episode mean) (NaN: none)");
  dataset(ts, "nps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, nps.data(),
          "net promoter score of experiences completed that day (NaN: none)");
  dataset(ts, "aware", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K}, r.aware.data(), "agents aware at the end of the day");
  dataset(ts, "adopters", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K}, r.adopters.data(), "distinct buyers so far");
  dataset(ts, "rating_mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, r.rating_mean.data(),
          "displayed mean rating at the end of the day (0: no review yet)");
  dataset(ts, "rating_count", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K}, r.rating_count.data(), "reviews displayed");
  dataset(ts, "rating_histogram", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K, 5}, r.rating_hist.data(),
          "displayed reviews by stars (1..5) at the end of the day");
  dataset(ts, "experience_stars", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K, 5}, r.experience_stars.data(),
          "experiences completed that day by the stars their remembered satisfaction maps to (1..5), "
          "before self-selection and herding: the ratings every buyer would give");
}

void write_reviews(hid_t file, const Results& r) {
  Handle mem(H5Tcreate(H5T_COMPOUND, sizeof(ReviewRecord)), H5Tclose);
  H5Tinsert(mem, "day", HOFFSET(ReviewRecord, day), H5T_NATIVE_INT32);
  H5Tinsert(mem, "agent", HOFFSET(ReviewRecord, agent), H5T_NATIVE_UINT32);
  H5Tinsert(mem, "product", HOFFSET(ReviewRecord, product), H5T_NATIVE_INT16);
  H5Tinsert(mem, "stars", HOFFSET(ReviewRecord, stars), H5T_NATIVE_INT8);
  H5Tinsert(mem, "answered", HOFFSET(ReviewRecord, answered), H5T_NATIVE_INT8);
  Handle disk(H5Tcreate(H5T_COMPOUND, 12), H5Tclose);
  H5Tinsert(disk, "day", 0, H5T_STD_I32LE);
  H5Tinsert(disk, "agent", 4, H5T_STD_U32LE);
  H5Tinsert(disk, "product", 8, H5T_STD_I16LE);
  H5Tinsert(disk, "stars", 10, H5T_STD_I8LE);
  H5Tinsert(disk, "answered", 11, H5T_STD_I8LE);
  dataset(file, "reviews", disk, mem, {static_cast<hsize_t>(r.reviews.size())}, r.reviews.data(),
          "every review posted: day, agent, product index, stars 1-5, answered by the brand (0/1)");
}

// The HDF5 types of a column's elements.
template <class T>
std::pair<hid_t, hid_t> column_types() {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return {H5T_STD_U8LE, H5T_NATIVE_UINT8};
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return {H5T_STD_I8LE, H5T_NATIVE_INT8};
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return {H5T_STD_I32LE, H5T_NATIVE_INT32};
  else if constexpr (std::is_same_v<T, float>)
    return {H5T_IEEE_F32LE, H5T_NATIVE_FLOAT};
  else
    static_assert(sizeof(T) == 0, "a saved column's type needs its HDF5 types here");
}

// The final state of every agent: the columns marked saved, as they are (models/population.hpp),
// then the derived views of the last experience and of the per-product flags.
void write_agents(hid_t file, const World& w) {
  Handle g = group(file, "agents");
  const auto& p = w.pop;
  const hsize_t N = p.n, K = static_cast<hsize_t>(w.K);
  for_each_column(p, [&](const Column& c, const auto& v, const auto&) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    if constexpr (std::is_arithmetic_v<T>) {
      if (!c.saved) return;
      const auto [disk, mem] = column_types<T>();
      dataset(g, c.name, disk, mem, c.per_product ? std::vector<hsize_t>{N, K} : std::vector<hsize_t>{N}, v.data(),
              c.doc);
    }
  });
  std::vector<float> score(N);
  std::vector<std::int8_t> experienced(N);
  for (hsize_t i = 0; i < N; ++i) {
    const auto& e = p.shared[i];
    score[i] = e.product >= 0 ? e.score / 10.0f : NAN;
    experienced[i] = e.product;
  }
  dataset(g, "remembered_satisfaction", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {N}, score.data(),
          "of the last experience (NaN none)");
  dataset(g, "experienced_product", H5T_STD_I8LE, H5T_NATIVE_INT8, {N}, experienced.data(),
          "product of the last experience");
  std::vector<std::uint8_t> aware(N * K), lost(N * K), bought(N * K);
  for (hsize_t i = 0; i < N * K; ++i) {
    aware[i] = (p.pflags[i] & kAware) != 0;
    lost[i] = (p.pflags[i] & kLost) != 0;
    bought[i] = (p.pflags[i] & kBought) != 0;
  }
  dataset(g, "aware", H5T_STD_U8LE, H5T_NATIVE_UINT8, {N, K}, aware.data(), "aware of the product");
  dataset(g, "lost", H5T_STD_U8LE, H5T_NATIVE_UINT8, {N, K}, lost.data(), "brand lost forever");
  dataset(g, "bought", H5T_STD_U8LE, H5T_NATIVE_UINT8, {N, K}, bought.data(), "ever bought the product");
}

void write_run(hid_t file, const Results& r, const Kpis& k, const RunInfo& info, const World* agents,
               bool save_agents) {
  attr_string(file, "scenario", info.scenario_toml);
  attr_string(file, "scenario_path", info.scenario_path);
  attr_int(file, "seed", agents ? static_cast<long long>(agents->seed) : 0);
  attr_int(file, "replicate", agents ? static_cast<long long>(agents->replicate) : 0);
  attr_int(file, "agents", r.agents);
  attr_int(file, "days", r.days_done);
  {
    Handle g = group(file, "products");
    strings(g, "name", r.products);
    const hsize_t K = static_cast<hsize_t>(r.K);
    dataset(g, "price", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {K}, r.prices.data());
  }
  write_timeseries(file, r);
  {
    Handle g = group(file, "kpis");
    const hsize_t K = static_cast<hsize_t>(r.K);
    for (std::size_t i = 0; i < k.names.size(); ++i)
      dataset(g, k.names[i].c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {K}, k.values[i].data(),
              k.descriptions[i].c_str());
  }
  write_reviews(file, r);
  if (save_agents && agents && !agents->pop.segment.empty()) write_agents(file, *agents);
}

}  // namespace

std::string temporary_path(const std::string& path) { return path + ".tmp-" + std::to_string(::getpid()); }

// Temporary files of interrupted runs: TARGET.tmp-PID whose process is gone (killed with -9,
// or the machine went down) are removed, with a message naming each one.
void remove_stale_temporaries(const std::string& path) {
  std::error_code ec;
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  const std::string prefix = target.filename().string() + ".tmp-";
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::strtol(pid_text.c_str(), nullptr, 10);
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;  // still running
    std::error_code rm;
    if (fs::remove(e.path(), rm))
      std::fprintf(stderr, "motsim: removed %s, the unfinished temporary file of an interrupted run (process %ld)\n",
                   e.path().string().c_str(), pid);
  }
}

void check_output_path(const std::string& path, bool force) {
  std::error_code ec;
  if (path.empty()) throw InputError("error: empty output path");
  if (fs::is_directory(path, ec))
    throw InputError(path + ": error: output path is a directory; give a file name such as results/run.h5");
  // --force replaces an earlier results file, never anything else: a device such as /dev/null,
  // a FIFO or a symbolic link at the target is refused (the rename would replace it).
  const auto st = fs::symlink_status(path, ec);
  if (!ec && fs::exists(st) && !fs::is_regular_file(st)) {
    const char* kind = fs::is_symlink(st)                                   ? "a symbolic link"
                       : fs::is_fifo(st)                                    ? "a FIFO"
                       : fs::is_character_file(st) || fs::is_block_file(st) ? "a device"
                                                                            : "not a regular file";
    throw InputError(path + ": error: output path is " + std::string(kind) +
                     "; motsim writes results only to regular files (give another --out)");
  }
  if (path_exists(path) && !force)
    throw InputError(path +
                     ": error: results file already exists; use --force to overwrite it, or choose another name");
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec))
    throw InputError(path + ": error: output directory " + dir.string() + " does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw InputError(path + ": error: cannot write to directory " + dir.string() + " (" + std::strerror(errno) + ")");
  remove_stale_temporaries(path);
  // Create the temporary file once before any work, so that a name the file system refuses
  // (too long, a read-only or special file system) is reported now, not after the simulation.
  const std::string tmp = temporary_path(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) throw InputError(path + ": error: cannot create a file there (" + std::strerror(errno) + ")");
  ::close(fd);
  ::unlink(tmp.c_str());
}

void write_results(const std::string& path, bool force, const Results& r, const Kpis& k, const RunInfo& info,
                   const World* world, bool save_agents) {
  h5::write_atomically(path, force, "motsim-run-1", info.command_line,
                       [&](hid_t file) { write_run(file, r, k, info, world, save_agents); });
}

std::string write_failure(const std::string& path, const std::string& what) {
  std::error_code ec;
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const auto space = fs::space(dir, ec);
  std::string msg = "cannot write " + path + " (" + what + ")";
  if (!ec && space.capacity > 0 && space.available < (64u << 20))
    msg += ": the disk is full (" + std::to_string(space.available / 1024) + " KiB free in " + dir.string() + ")";
  return msg + "; the temporary file was removed and nothing was written to " + path +
         (path_exists(path) ? " (its earlier content is untouched)" : "");
}

namespace {
long long read_attr_int(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return -1;
  Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Handle sp(H5Aget_space(a), H5Sclose);
  if (H5Sget_simple_extent_npoints(sp) != 1) return -1;  // an array would overrun `v`
  Handle t(H5Aget_type(a), H5Tclose);
  if (H5Aget_storage_size(a) < H5Tget_size(t)) return -1;  // a damaged message: HDF5 would read past it
  long long v = -1;
  if (H5Aread(a, H5T_NATIVE_LLONG, &v) < 0) return -1;
  return v;
}
}  // namespace

std::string describe_results(const std::string& path) {
  Handle file = h5::open_for_reading(path);
  std::ostringstream o;
  const std::string fmt = read_attr_string(file, "format");
  if (fmt.rfind("motsim-", 0) != 0)
    throw InputError(path + ": error: not a motsim results file (no 'format' attribute)");
  o << path << "\n  format " << fmt << ", motsim " << read_attr_string(file, "motsim_version") << ", created "
    << read_attr_string(file, "created") << "\n";
  if (fmt == "motsim-run-1")
    o << "  scenario " << read_attr_string(file, "scenario_path") << ", seed " << read_attr_int(file, "seed")
      << ", replicate " << read_attr_int(file, "replicate") << ", " << read_attr_int(file, "agents") << " agents, "
      << read_attr_int(file, "days") << " days\n";
  else if (fmt == "motsim-sweep-1") {
    // A sweep has no single seed: its plan is in /sweep's attributes.
    Handle sw(h5::exists(file, "/sweep") ? H5Gopen2(file, "/sweep", H5P_DEFAULT) : -1, H5Gclose);
    if (sw < 0) throw InputError(path + ": error: no /sweep group (truncated or corrupt sweep file?)");
    o << "  sweep, design " << read_attr_string(sw, "design") << ": " << read_attr_int(sw, "points") << " points x "
      << read_attr_int(sw, "replicates") << " replicates = " << read_attr_int(sw, "runs") << " runs"
      << (read_attr_int(sw, "complete") == 1 ? "" : " (partial: a slice or an interrupted sweep)") << "\n";
  } else
    o << "  seed " << read_attr_int(file, "seed") << ", " << read_attr_int(file, "days") << " days\n";
  if (fmt == "motsim-compare-1") {
    try {
      const auto scen = h5::read_strings(file, "/scenarios/name");
      const auto kn = h5::read_strings(file, "/kpis/name");
      auto products = h5::read_strings(file, "/products/name");
      std::vector<hsize_t> dims;
      const auto mean = h5::read_doubles(file, "/kpis/mean", dims);
      const auto ci = h5::read_doubles(file, "/kpis/ci95", dims);
      const std::size_t S = scen.size(), J = kn.size(), K1 = products.size() + 1;
      if (mean.size() != S * J * K1 || ci.size() != mean.size()) throw h5::Error("/kpis/mean has an unexpected shape");
      o << "  compare of " << S << " scenarios x " << read_attr_int(file, "replicates")
        << " replicates; all products, mean +- 95% CI:\n\n";
      char line[256];
      std::snprintf(line, sizeof line, "  %-24s", "scenario");
      o << line;
      for (const char* k : {"units", "net_revenue", "refunds", "lost_customers"}) {
        std::snprintf(line, sizeof line, "%24s", k);
        o << line;
      }
      o << '\n';
      for (std::size_t sc = 0; sc < S; ++sc) {
        std::snprintf(line, sizeof line, "  %-24s", scen[sc].c_str());
        o << line;
        for (const char* k : {"units", "net_revenue", "refunds", "lost_customers"}) {
          const auto j = static_cast<std::size_t>(std::find(kn.begin(), kn.end(), k) - kn.begin());
          if (j >= J) throw h5::Error(std::string("no KPI ") + k);
          const std::size_t i = (sc * J + j) * K1 + (K1 - 1);
          std::snprintf(line, sizeof line, "%24s",
                        (std::to_string(std::llround(mean[i])) + " +- " + std::to_string(std::llround(ci[i]))).c_str());
          o << line;
        }
        o << '\n';
      }
    } catch (const h5::Error& e) {
      throw InputError(path + ": error: " + e.what() + " (truncated or corrupt compare file?)");
    }
    return o.str();
  }
  if (fmt != "motsim-run-1") return o.str();
  Results r;
  Kpis k;
  try {
    r.products = h5::read_strings(file, "/products/name");
    r.K = static_cast<int>(r.products.size());
    for (const auto& ck : compare_kpis()) {  // the KPIs a strategist compares
      std::vector<hsize_t> dims;
      auto v = h5::read_doubles(file, std::string("/kpis/") + ck.name, dims);
      if (v.size() != r.products.size())
        throw h5::Error(std::string("/kpis/") + ck.name + " does not match the product count");
      k.names.push_back(ck.name);
      k.values.push_back(std::move(v));
    }
  } catch (const h5::Error& e) {
    throw InputError(path + ": error: " + e.what() + " (truncated or corrupt results file?)");
  }
  o << '\n' << format_kpi_table(r, k);
  return o.str();
}

}  // namespace motsim
