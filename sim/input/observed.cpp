#include "sim/input/observed.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "sim/core/errors.hpp"
#include "sim/core/input_file.hpp"
#include "sim/input/scenario.hpp"

namespace motsim {

const std::vector<std::string>& observed_series_names() {
  static const std::vector<std::string> v = {"units",   "revenue", "reviews", "rating_mean",  "stars_1",  "stars_2",
                                             "stars_3", "stars_4", "stars_5", "market_share", "awareness"};
  return v;
}

bool observed_is_volume(const std::string& s) {
  return s == "units" || s == "revenue" || s == "reviews" || s.rfind("stars_", 0) == 0;
}

bool parse_iso_date(const std::string& s, long& days) {
  int y = 0;
  unsigned m = 0, d = 0;
  char dash1 = 0, dash2 = 0;
  std::istringstream in(s);
  if (s.size() != 10 || !(in >> y >> dash1 >> m >> dash2 >> d) || dash1 != '-' || dash2 != '-') return false;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return false;
  days = std::chrono::sys_days(ymd).time_since_epoch().count();
  return true;
}

std::pair<long, long> period_span(const std::string& kind, int period, long start_days) {
  if (kind == "week") return {7L * period, 7L * period + 7};
  if (kind != "month") return {period, period + 1};
  namespace c = std::chrono;
  const c::year_month_day s{c::sys_days{c::days{start_days}}};
  const c::year_month_day m1{s.year() / s.month() / 1};
  const long from = c::sys_days{m1 + c::months{period}}.time_since_epoch().count();
  const long to = c::sys_days{m1 + c::months{period + 1}}.time_since_epoch().count();
  return {std::max<long>(0, from - start_days), to - start_days};
}

long start_days_of(const std::string& start_date) {
  long start = 0;
  if (!start_date.empty() && !parse_iso_date(start_date, start))
    throw InputError("data.start_date = \"" + start_date + "\": error: not an ISO date (YYYY-MM-DD)");
  return start;
}

namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  bool quoted = false;
  for (char c : line) {
    if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted) {
      out.push_back(cell);
      cell.clear();
    } else if (c != '\r')
      cell += c;
  }
  out.push_back(cell);
  for (auto& x : out) {  // surrounding blanks are not part of a value
    const auto b = x.find_first_not_of(" \t"), e = x.find_last_not_of(" \t");
    x = b == std::string::npos ? "" : x.substr(b, e - b + 1);
  }
  return out;
}

struct Reader {
  const std::string& path;
  const std::vector<std::string>& products;
  int horizon;
  long start = 0;
  bool has_start = false;

  InputError fail(int line, int col, const std::string& column, const std::string& msg) const {
    std::ostringstream o;
    o << path << ':' << line << ':' << col << ": error: column '" << column << "': " << msg;
    return InputError(o.str());
  }
};

// The days [first, end) of a period value; throws for a bad or out-of-horizon period.
std::pair<int, int> period_days(const Reader& r, const std::string& kind, const std::string& v, int line, int col) {
  long first = 0, end = 0;
  char* stop = nullptr;
  const long n = std::strtol(v.c_str(), &stop, 10);
  const bool integer = !v.empty() && *stop == '\0';
  if (kind == "date") {
    long d = 0;
    if (!parse_iso_date(v, d)) throw r.fail(line, col, kind, "'" + v + "' is not an ISO date (YYYY-MM-DD)");
    first = d - r.start, end = first + 1;
  } else if (!integer) {
    throw r.fail(line, col, kind, "'" + v + "' is not a whole number");
  } else if (kind == "day") {
    first = n, end = n + 1;
  } else if (kind == "week") {
    if (n < 1) throw r.fail(line, col, kind, "'" + v + "': weeks count from 1 (week 1 is days 0-6)");
    first = 7 * (n - 1), end = 7 * n;
  } else {  // month, from start_date's month
    if (n < 1) throw r.fail(line, col, kind, "'" + v + "': months count from 1 (month 1 holds day 0)");
    std::tie(first, end) = period_span("month", static_cast<int>(n - 1), r.start);
  }
  if (first < 0) throw r.fail(line, col, kind, "'" + v + "' is before day 0 of the scenario");
  if (end > r.horizon)
    throw r.fail(line, col, kind,
                 "'" + v + "' ends after the scenario's horizon (simulation.days = " + std::to_string(r.horizon) + ")");
  return {static_cast<int>(first), static_cast<int>(end)};
}

double cell_value(const Reader& r, const std::string& series, const std::string& v, int line, int col) {
  char* stop = nullptr;
  const double x = std::strtod(v.c_str(), &stop);
  if (*stop != '\0' || !std::isfinite(x)) throw r.fail(line, col, series, "'" + v + "' is not a number");
  if (observed_is_volume(series) && x < 0) throw r.fail(line, col, series, "'" + v + "' is negative (a count)");
  if ((series == "market_share" || series == "awareness") && (x < 0 || x > 1))
    throw r.fail(line, col, series, "'" + v + "' is outside [0, 1] (a share)");
  if (series == "rating_mean" && (x < 1 || x > 5)) throw r.fail(line, col, series, "'" + v + "' is outside [1, 5]");
  return x;
}

struct Header {
  std::string period;
  int period_col = -1, product_col = -1;
  std::vector<int> series;  // per column: series index or -1
};

Header read_header(const Reader& r, const std::string& line) {
  Header h;
  const auto names = split_csv(line);
  const auto& all = observed_series_names();
  std::set<std::string> seen;
  for (std::size_t c = 0; c < names.size(); ++c) {
    const std::string& n = names[c];
    const int col = static_cast<int>(c) + 1;
    if (!seen.insert(n).second) throw r.fail(1, col, n, "appears twice in the header");
    h.series.push_back(-1);
    if (n == "day" || n == "week" || n == "month" || n == "date") {
      if (h.period_col >= 0) throw r.fail(1, col, n, "a second period column (the first is '" + h.period + "')");
      h.period = n, h.period_col = static_cast<int>(c);
    } else if (n == "product") {
      h.product_col = static_cast<int>(c);
    } else if (auto it = std::find(all.begin(), all.end(), n); it != all.end()) {
      h.series.back() = static_cast<int>(it - all.begin());
    } else {
      const std::string hint = did_you_mean(n, all);
      std::string allowed;
      for (const auto& a : all) allowed += (allowed.empty() ? "" : ", ") + a;
      throw r.fail(1, col, n,
                   "unknown column" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                       "; allowed: day, week, month or date, product, " + allowed);
    }
  }
  if (h.period_col < 0) throw r.fail(1, 1, "day", "the header has no period column (day, week, month or date)");
  if (h.product_col < 0) throw r.fail(1, 1, "product", "the header has no 'product' column");
  return h;
}

using Seen = std::map<std::tuple<int, int, int>, std::string>;  // (series, product, period) -> where

void read_row(const Reader& r, const Header& h, const std::vector<std::string>& cells, int line, ObservedData& out,
              Seen& seen) {
  if (cells.size() != h.series.size())
    throw r.fail(
        line, 1, h.period,
        "the row has " + std::to_string(cells.size()) + " cells, the header " + std::to_string(h.series.size()));
  const std::string& pname = cells[static_cast<std::size_t>(h.product_col)];
  const auto it = std::find(r.products.begin(), r.products.end(), pname);
  if (it == r.products.end()) {
    std::string names;
    for (const auto& p : r.products) names += (names.empty() ? "" : ", ") + p;
    throw r.fail(line, h.product_col + 1, "product", "unknown product '" + pname + "'; the scenario has " + names);
  }
  const auto [first, end] =
      period_days(r, h.period, cells[static_cast<std::size_t>(h.period_col)], line, h.period_col + 1);
  const int period = h.period == "week" ? first / 7 : h.period == "month" ? std::stoi(cells[h.period_col]) - 1 : first;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    if (h.series[c] < 0 || cells[c].empty()) continue;
    const std::string& sname = observed_series_names()[static_cast<std::size_t>(h.series[c])];
    const double v = cell_value(r, sname, cells[c], line, static_cast<int>(c) + 1);
    const std::string here = r.path + ":" + std::to_string(line);
    auto [at, fresh] = seen.emplace(std::tuple{h.series[c], static_cast<int>(it - r.products.begin()), period}, here);
    if (!fresh)
      throw r.fail(line, static_cast<int>(c) + 1, sname,
                   "a second value for " + pname + " in " + h.period + " " + cells[h.period_col] + " (the first at " +
                       at->second + ")");
    out.cells.push_back({h.series[c], static_cast<int>(it - r.products.begin()), period, first, end, v});
    out.periods = std::max(out.periods, period + 1);
  }
}

void read_one(const Reader& r, ObservedData& out, Seen& seen) {
  const std::string text = read_regular_file(r.path, "data file");
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line.find_first_not_of(" \t\r") == std::string::npos)
    throw InputError(r.path + ":1:1: error: the file is empty; expected a header such as 'week,product,units'");
  const Header h = read_header(r, line);
  if (!out.period_kind.empty() && out.period_kind != h.period)
    throw r.fail(1, h.period_col + 1, h.period, "the other data files count periods in " + out.period_kind + "s");
  if ((h.period == "month" || h.period == "date") && !r.has_start)
    throw r.fail(1, h.period_col + 1, h.period, "needs data.start_date (the date of day 0) in the spec");
  out.period_kind = h.period;
  for (int n = 2; std::getline(in, line); ++n)
    if (line.find_first_not_of(" \t\r") != std::string::npos) read_row(r, h, split_csv(line), n, out, seen);
  out.files.push_back(r.path);
  out.texts.push_back(text);
}

}  // namespace

ObservedData read_observed(const std::vector<std::string>& paths, const std::vector<std::string>& products,
                           int horizon_days, const std::string& start_date) {
  ObservedData out;
  Seen seen;
  const long start = start_days_of(start_date);
  for (const auto& p : paths) read_one(Reader{p, products, horizon_days, start, !start_date.empty()}, out, seen);
  if (out.cells.empty()) throw InputError((paths.empty() ? std::string("data") : paths[0]) + ": error: no values");
  return out;
}

}  // namespace motsim
