#include "sim/io/export.hpp"
#include "sim/core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
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

// Why --force may not replace the CSV file at `path`, or empty when it may: a regular file whose
// first line is the header motsim writes there (it begins with the columns `lead`).
std::string why_not_motsim_csv(const std::string& path, const std::string& lead) {
  std::error_code ec;
  const auto st = fs::symlink_status(path, ec);
  if (ec || !fs::exists(st)) return "it does not exist";
  if (fs::is_symlink(st)) return "a symbolic link";
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat fst {};
  if (fd < 0 || ::fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode)) {
    if (fd >= 0) ::close(fd);
    return fd < 0 ? std::string("cannot be read (") + std::strerror(errno) + ")" : "not a regular file";
  }
  char head[4096];
  const ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  std::string first(head, n > 0 ? static_cast<std::size_t>(n) : 0);
  first = first.substr(0, first.find_first_of("\r\n"));
  if (first == lead || first.rfind(lead + ",", 0) == 0) return "";
  return "its first line is not the header motsim writes there, " + lead + "...";
}

// CSV files written to temporary names, moved into place together when every one is complete.
// Never over one of the files read (`inputs`), and with --force only over motsim's own CSV files.
class CsvSet {
 public:
  CsvSet(std::string dir, bool force, std::vector<std::string> inputs)
      : dir_(std::move(dir)), force_(force), inputs_(std::move(inputs)) {}
  ~CsvSet() {
    for (auto& f : files_) {
      std::error_code ec;
      fs::remove(f.tmp, ec);
    }
  }
  // Opens NAME's temporary file and writes `lead`, the first columns of its header.
  std::ofstream& open(const std::string& name, const std::string& lead) {
    const std::string final = (fs::path(dir_) / name).string();
    refuse_input_as_output(final, inputs_);
    std::error_code ec;
    if (fs::exists(fs::symlink_status(final, ec))) {
      if (const std::string why = why_not_motsim_csv(final, lead); !why.empty())
        throw InputError(final + ": error: a file that is not one of motsim's CSV files is there (" + why +
                         "); motsim never replaces it, not even with --force: choose another directory");
      if (!force_)
        throw InputError(final + ": error: file already exists; use --force to overwrite or choose another directory");
    }
    remove_stale_temporaries(final);  // FILE.csv.tmp-PID left by an export killed with -9
    files_.push_back({temporary_path(final), final, lead});
    streams_.emplace_back(std::make_unique<std::ofstream>(files_.back().tmp));
    if (!*streams_.back()) throw InputError(final + ": error: cannot write");
    *streams_.back() << lead;
    return *streams_.back();
  }
  std::vector<std::string> commit() {
    for (auto& s : streams_) {
      s->flush();
      if (!*s) throw std::runtime_error("cannot write the CSV files in " + dir_ + " (disk full?)");
      s->close();
    }
    std::vector<std::string> written;
    std::string clashes;  // files that could not take their place: each kept under a name of its own
    for (auto& f : files_) {
      try {
        move_into_place(f.tmp, f.final, force_, [&](const std::string& p) { return why_not_motsim_csv(p, f.lead); });
        written.push_back(f.final);
      } catch (const InputError& e) {
        clashes += (clashes.empty() ? "" : "; and ") + std::string(e.what());
      }
    }
    if (!clashes.empty()) {
      std::string done;
      for (const auto& w : written) done += " " + w;
      throw InputError(clashes + (done.empty() ? std::string() : "; written:" + done));
    }
    files_.clear();
    return written;
  }

 private:
  struct File {
    std::string tmp, final, lead;
  };
  std::string dir_;
  bool force_;
  std::vector<std::string> inputs_;
  std::vector<File> files_;
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
  auto& ts = csv.open("timeseries.csv", "day,product");
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
  auto& kp = csv.open("kpis.csv", "product");
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
  auto& rv = csv.open("reviews.csv", "day,agent,product,stars,answered");
  rv << '\n';
  for (std::size_t i = 0; i < r.day.size(); ++i) {
    const double pk = r.product[i];  // a damaged file may hold any index: convert only one in range
    const bool named = pk >= 0 && pk < static_cast<double>(f.products.size());
    rv << num(r.day[i]) << ',' << num(r.agent[i]) << ','
       << (named ? quote(f.products[static_cast<std::size_t>(pk)]) : num(pk)) << ',' << num(r.stars[i]) << ','
       << num(r.answered[i]) << '\n';
  }
}

// campaigns.csv (only when the run had campaigns): one row per day and campaign, with its
// product, media channel, exposures and spend.
void write_campaigns_csv(const RunFile& f, CsvSet& csv) {
  const CampaignColumns& c = f.campaigns;
  const std::size_t C = c.product.size(), D = f.day.size();
  if (C == 0) return;
  auto& cp = csv.open("campaigns.csv", "day,campaign,product,channel,exposures,spend");
  cp << '\n';
  for (std::size_t d = 0; d < D; ++d)
    for (std::size_t i = 0; i < C; ++i) {
      const double pk = c.product[i];
      const bool named = pk >= 0 && pk < static_cast<double>(f.products.size());
      cp << num(f.day[d]) << ',' << i << ',' << (named ? quote(f.products[static_cast<std::size_t>(pk)]) : num(pk))
         << ',' << (c.channel.empty() ? std::string() : quote(c.channel[i])) << ',' << num(c.exposures[d * C + i])
         << ',' << num(c.spend[d * C + i]) << '\n';
    }
}

void export_run(const std::string& path, CsvSet& csv) {
  const RunFile f = read_run_file(path);
  write_timeseries_csv(f, csv);
  write_kpis_csv(f, csv);
  write_reviews_csv(f, csv);
  write_campaigns_csv(f, csv);
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
  auto& rr = csv.open("runs.csv", "scenario,replicate,product");
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
  auto& sm = csv.open("summary.csv", "scenario,product,kpi,mean,ci95_low,ci95_high");
  sm << '\n';
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
  auto& df = csv.open("differences.csv", "variant,base,product,kpi,difference,ci95_low,ci95_high,relative,significant");
  df << '\n';
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
  auto& se = csv.open("series.csv", "scenario,day,product");
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
  auto& st = csv.open("stars.csv", "scenario,product,stars,displayed_reviews,experiences");
  st << '\n';
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t k = 0; k < K; ++k)
      for (std::size_t b = 0; b < 5; ++b) {
        const std::size_t i = (s * K + k) * 5 + b;
        st << quote(c.scenario_names[s]) << ',' << quote(c.products[k]) << ',' << b + 1 << ','
           << num(c.displayed_stars[i]) << ',' << num(c.experience_stars[i]) << '\n';
      }
}

// economics.csv: each variant's incremental profit and spend, ROI and payback day per product.
void write_economics_csv(const CompareFile& c, CsvSet& csv) {
  const auto products = kpi_columns_of(c);
  const auto& scen = c.scenario_names;
  const std::size_t K1 = products.size();
  auto& ec = csv.open("economics.csv", "variant,base,product,incremental_profit");
  ec << ",profit_ci95_low,profit_ci95_high,incremental_spend,spend_ci95_low,spend_ci95_high,roi,payback_day\n";
  for (std::size_t s = 1; s < scen.size(); ++s)
    for (std::size_t k = 0; k < K1; ++k) {
      const std::size_t i = (s - 1) * K1 + k;
      const double p = c.incremental_profit[i], pc = c.incremental_profit_ci95[i];
      const double sp = c.incremental_spend[i], sc = c.incremental_spend_ci95[i];
      ec << quote(scen[s]) << ',' << quote(scen[0]) << ',' << quote(products[k]) << ',' << num(p) << ',' << num(p - pc)
         << ',' << num(p + pc) << ',' << num(sp) << ',' << num(sp - sc) << ',' << num(sp + sc) << ',' << num(c.roi[i])
         << ',' << num(c.payback_day[i]) << '\n';
    }
}

// kpis.csv: each KPI and which way is good (+1 higher, -1 lower, 0 neither).
void write_compare_kpis_csv(const CompareFile& c, CsvSet& csv) {
  auto& kp = csv.open("kpis.csv", "kpi,good");
  kp << '\n';
  for (std::size_t j = 0; j < c.kpi_names.size(); ++j) kp << c.kpi_names[j] << ',' << num(c.kpi_good[j]) << '\n';
}

// levers.csv: per variant, the keys in which it differs from the base, and both values.
void write_levers_csv(const CompareFile& c, CsvSet& csv) {
  const CompareLevers& l = c.levers;
  auto& lv = csv.open("levers.csv", "variant,base,key,base_value,variant_value");
  lv << '\n';
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
  auto& at = csv.open("attribution.csv", "variant,base,lever,product,kpi,shapley");
  at << ",ci95_low,ci95_high,sampling_se,main_effect,total,interaction\n";
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
  if (c.has_stars) write_stars_csv(c, csv);          // files written before /stars existed have none
  if (c.has_economics) write_economics_csv(c, csv);  // nor /economics, nor /kpis/good
  if (!c.kpi_good.empty()) write_compare_kpis_csv(c, csv);
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
  CsvSet csv(dir, force, {path});
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
