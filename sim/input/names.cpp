#include "sim/input/names.hpp"

namespace motsim {

namespace {

// Length of the UTF-8 sequence starting with byte c, or 0 if c cannot start one.
int utf8_length(unsigned char c) {
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return 2;
  if (c >= 0xE0 && c <= 0xEF) return 3;
  if (c >= 0xF0 && c <= 0xF4) return 4;
  return 0;
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const int n = utf8_length(static_cast<unsigned char>(s[i]));
    if (n == 0 || i + n > s.size()) return false;
    for (int j = 1; j < n; ++j)
      if ((static_cast<unsigned char>(s[i + j]) & 0xC0) != 0x80) return false;
    i += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string name_problem(const std::string& name) {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxNameBytes)
    return "is " + std::to_string(name.size()) + " bytes long; at most " + std::to_string(kMaxNameBytes) +
           " are allowed";
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return "contains a control character (code " + std::to_string(c) + ")";
    switch (ch) {
      case '/':
        return "contains a '/', which results files use to separate names";
      case '.':
        return "contains a '.', which --set KIND.NAME.KEY uses to separate names";
      case '"':
      case ',':
      case '\\':
        return std::string("contains a '") + ch + "', which CSV and TOML files quote";
      default:
        break;
    }
  }
  if (name.front() == ' ' || name.back() == ' ') return "begins or ends with a space";
  if (!valid_utf8(name)) return "is not valid UTF-8 text";
  return "";
}

std::string text_problem(const std::string& text) {
  if (text.size() > kMaxTextBytes)
    return "is " + std::to_string(text.size()) + " bytes long; at most " + std::to_string(kMaxTextBytes) +
           " are allowed";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && ch != '\n' && ch != '\t') || c == 0x7F)
      return "contains a control character (code " + std::to_string(c) + ")";
  }
  if (!valid_utf8(text)) return "is not valid UTF-8 text";
  return "";
}

}  // namespace motsim
