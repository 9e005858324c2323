#include "geo/vector_io.hpp"
#include "geo/postgres.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/crs.hpp"
#include "geo/error.hpp"
#include "geo/number_text.hpp"
#include "geo/output_folder.hpp"

namespace recompose::geo {

namespace fs = std::filesystem;

namespace {

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    // Messages are reported through our own errors, with context; keep stderr clean.
    CPLSetErrorHandler(CPLQuietErrorHandler);
  });
}

std::string last_gdal_error() {
  const char* m = CPLGetLastErrorMsg();
  return (m && *m) ? std::string(m) : std::string("GDAL gives no reason (not a format it reads, or an empty file?)");
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

// Why a write failed: GDAL's message, and the system's reason when there is one
// ("No space left on device", "File too large").
std::string write_failure_reason(const std::string& path) {
  const int err = errno;
  const char* gdal = CPLGetLastErrorMsg();
  std::string m = gdal ? gdal : "";
  // The system's reason: errno when it tells one, else the conditions checked now
  // (SQLite and GDAL often report a later symptom and lose errno).
  std::string sys;
  if (err == ENOSPC || err == EFBIG || err == EDQUOT || err == EACCES || err == EROFS || err == EIO) {
    sys = std::strerror(err);
  } else {
    sys = probable_write_failure(path);
  }
  if (m.empty()) return sys.empty() ? std::string("GDAL gives no reason") : sys;
  if (!sys.empty() && m.find(sys) == std::string::npos) m = sys + " — " + m;
  return m;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

std::string srs_identity(const OGRSpatialReference* srs) {
  if (!srs) return "";
  const char* auth = srs->GetAuthorityName(nullptr);
  const char* code = srs->GetAuthorityCode(nullptr);
  if (auth && code) return std::string(auth) + ":" + code;
  char* wkt = nullptr;
  const char* options[] = {"FORMAT=WKT2_2019", nullptr};
  srs->exportToWkt(&wkt, options);
  std::string w = wkt ? wkt : "";
  CPLFree(wkt);
  const std::string id = crs_authority_code(w);
  return id.empty() ? w : id;
}

bool parse_double(const std::string& s, double& out) {
  // French tables: decimal comma, spaces between thousands (geo/number_text.hpp).
  const auto v = parse_number(s);
  if (v) out = *v;
  return v.has_value();
}

bool is_json_array_file(const std::string& path) {
  if (fs::path(path).extension() != ".json") return false;
  std::ifstream in(path);
  char c = 0;
  bool first = true;
  while (in.get(c)) {
    if (first && static_cast<unsigned char>(c) == 0xEF) {  // UTF-8 byte order mark: EF BB BF
      in.ignore(2);
      first = false;
      continue;
    }
    first = false;
    if (!std::isspace(static_cast<unsigned char>(c))) return c == '[';
  }
  return false;
}

std::string json_value_to_string(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
  if (v.is_number_float()) {
    std::ostringstream s;
    s.precision(17);
    s << v.get<double>();
    return s.str();
  }
  return v.dump();  // arrays and objects stay JSON text
}

LayerData read_json_records(const std::string& path, const ReadOptions& o) {
  LayerData out;
  out.path = path;
  out.layer = fs::path(path).stem().string();
  nlohmann::json doc;
  try {
    std::ifstream in(path);
    doc = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw Error(std::string("not valid JSON: ") + e.what());
  }
  out.field_names = o.fields;
  out.field_names.insert(out.field_names.end(), o.optional_fields.begin(), o.optional_fields.end());
  std::int64_t fid = 0;
  std::vector<bool> seen(o.fields.size(), false);
  for (const auto& rec : doc) {
    FeatureRecord f;
    f.fid = fid++;
    if (!rec.is_object()) continue;
    for (std::size_t i = 0; i < out.field_names.size(); ++i) {
      auto it = rec.find(out.field_names[i]);
      const bool present = it != rec.end() && !it->is_null();
      if (present && i < seen.size()) seen[i] = true;
      f.values.push_back(present ? json_value_to_string(*it) : "");
      f.is_null.push_back(!present);
    }
    out.features.push_back(std::move(f));
  }
  for (std::size_t i = 0; i < o.fields.size(); ++i) {
    if (!seen[i] && !out.features.empty()) {
      throw Error("unknown field " + quote(o.fields[i]) + " (no record has it)");
    }
  }
  return out;
}

}  // namespace

std::size_t LayerData::field(const std::string& name) const {
  auto it = std::find(field_names.begin(), field_names.end(), name);
  if (it == field_names.end()) {
    throw Error("field " + quote(name) + " was not read from " + path, ErrorKind::Internal);
  }
  return static_cast<std::size_t>(it - field_names.begin());
}

std::string LayerData::where(const FeatureRecord& f) const {
  return "file " + path + ", layer " + layer + ", feature " + std::to_string(f.fid);
}

std::vector<LayerInfo> list_layers(const std::string& path) {
  ensure_gdal();
  if (!fs::exists(path)) throw Error("file not found: " + path);
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
  if (!ds) throw Error("GDAL cannot open " + path + " as a vector dataset: " + last_gdal_error());
  std::vector<LayerInfo> out;
  for (OGRLayer* layer : ds->GetLayers()) {
    LayerInfo info;
    info.name = layer->GetName();
    info.feature_count = layer->GetFeatureCount();
    info.geometry_type = OGRGeometryTypeToName(layer->GetGeomType());
    info.crs = srs_identity(layer->GetSpatialRef());
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) info.fields.push_back(defn->GetFieldDefn(i)->GetNameRef());
    out.push_back(std::move(info));
  }
  return out;
}

LayerData read_layer(const std::string& path, const ReadOptions& o) {
  ensure_gdal();
  const bool database = pg::is_locator(path);
  return with_error_context(database ? pg::redacted(path) : "file " + path, [&]() -> LayerData {
    if (!database && !fs::exists(path)) throw Error("file not found");
    std::error_code ec;
    if (fs::is_directory(path, ec) && fs::path(path).extension() != ".gdb") {
      // GDAL would open a folder of shapefiles and take its first layer: never guess.
      std::vector<std::string> names;
      for (const auto& e : fs::directory_iterator(path, ec)) names.push_back(e.path().filename().string());
      std::sort(names.begin(), names.end());
      std::string inside;
      for (std::size_t i = 0; i < names.size() && i < 6; ++i) inside += (i ? ", " : "") + names[i];
      throw Error("is a folder, not a file: give the file of the layer" +
                  (names.empty() ? std::string(" (the folder is empty)")
                                 : " (the folder holds " + inside + (names.size() > 6 ? ", ..." : "") + ")"));
    }
    if (fs::path(path).extension() == ".shp" || fs::path(path).extension() == ".SHP") {
      fs::path dbf = path, DBF = path;
      dbf.replace_extension(".dbf");
      DBF.replace_extension(".DBF");
      if (!fs::exists(dbf, ec) && !fs::exists(DBF, ec)) {
        throw Error("shapefile without its attribute table: " + dbf.filename().string() +
                    " is missing beside it (a shapefile is several files: copy the .dbf, .shx and .prj with the .shp)");
      }
    }
    if (!database && is_json_array_file(path)) return read_json_records(path, o);

    std::vector<const char*> oo;
    for (const auto& s : o.open_options) oo.push_back(s.c_str());
    oo.push_back(nullptr);
    CPLErrorReset();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                              nullptr, oo.data(), nullptr));
    if (!ds) throw Error("GDAL cannot open it as a vector dataset: " + pg::redacted(last_gdal_error()));
    if (ds->GetLayerCount() == 0) throw Error(database ? "no layer in this schema" : "no layer in file");
    OGRLayer* layer = o.layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(o.layer.c_str());
    if (!layer) {
      std::vector<std::string> names;
      for (OGRLayer* l : ds->GetLayers()) names.push_back(l->GetName());
      throw Error("no layer " + quote(o.layer) + " (layers: " + join(names) + ")");
    }
    // A database table has no order of its own: read it in the order it was written
    // (by feature id), as a file is read.
    std::unique_ptr<OGRLayer, std::function<void(OGRLayer*)>> ordered;
    if (database && layer->GetFIDColumn() && *layer->GetFIDColumn()) {
      const std::string sql = "SELECT * FROM " + pg::quote_ident(layer->GetName()) + " ORDER BY " +
                              pg::quote_ident(layer->GetFIDColumn());
      OGRLayer* sorted = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
      if (!sorted) throw Error("cannot read it: " + pg::redacted(last_gdal_error()));
      ordered = {sorted, [&ds](OGRLayer* l) { ds->ReleaseResultSet(l); }};
    }
    LayerData out;
    out.path = database ? pg::redacted(path) : path;
    out.layer = layer->GetName();
    if (ordered) layer = ordered.get();
    return with_error_context("layer " + out.layer, [&]() -> LayerData {
      OGRFeatureDefn* defn = layer->GetLayerDefn();
      std::vector<std::string> available;
      for (int i = 0; i < defn->GetFieldCount(); ++i) available.push_back(defn->GetFieldDefn(i)->GetNameRef());

      out.field_names = o.fields;
      out.field_names.insert(out.field_names.end(), o.optional_fields.begin(), o.optional_fields.end());
      std::vector<int> index;
      for (std::size_t i = 0; i < out.field_names.size(); ++i) {
        const int k = defn->GetFieldIndex(out.field_names[i].c_str());
        if (k < 0 && i < o.fields.size()) {
          if (available.empty() && layer->GetFeatureCount() == 0) {
            throw Error("the layer is empty (no feature, no field): was it exported with a filter that kept nothing?");
          }
          throw Error("unknown field " + quote(out.field_names[i]) + " (fields: " + join(available) + ")");
        }
        index.push_back(k);
      }
      int xk = -1, yk = -1;
      const bool from_xy = !o.x_field.empty();
      if (from_xy) {
        xk = defn->GetFieldIndex(o.x_field.c_str());
        yk = defn->GetFieldIndex(o.y_field.c_str());
        if (xk < 0 || yk < 0) {
          throw Error("unknown coordinate field " + quote(xk < 0 ? o.x_field : o.y_field) +
                      " (fields: " + join(available) + ")");
        }
        if (o.assume_crs.empty()) {
          throw Error("coordinates from columns " + quote(o.x_field) + "/" + quote(o.y_field) +
                      " need an explicit CRS (e.g. \"crs\": \"EPSG:4326\")");
        }
      }

      const bool has_geometry = o.read_geometry && (from_xy || layer->GetGeomType() != wkbNone);
      std::unique_ptr<CrsTransform> transform;
      if (has_geometry) {
        std::string src = from_xy ? o.assume_crs : srs_identity(layer->GetSpatialRef());
        if (src.empty()) {
          if (o.assume_crs.empty()) {
            throw Error("layer has geometry but no CRS; declare it (e.g. \"crs\": \"EPSG:4326\")");
          }
          src = o.assume_crs;
        }
        out.source_crs = src;
        if (src != o.target_crs) transform = std::make_unique<CrsTransform>(src, o.target_crs);
      }

      bool recoded = false;
      for (auto& feat : *layer) {
        FeatureRecord f;
        f.fid = feat->GetFID();
        for (int k : index) {
          const bool null = k < 0 || !feat->IsFieldSetAndNotNull(k);
          f.is_null.push_back(null);
          // Not UTF-8: a Windows-1252 file (INSEE tables re-saved in Excel). Recoded by GDAL.
          f.values.push_back(null ? std::string() : to_utf8(feat->GetFieldAsString(k), &recoded));
        }
        if (has_geometry) {
          if (from_xy) {
            double x = 0, y = 0;
            if (feat->IsFieldSetAndNotNull(xk) && feat->IsFieldSetAndNotNull(yk) &&
                parse_double(feat->GetFieldAsString(xk), x) && parse_double(feat->GetFieldAsString(yk), y)) {
              f.geometry = Geometry::point(x, y);
            } else {
              out.diagnostics.push_back({Severity::Warning, "bad-coordinates", out.where(f),
                                         "no usable coordinates in " + quote(o.x_field) + "/" +
                                             quote(o.y_field)});
            }
          } else if (const OGRGeometry* g = feat->GetGeometryRef(); g && !g->IsEmpty()) {
            std::vector<std::uint8_t> wkb(static_cast<std::size_t>(g->WkbSize()));
            g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            try {
              f.geometry = Geometry::from_wkb(wkb);
            } catch (const Error& e) {
              out.diagnostics.push_back({Severity::Warning, "bad-geometry", out.where(f), e.message()});
            }
          } else {
            out.diagnostics.push_back({Severity::Warning, "null-geometry", out.where(f),
                                       "feature has no geometry"});
          }
          if (f.geometry && transform) {
            try {
              f.geometry = f.geometry.transformed(*transform);
            } catch (const Error& e) {
              out.diagnostics.push_back({Severity::Warning, "crs-transform-failed", out.where(f), e.message()});
              f.geometry = Geometry();
            }
          }
        }
        out.features.push_back(std::move(f));
      }
      if (recoded) {
        out.diagnostics.push_back({Severity::Warning, "encoding-converted", "file " + path + ", layer " + out.layer,
                                   "text is not UTF-8: read as Windows-1252 and converted"});
      }
      return out;
    });
  });
}

std::string to_utf8(const std::string& text, bool* recoded) {
  if (CPLIsUTF8(text.c_str(), -1)) return text;
  char* u = CPLRecode(text.c_str(), "CP1252", CPL_ENC_UTF8);
  std::string out = u ? u : "";
  CPLFree(u);
  if (recoded) *recoded = true;
  return out;
}

// ---------------------------------------------------------------------------
// Writing

struct VectorWriter::Impl {
  GDALDatasetUniquePtr ds;
  OGRLayer* layer = nullptr;
  std::vector<FieldDef> fields;
  OGRSpatialReference srs;  // of the file: the source CRS, or WGS84 for GeoJSON
  // GeoJSON: the source CRS to WGS84, applied here (not by GDAL) so that the precision
  // reduction sees the coordinates as they are written. Null when the source is WGS84.
  std::unique_ptr<CrsTransform> to_wgs84;
  int layers = 0;
};

namespace {
// GeoJSON coordinates are written with 6 decimals (RFC 7946 advice, ~0.1 m).
constexpr double kGeoJsonGrid = 1e-6;
}  // namespace

namespace {
const char* driver_name(VectorFormat f) {
  switch (f) {
    case VectorFormat::GeoJson: return "GeoJSON";
    case VectorFormat::GeoPackage: return "GPKG";
    case VectorFormat::Csv: return "CSV";
  }
  return "";
}

OGRwkbGeometryType ogr_type(GeometryKind k) {
  switch (k) {
    case GeometryKind::None: return wkbNone;
    case GeometryKind::Point: return wkbPoint;
    case GeometryKind::LineString: return wkbLineString;
    case GeometryKind::Polygon: return wkbPolygon;
    case GeometryKind::MultiPolygon: return wkbMultiPolygon;
    case GeometryKind::MultiLineString: return wkbMultiLineString;
    case GeometryKind::Unknown: return wkbUnknown;
  }
  return wkbUnknown;
}
}  // namespace

VectorWriter::VectorWriter(std::string path, VectorFormat format, std::string source_crs)
    : impl_(std::make_unique<Impl>()), path_(std::move(path)), format_(format) {
  ensure_gdal();
  const fs::path p(path_);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  tmp_path_ = (p.parent_path() / (p.stem().string() + ".tmp" + std::to_string(::getpid()) +
                                  p.extension().string()))
                  .string();
  fs::remove(tmp_path_);
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver_name(format));
  if (!drv) throw Error(std::string("GDAL has no ") + driver_name(format) + " driver", ErrorKind::Internal);
  impl_->ds.reset(drv->Create(tmp_path_.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!impl_->ds) throw Error("cannot create " + path_ + ": " + write_failure_reason(path_));
  impl_->srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  if (impl_->srs.SetFromUserInput(source_crs.c_str()) != OGRERR_NONE) {
    throw Error("unknown CRS " + quote(source_crs) + " for output " + path_);
  }
  if (format == VectorFormat::GeoJson) {
    const char* auth = impl_->srs.GetAuthorityName(nullptr);
    const char* code = impl_->srs.GetAuthorityCode(nullptr);
    const bool wgs84 = auth && code && std::string(auth) == "EPSG" && std::string(code) == "4326";
    if (!wgs84) impl_->to_wgs84 = std::make_unique<CrsTransform>(source_crs, kWgs84);
    impl_->srs.Clear();
    impl_->srs.importFromEPSG(4326);
    impl_->srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  }
}

VectorWriter::~VectorWriter() {
  if (impl_ && impl_->ds) {
    impl_->ds.reset();
    std::error_code ec;
    fs::remove(tmp_path_, ec);
  }
}

void VectorWriter::begin_layer(const std::string& name, GeometryKind kind,
                               const std::vector<FieldDef>& fields, const std::string& description) {
  if (format_ != VectorFormat::GeoPackage && impl_->layers > 0) {
    throw Error("a " + std::string(driver_name(format_)) + " file holds one layer", ErrorKind::Internal);
  }
  if (format_ == VectorFormat::GeoPackage && impl_->layers > 0) impl_->ds->CommitTransaction();
  std::vector<std::string> opts;
  if (format_ == VectorFormat::GeoJson) {
    opts = {"RFC7946=YES", "COORDINATE_PRECISION=6", "WRITE_NAME=YES"};
    if (!description.empty()) opts.push_back("DESCRIPTION=" + description);
  } else if (format_ == VectorFormat::Csv) {
    opts = {"STRING_QUOTING=IF_AMBIGUOUS", "SEPARATOR=COMMA", "LINEFORMAT=LF"};
    if (kind != GeometryKind::None) opts.push_back("GEOMETRY=AS_WKT");
  } else {
    if (!description.empty()) opts.push_back("DESCRIPTION=" + description);
  }
  std::vector<const char*> copts;
  for (const auto& s : opts) copts.push_back(s.c_str());
  copts.push_back(nullptr);
  const bool spatial = kind != GeometryKind::None;
  impl_->layer = impl_->ds->CreateLayer(name.c_str(), spatial ? &impl_->srs : nullptr, ogr_type(kind),
                                        const_cast<char**>(copts.data()));
  if (!impl_->layer) throw Error("cannot create layer " + quote(name) + " in " + path_ + ": " + write_failure_reason(path_));
  for (const auto& f : fields) {
    OGRFieldType t = f.type == FieldType::String ? OFTString
                     : f.type == FieldType::Integer ? OFTInteger64
                                                    : OFTReal;
    OGRFieldDefn d(f.name.c_str(), t);
    if (impl_->layer->CreateField(&d) != OGRERR_NONE) {
      throw Error("cannot create field " + quote(f.name) + " in " + path_ + ": " + write_failure_reason(path_));
    }
  }
  impl_->fields = fields;
  ++impl_->layers;
  if (format_ == VectorFormat::GeoPackage) impl_->ds->StartTransaction();
}

void VectorWriter::write(const std::vector<FieldValue>& values, const Geometry* geometry) {
  if (!impl_->layer) throw Error("write before begin_layer", ErrorKind::Internal);
  OGRFeature f(impl_->layer->GetLayerDefn());
  for (std::size_t i = 0; i < values.size() && i < impl_->fields.size(); ++i) {
    const int k = static_cast<int>(i);
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            f.SetFieldNull(k);
          } else if constexpr (std::is_same_v<T, std::string>) {
            f.SetField(k, format_ == VectorFormat::Csv ? csv_safe_text(v).c_str() : v.c_str());
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            f.SetField(k, static_cast<GIntBig>(v));
          } else {
            if (std::isfinite(v)) f.SetField(k, v); else f.SetFieldNull(k);
          }
        },
        values[i]);
  }
  Geometry out;  // outlives the pointer below
  if (geometry && *geometry && !geometry->empty()) {
    // Every geometry is written valid at the precision it is written: GeoJSON is
    // reduced topologically to its 6-decimal grid in WGS84 (rounding alone leaves
    // rings with repeated points or crossing edges), other formats keep full precision
    // and are made valid when they are not.
    out = geometry->is_polygonal() ? geometry->made_valid() : Geometry(*geometry);
    if (format_ == VectorFormat::GeoJson) {
      Geometry wgs84 = impl_->to_wgs84 ? out.transformed(*impl_->to_wgs84) : std::move(out);
      // Snap-rounding needs a valid input: reprojection can fold a near-degenerate
      // ring that was valid in Lambert-93.
      if (wgs84.is_polygonal() && !wgs84.is_valid()) wgs84 = wgs84.made_valid();
      out = wgs84.with_precision(kGeoJsonGrid);
      if (out.is_polygonal() && !out.is_valid()) {
        throw Error("a polygon cannot be made valid at 6 decimals for " + path_ + ": " + out.invalid_reason(),
                    ErrorKind::Internal);
      }
    }
    geometry = out.empty() ? nullptr : &out;
  } else {
    geometry = nullptr;
  }
  if (geometry) {
    const auto wkb = geometry->to_wkb();
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), &impl_->srs, &g, wkb.size()) != OGRERR_NONE) {
      throw Error("cannot convert a geometry for " + path_, ErrorKind::Internal);
    }
    if (wkbFlatten(impl_->layer->GetGeomType()) == wkbMultiPolygon) {
      g = OGRGeometryFactory::forceToMultiPolygon(g);
    } else if (wkbFlatten(impl_->layer->GetGeomType()) == wkbMultiLineString) {
      g = OGRGeometryFactory::forceToMultiLineString(g);
    }
    f.SetGeometryDirectly(g);
  }
  errno = 0;
  CPLErrorReset();
  if (impl_->layer->CreateFeature(&f) != OGRERR_NONE || CPLGetLastErrorType() >= CE_Failure) {
    throw Error("cannot write a feature to " + path_ + ": " + write_failure_reason(path_));
  }
}

void VectorWriter::commit() {
  if (!impl_->ds) throw Error("commit twice", ErrorKind::Internal);
  std::error_code ec;
  auto fail = [&](const std::string& what) {
    fs::remove(tmp_path_, ec);  // no temporary left behind
    throw Error("cannot write " + path_ + ": " + what);
  };
  errno = 0;
  if (format_ == VectorFormat::GeoPackage && impl_->layers > 0 && impl_->ds->CommitTransaction() != OGRERR_NONE) {
    const std::string reason = write_failure_reason(path_);
    impl_->ds.reset();
    fail(reason);
  }
  // Closing flushes what GDAL buffered: a full disk shows here, as a GDAL error.
  CPLErrorReset();
  errno = 0;
  impl_->ds.reset();
  if (CPLGetLastErrorType() >= CE_Failure) fail(write_failure_reason(path_));
  fs::rename(tmp_path_, path_, ec);
  if (ec) fail("cannot rename " + tmp_path_ + " to it: " + ec.message());
}

std::string csv_safe_text(const std::string& text) {
  if (text.empty()) return text;
  const char c = text.front();
  if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') return "'" + text;
  return text;
}

void write_text_file_atomic(const std::string& path, const std::string& text) { write_file_atomic(path, {text}); }

}  // namespace recompose::geo
