#include "geo/postgres.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <memory>

namespace recompose::geo::pg {

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  }
  return true;
}

bool is_uri(std::string_view s) { return starts_with_ci(s, "postgresql://") || starts_with_ci(s, "postgres://"); }

// One `keyword = value` of a keyword/value connection string (libpq's grammar: values
// single-quoted with backslash escapes, or bare up to white space), with where it
// starts and ends in the text.
struct Pair {
  std::string key, value;
  std::size_t begin = 0, end = 0;
};

std::vector<Pair> split_pairs(std::string_view s) {
  std::vector<Pair> out;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  for (;;) {
    skip_space();
    if (i >= s.size()) break;
    Pair p;
    p.begin = i;
    while (i < s.size() && s[i] != '=' && !std::isspace(static_cast<unsigned char>(s[i]))) p.key += s[i++];
    skip_space();
    if (i >= s.size() || s[i] != '=') throw Error("connection string: missing \"=\" after \"" + p.key + "\"", ErrorKind::Usage);
    ++i;
    skip_space();
    if (i < s.size() && s[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          p.value += s[i + 1];
          i += 2;
        } else if (s[i] == '\'') {
          ++i;
          closed = true;
          break;
        } else {
          p.value += s[i++];
        }
      }
      if (!closed) throw Error("connection string: unterminated quoted value of \"" + p.key + "\"", ErrorKind::Usage);
    } else {
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        p.value += s[i++];
      }
    }
    p.end = i;
    out.push_back(std::move(p));
  }
  return out;
}

std::string strip_prefix(std::string_view text) {
  if (!is_locator(text)) throw Error("not a PostgreSQL locator (PG:...)", ErrorKind::Usage);
  return std::string(text.substr(3));
}

}  // namespace

bool is_locator(std::string_view s) { return starts_with_ci(s, "PG:"); }

std::string redacted(std::string_view text) {
  std::string out(text);
  // postgresql://user:secret@host/...: the secret between the user's colon and the @.
  for (std::size_t p = out.find("://"); p != std::string::npos; p = out.find("://", p + 3)) {
    const std::size_t stop = out.find_first_of(" \t\n/", p + 3);
    const std::size_t at = out.find('@', p + 3);
    if (at == std::string::npos || (stop != std::string::npos && stop < at)) continue;
    const std::size_t colon = out.find(':', p + 3);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // password = value, password='quoted value', ?password=value&...
  for (std::size_t p = out.find("password"); p != std::string::npos; p = out.find("password", p + 8)) {
    std::size_t i = p + 8;
    while (i < out.size() && out[i] == ' ') ++i;
    if (i >= out.size() || out[i] != '=') continue;
    ++i;
    while (i < out.size() && out[i] == ' ') ++i;
    std::size_t e = i;
    if (e < out.size() && out[e] == '\'') {
      for (++e; e < out.size() && out[e] != '\''; ++e) {
        if (out[e] == '\\') ++e;
      }
      if (e < out.size()) ++e;
    } else {
      while (e < out.size() && !std::isspace(static_cast<unsigned char>(out[e])) && out[e] != '&' && out[e] != '"') ++e;
    }
    out.replace(i, std::min(e, out.size()) - i, "***");
  }
  return out;
}

std::string Locator::display() const {
  return redacted("PG:" + conninfo) + (schema.empty() ? "" : " schema=" + schema);
}

namespace {
using ConninfoOptions = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

// libpq's reading of a connection string; an Error naming the locator (redacted)
// when it refuses it.
ConninfoOptions conninfo_options(const std::string& conninfo, std::string_view text) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    std::string why = err ? err : "unreadable";
    if (err) PQfreemem(err);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw Error("PostgreSQL locator " + redacted(text) + ": " + why, ErrorKind::Usage);
  }
  return {opts, &PQconninfoFree};
}
}  // namespace

Locator parse_locator(std::string_view text) {
  const std::string body = strip_prefix(text);
  Locator loc;
  if (is_uri(body)) {
    // postgresql://user@host/db?schema=NAME&sslmode=...: `schema` is ours, not libpq's
    // (it would refuse it): taken out of the query; the rest is read by libpq and
    // written back as keywords, so that GDAL's driver can be given the schema too.
    const std::size_t q = body.find('?');
    std::string uri = body.substr(0, q);
    if (q != std::string::npos) {
      std::string kept;
      for (std::size_t i = q + 1; i <= body.size();) {
        const std::size_t amp = std::min(body.find('&', i), body.size());
        const std::string param = body.substr(i, amp - i);
        if (param.rfind("schema=", 0) == 0) {
          loc.schema = param.substr(7);
        } else if (!param.empty()) {
          kept += (kept.empty() ? "?" : "&") + param;
        }
        i = amp + 1;
      }
      uri += kept;
    }
    const auto opts = conninfo_options(uri, text);
    for (const PQconninfoOption* o = opts.get(); o->keyword; ++o) {
      if (!o->val) continue;
      std::string value;
      for (const char* c = o->val; *c; ++c) {
        if (*c == '\'' || *c == '\\') value += '\\';
        value += *c;
      }
      loc.conninfo += (loc.conninfo.empty() ? "" : " ") + std::string(o->keyword) + "='" + value + "'";
    }
  } else {
    std::string rebuilt;
    for (const auto& p : split_pairs(body)) {
      if (p.key == "schema") {
        loc.schema = p.value;
        continue;
      }
      rebuilt += (rebuilt.empty() ? "" : " ") + body.substr(p.begin, p.end - p.begin);
    }
    loc.conninfo = rebuilt;
  }
  conninfo_options(loc.conninfo, text);  // refused by libpq: an error naming the locator
  if (!loc.schema.empty() && slug(loc.schema) != loc.schema) {
    throw Error("PostgreSQL locator " + redacted(text) + ": schema \"" + loc.schema +
                    "\" must be made of lower-case letters, digits and _ (e.g. " + slug(loc.schema) + ")",
                ErrorKind::Usage);
  }
  return loc;
}

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string slug(std::string_view text) {
  std::string out;
  bool underscore = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    char mapped = 0;
    if (std::isalnum(c)) {
      mapped = static_cast<char>(std::tolower(c));
    } else if (c == 0xC3 && i + 1 < text.size()) {
      // The accented letters of French (UTF-8 C3 xx) to their base letter.
      const unsigned char d = static_cast<unsigned char>(text[++i]);
      static const std::string_view from = "\xA0\xA2\xA4\xA7\xA8\xA9\xAA\xAB\xAE\xAF\xB4\xB6\xB9\xBB\xBC\x80\x82\x87\x88\x89\x8A\x8B\x8E\x8F\x94\x99\x9B\x9C";
      static const std::string_view to = "aaaceeeeiioouuuaaceeeeiiouuu";
      const auto k = from.find(static_cast<char>(d));
      mapped = k == std::string_view::npos ? '_' : to[k];
    } else {
      mapped = '_';
    }
    if (mapped == '_') {
      if (!out.empty() && !underscore) out += '_';
      underscore = true;
    } else {
      out += mapped;
      underscore = false;
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.size() > 63) out.resize(63);
  if (out.empty()) throw Error("no letter or digit in \"" + std::string(text) + "\" to name a schema", ErrorKind::Usage);
  if (std::isdigit(static_cast<unsigned char>(out[0]))) out = "s_" + out.substr(0, 61);
  return out;
}

// ---------------------------------------------------------------------------

Result::~Result() {
  if (r_) PQclear(r_);
}
int Result::rows() const { return PQntuples(r_); }
int Result::columns() const { return PQnfields(r_); }
bool Result::is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string Result::text(int row, int col) const {
  return is_null(row, col) ? std::string() : std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
}
std::string_view Result::bytes(int row, int col) const {
  return {PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col))};
}

Connection::Connection(const Locator& where) : label_(redacted("PG:" + where.conninfo)) {
  const char* keys[] = {"dbname", "fallback_application_name", nullptr};
  const char* values[] = {where.conninfo.c_str(), "recompose", nullptr};
  c_ = PQconnectdbParams(keys, values, 1);
  if (!c_ || PQstatus(c_) != CONNECTION_OK) {
    std::string why = c_ ? PQerrorMessage(c_) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    if (c_) PQfinish(c_);
    c_ = nullptr;
    throw Error("cannot connect to " + label_ + ": " + redacted(why) +
                " (credentials come from PG* variables, ~/.pgpass or a service file)");
  }
  // Messages in English whatever the server's locale; the client in UTF-8.
  exec("SET client_min_messages = warning");
  PQsetClientEncoding(c_, "UTF8");
}

Connection::~Connection() {
  if (c_) PQfinish(c_);
}

Result Connection::run(const std::string& sql, const std::vector<Param>& params, int result_format) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p.value ? p.value->data() : nullptr);
    lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
    formats.push_back(p.is_binary ? 1 : 0);
  }
  PGresult* r = PQexecParams(c_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), lengths.data(),
                             formats.data(), result_format);
  Result res(r);
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return res;
  std::string why = r ? PQresultErrorMessage(r) : "";
  if (why.empty()) why = PQerrorMessage(c_);
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string head = sql.substr(0, std::min<std::size_t>(sql.find_first_of("(\n"), 60));
  if (PQstatus(c_) != CONNECTION_OK) {
    throw SqlError(label_ + ": connection lost (" + why + ") during \"" + head + "\"", state ? state : "08006");
  }
  throw SqlError(label_ + ": " + why + " (in \"" + head + "\")", state ? state : "");
}

Result Connection::exec(const std::string& sql, const std::vector<Param>& params) { return run(sql, params, 0); }
Result Connection::query_binary(const std::string& sql, const std::vector<Param>& params) {
  return run(sql, params, 1);
}

void Connection::rollback() noexcept {
  if (!c_ || PQstatus(c_) != CONNECTION_OK) return;
  PGresult* r = PQexec(c_, "ROLLBACK");
  if (r) PQclear(r);
}

int Connection::backend_pid() const { return PQbackendPID(c_); }

bool Connection::schema_exists(const std::string& schema) {
  return exec("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema}).rows() > 0;
}

bool Connection::table_exists(const std::string& schema, const std::string& table) {
  return exec("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2", {schema, table}).rows() > 0;
}

void in_transaction(Connection& c, const std::function<void()>& work) {
  c.begin();
  try {
    work();
    c.commit();
  } catch (...) {
    c.rollback();
    throw;
  }
}

// ---------------------------------------------------------------------------

namespace {
std::string gdal_error() {
  std::string m = CPLGetLastErrorMsg();
  return m.empty() ? "unknown GDAL error" : redacted(m);
}
}  // namespace

void copy_gpkg_to_schema(const Locator& where, const std::string& gpkg, const std::string& schema,
                         const std::vector<std::string>& skip) {
  GDALAllRegister();
  CPLErrorReset();
  GDALDatasetUniquePtr src(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!src) throw Error("cannot open " + gpkg + ": " + gdal_error());
  // Only this schema's tables are listed by the driver (not the whole database's).
  const std::string source = where.gdal_source() + " active_schema=" + schema + " schemas=" + schema;
  GDALDatasetUniquePtr dst(GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
  if (!dst) throw Error("GDAL cannot open " + where.display() + ": " + gdal_error());
  for (OGRLayer* layer : src->GetLayers()) {
    const std::string name = layer->GetName();
    if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    std::vector<std::string> opts = {"SCHEMA=" + schema, "GEOMETRY_NAME=geom", "FID=fid", "OVERWRITE=YES",
                                     "SPATIAL_INDEX=GIST", "LAUNDER=NO"};
    if (const char* d = layer->GetMetadataItem("DESCRIPTION"); d && *d) opts.push_back(std::string("DESCRIPTION=") + d);
    std::vector<const char*> copts;
    for (const auto& s : opts) copts.push_back(s.c_str());
    copts.push_back(nullptr);
    CPLErrorReset();
    OGRLayer* out = dst->CopyLayer(layer, name.c_str(), const_cast<char**>(copts.data()));
    if (!out || CPLGetLastErrorType() >= CE_Failure) {
      throw Error("cannot copy layer " + name + " of " + gpkg + " into " + where.display() + " schema " + schema + ": " +
                  gdal_error());
    }
  }
  CPLErrorReset();
  dst->FlushCache();
  dst.reset();
  if (CPLGetLastErrorType() >= CE_Failure) throw Error("cannot write into " + where.display() + ": " + gdal_error());
}

}  // namespace recompose::geo::pg
