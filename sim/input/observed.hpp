#pragma once
// Observed market data for a calibration (docs/calibration.md, "Data"): CSV files with a header,
// one period column (day, week, month or date), a product column and any of the observed series.
// Every cell is checked; a bad one is an InputError naming file, line, column and value.
#include <string>
#include <utility>
#include <vector>

namespace motsim {

// The series a data file may hold, as they are compared with a run (docs/calibration.md).
const std::vector<std::string>& observed_series_names();
// Whether a series is a volume (scaled by the market scale): units, revenue, reviews, stars_s.
bool observed_is_volume(const std::string& series);

struct ObservedCell {
  int series = 0;                  // index in observed_series_names()
  int product = 0;                 // index in the scenario's products
  int period = 0;                  // 0-based, in the file's period unit
  int first_day = 0, end_day = 0;  // the period's days [first_day, end_day)
  double value = 0;
};

struct ObservedData {
  std::string period_kind;  // day, week, month or date
  std::vector<ObservedCell> cells;
  std::vector<std::string> files, texts;  // as read, stored in the calibration file
  int periods = 0;                        // 1 + the last period in the data
};

// Reads `paths` (all with the same period column). Periods: day d (0-based) is day d; week w
// (1-based) is days 7(w-1) .. 7w-1; month m (1-based) and ISO dates need `start_date`
// (YYYY-MM-DD, the date of day 0): month m is the m-th calendar month from start_date's. Periods
// ending after `horizon_days` are refused, and so are unknown products and series, negative
// volumes, shares outside [0, 1], ratings outside [1, 5], duplicates, and non-numeric cells.
// Blank cells are missing values.
ObservedData read_observed(const std::vector<std::string>& paths, const std::vector<std::string>& products,
                           int horizon_days, const std::string& start_date);

// The days [first, end) of 0-based period `period` of a kind (day, week, month, date), with
// start_days the date of day 0 (days from 1970-01-01; months only).
std::pair<long, long> period_span(const std::string& kind, int period, long start_days);
// Days from 1970-01-01 of start_date ("" -> 0); InputError when it is not an ISO date.
long start_days_of(const std::string& start_date);

// Days from 1970-01-01 of an ISO date YYYY-MM-DD; false when it is not a valid date.
bool parse_iso_date(const std::string& s, long& days);

}  // namespace motsim
