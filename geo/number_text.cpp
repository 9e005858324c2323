#include "geo/number_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace recompose::geo {

namespace {

// Length of a space-like separator at `i` (ASCII space, U+00A0, U+202F, U+2009 in
// UTF-8, or a lone 0xA0 byte of Windows-1252), 0 if none.
std::size_t separator_at(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ') return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
    const auto d = static_cast<unsigned char>(s[i + 2]);
    if (d == 0xAF || d == 0x89) return 3;
  }
  if (c == 0xA0) return 1;
  return 0;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty()) {
    if (s.front() == '\t' || s.front() == '\r' || s.front() == '\n') {
      s.remove_prefix(1);
    } else if (const std::size_t n = separator_at(s, 0)) {
      s.remove_prefix(n);
    } else {
      break;
    }
  }
  while (!s.empty()) {
    const char c = s.back();
    if (c == '\t' || c == '\r' || c == '\n' || c == ' ') {
      s.remove_suffix(1);
      continue;
    }
    // A trailing multi-byte space: find its first byte.
    bool removed = false;
    for (std::size_t n = std::min<std::size_t>(3, s.size()); n >= 1; --n) {  // the longest first
      if (separator_at(s, s.size() - n) == n) {
        s.remove_suffix(n);
        removed = true;
        break;
      }
    }
    if (!removed) break;
  }
  return s;
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  std::string_view s = trim_spaces(text);
  if (s.empty()) return std::nullopt;
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  if (s.compare(0, 3, "\u2212") == 0) {  // the typographic minus sign
    out += '-';
    i = 3;
  } else if (s[0] == '+' || s[0] == '-') {
    if (s[0] == '-') out += '-';
    i = 1;
  }
  // Integer part, with thousands separators between groups of exactly three digits.
  std::size_t group = 0;  // digits in the current group
  bool grouped = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      out += c;
      ++group;
      continue;
    }
    if (const std::size_t n = separator_at(s, i)) {
      if (group == 0 || (grouped && group != 3) || (!grouped && group > 3)) return std::nullopt;
      grouped = true;
      group = 0;
      i += n - 1;
      continue;
    }
    break;
  }
  if (grouped && group != 3) return std::nullopt;
  bool point = false, comma = false;
  const std::string_view rest = s.substr(i);
  for (std::size_t k = 0; k < rest.size(); ++k) {
    const char c = rest[k];
    if (c == ',') {
      comma = true;
      out += '.';
    } else if (c == '.') {
      point = true;
      out += '.';
    } else if ((c >= '0' && c <= '9') || c == 'e' || c == 'E') {
      out += c;
    } else if ((c == '+' || c == '-') && k > 0 && (rest[k - 1] == 'e' || rest[k - 1] == 'E')) {
      out += c;  // the exponent's sign
    } else {
      return std::nullopt;  // letters, a space in the decimals...
    }
  }
  if (point && comma) return std::nullopt;
  if (out.empty() || out == "-") return std::nullopt;
  double v = 0;
  const auto [p, ec] = std::from_chars(out.data(), out.data() + out.size(), v);
  if (ec != std::errc() || p != out.data() + out.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool is_no_data_marker(std::string_view text) {
  const std::string_view s = trim_spaces(text);
  std::string low;
  for (char c : s) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return low == "n.d." || low == "n.d" || low == "nd" || low == "n/d" || low == "s" || low == "na" || low == "n/a" ||
         low == "-" || low == "--" || low == "\u2026" || low == "..." || low == "secret" || low == "nc" || low == "n.c.";
}

}  // namespace recompose::geo
