// Reader of the national FINESS extract published by Etalab on data.gouv.fr
// (`etalab-cs1100507-stock-AAAAMMJJ-HHMM.csv`: establishments with their
// geolocation). Layout (see shared/datasets/raw/SOURCES.md, "The FINESS register"):
//
//   finess;etalab;<version>;<AAAA-MM-JJ>              line 1, no header row
//   structureet;nofinesset;nofinessej;rs;...;numuai  one per establishment, 32 fields
//   geolocalisation;nofinesset;coordxet;coordyet;sourcecoordet;datemaj
//
// `;`-separated, tokenised with GDAL's CPL (CSLTokenizeString2, quotes honoured).
// `sourcecoordet` names the CRS ("1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93
// (Métropole)"); some copies split it on `;` instead of `,`, so every field between
// coordyet and the last one is taken as sourcecoordet. The CRS is the "EPSG:nnnn" the
// text names, or Lambert-93 for the older token "LAMBERT_93"; anything else is an
// unknown CRS (diagnostic). Lines that are not UTF-8 are read as Windows-1252 and
// converted (geo::to_utf8), with one "encoding-converted" diagnostic.
//
// Coordinates: every located establishment gets lon/lat (WGS84) through PROJ.
// Metropolitan ones also get their Lambert-93 point: the file's own values when the
// CRS is EPSG:2154, else transformed through PROJ when the lon/lat lies in
// metropolitan France (a site published in another CRS). Overseas ones keep their own
// CRS and coordinates and are flagged `metropolitan = false`: a territory (Lambert-93)
// leaves them out with a diagnostic.
//
// Never silent: a structureet line without geolocalisation, unparsable coordinates,
// an unknown CRS, a line with the wrong number of fields (its line number), a
// duplicated FINESS number, an unknown line type are all diagnostics; a file that is
// not a FINESS extract is an Error naming the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "geo/diagnostic.hpp"
#include "geo/types.hpp"

namespace recompose::planner::offer {

// Field names of a `structureet` line, in order (index 0 is the tag itself).
const std::vector<std::string>& finess_structure_fields();
inline constexpr std::size_t kFinessStructureFieldCount = 32;
inline constexpr const char* kFilierisLegalEntity = "750050759";  // CANSSM FILIERIS (SOURCES.md)

// Which establishments to keep. Empty lists accept everything.
struct FinessSelection {
  std::vector<std::string> categories;      // categetab codes, e.g. "124", "620", "355"
  std::vector<std::string> legal_entities;  // nofinessej, e.g. "750050759"
};

struct FinessEstablishment {
  std::size_t line = 0;             // 1-based line of its structureet line
  std::vector<std::string> fields;  // the 32 structureet fields (UTF-8), index as finess_structure_fields()
  std::string commune_code;         // INSEE code (departement + commune suffix), "" when not derivable
  // Geolocation.
  bool located = false;
  std::size_t geo_line = 0;   // line of its geolocalisation record (0: none)
  std::string crs;            // "EPSG:2154", "EPSG:2975"...
  std::string crs_text;       // sourcecoordet as published
  double x = 0, y = 0;        // in `crs`
  double lon = 0, lat = 0;    // WGS84
  bool metropolitan = false;  // in metropolitan France: `point` is set
  geo::PointM point;          // Lambert-93 metres (metropolitan only)

  [[nodiscard]] const std::string& value(const std::string& field) const;  // throws for an unknown name
  [[nodiscard]] const std::string& number() const { return fields[1]; }    // nofinesset
  [[nodiscard]] const std::string& legal_entity() const { return fields[2]; }
  [[nodiscard]] const std::string& category() const { return fields[18]; }
  [[nodiscard]] const std::string& category_label() const { return fields[19]; }
  // rslongue, or rs when rslongue is empty.
  [[nodiscard]] std::string display_name() const;
};

struct FinessExtract {
  std::string path;
  std::string version, date;  // from line 1
  std::uint64_t lines = 0, structure_lines = 0, geolocation_lines = 0;
  bool recoded = false;  // some lines were Windows-1252
  std::vector<FinessEstablishment> establishments;  // selected, in file order
  geo::Diagnostics diagnostics;

  [[nodiscard]] const FinessEstablishment* find(const std::string& nofinesset) const;
};

// Reads and selects. Throws geo::Error naming the file when it is missing, empty or
// not a FINESS extract (line 1 is not `finess;etalab;...`).
FinessExtract read_finess(const std::string& path, const FinessSelection& selection = {});

// The CRS named by a sourcecoordet text ("EPSG:2154" ...), or "" when it names none.
std::string finess_crs_from_text(const std::string& sourcecoordet);

// INSEE commune code from the FINESS `departement` and `commune` fields: "59"+"350" ->
// "59350", "2A"+"004" -> "2A004"; overseas départements, published as "9A".."9F" (971
// to 976) or "97"/"971".., have a commune suffix that already holds the département's
// last digit ("9D"+"411" -> "97411"). Codes that lost their leading zeros ("1", "4")
// are padded. Returns "" when the fields cannot make a code; `problem` then says why.
std::string finess_commune_code(const std::string& departement, const std::string& commune,
                                std::string* problem = nullptr);

}  // namespace recompose::planner::offer
