#include "planner/cartography/page.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "geo/error.hpp"

namespace fs = std::filesystem;

namespace recompose::planner::cartography {

OutputFormat format_from_path(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".pdf") return OutputFormat::Pdf;
  if (ext == ".svg") return OutputFormat::Svg;
  if (ext == ".png") return OutputFormat::Png;
  throw geo::Error("output " + path + ": the extension must be .pdf, .svg or .png", geo::ErrorKind::Usage);
}

namespace {
constexpr double kMmToPt = 72.0 / 25.4;
}

double PageSpec::width_pt() const {
  const double w = paper == "A3" ? 297 : 210, h = paper == "A3" ? 420 : 297;
  return (landscape ? h : w) * kMmToPt;
}

double PageSpec::height_pt() const {
  const double w = paper == "A3" ? 297 : 210, h = paper == "A3" ? 420 : 297;
  return (landscape ? w : h) * kMmToPt;
}

void PageSpec::check() const {
  if (paper != "A4" && paper != "A3") {
    throw geo::Error("paper '" + paper + "': A4 or A3", geo::ErrorKind::Usage);
  }
  if (!std::isfinite(dpi) || dpi < 36 || dpi > 1200) {
    throw geo::Error("dpi " + std::to_string(dpi) + ": between 36 and 1200", geo::ErrorKind::Usage);
  }
}

// [SECTION] document

Document::Document(const std::string& path, const PageSpec& page, const std::string& title, const std::string& iso_date)
    : path_(path), page_(page), format_(format_from_path(path)) {
  page_.check();
  const fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  tmp_ = path + ".tmp" + std::to_string(::getpid());
  const double w = page_.width_pt(), h = page_.height_pt();
  switch (format_) {
    case OutputFormat::Pdf:
      surface_ = cairo_pdf_surface_create(tmp_.c_str(), w, h);
      cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
      cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "Recompose");
      if (!iso_date.empty()) {
        const std::string d = iso_date + "T00:00:00";
        cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, d.c_str());
        cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_MOD_DATE, d.c_str());
      }
      break;
    case OutputFormat::Svg:
      surface_ = cairo_svg_surface_create(tmp_.c_str(), w, h);
      cairo_svg_surface_set_document_unit(surface_, CAIRO_SVG_UNIT_PT);
      break;
    case OutputFormat::Png: {
      const double s = page_.dpi / 72.0;
      surface_ = cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(std::lround(w * s)),
                                            static_cast<int>(std::lround(h * s)));
      break;
    }
  }
  if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS) {
    const std::string why = cairo_status_to_string(cairo_surface_status(surface_));
    cairo_surface_destroy(surface_);
    surface_ = nullptr;
    std::error_code ec;
    fs::remove(tmp_, ec);
    throw geo::Error("cannot write " + path + ": " + why);
  }
}

Document::~Document() {
  if (cr_) cairo_destroy(cr_);
  if (surface_) cairo_surface_destroy(surface_);
  if (!finished_) {
    std::error_code ec;
    fs::remove(tmp_, ec);
  }
}

cairo_t* Document::new_page() {
  if (cr_) {
    if (format_ != OutputFormat::Pdf) {
      throw geo::Error("output " + path_ + ": SVG and PNG hold one page; write several pages to a PDF",
                       geo::ErrorKind::Usage);
    }
    end_page();
  }
  cr_ = cairo_create(surface_);
  if (format_ == OutputFormat::Png) cairo_scale(cr_, page_.dpi / 72.0, page_.dpi / 72.0);
  cairo_set_source_rgb(cr_, 1, 1, 1);
  cairo_paint(cr_);
  ++pages_;
  return cr_;
}

cairo_t* Document::new_page(const PageSpec& size) {
  if (format_ == OutputFormat::Pdf) {
    if (cr_) end_page();
    cairo_pdf_surface_set_size(surface_, size.width_pt(), size.height_pt());
  }
  return new_page();
}

void Document::end_page() {
  if (!cr_) return;
  if (format_ == OutputFormat::Pdf) cairo_show_page(cr_);
  cairo_destroy(cr_);
  cr_ = nullptr;
}

int Document::bookmark(const std::string& title, int parent) {
  if (format_ != OutputFormat::Pdf || pages_ == 0) return 0;
  const std::string link = "page=" + std::to_string(pages_);
  return cairo_pdf_surface_add_outline(surface_, parent, title.c_str(), link.c_str(),
                                       static_cast<cairo_pdf_outline_flags_t>(0));
}

void Document::finish() {
  if (pages_ == 0) throw geo::Error("output " + path_ + ": no page drawn");
  if (format_ == OutputFormat::Png) {
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_flush(surface_);
    const auto st = cairo_surface_write_to_png(surface_, tmp_.c_str());
    if (st != CAIRO_STATUS_SUCCESS) throw geo::Error("cannot write " + path_ + ": " + cairo_status_to_string(st));
  } else {
    end_page();
    cairo_surface_finish(surface_);
  }
  const auto st = cairo_surface_status(surface_);
  if (st != CAIRO_STATUS_SUCCESS) throw geo::Error("cannot write " + path_ + ": " + cairo_status_to_string(st));
  cairo_surface_destroy(surface_);
  surface_ = nullptr;
  std::error_code ec;
  fs::rename(tmp_, path_, ec);
  if (ec) throw geo::Error("cannot rename " + tmp_ + " to " + path_ + ": " + ec.message());
  finished_ = true;
}

// [SECTION] text

std::string markup_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

void set_colour(cairo_t* cr, const Rgba& c, double alpha) {
  cairo_set_source_rgba(cr, c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, alpha * c[3] / 255.0);
}

namespace {

PangoLayout* make_layout(cairo_t* cr, const std::string& text, const Font& font, double wrap_width, bool markup) {
  if (!cr) throw geo::Error("text drawn outside a page (internal error)");
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoContext* ctx = pango_layout_get_context(layout);
  pango_cairo_context_set_resolution(ctx, 72);  // sizes in points = user units
  cairo_font_options_t* fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(ctx, fo);
  cairo_font_options_destroy(fo);
  pango_layout_context_changed(layout);
  PangoFontDescription* d = pango_font_description_new();
  pango_font_description_set_family(d, "DejaVu Sans");
  pango_font_description_set_absolute_size(d, font.size_pt * PANGO_SCALE);
  pango_font_description_set_weight(d, font.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style(d, font.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  pango_layout_set_font_description(layout, d);
  pango_font_description_free(d);
  if (wrap_width > 0) {
    pango_layout_set_width(layout, static_cast<int>(wrap_width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  }
  if (markup) {
    pango_layout_set_markup(layout, text.c_str(), -1);
  } else {
    pango_layout_set_text(layout, text.c_str(), -1);
  }
  return layout;
}

TextExtent extent_of(PangoLayout* layout) {
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  return {static_cast<double>(w) / PANGO_SCALE, static_cast<double>(h) / PANGO_SCALE};
}

}  // namespace

TextExtent measure_text(cairo_t* cr, const std::string& text, const Font& font, double wrap_width, bool markup) {
  PangoLayout* layout = make_layout(cr, text, font, wrap_width, markup);
  const TextExtent e = extent_of(layout);
  g_object_unref(layout);
  return e;
}

TextExtent draw_text(cairo_t* cr, double x, double y, const std::string& text, const Font& font, const Rgba& colour,
                     double wrap_width, Align align, double halo, bool markup) {
  PangoLayout* layout = make_layout(cr, text, font, wrap_width, markup);
  if (wrap_width > 0) {
    pango_layout_set_alignment(layout, align == Align::Centre  ? PANGO_ALIGN_CENTER
                                       : align == Align::Right ? PANGO_ALIGN_RIGHT
                                                               : PANGO_ALIGN_LEFT);
  }
  const TextExtent e = extent_of(layout);
  double x0 = x;
  if (wrap_width <= 0) {
    if (align == Align::Centre) x0 = x - e.width / 2;
    if (align == Align::Right) x0 = x - e.width;
  }
  cairo_save(cr);
  cairo_move_to(cr, x0, y);
  if (halo > 0) {
    pango_cairo_layout_path(cr, layout);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, halo);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    cairo_move_to(cr, x0, y);
  }
  set_colour(cr, colour);
  pango_cairo_show_layout(cr, layout);
  cairo_restore(cr);
  g_object_unref(layout);
  return e;
}

std::string french_date(int year, int month, int day) {
  static const char* months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                 "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  if (month < 1 || month > 12) return std::to_string(year);
  return std::to_string(day) + (day == 1 ? "er " : " ") + months[month - 1] + " " + std::to_string(year);
}

std::string french_date(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return iso;
  return french_date(y, m, d);
}

}  // namespace recompose::planner::cartography
