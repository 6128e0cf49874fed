#pragma once
// `motsim compare`: a base scenario and variants, each run R times with common random
// numbers (replicate r uses the same random key in every scenario), KPIs with 95% confidence
// intervals and paired differences from the base. Layout of the file: docs/hdf5-compare.md.
#include <string>
#include <vector>

namespace motsim {

struct CompareOptions {
  std::vector<std::string> scenarios;  // base first, then the variants
  std::vector<std::string> sets;       // --set overrides applied to every scenario
  int replicates = 5;
  int threads = 0;
  std::string out;
  bool force = false;
  bool quiet = false;
};

// The KPIs compared, in order, and which of them add up over products ("all" column).
struct CompareKpi {
  const char* name;
  const char* description;
  bool additive;
};
const std::vector<CompareKpi>& compare_kpis();

struct Results;
// The compared KPIs of one run, [kpi * (K + 1) + product], the last product column being all
// products together (sums for additive KPIs, NPS over every experience, NaN otherwise).
std::vector<double> kpi_values(const Results& r);

// Runs the comparison, prints the tables and writes the file. Returns the exit code
// (0, or 130 when interrupted). Throws InputError on bad input.
int run_compare(const CompareOptions& opt, const std::string& command_line);

}  // namespace motsim
