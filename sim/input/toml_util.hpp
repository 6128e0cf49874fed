#pragma once
// toml++ helpers shared by the readers of TOML input (sim/input/scenario.cpp, sim/experiment/sweep_spec.cpp): where a
// node is, how to show its value in a message, and parsing with a located syntax error.
#include <toml++/toml.h>

#include <sstream>
#include <string>

#include "sim/input/scenario.hpp"

namespace motsim::tomlu {

// FILE:LINE:COLUMN of a node, or `fallback` when it has no source position.
inline std::string where(const toml::node& n, const std::string& fallback) {
  const auto& src = n.source();
  if (src.begin.line == 0) return fallback;
  std::ostringstream o;
  o << (src.path ? *src.path : fallback) << ':' << src.begin.line << ':' << src.begin.column;
  return o.str();
}

// A value as a message shows it: strings quoted, tables and arrays named.
inline std::string show(const toml::node& n) {
  std::ostringstream o;
  if (n.is_string())
    o << '"' << n.as_string()->get() << '"';
  else if (n.is_table())
    o << "(a table)";
  else if (n.is_array())
    o << "(an array)";
  else
    n.visit([&](auto&& v) { o << v; });
  return o.str();
}

// Parses TOML text; a syntax error becomes an InputError at NAME:LINE:COLUMN.
inline toml::table parse_text(const std::string& text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    std::ostringstream o;
    o << name << ':' << e.source().begin.line << ':' << e.source().begin.column
      << ": error: TOML syntax: " << e.description();
    // A bare word as a value (agents = ten) reads to toml++ like a misspelt true/false/inf/nan.
    const std::string d(e.description());
    if (d.find("boolean") != std::string::npos || d.find("infinity") != std::string::npos ||
        d.find("nan") != std::string::npos || d.find("value type") != std::string::npos)
      o << " (a value must be a number, true or false, a \"quoted string\" or an [array]; text needs quotes)";
    throw InputError(o.str());
  }
}

}  // namespace motsim::tomlu
