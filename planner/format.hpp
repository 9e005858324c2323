// French number formatting for reports: thin no-break space between thousands,
// decimal comma ("12 345,6"). NaN prints as "—".
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>

#include "planner/offer/regime.hpp"

namespace recompose::planner {

// Text read from input files: surrounding spaces, tabs and line ends removed.
inline std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

// Control characters (U+0000..U+001F, U+007F) in text read from files or scenarios:
// an id holding one is refused (ids key every output and are typed back in
// scenarios); free text (names) has them replaced by spaces.
inline bool has_control_char(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}
inline std::string without_control_chars(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return s;
}
// `s` with control characters shown as \xNN, for messages.
inline std::string printable(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// Today's date in local time, "YYYY-MM-DD": the production date of reports and maps.
inline std::string iso_today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Text for a cell of a Markdown (GFM) table in the reports: "|" escaped as "\|" (read
// as a literal "|", inside a code span too) and line breaks turned into spaces, so that
// a name read from a file never splits a cell nor ends a row. Every writer of a table
// passes the text it did not write itself (names, ids, labels from data) through it.
inline std::string md_cell(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Whether `s` is a non-empty run of ASCII digits (codes, FINESS numbers).
inline bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One vocabulary for the two states of a unit without a time, in every output and
// the viewer: off the road network (never routed, neither near nor far), and routed
// with no facility within the cutoff.
inline constexpr const char* kOffNetworkLabel = "hors réseau";
inline constexpr const char* kNoAccessLabel = "sans accès";

inline std::string fr_number(double v, int decimals = 0) {
  if (std::isnan(v)) return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s(buf);
  const auto dot = s.find('.');
  std::string intpart = s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  std::string sign;
  if (!intpart.empty() && intpart[0] == '-') {
    sign = "-";
    intpart.erase(0, 1);
  }
  std::string grouped;
  for (std::size_t i = 0; i < intpart.size(); ++i) {
    if (i && (intpart.size() - i) % 3 == 0) grouped += "\u202f";
    grouped += intpart[i];
  }
  if (sign == "-" && grouped.find_first_not_of("0\u202f") == std::string::npos &&
      frac.find_first_not_of('0') == std::string::npos) {
    sign.clear();  // no "-0,0"
  }
  return sign + grouped + (frac.empty() ? "" : "," + frac);
}

// "+1,5" / "-2,0" / "0,0" for deltas.
inline std::string fr_delta(double v, int decimals = 1) {
  if (std::isnan(v)) return "—";
  const std::string s = fr_number(v, decimals);
  return (v > 0 && s.find_first_not_of("0,\u202f") != std::string::npos) ? "+" + s : s;
}

// French label of a target (facility kind or flag).
inline std::string target_label(const std::string& t) {
  if (t == "hospital") return "hôpital (site FINESS)";
  if (t == "urgent_care") return "site d'urgences (hypothèse déclarée)";
  if (t == "gp_point") return "médecine générale";
  if (t == "health_centre") return "centre de santé";
  if (t == "pharmacy") return "pharmacie";
  if (t == "mining_pharmacy") return "pharmacie minière";
  if (t == "mining_health_building") return "bâtiment de santé minier (historique)";
  if (t == "mining_regime") return "structure du régime minier";
  if (t == kRegimeKind || t.rfind("regime_", 0) == 0) return service_label(t);
  return t;
}

}  // namespace recompose::planner
