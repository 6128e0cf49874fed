#include "sim/io/export.hpp"
#include "sim/core/files.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/core/errors.hpp"
#include "sim/io/compare_file.hpp"
#include "sim/io/h5util.hpp"
#include "sim/io/output.hpp"
#include "sim/io/run_file.hpp"

namespace fs = std::filesystem;

namespace motsim {
namespace {

std::string format_of(const std::string& path) {
  h5::Handle f = h5::open_for_reading(path);
  return h5::read_attr_string(f, "format");
}

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

// timeseries.csv: one row per day and product, one column per [D, K] series, plus the star
// histograms as stars_1..stars_5 and experience_stars_1..5.
void write_timeseries_csv(const RunFile& f, CsvSet& csv) {
  const std::size_t D = f.day.size(), K = f.products.size();
  std::vector<std::string> names;
  std::vector<std::vector<double>> cols;
  for (const auto& s : f.timeseries) {
    if (s.bins == 0) {
      names.push_back(s.name);
      cols.push_back(s.values);
      continue;
    }
    const std::string prefix = s.name == "rating_histogram" ? "stars" : s.name;
    for (std::size_t b = 0; b < s.bins; ++b) {
      names.push_back(prefix + "_" + std::to_string(b + 1));
      std::vector<double> c(D * K);
      for (std::size_t i = 0; i < D * K; ++i) c[i] = s.values[i * s.bins + b];
      cols.push_back(std::move(c));
    }
  }
  auto& ts = csv.open("timeseries.csv");
  ts << "day,product";
  for (auto& n : names) ts << ',' << n;
  ts << '\n';
  for (std::size_t d = 0; d < D; ++d)
    for (std::size_t k = 0; k < K; ++k) {
      ts << num(f.day[d]) << ',' << quote(f.products[k]);
      for (auto& c : cols) ts << ',' << num(c[d * K + k]);
      ts << '\n';
    }
}

// kpis.csv: one row per product, one column per KPI.
void write_kpis_csv(const RunFile& f, CsvSet& csv) {
  auto& kp = csv.open("kpis.csv");
  kp << "product";
  for (auto& n : f.kpi_names) kp << ',' << n;
  kp << '\n';
  for (std::size_t k = 0; k < f.products.size(); ++k) {
    kp << quote(f.products[k]);
    for (auto& v : f.kpi_values) kp << ',' << num(v[k]);
    kp << '\n';
  }
}

// reviews.csv: one row per review, the product by name.
void write_reviews_csv(const RunFile& f, CsvSet& csv) {
  const ReviewColumns& r = f.reviews;
  auto& rv = csv.open("reviews.csv");
  rv << "day,agent,product,stars,answered\n";
  for (std::size_t i = 0; i < r.day.size(); ++i) {
    const double pk = r.product[i];  // a damaged file may hold any index: convert only one in range
    const bool named = pk >= 0 && pk < static_cast<double>(f.products.size());
    rv << num(r.day[i]) << ',' << num(r.agent[i]) << ','
       << (named ? quote(f.products[static_cast<std::size_t>(pk)]) : num(pk)) << ',' << num(r.stars[i]) << ','
       << num(r.answered[i]) << '\n';
  }
}

void export_run(const std::string& path, CsvSet& csv) {
  const RunFile f = read_run_file(path);
  write_timeseries_csv(f, csv);
  write_kpis_csv(f, csv);
  write_reviews_csv(f, csv);
}

// The product columns of a compare file's KPIs: the products, then all products together.
std::vector<std::string> kpi_columns_of(const CompareFile& c) {
  std::vector<std::string> p = c.products;
  p.push_back("all products");
  return p;
}

// runs.csv: one row per scenario, replicate and product, one column per KPI.
void write_runs_csv(const CompareFile& c, CsvSet& csv) {
  const auto products = kpi_columns_of(c);
  const std::size_t S = c.scenario_names.size(), R = c.runs_per_scenario, J = c.kpi_names.size(), K1 = products.size();
  auto& rr = csv.open("runs.csv");
  rr << "scenario,replicate,product";
  for (auto& k : c.kpi_names) rr << ',' << k;
  rr << '\n';
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t k = 0; k < K1; ++k) {
        rr << quote(c.scenario_names[s]) << ',' << r << ',' << quote(products[k]);
        for (std::size_t j = 0; j < J; ++j) rr << ',' << num(c.runs[((s * R + r) * J + j) * K1 + k]);
        rr << '\n';
      }
}

// summary.csv: mean and 95% interval per scenario, product and KPI.
void write_summary_csv(const CompareFile& c, CsvSet& csv) {
  const auto products = kpi_columns_of(c);
  const std::size_t S = c.scenario_names.size(), J = c.kpi_names.size(), K1 = products.size();
  auto& sm = csv.open("summary.csv");
  sm << "scenario,product,kpi,mean,ci95_low,ci95_high\n";
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t k = 0; k < K1; ++k)
      for (std::size_t j = 0; j < J; ++j) {
        const std::size_t i = (s * J + j) * K1 + k;
        sm << quote(c.scenario_names[s]) << ',' << quote(products[k]) << ',' << c.kpi_names[j] << ',' << num(c.mean[i])
           << ',' << num(c.mean[i] - c.ci95[i]) << ',' << num(c.mean[i] + c.ci95[i]) << '\n';
      }
}

// differences.csv: each variant's paired difference from the base.
void write_differences_csv(const CompareFile& c, CsvSet& csv) {
  const auto products = kpi_columns_of(c);
  const auto& scen = c.scenario_names;
  const std::size_t S = scen.size(), J = c.kpi_names.size(), K1 = products.size();
  auto& df = csv.open("differences.csv");
  df << "variant,base,product,kpi,difference,ci95_low,ci95_high,relative,significant\n";
  for (std::size_t s = 1; s < S; ++s)
    for (std::size_t k = 0; k < K1; ++k)
      for (std::size_t j = 0; j < J; ++j) {
        const std::size_t i = ((s - 1) * J + j) * K1 + k;
        const double dm = c.diff_mean[i], dc = c.diff_ci95[i];
        df << quote(scen[s]) << ',' << quote(scen[0]) << ',' << quote(products[k]) << ',' << c.kpi_names[j] << ','
           << num(dm) << ',' << num(dm - dc) << ',' << num(dm + dc) << ',' << num(c.diff_relative[i]) << ','
           << num(c.diff_significant[i]) << '\n';
      }
}

// series.csv: one row per scenario, day and product, one column per series.
void write_series_csv(const CompareFile& c, CsvSet& csv) {
  const std::size_t S = c.scenario_names.size(), D = c.series_days, K = c.products.size();
  auto& se = csv.open("series.csv");
  se << "scenario,day,product";
  for (auto& n : c.series_names) se << ',' << n;
  se << '\n';
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t d = 0; d < D; ++d)
      for (std::size_t k = 0; k < K; ++k) {
        se << quote(c.scenario_names[s]) << ',' << d << ',' << quote(c.products[k]);
        for (auto& v : c.series) se << ',' << num(v[(s * D + d) * K + k]);
        se << '\n';
      }
}

// stars.csv: the star histograms per scenario and product.
void write_stars_csv(const CompareFile& c, CsvSet& csv) {
  const std::size_t S = c.scenario_names.size(), K = c.products.size();
  auto& st = csv.open("stars.csv");
  st << "scenario,product,stars,displayed_reviews,experiences\n";
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t k = 0; k < K; ++k)
      for (std::size_t b = 0; b < 5; ++b) {
        const std::size_t i = (s * K + k) * 5 + b;
        st << quote(c.scenario_names[s]) << ',' << quote(c.products[k]) << ',' << b + 1 << ','
           << num(c.displayed_stars[i]) << ',' << num(c.experience_stars[i]) << '\n';
      }
}

// levers.csv: per variant, the keys in which it differs from the base, and both values.
void write_levers_csv(const CompareFile& c, CsvSet& csv) {
  const CompareLevers& l = c.levers;
  auto& lv = csv.open("levers.csv");
  lv << "variant,base,key,base_value,variant_value\n";
  for (std::size_t i = 0; i < l.key.size(); ++i)
    lv << quote(c.scenario_names[static_cast<std::size_t>(l.scenario[i])]) << ',' << quote(c.scenario_names[0]) << ','
       << quote(l.key[i]) << ',' << quote(l.base[i]) << ',' << quote(l.variant[i]) << '\n';
}

// attribution.csv: each lever's Shapley value per product and KPI, with the total and the
// interaction of that product and KPI repeated on each lever's row.
void write_attribution_csv(const CompareFile& c, CsvSet& csv) {
  const CompareAttribution& a = c.attribution;
  const auto products = kpi_columns_of(c);
  const std::size_t L = a.levers.size(), J = c.kpi_names.size(), K1 = products.size();
  auto& at = csv.open("attribution.csv");
  at << "variant,base,lever,product,kpi,shapley,ci95_low,ci95_high,sampling_se,main_effect,total,interaction\n";
  for (std::size_t l = 0; l < L; ++l)
    for (std::size_t k = 0; k < K1; ++k)
      for (std::size_t j = 0; j < J; ++j) {
        const std::size_t i = (l * J + j) * K1 + k, t = j * K1 + k;
        const double v = a.shapley[i], h = a.shapley_ci95[i];
        at << quote(c.scenario_names.back()) << ',' << quote(c.scenario_names[0]) << ',' << quote(a.levers[l]) << ','
           << quote(products[k]) << ',' << c.kpi_names[j] << ',' << num(v) << ',' << num(v - h) << ',' << num(v + h)
           << ',' << num(a.shapley_se[i]) << ',' << num(a.main_effect[i]) << ',' << num(a.total[t]) << ','
           << num(a.interaction[t]) << '\n';
      }
}

void export_compare(const std::string& path, CsvSet& csv) {
  const CompareFile c = read_compare_file(path);
  write_runs_csv(c, csv);
  write_summary_csv(c, csv);
  write_differences_csv(c, csv);
  write_series_csv(c, csv);
  if (c.has_stars) write_stars_csv(c, csv);  // files written before /stars existed have none
  if (c.has_levers) write_levers_csv(c, csv);
  if (c.has_attribution) write_attribution_csv(c, csv);  // compare --attribute
}

}  // namespace

std::vector<std::string> export_csv(const std::string& path, const std::string& dir, bool force) {
  const std::string fmt = format_of(path);
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
      export_run(path, csv);
    else
      export_compare(path, csv);
  } catch (const h5::Error& e) {
    throw InputError(path + ": error: " + e.what() + " (not a complete motsim file?)");
  }
  auto written = csv.commit();
  cleanup.armed = false;
  return written;
}

}  // namespace motsim
