// Vector I/O through GDAL/OGR: read any layer GDAL reads, with an explicit
// field mapping, into Lambert-93 (or any target CRS); write GeoJSON (RFC 7946,
// WGS84, 6 decimals), GeoPackage (EPSG:2154) and CSV (codes as strings).
//
// Reading: every requested field comes back as a string (`FeatureRecord::values`,
// empty + `is_null` for a NULL), so codes keep their leading zeros; numbers are
// parsed by the caller, who knows which are numbers. A field missing from the
// layer is an Error naming the file, the layer and the fields it has. A layer with
// geometry but no CRS is an Error unless `assume_crs` is given. Plain JSON files
// holding an array of records (e.g. INSEE/etalab lists) are read with nlohmann::json
// through the same interface. Input files are opened read-only.
//
// Writing: `VectorWriter` writes to a temporary file beside the target and renames
// it on `commit()`; a writer destroyed without commit removes its temporary file,
// so a failed run never leaves a half-written output.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "geo/diagnostic.hpp"
#include "geo/geometry.hpp"

namespace recompose::geo {

struct LayerInfo {
  std::string name;
  std::int64_t feature_count = -1;
  std::string geometry_type;  // OGR name, "None" for tables
  std::string crs;            // "EPSG:xxxx", a WKT when unidentified, or "" when none
  std::vector<std::string> fields;
};

// Lists the layers of a file GDAL can open. Throws Error naming the file.
std::vector<LayerInfo> list_layers(const std::string& path);

struct ReadOptions {
  std::string layer;                         // empty: the file's only (first) layer
  std::vector<std::string> fields;           // required, in this order in `values`
  std::vector<std::string> optional_fields;  // after the required ones; "" when absent
  bool read_geometry = true;
  std::string x_field, y_field;              // build points from two columns (CSV)
  std::string assume_crs;                    // used when the layer declares no CRS
  std::string target_crs = "EPSG:2154";
  std::vector<std::string> open_options;     // GDAL open options, e.g. "SEPARATOR=SEMICOLON"
};

struct FeatureRecord {
  std::int64_t fid = -1;
  std::vector<std::string> values;
  std::vector<bool> is_null;
  Geometry geometry;  // in ReadOptions::target_crs; null when none or unreadable
};

struct LayerData {
  std::string path;
  std::string layer;
  std::string source_crs;  // as identified ("EPSG:4326"), "" for tables
  std::vector<std::string> field_names;  // required then optional, as in `values`
  std::vector<FeatureRecord> features;
  Diagnostics diagnostics;  // null/empty geometries, failed transforms, bad x/y

  // Index of `name` in `values`; throws Error if it was not requested.
  [[nodiscard]] std::size_t field(const std::string& name) const;
  // "file F, layer L, feature N" for messages.
  [[nodiscard]] std::string where(const FeatureRecord& f) const;
};

// Reads a whole layer. Throws Error (file, layer, field) for a missing file, an
// unknown layer or field, an empty layer is returned as such (the caller decides).
LayerData read_layer(const std::string& path, const ReadOptions& options);

// ---------------------------------------------------------------------------
// Writing

enum class FieldType { String, Integer, Real };
using FieldValue = std::variant<std::monostate, std::string, std::int64_t, double>;

// Field values of the writers: a missing value is written as NULL (never 0, never NaN).
inline const FieldValue kNullField{std::monostate{}};
// `v`, or NULL when it is NaN (no data).
inline FieldValue real_or_null(double v) { return v != v ? kNullField : FieldValue(v); }
// `v` when `known`, else NULL.
inline FieldValue real_if(bool known, double v) { return known ? FieldValue(v) : kNullField; }

struct FieldDef {
  std::string name;
  FieldType type = FieldType::String;
};

enum class VectorFormat { GeoJson, GeoPackage, Csv };

enum class GeometryKind { None, Point, LineString, Polygon, MultiPolygon, MultiLineString, Unknown };

class VectorWriter {
 public:
  // `path` is the final file. Input geometries are in `source_crs` (Lambert-93 by
  // default): GeoJSON output is reprojected to WGS84 with 6 decimals (RFC 7946),
  // GeoPackage is stored in EPSG:2154, CSV gets no geometry unless `csv_wkt`.
  // Every geometry is written valid at the precision of its format: GeoJSON
  // geometries are reduced topologically to the 1e-6 degree grid (a polygon that
  // collapses below it is written without geometry), others are made valid.
  VectorWriter(std::string path, VectorFormat format, std::string source_crs = "EPSG:2154");
  ~VectorWriter();
  VectorWriter(const VectorWriter&) = delete;
  VectorWriter& operator=(const VectorWriter&) = delete;

  // Starts a new layer (GeoJSON and CSV hold exactly one).
  void begin_layer(const std::string& name, GeometryKind kind, const std::vector<FieldDef>& fields,
                   const std::string& description = "");
  void write(const std::vector<FieldValue>& values, const Geometry* geometry = nullptr);
  // Flushes, closes and renames the temporary file onto `path`.
  void commit();

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  std::string tmp_path_;
  VectorFormat format_;
};

// `text` as UTF-8: unchanged when it is valid UTF-8, else read as Windows-1252 (INSEE
// tables re-saved in Excel, FINESS extracts of some vintages) and converted by GDAL
// (CPLRecode); `*recoded` is set to true when it was converted. Readers that convert
// record one "encoding-converted" diagnostic per file.
std::string to_utf8(const std::string& text, bool* recoded = nullptr);

// A text cell made safe for spreadsheets (CSV injection): a cell that starts with
// '=', '+', '-', '@', a tab or a carriage return would be read as a formula by
// Excel or LibreOffice; it is prefixed with an apostrophe, which they display as
// text. Every text cell of every CSV the writer produces goes through it; numeric
// cells (FieldType::Integer / Real) are written as numbers, negative ones included.
std::string csv_safe_text(const std::string& text);

// Writes `text` to `path` atomically (temporary file, then rename).
void write_text_file_atomic(const std::string& path, const std::string& text);

}  // namespace recompose::geo
