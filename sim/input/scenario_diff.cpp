#include "sim/input/scenario_diff.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>

#include "sim/input/param_table.hpp"
#include "sim/input/toml_util.hpp"

namespace motsim {
namespace {

constexpr const char* kNone = "(none)";

std::string real_text(double x) {
  char b[64];
  const auto r = std::to_chars(b, b + sizeof b, x);  // the shortest text that reads back as x
  return std::string(b, r.ptr);
}

std::string string_text(const std::string& s) {
  std::ostringstream o;
  o << toml::value<std::string>(s);
  return o.str();
}

// A field's value as TOML text (what --set KEY=VALUE reads back).
std::string value_text(const FieldDesc& f, const void* obj) {
  const void* p = f.ptr(const_cast<void*>(obj));
  std::string s;
  switch (f.kind) {
    case FieldKind::Int:
      return std::to_string(*static_cast<const std::int64_t*>(p));
    case FieldKind::Real:
      return real_text(*static_cast<const double*>(p));
    case FieldKind::Bool:
      return *static_cast<const bool*>(p) ? "true" : "false";
    case FieldKind::Str:
      return string_text(*static_cast<const std::string*>(p));
    case FieldKind::Real4:
      for (double x : *static_cast<const std::array<double, 4>*>(p)) s += (s.empty() ? "" : ", ") + real_text(x);
      return "[" + s + "]";
    case FieldKind::Int5:
      for (auto x : *static_cast<const std::array<std::int64_t, 5>*>(p))
        s += (s.empty() ? "" : ", ") + std::to_string(x);
      return "[" + s + "]";
  }
  return s;
}

// An entry as an inline table of its name (or product) and the keys that differ from the defaults.
template <class T>
std::string entry_text(const T& item, const std::vector<FieldDesc>& fields) {
  const T defaults{};
  std::string s;
  for (const auto& f : fields) {
    const std::string v = value_text(f, &item);
    if (f.key == "name" || f.key == "product" || v != value_text(f, &defaults))
      s += (s.empty() ? "" : ", ") + f.key + " = " + v;
  }
  return "{ " + s + " }";
}

// The fields of one struct (a section, or an entry present on both sides) that differ.
void diff_fields(const std::vector<FieldDesc>& fields, const void* base, const void* variant, const std::string& prefix,
                 std::vector<KeyChange>& out) {
  for (const auto& f : fields) {
    if (prefix == "simulation." && (f.key == "seed" || f.key == "replicate")) continue;
    if (f.key == "name") continue;  // entries are matched by name
    KeyChange c;
    c.key = prefix + f.key;
    c.base = value_text(f, base);
    c.variant = value_text(f, variant);
    if (c.base == c.variant) continue;
    c.set = c.key + "=" + c.variant;
    out.push_back(std::move(c));
  }
}

KeyChange entry_change(const std::string& section, const std::string& id, bool added, const std::string& text) {
  KeyChange c;
  c.key = section + "." + id;
  c.base = added ? kNone : text;
  c.variant = added ? text : kNone;
  c.entry = true;
  c.edit.section = section;
  c.edit.add = added;
  c.edit.id = id;
  if (added) c.edit.entry = text;
  return c;
}

// Products or segments, matched by name: common ones field by field, then the removed, then the added.
template <class T>
void diff_named(const std::vector<T>& base, const std::vector<T>& variant, const std::string& section,
                const std::vector<FieldDesc>& fields, std::vector<KeyChange>& out) {
  auto find = [](const std::vector<T>& v, const std::string& name) {
    return std::find_if(v.begin(), v.end(), [&](const T& x) { return x.name == name; });
  };
  for (const auto& b : base) {
    const auto it = find(variant, b.name);
    if (it != variant.end())
      diff_fields(fields, &b, &*it, section + "." + b.name + ".", out);
    else
      out.push_back(entry_change(section, b.name, false, entry_text(b, fields)));
  }
  for (const auto& v : variant)
    if (find(base, v.name) == base.end()) out.push_back(entry_change(section, v.name, true, entry_text(v, fields)));
}

// Campaigns, matched by index.
void diff_campaigns(const Scenario& base, const Scenario& variant, std::vector<KeyChange>& out) {
  const auto& b = base.campaigns;
  const auto& v = variant.campaigns;
  const std::size_t common = std::min(b.size(), v.size());
  for (std::size_t i = 0; i < common; ++i)
    diff_fields(campaign_fields(), &b[i], &v[i], "campaign." + std::to_string(i) + ".", out);
  for (std::size_t i = common; i < b.size(); ++i)
    out.push_back(entry_change("campaign", std::to_string(i), false, entry_text(b[i], campaign_fields())));
  for (std::size_t i = common; i < v.size(); ++i)
    out.push_back(entry_change("campaign", std::to_string(i), true, entry_text(v[i], campaign_fields())));
}

// The lever a change belongs to: its own key, or the key of a group it must change with.
std::string group_of(const KeyChange& c) {
  const std::string& k = c.key;
  if (k.rfind("segment.", 0) == 0 && (c.entry || (k.size() > 6 && k.compare(k.size() - 6, 6, ".share") == 0)))
    return "segment shares";
  if (k.rfind("campaign.", 0) == 0 && !c.entry) {
    const std::size_t dot = k.rfind('.');
    const std::string field = k.substr(dot + 1);
    if (field == "start_day" || field == "end_day") return k.substr(0, dot) + " days";
  }
  return k;
}

}  // namespace

std::vector<KeyChange> scenario_diff(const Scenario& base, const Scenario& variant) {
  std::vector<KeyChange> out;
  for (const auto& sec : sections()) {
    if (sec.name == "simulation")
      diff_fields(*sec.fields, &base.simulation, &variant.simulation, "simulation.", out);
    else if (sec.name == "network")
      diff_fields(*sec.fields, &base.network, &variant.network, "network.", out);
    else if (sec.name == "behavior")
      diff_fields(*sec.fields, &base.behavior, &variant.behavior, "behavior.", out);
    else if (sec.name == "economics")
      diff_fields(*sec.fields, &base.economics, &variant.economics, "economics.", out);
    else if (sec.name == "segment")
      diff_named(base.segments, variant.segments, "segment", *sec.fields, out);
    else if (sec.name == "product")
      diff_named(base.products, variant.products, "product", *sec.fields, out);
    else if (sec.name == "campaign")
      diff_campaigns(base, variant, out);
  }
  return out;
}

namespace {
void add_fields(const std::vector<FieldDesc>& fields, const void* obj, const std::string& section,
                const std::string& entry, std::vector<ScenarioField>& out) {
  const std::string prefix = section + "." + (entry.empty() ? "" : entry + ".");
  for (const auto& f : fields) {
    if (f.key == "name") continue;
    out.push_back({prefix + f.key, section, entry, &f, value_text(f, obj)});
  }
}
}  // namespace

std::vector<ScenarioField> scenario_fields(const Scenario& sc) {
  std::vector<ScenarioField> out;
  for (const auto& sec : sections()) {
    if (sec.name == "simulation") add_fields(*sec.fields, &sc.simulation, sec.name, "", out);
    if (sec.name == "network") add_fields(*sec.fields, &sc.network, sec.name, "", out);
    if (sec.name == "behavior") add_fields(*sec.fields, &sc.behavior, sec.name, "", out);
    if (sec.name == "economics") add_fields(*sec.fields, &sc.economics, sec.name, "", out);
    if (sec.name == "segment")
      for (const auto& x : sc.segments) add_fields(*sec.fields, &x, sec.name, x.name, out);
    if (sec.name == "product")
      for (const auto& x : sc.products) add_fields(*sec.fields, &x, sec.name, x.name, out);
    if (sec.name == "campaign")
      for (std::size_t i = 0; i < sc.campaigns.size(); ++i)
        add_fields(*sec.fields, &sc.campaigns[i], sec.name, std::to_string(i), out);
  }
  return out;
}

namespace {
// The sections of a variant file: a table's keys, or an entry's ("[[product]]" with its name).
struct VariantSection {
  std::string header, name;
  std::vector<std::string> lines;
};

VariantSection& section_for(std::vector<VariantSection>& out, const std::string& header, const std::string& name) {
  for (auto& v : out)
    if (v.header == header && v.name == name) return v;
  out.push_back({header, name, {}});
  if (!name.empty()) out.back().lines.push_back("name = " + string_text(name));
  return out.back();
}

std::string campaigns_text(const Scenario& variant) {
  std::string t;
  for (const auto& c : variant.campaigns) {
    t += "\n[[campaign]]\n";
    for (const auto& f : campaign_fields()) t += f.key + " = " + value_text(f, &c) + "\n";
  }
  return t;
}
}  // namespace

std::string variant_toml(const Scenario& base, const Scenario& variant, const std::string& extends,
                         const std::string& comment) {
  std::vector<VariantSection> secs;
  bool campaigns = false;
  for (const auto& c : scenario_diff(base, variant)) {
    const std::string section = c.key.substr(0, c.key.find('.'));
    if (section == "campaign") {
      campaigns = true;
      continue;
    }
    if (c.entry && !c.edit.add)
      throw InputError("error: " + c.key + " is removed: a variant that extends its base cannot remove an entry");
    if (c.entry) {  // an added product or segment: the keys of its inline table, one a line
      const toml::table t = toml::parse("entry = " + c.variant);
      auto& v = section_for(secs, "[[" + section + "]]", "");
      for (auto&& [k, val] : *t["entry"].as_table()) {
        std::ostringstream o;
        val.visit([&](const auto& x) { o << x; });
        v.lines.push_back(std::string(k.str()) + " = " + o.str());
      }
      continue;
    }
    const bool table = section != "product" && section != "segment";
    const std::size_t dot = c.key.rfind('.');
    const std::string name = table ? "" : c.key.substr(section.size() + 1, dot - section.size() - 1);
    section_for(secs, table ? "[" + section + "]" : "[[" + section + "]]", name)
        .lines.push_back(c.key.substr(dot + 1) + " = " + c.variant);
  }
  std::string t = comment + "extends = " + string_text(extends) + "\n";
  if (!variant.title.empty()) t += "title = " + string_text(variant.title) + "\n";
  if (!variant.question.empty()) t += "question = " + string_text(variant.question) + "\n";
  if (campaigns) t += "replace_campaigns = true  # the campaigns below replace the base's\n";
  for (const auto& v : secs) {
    t += "\n" + v.header + "\n";
    for (const auto& l : v.lines) t += l + "\n";
  }
  if (campaigns) t += campaigns_text(variant);
  return t;
}

std::vector<Lever> group_levers(const std::vector<KeyChange>& changes) {
  std::vector<Lever> levers;
  std::map<std::string, std::size_t> index;  // group -> lever
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const KeyChange& c = changes[i];
    const std::string g = group_of(c);
    auto [it, fresh] = index.emplace(g, levers.size());
    if (fresh) levers.emplace_back();
    Lever& l = levers[it->second];
    const std::string label = c.entry ? c.key + (c.edit.add ? " (added)" : " (removed)") : c.key;
    l.name += (l.name.empty() ? "" : " + ") + label;
    if (c.entry)
      l.edits.push_back(c.edit);
    else
      l.sets.push_back(c.set);
    l.changes.push_back(i);
  }
  return levers;
}

Scenario with_levers(const ParsedScenario& base, const std::vector<std::string>& sets, const std::vector<Lever>& levers,
                     std::uint64_t on) {
  std::vector<std::string> all = sets;
  std::vector<ScenarioEdit> edits;
  std::string names;
  for (std::size_t i = 0; i < levers.size(); ++i) {
    if (!(on >> i & 1)) continue;
    all.insert(all.end(), levers[i].sets.begin(), levers[i].sets.end());
    edits.insert(edits.end(), levers[i].edits.begin(), levers[i].edits.end());
    names += (names.empty() ? "" : ", ") + levers[i].name;
  }
  try {
    return base.with(all, edits);
  } catch (const InputError& e) {
    throw InputError("attribution: error: the base with only the levers {" + names +
                     "} of the variant is not a valid scenario, so these levers cannot be told apart: " + e.what());
  }
}

}  // namespace motsim
