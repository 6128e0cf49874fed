#include "sim/input/scenario.hpp"
#include "sim/core/files.hpp"
#include "sim/core/input_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "sim/input/names.hpp"
#include "sim/input/param_table.hpp"
#include "sim/input/toml_util.hpp"

namespace fs = std::filesystem;

namespace motsim {

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = SIZE_MAX;
  for (const auto& c : candidates) {
    std::vector<std::size_t> prev(c.size() + 1), cur(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        const std::size_t sub = prev[j - 1] + (std::tolower(word[i - 1]) != std::tolower(c[j - 1]));
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    if (prev[c.size()] < best_d) {
      best_d = prev[c.size()];
      best = c;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  return best_d <= limit ? best : std::string();
}

namespace {

using tomlu::parse_text;
using tomlu::show;
using tomlu::where;

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

std::vector<std::string> keys_of(const std::vector<FieldDesc>& fields) {
  std::vector<std::string> k;
  k.reserve(fields.size());
  for (auto& f : fields) k.push_back(f.key);
  return k;
}

std::string allowed_text(const FieldDesc& f) {
  std::ostringstream o;
  switch (f.kind) {
    case FieldKind::Int:
      o << "an integer in [" << f.min << ", " << f.max << "]";
      break;
    case FieldKind::Real:
      o << "a number in [" << f.min << ", " << f.max << "]";
      break;
    case FieldKind::Bool:
      o << "true or false";
      break;
    case FieldKind::Str:
      if (f.choices.empty())
        o << "a string";
      else {
        o << "one of";
        for (auto& c : f.choices) o << " \"" << c << '"';
      }
      break;
    case FieldKind::Real4:
      o << "an array of 4 numbers in [" << f.min << ", " << f.max << "]";
      break;
    case FieldKind::Int5:
      o << "an array of 5 integers in [" << f.min << ", " << f.max << "]";
      break;
  }
  return o.str();
}

// Converts one TOML table into a parameter struct through the field table.
class Converter {
 public:
  explicit Converter(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const toml::node* n, const std::string& msg) const {
    throw InputError(where_or_file(n) + ": error: " + msg);
  }

  std::string where_or_file(const toml::node* n) const {
    if (n) {
      const auto it = origins_.find(n);
      if (it != origins_.end()) return it->second;
    }
    return n ? where(*n, file_) : file_;
  }
  // Values given on the command line: their messages name the --set, not the file.
  void set_origins(std::map<const toml::node*, std::string> o) { origins_ = std::move(o); }

  void convert(const toml::table& t, const std::vector<FieldDesc>& fields, void* obj, const std::string& path) {
    for (auto&& [k, v] : t) {
      const std::string key(k.str());
      auto it = std::find_if(fields.begin(), fields.end(), [&](auto& f) { return f.key == key; });
      if (it == fields.end()) {
        std::string hint = did_you_mean(key, keys_of(fields));
        fail(&v, "unknown key '" + path + "." + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                     "; allowed keys in [" + path + "]: " + join(keys_of(fields)));
      }
      set_field(*it, v, obj, path + "." + key);
      locations_[path + "." + key] = where_or_file(&v);
    }
  }

  void set_field(const FieldDesc& f, const toml::node& v, void* obj, const std::string& full) {
    void* p = f.ptr(obj);
    switch (f.kind) {
      case FieldKind::Int:
        *static_cast<std::int64_t*>(p) = static_cast<std::int64_t>(number(f, v, v, true, full));
        break;
      case FieldKind::Real:
        *static_cast<double*>(p) = number(f, v, v, false, full);
        break;
      case FieldKind::Bool:
        if (!v.is_boolean()) bad_type(f, v, full);
        *static_cast<bool*>(p) = v.as_boolean()->get();
        break;
      case FieldKind::Str:
        *static_cast<std::string*>(p) = choice(f, v, full);
        break;
      case FieldKind::Real4:
      case FieldKind::Int5:
        set_array(f, v, p, full);
        break;
    }
  }

  [[noreturn]] void bad_type(const FieldDesc& f, const toml::node& v, const std::string& full) const {
    fail(&v,
         "'" + full + "' = " + show(v) + " is " + type_name(v) + "; expected " + allowed_text(f) + " (" + f.doc + ")");
  }

  // A number within the field's range: `n` is the value `v` itself or one element of it.
  double number(const FieldDesc& f, const toml::node& n, const toml::node& v, bool integral,
                const std::string& full) const {
    double x;
    if (n.is_integer())
      x = static_cast<double>(n.as_integer()->get());
    else if (n.is_floating_point())
      x = n.as_floating_point()->get();
    else if (&n != &v)  // an element of an array
      fail(&n, "'" + full + "' holds " + show(n) + ", " + type_name(n) + "; expected " + allowed_text(f) + " (" +
                   f.doc + ")");
    else
      bad_type(f, v, full);
    if (!std::isfinite(x)) fail(&n, "'" + full + "' = " + show(n) + " is not finite; expected " + allowed_text(f));
    if (integral && x != std::floor(x))
      fail(&n, "'" + full + "' = " + show(n) + " is not a whole number; expected " + allowed_text(f));
    if (x < f.min || x > f.max)
      fail(&n, "'" + full + "' = " + show(n) + " is out of range; expected " + allowed_text(f) + " (" + f.doc + ")");
    return x;
  }

  // A string, one of the field's choices when it has any.
  std::string choice(const FieldDesc& f, const toml::node& v, const std::string& full) const {
    if (!v.is_string()) bad_type(f, v, full);
    std::string s = v.as_string()->get();
    if (!f.choices.empty() && std::find(f.choices.begin(), f.choices.end(), s) == f.choices.end()) {
      std::string hint = did_you_mean(s, f.choices);
      fail(&v, "'" + full + "' = \"" + s + "\" is not allowed" +
                   (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)") + "; expected " + allowed_text(f));
    }
    return s;
  }

  // An array of 4 numbers (Real4) or 5 integers (Int5).
  void set_array(const FieldDesc& f, const toml::node& v, void* p, const std::string& full) const {
    const std::size_t n = f.kind == FieldKind::Real4 ? 4 : 5;
    if (!v.is_array()) bad_type(f, v, full);
    if (v.as_array()->size() != n)
      fail(&v, "'" + full + "' has " + std::to_string(v.as_array()->size()) + " values; expected " + allowed_text(f) +
                   " (" + f.doc + ")");
    const auto& a = *v.as_array();
    for (std::size_t i = 0; i < n; ++i) {
      if (f.kind == FieldKind::Real4)
        (*static_cast<std::array<double, 4>*>(p))[i] = number(f, a[i], v, false, full);
      else
        (*static_cast<std::array<std::int64_t, 5>*>(p))[i] = static_cast<std::int64_t>(number(f, a[i], v, true, full));
    }
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }

  std::string loc(const std::string& key) const {
    auto it = locations_.find(key);
    return it == locations_.end() ? file_ : it->second;
  }

  const std::string& file() const { return file_; }
  // Whether the scenario (a file it extends, or a --set) gave this key.
  bool given(const std::string& key) const { return locations_.count(key) > 0; }

 private:
  std::string file_;
  std::map<std::string, std::string> locations_;
  std::map<const toml::node*, std::string> origins_;
};

std::string read_file(const std::string& path, const std::string& what = "scenario") {
  return read_regular_file(path, what);
}

// Deep merge for `extends`: child keys override; [[product]] and [[segment]] entries are
// matched by name (merged) or appended; [[campaign]] entries are appended unless the child
// sets replace_campaigns = true.
// toml++ does not copy source positions with a node, so a value a variant merges into its
// parent (and each value of a --set) would lose its FILE:LINE:COLUMN: the loader remembers
// them here, by node, for the messages.
using Origins = std::map<const toml::node*, std::string>;
void remember(const toml::node& copy, const toml::node& orig, Origins& o) {
  if (orig.source().begin.line != 0) o[&copy] = where(orig, "");
  if (copy.is_table() && orig.is_table()) {
    for (auto&& [k, v] : *copy.as_table())
      if (const auto* ov = orig.as_table()->get(k.str())) remember(v, *ov, o);
  } else if (copy.is_array() && orig.is_array()) {
    const auto &ca = *copy.as_array(), &oa = *orig.as_array();
    for (std::size_t j = 0; j < ca.size() && j < oa.size(); ++j) remember(ca[j], oa[j], o);
  }
}
// A node (and everything under it) that did not come from a file: `label` names its origin.
void mark(const toml::node& n, const std::string& label, Origins& o) {
  o[&n] = label;
  if (n.is_table())
    for (auto&& [k, v] : *n.as_table()) mark(v, label, o);
  else if (n.is_array())
    for (const auto& v : *n.as_array()) mark(v, label, o);
}
// A node about to be replaced: its address may be reused, so its entries go.
void forget(const toml::node* n, Origins& o) {
  if (!n) return;
  o.erase(n);
  if (n->is_table())
    for (auto&& [k, v] : *n->as_table()) forget(&v, o);
  else if (n->is_array())
    for (const auto& v : *n->as_array()) forget(&v, o);
}

void merge_into(toml::table& dst, const toml::table& src, bool top, Origins& origins, std::vector<std::string>& notes) {
  for (auto&& [k, v] : src) {
    const std::string key(k.str());
    if (top && (key == "product" || key == "segment") && v.is_array() && dst[key].is_array()) {
      auto& darr = *dst[key].as_array();
      auto name_of = [](const toml::node& n) -> const std::string* {
        const auto* nm = n.is_table() ? n.as_table()->get("name") : nullptr;
        return nm && nm->is_string() ? &nm->as_string()->get() : nullptr;
      };
      for (auto& item : *v.as_array()) {
        if (!item.is_table()) {
          darr.push_back(item);
          remember(darr.back(), item, origins);
          continue;
        }
        const std::string* nm = name_of(item);
        toml::table* match = nullptr;
        std::vector<std::string> names;
        for (auto& d : darr)
          if (const std::string* dn = name_of(d)) {
            names.push_back(*dn);
            if (nm && *dn == *nm) match = d.as_table();
          }
        if (match) {
          merge_into(*match, *item.as_table(), false, origins, notes);
        } else {
          if (nm) {  // new in this variant: say so, a misspelt name looks the same
            const std::string hint = did_you_mean(*nm, names);
            notes.push_back(where(*item.as_table()->get("name"), "") + ": note: " + key + " '" + *nm +
                            "' is not in the parent scenario, so it is added as a new " + key +
                            (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
          }
          darr.push_back(item);
          remember(darr.back(), item, origins);
        }
      }
    } else if (top && key == "campaign" && v.is_array() && dst[key].is_array() &&
               !(src.get("replace_campaigns") && src.get("replace_campaigns")->value_or(false))) {
      for (auto& item : *v.as_array()) {
        dst[key].as_array()->push_back(item);
        remember(dst[key].as_array()->back(), item, origins);
      }
    } else if (v.is_table() && dst[key].is_table()) {
      merge_into(*dst[key].as_table(), *v.as_table(), false, origins, notes);
    } else {
      forget(dst.get(key), origins);
      dst.insert_or_assign(key, v);
      remember(*dst.get(key), v, origins);
    }
  }
}

// A relative path in a scenario (network.file) means relative to the file that wrote it, also
// when another scenario extends that file: it is made relative to the working directory here,
// before the merge. A path given with --set stays relative to the working directory.
void resolve_paths(toml::table& t, const std::string& base_dir) {
  auto* net = t.get_as<toml::table>("network");
  auto* file = net ? net->get_as<std::string>("file") : nullptr;
  if (!file || base_dir.empty()) return;
  const fs::path p = file->get();
  if (p.is_relative() && !p.empty()) *file = (fs::path(base_dir) / p).lexically_normal().string();
}

toml::table load_resolved(const std::string& text, const std::string& name, const std::string& base_dir,
                          std::vector<std::string>& chain, Origins& origins, std::vector<std::string>& notes) {
  toml::table t = parse_text(text, name);
  resolve_paths(t, base_dir);
  if (auto* ext = t.get("extends")) {
    if (!ext->is_string())
      throw InputError(where(*ext, name) + ": error: 'extends' = " + show(*ext) +
                       " must be a string: the path of the parent scenario");
    const std::string& rel = ext->as_string()->get();
    fs::path parent = fs::path(base_dir) / rel;
    std::error_code ec;
    fs::path canon = fs::weakly_canonical(parent, ec);
    const std::string at = where(*ext, name) + ": error: 'extends' = \"" + rel + "\": ";
    if (rel.empty()) throw InputError(at + "an empty path; expected the path of the parent scenario file");
    const std::string kind = special_file_kind(parent.string());
    if (kind == "missing") throw InputError(at + "parent scenario " + parent.string() + " does not exist");
    if (!kind.empty()) throw InputError(at + parent.string() + " is " + kind + "; expected a scenario file (.toml)");
    if (std::find(chain.begin(), chain.end(), canon.string()) != chain.end()) {
      std::string cyc;
      for (auto& c : chain) cyc += c + " -> ";
      throw InputError(where(*ext, name) + ": error: 'extends' cycle: " + cyc + canon.string());
    }
    if (chain.size() > 32) throw InputError(where(*ext, name) + ": error: 'extends' chain deeper than 32");
    chain.push_back(canon.string());
    toml::table base = load_resolved(read_file(parent.string(), where(*ext, name) + ": 'extends'"), parent.string(),
                                     parent.parent_path().string(), chain, origins, notes);
    t.erase("extends");
    merge_into(base, t, true, origins, notes);
    base.erase("replace_campaigns");
    return base;
  }
  t.erase("replace_campaigns");
  return t;
}

const SectionDesc* find_section(const std::string& name) {
  for (auto& s : sections())
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> section_names() {
  std::vector<std::string> v;
  for (auto& s : sections()) v.push_back(s.name);
  return v;
}

// The value of a --set: TOML syntax if it parses (numbers, booleans, arrays, quoted strings),
// else a bare string.
toml::table set_value(const std::string& value) {
  toml::table vt;
  try {
    vt = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
    vt = toml::table{};
    vt.insert("v", value);
  }
  return vt;
}

// The entry NAME (or INDEX, for campaigns) of an array section such as product.NAME.KEY.
toml::table* set_entry(toml::table& t, const std::vector<std::string>& parts, const std::string& ctx) {
  auto* arr = t[parts[0]].as_array();
  toml::table* target = nullptr;
  std::vector<std::string> names;
  if (arr) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      auto* e = (*arr)[i].as_table();
      if (!e) continue;
      std::string nm =
          parts[0] == "campaign"
              ? std::to_string(i)
              : (e->get("name") && e->get("name")->is_string() ? e->get("name")->as_string()->get() : std::string());
      names.push_back(nm);
      if (nm == parts[1]) target = e;
    }
  }
  if (!target) {
    std::string hint = did_you_mean(parts[1], names);
    throw InputError(ctx + "no " + parts[0] + " '" + parts[1] + "'" +
                     (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                     "; the scenario has: " + (names.empty() ? std::string("none") : Converter::join(names)));
  }
  return target;
}

// The table a --set writes into (its section, or an entry of it), and the key.
std::pair<toml::table*, std::string> set_target(toml::table& t, const SectionDesc& sec,
                                                const std::vector<std::string>& parts, const std::string& ctx) {
  if (!sec.is_array) {
    if (parts.size() != 2) throw InputError(ctx + "expected " + parts[0] + ".KEY");
    if (!t[parts[0]].is_table()) t.insert_or_assign(parts[0], toml::table{});
    return {t[parts[0]].as_table(), parts[1]};
  }
  if (parts.size() != 3)
    throw InputError(ctx + "expected " + parts[0] + (parts[0] == "campaign" ? ".INDEX.KEY" : ".NAME.KEY"));
  return {set_entry(t, parts, ctx), parts[2]};
}

// The top-level keys of free text (Scenario::title, Scenario::question).
bool is_text_key(const std::string& key) { return key == "title" || key == "question"; }

// --set title=TEXT: a quoted TOML string, or else the text as given.
void set_text(toml::table& t, const std::string& key, const std::string& value, Origins& origins,
              const std::string& label) {
  toml::table vt = set_value(value);
  forget(t.get(key), origins);
  if (vt.get("v")->is_string())
    t.insert_or_assign(key, *vt.get("v"));
  else
    t.insert_or_assign(key, value);
  mark(*t.get(key), label, origins);
}

void apply_set(toml::table& t, const std::string& assignment, Origins& origins) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError("--set " + assignment + ": error: expected key=value, e.g. --set product.Nova.price=249");
  const std::string key = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);
  std::vector<std::string> parts;
  std::stringstream ss(key);
  for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
  const std::string ctx = "--set " + assignment + ": error: ";
  if (parts.size() == 1 && is_text_key(parts[0])) {
    set_text(t, parts[0], value, origins, "--set " + assignment);
    return;
  }
  const SectionDesc* sec = parts.empty() ? nullptr : find_section(parts[0]);
  if (!sec) {
    std::string hint = parts.empty() ? "" : did_you_mean(parts[0], section_names());
    throw InputError(ctx + "unknown section '" + (parts.empty() ? "" : parts[0]) + "'" +
                     (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                     "; sections: simulation, network, segment.NAME, product.NAME, campaign.INDEX, behavior, "
                     "economics; or title, question");
  }
  toml::table vt = set_value(value);
  const auto [target, field] = set_target(t, *sec, parts, ctx);
  auto keys = keys_of(*sec->fields);
  if (std::find(keys.begin(), keys.end(), field) == keys.end()) {
    std::string hint = did_you_mean(field, keys);
    throw InputError(ctx + "unknown key '" + field + "' in " + parts[0] +
                     (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; allowed: " + Converter::join(keys));
  }
  forget(target->get(field), origins);
  target->insert_or_assign(field, *vt.get("v"));
  mark(*target->get(field), "--set " + assignment, origins);  // its messages name the --set
}

[[noreturn]] void fail_at(const Converter& c, const std::string& key, const std::string& msg) {
  throw InputError(c.loc(key) + ": error: " + msg);
}

// A name as TOML would write it: quoted, with control characters, quotes and backslashes
// escaped, so that a message shows exactly what the file holds (a NUL included).
std::string toml_quoted(const std::string& name) {
  std::string q = "\"";
  for (const char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      q += '\\';
      q += ch;
    } else if (u < 0x20 || u == 0x7F) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04X", u);
      q += esc;
    } else {
      q += ch;
    }
  }
  return q + "\"";
}

// Names address products and segments in results files, CSV cells and --set KIND.NAME.KEY:
// each one a name every one of them can hold (name_problem), and unique.
void check_name(const Converter& c, std::set<std::string>& names, const std::string& kind, std::size_t i,
                const std::string& name) {
  const std::string key = kind + "." + name + ".name";
  if (const std::string why = name_problem(name); !why.empty())
    fail_at(c, key,
            "'" + kind + ".name' = " + toml_quoted(name) + " (" + kind + " #" + std::to_string(i) + ") " + why +
                "; names go into results files, CSV files and --set " + kind +
                ".NAME.KEY: use letters, digits, spaces, '-' or '_'");
  if (!names.insert(name).second)
    fail_at(c, key, kind + " name " + toml_quoted(name) + " is used twice; names must be unique");
}

void check_products_and_segments(const Scenario& s, const Converter& c) {
  if (s.products.empty()) fail_at(c, "product", "the scenario defines no [[product]]; at least one is required");
  if (s.products.size() > static_cast<std::size_t>(kMaxProducts))
    fail_at(c, "product", "at most " + std::to_string(kMaxProducts) + " products are supported");
  if (s.segments.size() > 255) fail_at(c, "segment", "at most 255 segments are supported");
  std::set<std::string> names;
  for (std::size_t i = 0; i < s.products.size(); ++i) {
    if (s.products[i].name.empty()) fail_at(c, "product", "product #" + std::to_string(i) + " has an empty name");
    check_name(c, names, "product", i, s.products[i].name);
  }
  names.clear();
  double total = 0;
  for (std::size_t i = 0; i < s.segments.size(); ++i) {
    check_name(c, names, "segment", i, s.segments[i].name);
    total += s.segments[i].share;
  }
  if (std::abs(total - 1.0) > 1e-6) {
    std::ostringstream o;
    o << "segment shares sum to " << total << "; they must sum to 1 (";
    for (auto& g : s.segments) o << g.name << '=' << g.share << ' ';
    o << ')';
    fail_at(c, "segment." + s.segments.back().name + ".share", o.str());
  }
}

// Campaign i: its product and segment resolved to indices, its days in order.
void check_campaign(Scenario& s, std::size_t i, const Converter& c) {
  auto& cp = s.campaigns[i];
  const std::string base = "campaign." + std::to_string(i);
  cp.product_index = -1;
  std::vector<std::string> pn;
  for (std::size_t k = 0; k < s.products.size(); ++k) {
    pn.push_back(s.products[k].name);
    if (s.products[k].name == cp.product) cp.product_index = static_cast<int>(k);
  }
  if (cp.product_index < 0) {
    std::string hint = did_you_mean(cp.product, pn);
    fail_at(c, base + ".product",
            "'campaign." + std::to_string(i) + ".product' = " + toml_quoted(cp.product) + " names no product" +
                (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)") + "; products: " + Converter::join(pn));
  }
  cp.segment_index = -1;
  if (!cp.segment.empty()) {
    std::vector<std::string> sn;
    for (std::size_t g = 0; g < s.segments.size(); ++g) {
      sn.push_back(s.segments[g].name);
      if (s.segments[g].name == cp.segment) cp.segment_index = static_cast<int>(g);
    }
    if (cp.segment_index < 0)
      fail_at(c, base + ".segment",
              "'campaign." + std::to_string(i) + ".segment' = " + toml_quoted(cp.segment) +
                  " names no segment; segments: " + Converter::join(sn));
  }
  if (cp.end_day <= cp.start_day)
    fail_at(c, base + ".end_day",
            "'campaign." + std::to_string(i) + ".end_day' = " + std::to_string(cp.end_day) +
                " must be greater than start_day = " + std::to_string(cp.start_day));
}

// A campaign that starts after the last simulated day is allowed (a scenario may be run with a
// shorter --days) but never runs: say so.
void note_late_campaigns(Scenario& s, const Converter& c) {
  const auto days = s.simulation.days;
  for (std::size_t i = 0; i < s.campaigns.size(); ++i) {
    const auto start = s.campaigns[i].start_day;
    if (start < days) continue;
    const std::string key = "campaign." + std::to_string(i) + ".start_day";
    s.notes.push_back("note: " + c.loc(key) + ": campaign." + std::to_string(i) +
                      " never runs: its start_day = " + std::to_string(start) +
                      " is after the last day of the simulation (simulation.days = " + std::to_string(days) +
                      ": days 0 to " + std::to_string(days - 1) + ")");
  }
}

// A campaign with a daily budget and a price per exposure: its reach follows from them,
// daily_reach = budget / cost_per_exposure / targeted consumers (expected: agents x the
// segment's share). A daily_reach given as well must agree (to 1e-6, relative).
void check_campaign_budget(Scenario& s, std::size_t i, const Converter& c) {
  auto& cp = s.campaigns[i];
  if (cp.daily_budget <= 0 || cp.cost_per_exposure <= 0) return;
  const std::string base = "campaign." + std::to_string(i);
  const double share = cp.segment_index < 0 ? 1.0 : s.segments[cp.segment_index].share;
  const double target = static_cast<double>(s.simulation.agents) * share;
  const double reach = target > 0 ? cp.daily_budget / cp.cost_per_exposure / target : INFINITY;
  std::ostringstream o;
  o << "'" << base << ".daily_budget' = " << cp.daily_budget << " at cost_per_exposure = " << cp.cost_per_exposure
    << " buys " << cp.daily_budget / cp.cost_per_exposure << " exposures a day among " << target
    << " targeted consumers, a daily reach of " << reach;
  if (reach > 1) fail_at(c, base + ".daily_budget", o.str() + "; at most one exposure per consumer and day (reach 1)");
  if (c.given(base + ".daily_reach") && std::abs(cp.daily_reach - reach) > 1e-6 * reach) {
    o << ", but daily_reach = " << cp.daily_reach
      << " is given too; give either daily_reach or daily_budget with cost_per_exposure, or make them agree";
    fail_at(c, base + ".daily_reach", o.str());
  }
  cp.daily_reach = reach;
}

void check_behavior(const Scenario& s, const Converter& c) {
  auto& b = s.behavior;
  for (int i = 0; i < 3; ++i)
    if (!(b.star_cuts[i] < b.star_cuts[i + 1]))
      fail_at(c, "behavior.star_cuts", "'behavior.star_cuts' must be strictly increasing");
  if (b.detractor_threshold > b.promoter_threshold) {
    std::ostringstream o;
    o << "'behavior.detractor_threshold' = " << b.detractor_threshold
      << " must be at most 'behavior.promoter_threshold' = " << b.promoter_threshold
      << " (a customer cannot both promote and detract)";
    fail_at(c, "behavior.detractor_threshold", o.str());
  }
  if (b.share_reviews + b.share_brand + b.share_neighbors <= 0)
    fail_at(c, "behavior.share_reviews", "the source shares (share_reviews, share_brand, share_neighbors) are all 0");
}

// network.type = "file": the edge list exists and is readable; its path made absolute.
void check_network_file(Scenario& s, const Converter& c) {
  auto& n = s.network;
  if (n.file.empty()) fail_at(c, "network.type", "network.type = \"file\" needs network.file, the edge list path");
  // Already relative to the working directory: resolve_paths made it so, for the file that wrote it.
  const std::string kind = special_file_kind(n.file);
  if (kind == "missing")
    fail_at(c, "network.file", "'network.file' = \"" + n.file + "\": cannot read it: it does not exist");
  if (!kind.empty())
    fail_at(c, "network.file",
            "'network.file' = \"" + n.file + "\": " + n.file + " is " + kind +
                "; expected an edge list file (a regular file)");
}

void check_network(Scenario& s, const Converter& c) {
  auto& n = s.network;
  const auto agents = s.simulation.agents;
  const NetworkType type = network_type(n.type);
  const bool ring = type == NetworkType::WattsStrogatz || type == NetworkType::Ring;
  if (ring && n.degree % 2 != 0)
    fail_at(c, "network.degree", "'network.degree' = " + std::to_string(n.degree) + " must be even for " + n.type);
  if ((ring || type == NetworkType::ErdosRenyi) && n.degree >= agents)
    fail_at(c, "network.degree",
            "'network.degree' = " + std::to_string(n.degree) + " must be below the number of agents (" +
                std::to_string(agents) + ")");
  if (type == NetworkType::BarabasiAlbert && n.attach >= agents)
    fail_at(c, "network.attach",
            "'network.attach' = " + std::to_string(n.attach) + " must be below the number of agents");
  if (type == NetworkType::File) check_network_file(s, c);
}

// The rules across fields, checked once the scenario is converted.
void validate(Scenario& s, const Converter& c) {
  check_products_and_segments(s, c);
  for (std::size_t i = 0; i < s.campaigns.size(); ++i) {
    check_campaign(s, i, c);
    check_campaign_budget(s, i, c);
  }
  note_late_campaigns(s, c);
  check_behavior(s, c);
  check_network(s, c);
}

template <class T>
void convert_array(Converter& c, const toml::node& node, const std::string& section,
                   const std::vector<FieldDesc>& fields, std::vector<T>& out) {
  if (!node.is_array_of_tables())
    c.fail(&node, "'" + section + "' must be an array of tables, written [[" + section + "]]");
  const auto& arr = *node.as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    T item;
    if constexpr (std::is_same_v<T, Product>) item.name = "Product" + std::to_string(i + 1);
    if constexpr (std::is_same_v<T, Segment>) item.name = "segment" + std::to_string(i + 1);
    const auto& tbl = *arr[i].as_table();
    const auto* nm = tbl.get("name");
    std::string label = section + "." + (nm && nm->is_string() ? nm->as_string()->get() : std::to_string(i));
    c.convert(tbl, fields, &item, label);
    out.push_back(std::move(item));
  }
}

// The scenario text resolved (`extends` merged, the default segment added), before any --set.
struct Resolved {
  toml::table table;
  Origins origins;
  std::vector<std::string> notes;
  std::vector<std::string> files;  // the file and its parents (the `extends` chain)
};

Resolved resolve(const std::string& text, const std::string& name, const std::string& base_dir) {
  std::vector<std::string> chain;
  {
    std::error_code ec;
    if (!name.empty()) chain.push_back(fs::weakly_canonical(name, ec).string());
  }
  Resolved r;
  r.table = load_resolved(text, name, base_dir, chain, r.origins, r.notes);
  r.files = chain;  // the parents as resolved; the file itself as it was named
  if (!r.files.empty()) r.files.front() = name;
  if (!r.table.contains("segment")) {
    // One default segment, named so that --set segment.everyone.KEY=... can address it.
    toml::array segs;
    segs.push_back(toml::table{{"name", "everyone"}});
    r.table.insert("segment", segs);
  }
  return r;
}

// The value of `title` or `question`: a string that text_problem accepts.
std::string free_text(const Converter& c, const toml::node& v, const std::string& key) {
  if (!v.is_string())
    c.fail(&v, "'" + key + "' = " + show(v) + " is " + type_name(v) + "; expected a \"quoted string\"");
  std::string text = v.as_string()->get();
  if (const std::string why = text_problem(text); !why.empty()) c.fail(&v, "'" + key + "' " + why);
  return text;
}

// Applies the --set overrides to a resolved table, converts it through the field table and
// validates the result.
// The entries `edits` remove: by name (segment, product) or index (campaign, the highest first,
// so that every index names an entry of the scenario as read).
void remove_entries(toml::table& t, const std::vector<ScenarioEdit>& edits, Origins& origins) {
  std::vector<const ScenarioEdit*> removals;
  for (const auto& e : edits)
    if (!e.add) removals.push_back(&e);
  std::sort(removals.begin(), removals.end(), [](const ScenarioEdit* a, const ScenarioEdit* b) {
    return a->section != b->section       ? a->section < b->section
           : a->id.size() != b->id.size() ? a->id.size() > b->id.size()
                                          : a->id > b->id;
  });
  for (const ScenarioEdit* e : removals) {
    const std::string ctx = "removing " + e->section + "." + e->id + ": error: ";
    if (!find_section(e->section) || !find_section(e->section)->is_array)
      throw InputError(ctx + "'" + e->section + "' is not a section of entries");
    toml::table* target = set_entry(t, {e->section, e->id}, ctx);
    auto& arr = *t[e->section].as_array();
    for (std::size_t i = 0; i < arr.size(); ++i)
      if (arr[i].as_table() == target) {
        forget(&arr[i], origins);
        arr.erase(arr.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
  }
}

// The entries `edits` add, appended to their sections in the order given.
void add_entries(toml::table& t, const std::vector<ScenarioEdit>& edits, Origins& origins) {
  for (const auto& e : edits) {
    if (!e.add) continue;
    const std::string ctx = "adding a " + e.section + ": error: ";
    toml::table vt = set_value(e.entry);
    if (!vt.get("v") || !vt.get("v")->is_table())
      throw InputError(ctx + e.entry + " is not an inline table { key = value, ... }");
    if (!t[e.section].is_array()) t.insert_or_assign(e.section, toml::array{});
    auto& arr = *t[e.section].as_array();
    arr.push_back(*vt.get("v"));
    mark(arr.back(), e.section + " added by a lever", origins);
  }
}

Scenario build(toml::table& t, Origins origins, const Resolved& r, const std::string& name,
               const std::vector<std::string>& sets, const std::vector<ScenarioEdit>& edits = {}) {
  remove_entries(t, edits, origins);
  for (const auto& a : sets) apply_set(t, a, origins);
  add_entries(t, edits, origins);

  Scenario s;
  s.source_path = name;
  s.notes = r.notes;
  s.input_files = r.files;
  Converter c(name);
  c.set_origins(std::move(origins));
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (is_text_key(key)) {
      (key == "title" ? s.title : s.question) = free_text(c, v, key);
      continue;
    }
    const SectionDesc* sec = find_section(key);
    if (!sec) {
      std::string hint = did_you_mean(key, section_names());
      c.fail(&v, "unknown section '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                     "; allowed: [simulation], [network], [[segment]], [[product]], [[campaign]], [behavior], "
                     "[economics], extends, title, question");
    }
    if (sec->is_array) {
      if (key == "segment")
        convert_array(c, v, key, *sec->fields, s.segments);
      else if (key == "product")
        convert_array(c, v, key, *sec->fields, s.products);
      else
        convert_array(c, v, key, *sec->fields, s.campaigns);
    } else {
      if (!v.is_table()) c.fail(&v, "'" + key + "' must be a table, written [" + key + "]");
      void* obj = key == "simulation"  ? static_cast<void*>(&s.simulation)
                  : key == "network"   ? static_cast<void*>(&s.network)
                  : key == "economics" ? static_cast<void*>(&s.economics)
                                       : static_cast<void*>(&s.behavior);
      c.convert(*v.as_table(), *sec->fields, obj, key);
    }
  }
  validate(s, c);
  if (s.network.type == "file") s.input_files.push_back(s.network.file);
  return s;
}

// The origins of `orig`'s nodes, for the same nodes of its copy `copy` (a copy has no source
// positions of its own): a remembered origin, else the node's own position.
void copy_origins(const toml::node& copy, const toml::node& orig, const Origins& from, Origins& to) {
  if (const auto it = from.find(&orig); it != from.end())
    to[&copy] = it->second;
  else if (orig.source().begin.line != 0)
    to[&copy] = where(orig, "");
  if (copy.is_table() && orig.is_table()) {
    for (auto&& [k, v] : *copy.as_table())
      if (const auto* ov = orig.as_table()->get(k.str())) copy_origins(v, *ov, from, to);
  } else if (copy.is_array() && orig.is_array()) {
    const auto &ca = *copy.as_array(), &oa = *orig.as_array();
    for (std::size_t j = 0; j < ca.size() && j < oa.size(); ++j) copy_origins(ca[j], oa[j], from, to);
  }
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& name, const std::string& base_dir,
                        const std::vector<std::string>& sets) {
  Resolved r = resolve(text, name, base_dir);
  return build(r.table, std::move(r.origins), r, name, sets);
}

struct ParsedScenario::Text {
  std::string name;
  Resolved resolved;
};

ParsedScenario::ParsedScenario(const std::string& path) {
  auto t = std::make_shared<Text>();
  t->name = path;
  t->resolved = resolve(read_file(path), path, fs::path(path).parent_path().string());
  text_ = std::move(t);
}

Scenario ParsedScenario::with(const std::vector<std::string>& sets) const { return with(sets, {}); }

Scenario ParsedScenario::with(const std::vector<std::string>& sets, const std::vector<ScenarioEdit>& edits) const {
  if (!text_) throw std::logic_error("ParsedScenario::with on a scenario that was never read");
  const Resolved& r = text_->resolved;
  toml::table t = r.table;
  Origins origins;
  for (auto&& [k, v] : t) copy_origins(v, *r.table.get(k.str()), r.origins, origins);
  return build(t, std::move(origins), r, text_->name, sets, edits);
}

void print_notes(const Scenario& s) {
  for (const auto& n : s.notes) std::cerr << "motsim: " << n << '\n';
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets) {
  const std::string text = read_file(path);
  return parse_scenario(text, path, fs::path(path).parent_path().string(), sets);
}

namespace {
void emit(toml::table& t, const std::vector<FieldDesc>& fields, const void* obj) {
  void* o = const_cast<void*>(obj);
  for (const auto& f : fields) {
    void* p = f.ptr(o);
    switch (f.kind) {
      case FieldKind::Int:
        t.insert(f.key, *static_cast<std::int64_t*>(p));
        break;
      case FieldKind::Real:
        t.insert(f.key, *static_cast<double*>(p));
        break;
      case FieldKind::Bool:
        t.insert(f.key, *static_cast<bool*>(p));
        break;
      case FieldKind::Str:
        t.insert(f.key, *static_cast<std::string*>(p));
        break;
      case FieldKind::Real4: {
        toml::array a;
        for (double x : *static_cast<std::array<double, 4>*>(p)) a.push_back(x);
        t.insert(f.key, a);
        break;
      }
      case FieldKind::Int5: {
        toml::array a;
        for (auto x : *static_cast<std::array<std::int64_t, 5>*>(p)) a.push_back(x);
        t.insert(f.key, a);
        break;
      }
    }
  }
}
template <class T>
toml::array emit_array(const std::vector<T>& v, const std::vector<FieldDesc>& fields) {
  toml::array a;
  for (const auto& item : v) {
    toml::table t;
    emit(t, fields, &item);
    a.push_back(std::move(t));
  }
  return a;
}
}  // namespace

std::string scenario_to_toml(const Scenario& s) {
  toml::table t;
  if (!s.title.empty()) t.insert("title", s.title);
  if (!s.question.empty()) t.insert("question", s.question);
  toml::table sim, net, beh, eco;
  emit(sim, simulation_fields(), &s.simulation);
  emit(net, network_fields(), &s.network);
  emit(beh, behavior_fields(), &s.behavior);
  emit(eco, economics_fields(), &s.economics);
  t.insert("simulation", sim);
  t.insert("network", net);
  t.insert("segment", emit_array(s.segments, segment_fields()));
  t.insert("product", emit_array(s.products, product_fields()));
  if (!s.campaigns.empty()) t.insert("campaign", emit_array(s.campaigns, campaign_fields()));
  t.insert("behavior", beh);
  t.insert("economics", eco);
  std::ostringstream o;
  o << t << '\n';
  return o.str();
}

}  // namespace motsim
