#include "sim/studio/levers.hpp"

#include <map>
#include <vector>

#include "sim/input/param_table.hpp"
#include "sim/input/scenario_diff.hpp"

namespace motsim::studio {
namespace {

using nlohmann::json;

// Where each product field acts along the journey (docs/model.md): what brings a consumer to
// the category and the brand, what the search finds, the decision, the experience, what is
// said afterwards, and the costs.
const std::map<std::string, std::string>& product_moments() {
  static const std::map<std::string, std::string> m = {
      {"claim", "stimulus"},
      {"initial_awareness", "stimulus"},
      {"info_completeness", "zmot"},
      {"visibility", "zmot"},
      {"initial_ratings", "zmot"},
      {"price", "fmot"},
      {"delivery_days", "fmot"},
      {"quality", "smot"},
      {"quality_sd", "smot"},
      {"missing_accessory_prob", "smot"},
      {"delivery_problem_prob", "smot"},
      {"defect_prob", "smot"},
      {"service_quality", "smot"},
      {"refund_window_days", "smot"},
      {"response_rate", "tmot"},
      {"follow_up_value", "tmot"},
  };
  return m;
}

const std::vector<std::pair<std::string, std::string>>& moment_titles() {
  static const std::vector<std::pair<std::string, std::string>> t = {
      {"stimulus", "Stimulus: advertising, claims and awareness"},
      {"zmot", "Zero moment of truth: what the search finds"},
      {"fmot", "First moment of truth: the decision"},
      {"smot", "Second moment of truth: the experience and the service"},
      {"tmot", "Third moment of truth: reviews and word of mouth"},
      {"economics", "Costs"},
      {"campaigns", "Campaigns"},
      {"market", "Market behaviour (model constants)"},
  };
  return t;
}

std::string title_of(const std::string& moment) {
  for (const auto& [m, t] : moment_titles())
    if (m == moment) return t;
  return moment;
}

const char* kind_of(const FieldDesc& d) {
  switch (d.kind) {
    case FieldKind::Int:
      return "int";
    case FieldKind::Real:
      return "real";
    case FieldKind::Bool:
      return "bool";
    case FieldKind::Str:
      return d.choices.empty() ? "text" : "choice";
    default:
      return "array";
  }
}

json lever_json(const ScenarioField& f) {
  const FieldDesc& d = *f.desc;
  const std::string label = f.section == "campaign" ? "campaign " + f.entry + ": " + d.key : d.key;
  json j = {{"key", f.key}, {"label", label}, {"kind", kind_of(d)}, {"choices", d.choices}, {"doc", d.doc}};
  if (d.kind == FieldKind::Int || d.kind == FieldKind::Real) {
    j["value"] = std::stod(f.value);
    j["min"] = d.min;
    j["max"] = d.max;
  } else if (d.kind == FieldKind::Bool) {
    j["value"] = f.value == "true";
  } else {
    j["value"] = f.value;                                  // TOML text: a string in quotes
    const char q = f.value.empty() ? 0 : f.value.front();  // TOML writes 'literal' or "basic" strings
    if (f.value.size() >= 2 && (q == '"' || q == '\'')) j["value"] = f.value.substr(1, f.value.size() - 2);
  }
  return j;
}

// The group of (moment, product), created in the order of moment_titles().
json& group(json& groups, const std::string& moment, const json& product) {
  for (auto& g : groups)
    if (g["moment"] == moment && g["product"] == product) return g;
  groups.push_back({{"moment", moment}, {"title", title_of(moment)}, {"product", product}, {"levers", json::array()}});
  return groups.back();
}

std::string product_of_campaign(const Scenario& sc, const std::string& index) {
  const auto i = static_cast<std::size_t>(std::stoul(index));
  return i < sc.campaigns.size() ? sc.campaigns[i].product : "";
}

}  // namespace

std::string moment_of(const std::string& section, const std::string& field) {
  if (section == "product") {
    const auto it = product_moments().find(field);
    return it != product_moments().end() ? it->second : "economics";
  }
  if (section == "campaign") return "campaigns";
  if (section == "economics") return "economics";
  if (section == "behavior") return "market";
  return "";
}

nlohmann::json levers_json(const Scenario& sc) {
  json groups = json::array();
  for (const auto& f : scenario_fields(sc)) {
    const std::string moment = moment_of(f.section, f.desc->key);
    const char* kind = kind_of(*f.desc);
    if (moment.empty() || std::string(kind) == "array" || std::string(kind) == "text") continue;
    json product = nullptr;
    if (f.section == "product") product = f.entry;
    if (f.section == "campaign") product = product_of_campaign(sc, f.entry);
    group(groups, moment, product)["levers"].push_back(lever_json(f));
  }
  // Sorted by moment (the journey's order), then by product as the scenario lists them.
  std::vector<json> sorted;
  for (const auto& [m, t] : moment_titles())
    for (const auto& g : groups)
      if (g["moment"] == m) sorted.push_back(g);
  json products = json::array();
  for (const auto& p : sc.products) products.push_back(p.name);
  return {{"products", products}, {"groups", sorted}};
}

}  // namespace motsim::studio
