#pragma once
// A comparison of base and variant (the compare file's content) as the page reads it: KPIs with
// intervals and differences, the economics, the funnel, the daily series and the star
// histograms (docs/studio.md, "A result").
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/io/compare_file.hpp"

namespace motsim::studio {

// `focus`: the products the page headlines (those the changes touch).
nlohmann::json result_json(const CompareFile& c, const std::vector<std::string>& focus);

}  // namespace motsim::studio
