#pragma once
// The studio's levers: a scenario's fields grouped by moment of truth and by product, each with
// its value, range, kind and meaning from the parameter table (docs/studio.md, GET /api/levers).
#include <nlohmann/json.hpp>
#include <string>

#include "models/params.hpp"

namespace motsim::studio {

// The moment of truth a product or campaign field acts in ("stimulus", "zmot", "fmot", "smot",
// "tmot", "economics"), or "" for a field the studio does not show.
std::string moment_of(const std::string& section, const std::string& field);

// {"products", "groups": [{"moment", "title", "product", "levers": [...]}]}: every product
// field by moment, each campaign, the economics, and the market's behaviour (collapsed on the
// page: model constants rather than levers).
nlohmann::json levers_json(const Scenario& sc);

}  // namespace motsim::studio
