// Pages for print: paper sizes, output documents (PDF with bookmarks, SVG, PNG at a
// chosen resolution) on cairo surfaces, and text set with pango. Drawing is in
// points (1/72 in) whatever the output, so a layout is written once; the PNG
// surface is scaled by dpi/72. Fonts are DejaVu (Debian fonts-dejavu-core), text
// metrics are unhinted: a given input renders to the same pages on any machine.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "planner/classification.hpp"

typedef struct _cairo cairo_t;
typedef struct _cairo_surface cairo_surface_t;

namespace recompose::planner::cartography {

enum class OutputFormat { Pdf, Svg, Png };

// From the file name's extension (.pdf, .svg, .png); throws a usage Error otherwise.
OutputFormat format_from_path(const std::string& path);

struct PageSpec {
  std::string paper = "A4";  // "A4" or "A3"
  bool landscape = true;
  double dpi = 150;  // PNG only

  [[nodiscard]] double width_pt() const;
  [[nodiscard]] double height_pt() const;
  // Throws a usage Error naming the bad value (paper, dpi range 36..1200).
  void check() const;
};

// A document being written: pages are added in order; `finish` writes the file
// atomically (a temporary beside it, then a rename). Destroyed unfinished, it
// leaves nothing behind. SVG and PNG hold one page.
class Document {
 public:
  // `iso_date` (YYYY-MM-DD), when given, is the PDF creation date: the same input then
  // gives the same bytes (cairo would stamp the current time).
  Document(const std::string& path, const PageSpec& page, const std::string& title, const std::string& iso_date = "");
  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // Starts a new page (white) and returns its drawing context, in points.
  cairo_t* new_page();
  // A page of another size or orientation (PDF only: a dossier mixes portrait text
  // and landscape maps).
  cairo_t* new_page(const PageSpec& size);
  // A PDF bookmark to the current page (level 0 = top level); ignored by SVG/PNG.
  // Returns its id, the parent of deeper bookmarks.
  int bookmark(const std::string& title, int parent = 0);
  void finish();

  [[nodiscard]] OutputFormat format() const { return format_; }
  [[nodiscard]] int pages() const { return pages_; }
  [[nodiscard]] const PageSpec& page() const { return page_; }

 private:
  void end_page();

  std::string path_, tmp_;
  PageSpec page_;
  OutputFormat format_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  int pages_ = 0;
  bool finished_ = false;
};

// [SECTION] text (pango)

struct Font {
  double size_pt = 9;
  bool bold = false, italic = false;
};

enum class Align { Left, Centre, Right };

struct TextExtent {
  double width = 0, height = 0;
};

// Size of `text` set in `font`, wrapped at `wrap_width` points when > 0. `markup`:
// the text is pango markup (<b>, <i>, &amp;...), else plain text (escaped here).
TextExtent measure_text(cairo_t* cr, const std::string& text, const Font& font, double wrap_width = -1,
                        bool markup = false);
// Draws `text` with its top-left (or top-centre/right) at (x, y); returns its extent.
// `halo` > 0: a white outline of that width under the text (labels over a map).
TextExtent draw_text(cairo_t* cr, double x, double y, const std::string& text, const Font& font, const Rgba& colour,
                     double wrap_width = -1, Align align = Align::Left, double halo = 0, bool markup = false);

// Escapes &, <, > for pango markup.
std::string markup_escape(const std::string& text);

void set_colour(cairo_t* cr, const Rgba& c, double alpha = 1);

// "2 décembre 2026"
std::string french_date(int year, int month, int day);
// The same from "YYYY-MM-DD"; any other text comes back unchanged.
std::string french_date(const std::string& iso);

}  // namespace recompose::planner::cartography
