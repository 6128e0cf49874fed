#pragma once
// The one table that maps scenario keys to parameter fields, with range, meaning and source.
// Used by the TOML loader, --set, the resolved-scenario writer and the parameter docs.
#include <functional>
#include <string>
#include <vector>

#include "models/params.hpp"

namespace motsim {

enum class FieldKind { Int, Real, Bool, Str, Real4, Int5 };

// One parameter. Its default is the value in the default-constructed struct (models/params.hpp,
// the only place defaults are written); its range, unit, meaning and source are written here
// only.
struct FieldDesc {
  std::string key;
  FieldKind kind;
  double min = 0;  // inclusive range for numbers (arrays: each element)
  double max = 0;
  std::vector<std::string> choices;     // allowed strings (empty: any)
  std::string doc;                      // meaning, unit and source of the default
  std::function<void*(void*)> ptr;      // address of the field inside its struct
  std::string default_text;             // the struct's default, as TOML writes it
  std::vector<double> default_numbers;  // the same for numbers (arrays: each element; else empty)
};

struct SectionDesc {
  std::string name;  // "simulation", "product", ...
  bool is_array;     // [[product]] vs [simulation]
  const std::vector<FieldDesc>* fields;
};

const std::vector<FieldDesc>& simulation_fields();
const std::vector<FieldDesc>& network_fields();
const std::vector<FieldDesc>& segment_fields();
const std::vector<FieldDesc>& product_fields();
const std::vector<FieldDesc>& campaign_fields();
const std::vector<FieldDesc>& behavior_fields();
const std::vector<FieldDesc>& economics_fields();
const std::vector<SectionDesc>& sections();

// Whether a dotted --set key (section[.name].key) takes integers.
bool is_integer_key(const std::string& key);
// A number as the value of `key=VALUE` for --set: rounded for an integer key, else exact (%.17g).
std::string set_literal(const std::string& key, double x);

// Markdown tables of every parameter, default and source (for docs/parameters.md).
std::string parameters_markdown();

}  // namespace motsim
