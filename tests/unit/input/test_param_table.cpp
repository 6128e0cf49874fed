// The parameter table (sim/input/param_table.cpp): the defaults are the structs' (models/params.hpp),
// inside their ranges, and quoted the same in docs/model.md.
#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/input/param_table.hpp"

using namespace motsim;

namespace {

// A default-constructed struct per section, in sections() order.
struct Defaults {
  SimulationParams sim;
  NetworkParams net;
  Segment seg;
  Product prod;
  Campaign camp;
  BehaviorParams beh;
  EconomicsParams eco;
  void* of(const std::string& section) {
    const std::map<std::string, void*> by_name = {{"simulation", &sim}, {"network", &net},   {"segment", &seg},
                                                  {"product", &prod},   {"campaign", &camp}, {"behavior", &beh},
                                                  {"economics", &eco}};
    return by_name.at(section);
  }
};

// The field's value in the struct, read through the table's pointer: its numbers (arrays: each
// element), or for a string or a bool its TOML text.
std::vector<double> struct_numbers(const FieldDesc& f, void* obj) {
  void* p = f.ptr(obj);
  switch (f.kind) {
    case FieldKind::Int:
      return {static_cast<double>(*static_cast<std::int64_t*>(p))};
    case FieldKind::Real:
      return {*static_cast<double*>(p)};
    case FieldKind::Real4: {
      const auto& a = *static_cast<std::array<double, 4>*>(p);
      return {a.begin(), a.end()};
    }
    case FieldKind::Int5: {
      const auto& a = *static_cast<std::array<std::int64_t, 5>*>(p);
      return {a.begin(), a.end()};
    }
    case FieldKind::Bool:
    case FieldKind::Str:
      break;
  }
  return {};
}
std::string struct_text(const FieldDesc& f, void* obj) {
  void* p = f.ptr(obj);
  if (f.kind == FieldKind::Bool) return *static_cast<bool*>(p) ? "true" : "false";
  if (f.kind == FieldKind::Str) return '"' + *static_cast<std::string*>(p) + '"';
  return f.default_text;
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" `\""), b = s.find_last_not_of(" `\"");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

TEST_CASE("parameter table: every parameter is documented") {
  for (const auto& s : sections()) {
    std::set<std::string> keys;
    for (const auto& f : *s.fields) {
      CHECK_MESSAGE(f.doc.size() > 10, s.name << "." << f.key);
      CHECK(f.ptr);
      CHECK_MESSAGE(keys.insert(f.key).second, s.name << "." << f.key << " is listed twice");
    }
  }
  CHECK(parameters_markdown().find("research_prob") != std::string::npos);
}

TEST_CASE("parameter table: every default is the struct's and lies in its range") {
  Defaults d;
  int checked = 0;
  for (const auto& s : sections())
    for (const auto& f : *s.fields) {
      INFO(s.name << "." << f.key << " = " << f.default_text);
      void* obj = d.of(s.name);
      CHECK(f.default_numbers == struct_numbers(f, obj));
      CHECK(f.default_text == struct_text(f, obj));
      for (double v : f.default_numbers) {
        CHECK(v >= f.min);
        CHECK(v <= f.max);
      }
      if (!f.choices.empty()) {
        const std::string v = *static_cast<std::string*>(f.ptr(obj));
        CHECK(std::find(f.choices.begin(), f.choices.end(), v) != f.choices.end());
      }
      ++checked;
    }
  CHECK(checked > 80);
}

TEST_CASE("parameter table: the defaults docs/model.md quotes are the table's") {
  // Section 8's rows: | [section] `key`, `key2` | default, default2 | source |
  std::ifstream in(std::string(MOTSIM_SOURCE_DIR) + "/docs/model.md");
  REQUIRE(in);
  std::map<std::string, std::string> table;
  for (const auto& s : sections())
    for (const auto& f : *s.fields) table[s.name + "." + f.key] = f.default_text;
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.rfind("| [", 0) != 0) continue;
    const auto close = line.find(']');
    const auto bar1 = line.find('|', 1), bar2 = line.find('|', bar1 + 1);
    const std::string section = line.substr(3, close - 3);
    const std::string names = line.substr(close + 1, bar1 - close - 1), values = line.substr(bar1 + 1, bar2 - bar1 - 1);
    std::vector<std::string> keys, defaults;
    for (std::size_t a = names.find('`'); a != std::string::npos; a = names.find('`', names.find('`', a + 1) + 1))
      keys.push_back(names.substr(a + 1, names.find('`', a + 1) - a - 1));
    if (keys.size() == 1) {
      defaults.push_back(trim(values));
    } else {
      std::stringstream ss(values);
      for (std::string v; std::getline(ss, v, ',');) defaults.push_back(trim(v));
    }
    REQUIRE_MESSAGE(keys.size() == defaults.size(), line);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::string key = section + "." + keys[i];
      INFO(key << ": docs/model.md says " << defaults[i]);
      REQUIRE(table.count(key) == 1);
      const std::string want = trim(table[key]);
      char* end = nullptr;
      const double x = std::strtod(defaults[i].c_str(), &end);
      if (end && *end == '\0' && !defaults[i].empty())
        CHECK(x == std::strtod(want.c_str(), nullptr));
      else
        CHECK(defaults[i] == want);
      ++rows;
    }
  }
  CHECK(rows > 80);
}
