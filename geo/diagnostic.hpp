// A recorded problem in a batch: the item is skipped or repaired, the batch goes on.
#pragma once

#include <string>
#include <vector>

namespace recompose::geo {

enum class Severity { Info, Warning, Error };

struct Diagnostic {
  Severity severity = Severity::Warning;
  std::string code;     // stable machine code, e.g. "geometry-repaired", "off-network"
  std::string where;    // "file x.geojson, layer y, feature 12 (code_iris=421870301)"
  std::string message;  // human sentence
};

using Diagnostics = std::vector<Diagnostic>;

inline const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "?";
}

}  // namespace recompose::geo
