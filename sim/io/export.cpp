#include "sim/io/export.hpp"
#include "sim/core/files.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/core/errors.hpp"
#include "sim/io/h5io.hpp"
#include "sim/io/h5util.hpp"

namespace fs = std::filesystem;

namespace motsim {
namespace {

using h5::Handle;

std::string num(double v) {
  if (std::isnan(v)) return "";
  char b[40];
  if (v == std::floor(v) && std::abs(v) < 1e15)
    std::snprintf(b, sizeof b, "%.0f", v);
  else
    std::snprintf(b, sizeof b, "%.10g", v);
  return b;
}

std::string quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// CSV files written to temporary names, renamed together when every one is complete.
class CsvSet {
 public:
  CsvSet(std::string dir, bool force) : dir_(std::move(dir)), force_(force) {}
  ~CsvSet() {
    for (auto& [tmp, final] : files_) {
      std::error_code ec;
      fs::remove(tmp, ec);
    }
  }
  std::ofstream& open(const std::string& name) {
    const std::string final = (fs::path(dir_) / name).string();
    if (!force_ && path_exists(final))
      throw InputError(final + ": error: file already exists; use --force to overwrite or choose another directory");
    remove_stale_temporaries(final);  // FILE.csv.tmp-PID left by an export killed with -9
    const std::string tmp = temporary_path(final);
    files_.emplace_back(tmp, final);
    streams_.emplace_back(std::make_unique<std::ofstream>(tmp));
    if (!*streams_.back()) throw InputError(final + ": error: cannot write");
    return *streams_.back();
  }
  std::vector<std::string> commit() {
    std::vector<std::string> written;
    for (auto& s : streams_) {
      s->flush();
      if (!*s) throw std::runtime_error("cannot write the CSV files in " + dir_ + " (disk full?)");
      s->close();
    }
    for (auto& [tmp, final] : files_) {
      fs::rename(tmp, final);
      written.push_back(final);
    }
    files_.clear();
    return written;
  }

 private:
  std::string dir_;
  bool force_;
  std::vector<std::pair<std::string, std::string>> files_;
  std::vector<std::unique_ptr<std::ofstream>> streams_;
};

void export_run(hid_t f, CsvSet& csv) {
  const auto products = h5::read_strings(f, "/products/name");
  const std::size_t K = products.size();
  std::vector<hsize_t> dims;
  const auto day = h5::read_doubles(f, "/timeseries/day", dims);
  const std::size_t D = day.size();
  // timeseries.csv: one row per day and product, one column per [D, K] series, plus the star
  // histograms as stars_1..stars_5 and experience_stars_1..5.
  std::vector<std::string> names;
  std::vector<std::vector<double>> cols;
  for (const auto& m : h5::members(f, "/timeseries")) {
    if (m == "day") continue;
    auto v = h5::read_doubles(f, "/timeseries/" + m, dims);
    if (dims.size() == 2 && dims[0] == D && dims[1] == K) {
      names.push_back(m);
      cols.push_back(std::move(v));
    } else if (dims.size() == 3 && dims[0] == D && dims[1] == K && dims[2] == 5) {
      const std::string prefix = m == "rating_histogram" ? "stars" : m;
      for (int s = 0; s < 5; ++s) {
        names.push_back(prefix + "_" + std::to_string(s + 1));
        std::vector<double> c(D * K);
        for (std::size_t i = 0; i < D * K; ++i) c[i] = v[i * 5 + s];
        cols.push_back(std::move(c));
      }
    } else {
      throw h5::Error("/timeseries/" + m + " has an unexpected shape");
    }
  }
  auto& ts = csv.open("timeseries.csv");
  ts << "day,product";
  for (auto& n : names) ts << ',' << n;
  ts << '\n';
  for (std::size_t d = 0; d < D; ++d)
    for (std::size_t k = 0; k < K; ++k) {
      ts << num(day[d]) << ',' << quote(products[k]);
      for (auto& c : cols) ts << ',' << num(c[d * K + k]);
      ts << '\n';
    }
  auto& kp = csv.open("kpis.csv");
  const auto kn = h5::members(f, "/kpis");
  kp << "product";
  std::vector<std::vector<double>> kv;
  for (auto& n : kn) {
    kp << ',' << n;
    kv.push_back(h5::read_doubles(f, "/kpis/" + n, dims));
    if (kv.back().size() != K) throw h5::Error("/kpis/" + n + " does not match the products");
  }
  kp << '\n';
  for (std::size_t k = 0; k < K; ++k) {
    kp << quote(products[k]);
    for (auto& v : kv) kp << ',' << num(v[k]);
    kp << '\n';
  }
  // reviews.csv, read column by column from the compound table.
  auto& rv = csv.open("reviews.csv");
  rv << "day,agent,product,stars,answered\n";
  if (!h5::exists(f, "/reviews")) throw h5::Error("no dataset /reviews");
  Handle ds(H5Dopen2(f, "/reviews", H5P_DEFAULT), H5Dclose);
  Handle sp(H5Dget_space(ds), H5Sclose);
  hsize_t n = 0;
  if (H5Sget_simple_extent_ndims(sp) != 1) throw h5::Error("/reviews is not a table");
  H5Sget_simple_extent_dims(sp, &n, nullptr);
  const char* fields[] = {"day", "agent", "product", "stars", "answered"};
  std::vector<std::vector<double>> fcols;
  for (const char* field : fields) {
    Handle mt(H5Tcreate(H5T_COMPOUND, sizeof(double)), H5Tclose);
    H5Tinsert(mt, field, 0, H5T_NATIVE_DOUBLE);
    std::vector<double> c(n);
    if (n && H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.data()) < 0)
      throw h5::Error(std::string("cannot read /reviews field ") + field);
    fcols.push_back(std::move(c));
  }
  for (hsize_t i = 0; i < n; ++i) {
    const double pk = fcols[2][i];  // a damaged file may hold any index: convert only one in range
    const bool named = pk >= 0 && pk < static_cast<double>(K);
    rv << num(fcols[0][i]) << ',' << num(fcols[1][i]) << ','
       << (named ? quote(products[static_cast<std::size_t>(pk)]) : num(pk)) << ',' << num(fcols[3][i]) << ','
       << num(fcols[4][i]) << '\n';
  }
}

void export_compare(hid_t f, CsvSet& csv) {
  const auto scen = h5::read_strings(f, "/scenarios/name");
  auto products = h5::read_strings(f, "/products/name");
  products.push_back("all products");
  const auto kn = h5::read_strings(f, "/kpis/name");
  const std::size_t S = scen.size(), K1 = products.size(), J = kn.size();
  std::vector<hsize_t> dims;
  const auto runs = h5::read_doubles(f, "/kpis/runs", dims);
  if (dims.size() != 4 || dims[0] != S || dims[2] != J || dims[3] != K1)
    throw h5::Error("/kpis/runs has an unexpected shape");
  const std::size_t R = dims[1];
  auto& rr = csv.open("runs.csv");
  rr << "scenario,replicate,product";
  for (auto& k : kn) rr << ',' << k;
  rr << '\n';
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t k = 0; k < K1; ++k) {
        rr << quote(scen[s]) << ',' << r << ',' << quote(products[k]);
        for (std::size_t j = 0; j < J; ++j) rr << ',' << num(runs[((s * R + r) * J + j) * K1 + k]);
        rr << '\n';
      }
  const auto mean = h5::read_doubles(f, "/kpis/mean", dims), ci = h5::read_doubles(f, "/kpis/ci95", dims);
  if (mean.size() != S * J * K1 || ci.size() != mean.size()) throw h5::Error("/kpis/mean has an unexpected shape");
  auto& sm = csv.open("summary.csv");
  sm << "scenario,product,kpi,mean,ci95_low,ci95_high\n";
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t k = 0; k < K1; ++k)
      for (std::size_t j = 0; j < J; ++j) {
        const std::size_t i = (s * J + j) * K1 + k;
        sm << quote(scen[s]) << ',' << quote(products[k]) << ',' << kn[j] << ',' << num(mean[i]) << ','
           << num(mean[i] - ci[i]) << ',' << num(mean[i] + ci[i]) << '\n';
      }
  const auto dm = h5::read_doubles(f, "/kpis/diff_mean", dims), dc = h5::read_doubles(f, "/kpis/diff_ci95", dims),
             dr = h5::read_doubles(f, "/kpis/diff_relative", dims),
             dsig = h5::read_doubles(f, "/kpis/diff_significant", dims);
  const std::size_t ndiff = S > 0 ? (S - 1) * J * K1 : 0;
  if (dm.size() != ndiff || dc.size() != ndiff || dr.size() != ndiff || dsig.size() != ndiff)
    throw h5::Error("/kpis/diff_* have an unexpected shape");
  auto& df = csv.open("differences.csv");
  df << "variant,base,product,kpi,difference,ci95_low,ci95_high,relative,significant\n";
  for (std::size_t s = 1; s < S; ++s)
    for (std::size_t k = 0; k < K1; ++k)
      for (std::size_t j = 0; j < J; ++j) {
        const std::size_t i = ((s - 1) * J + j) * K1 + k;
        df << quote(scen[s]) << ',' << quote(scen[0]) << ',' << quote(products[k]) << ',' << kn[j] << ',' << num(dm[i])
           << ',' << num(dm[i] - dc[i]) << ',' << num(dm[i] + dc[i]) << ',' << num(dr[i]) << ',' << num(dsig[i])
           << '\n';
      }
  auto& se = csv.open("series.csv");
  const auto sn = h5::members(f, "/series");
  std::vector<std::vector<double>> sv;
  std::size_t D = 0;
  for (auto& n : sn) {
    sv.push_back(h5::read_doubles(f, "/series/" + n, dims));
    if (dims.size() != 3 || dims[0] != S || dims[2] != K1 - 1 || (sv.size() > 1 && dims[1] != D))
      throw h5::Error("/series/" + n + " has an unexpected shape");
    D = dims[1];
  }
  se << "scenario,day,product";
  for (auto& n : sn) se << ',' << n;
  se << '\n';
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t d = 0; d < D; ++d)
      for (std::size_t k = 0; k + 1 < K1; ++k) {
        se << quote(scen[s]) << ',' << d << ',' << quote(products[k]);
        for (auto& v : sv) se << ',' << num(v[(s * D + d) * (K1 - 1) + k]);
        se << '\n';
      }
  // Star histograms (files written before /stars existed have none).
  if (h5::exists(f, "/stars")) {
    const auto disp = h5::read_doubles(f, "/stars/displayed", dims);
    if (dims.size() != 3 || dims[0] != S || dims[1] != K1 - 1 || dims[2] != 5)
      throw h5::Error("/stars/displayed has an unexpected shape");
    const auto expe = h5::read_doubles(f, "/stars/experience", dims);
    if (expe.size() != disp.size()) throw h5::Error("/stars/experience has an unexpected shape");
    auto& st = csv.open("stars.csv");
    st << "scenario,product,stars,displayed_reviews,experiences\n";
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t k = 0; k + 1 < K1; ++k)
        for (std::size_t b = 0; b < 5; ++b) {
          const std::size_t i = (s * (K1 - 1) + k) * 5 + b;
          st << quote(scen[s]) << ',' << quote(products[k]) << ',' << b + 1 << ',' << num(disp[i]) << ','
             << num(expe[i]) << '\n';
        }
  }
}

}  // namespace

std::vector<std::string> export_csv(const std::string& path, const std::string& dir, bool force) {
  Handle f = h5::open_for_reading(path);
  const std::string fmt = h5::read_attr_string(f, "format");
  if (fmt != "motsim-run-1" && fmt != "motsim-compare-1")
    throw InputError(path + ": error: not a motsim run or compare file (format '" + fmt + "')");
  std::error_code ec;
  if (path_exists(dir) && !fs::is_directory(dir, ec)) throw InputError(dir + ": error: exists and is not a directory");
  const fs::path created = first_missing_directory(dir);
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir + ": error: cannot create the directory (" + ec.message() + ")");
  // Directories made for this export do not outlive a failed one (removed while empty).
  struct RemoveIfFailed {
    fs::path dir, top;
    bool armed;
    ~RemoveIfFailed() {
      if (armed) remove_empty_directories(dir, top);
    }
  } cleanup{dir, created, true};
  CsvSet csv(dir, force);
  try {
    if (fmt == "motsim-run-1")
      export_run(f, csv);
    else
      export_compare(f, csv);
  } catch (const h5::Error& e) {
    throw InputError(path + ": error: " + e.what() + " (not a complete motsim file?)");
  }
  auto written = csv.commit();
  cleanup.armed = false;
  return written;
}

}  // namespace motsim
