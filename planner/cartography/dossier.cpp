// Index:
//   [SECTION] Markdown inlines -> pango markup
//   [SECTION] text flow (pages, headings, paragraphs, quotes, tables)
//   [SECTION] the dossier
#include "planner/cartography/dossier.hpp"

#include <cairo.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "geo/error.hpp"
#include "planner/format.hpp"

namespace recompose::planner::cartography {

namespace {

const Rgba kInk{0, 0, 0, 255};
const Rgba kGrey{90, 90, 90, 255};

// [SECTION] Markdown inlines -> pango markup

std::string type_of(cmark_node* n) {
  const char* t = cmark_node_get_type_string(n);
  return t ? t : "";
}

std::string inline_markup(cmark_node* n) {
  std::string out;
  for (cmark_node* c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
    switch (cmark_node_get_type(c)) {
      case CMARK_NODE_TEXT: {
        const char* lit = cmark_node_get_literal(c);
        out += markup_escape(lit ? lit : "");
        break;
      }
      case CMARK_NODE_CODE: {
        const char* lit = cmark_node_get_literal(c);
        out += "<tt>" + markup_escape(lit ? lit : "") + "</tt>";
        break;
      }
      case CMARK_NODE_STRONG: out += "<b>" + inline_markup(c) + "</b>"; break;
      case CMARK_NODE_EMPH: out += "<i>" + inline_markup(c) + "</i>"; break;
      case CMARK_NODE_SOFTBREAK: out += " "; break;
      case CMARK_NODE_LINEBREAK: out += "\n"; break;
      case CMARK_NODE_LINK: out += "<u>" + inline_markup(c) + "</u>"; break;
      case CMARK_NODE_HTML_INLINE: break;
      default: out += inline_markup(c); break;
    }
  }
  return out;
}

std::string plain_text(cmark_node* n) {
  std::string out;
  for (cmark_node* c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
    const auto t = cmark_node_get_type(c);
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
      const char* lit = cmark_node_get_literal(c);
      out += lit ? lit : "";
    } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      out += " ";
    } else {
      out += plain_text(c);
    }
  }
  return out;
}

// [SECTION] text flow

class TextFlow {
 public:
  TextFlow(Document& doc, const PageSpec& page, std::string running_title)
      : doc_(doc), page_(page), running_(std::move(running_title)) {}

  void new_page() {
    cr_ = doc_.new_page(page_);
    ++page_no_;
    y_ = top();
    draw_text(cr_, margin_, 22, running_, Font{7, false, true}, kGrey, width());
    draw_text(cr_, page_.width_pt() - margin_, page_.height_pt() - 30, "page " + std::to_string(doc_.pages()),
              Font{7, false, false}, kGrey, -1, Align::Right);
  }

  void heading(int level, const std::string& markup, const std::string& plain) {
    if (!cr_) new_page();
    const Font f{level == 1 ? 15.0 : level == 2 ? 12.5 : 10.5, true, false};
    const double gap_before = level == 1 ? 8 : 6;
    const auto e = measure_text(cr_, markup, f, width(), true);
    // Keep a heading with at least a few lines of what follows.
    ensure(gap_before + e.height + 40);
    if (y_ > top()) y_ += gap_before;
    draw_text(cr_, margin_, y_, markup, f, kInk, width(), Align::Left, 0, true);
    y_ += e.height + 3;
    if (level == 1 || level == 2) {
      cairo_move_to(cr_, margin_, y_);
      cairo_line_to(cr_, margin_ + width(), y_);
      cairo_set_source_rgb(cr_, 0.6, 0.6, 0.6);
      cairo_set_line_width(cr_, level == 1 ? 0.8 : 0.4);
      cairo_stroke(cr_);
      y_ += 4;
    }
    const int parent = level <= 1 ? 0 : level == 2 ? last_[1] : last_[2] ? last_[2] : last_[1];
    const int id = doc_.bookmark(plain, parent);
    if (level <= 3) last_[std::max(1, level)] = id;
    if (level == 1) last_[2] = last_[3] = 0;
    if (level == 2) last_[3] = 0;
    if (level <= 2) headings_.push_back(plain);
  }

  void paragraph(const std::string& markup, double indent = 0, const std::string& bullet = "", bool quote = false) {
    if (!cr_) new_page();
    const Font f{quote ? 8.6 : 9, false, false};
    const double w = width() - indent - (quote ? 10 : 0);
    const auto e = measure_text(cr_, markup, f, w, true);
    ensure(e.height + 4);
    const double x = margin_ + indent + (quote ? 10 : 0);
    if (quote) {
      cairo_rectangle(cr_, margin_ + indent, y_ - 2, width() - indent, e.height + 4);
      cairo_set_source_rgb(cr_, 0.95, 0.95, 0.95);
      cairo_fill(cr_);
      cairo_rectangle(cr_, margin_ + indent, y_ - 2, 2.5, e.height + 4);
      cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
      cairo_fill(cr_);
    }
    if (!bullet.empty()) draw_text(cr_, x - 9, y_, bullet, f, kInk);
    draw_text(cr_, x, y_, markup, f, kInk, w, Align::Left, 0, true);
    y_ += e.height + (quote ? 7 : 4);
  }

  // A table: column widths from the cells' natural widths, shrunk to the page; the
  // header row is repeated on every page the table runs onto.
  void table(const std::vector<std::vector<std::string>>& rows, const std::vector<char>& align, bool first_is_header) {
    if (rows.empty()) return;
    if (!cr_) new_page();
    const Font f{7.4, false, false}, hf{7.4, true, false};
    const double pad = 3;
    std::size_t cols = 0;
    for (const auto& r : rows) cols = std::max(cols, r.size());
    std::vector<double> natural(cols, 12);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t c = 0; c < rows[i].size(); ++c) {
        const auto e = measure_text(cr_, rows[i][c], i == 0 && first_is_header ? hf : f, -1, true);
        natural[c] = std::max(natural[c], std::min(e.width, 220.0) + 2 * pad);
      }
    }
    double total = 0;
    for (double w : natural) total += w;
    std::vector<double> widths = natural;
    if (total > width()) {
      // Shrink the wide columns first: each column keeps at least its share of the space.
      const double floor_w = std::min(55.0, width() / static_cast<double>(cols));
      double flexible = 0;
      for (double w : natural) flexible += std::max(0.0, w - floor_w);
      const double excess = total - width();
      for (std::size_t c = 0; c < cols; ++c) {
        widths[c] = natural[c] - (flexible > 0 ? excess * std::max(0.0, natural[c] - floor_w) / flexible : 0);
      }
    }
    auto row_height = [&](const std::vector<std::string>& r, bool header) {
      double h = 0;
      for (std::size_t c = 0; c < r.size(); ++c) {
        h = std::max(h, measure_text(cr_, r[c], header ? hf : f, widths[c] - 2 * pad, true).height);
      }
      return h + 2 * pad;
    };
    auto draw_row = [&](const std::vector<std::string>& r, bool header, double h) {
      double x = margin_;
      for (std::size_t c = 0; c < cols; ++c) {
        cairo_rectangle(cr_, x, y_, widths[c], h);
        if (header) {
          cairo_set_source_rgb(cr_, 0.88, 0.88, 0.88);
          cairo_fill_preserve(cr_);
        }
        cairo_set_source_rgb(cr_, 0.55, 0.55, 0.55);
        cairo_set_line_width(cr_, 0.35);
        cairo_stroke(cr_);
        if (c < r.size()) {
          const char a = c < align.size() ? align[c] : 0;
          draw_text(cr_, x + pad, y_ + pad, r[c], header ? hf : f, kInk, widths[c] - 2 * pad,
                    a == 'r' ? Align::Right : a == 'c' ? Align::Centre : Align::Left, 0, true);
        }
        x += widths[c];
      }
      y_ += h;
    };
    const bool has_header = first_is_header;
    const double header_h = has_header ? row_height(rows[0], true) : 0;
    ensure(header_h + (rows.size() > 1 ? row_height(rows[1], false) : 0) + 2);
    if (has_header) draw_row(rows[0], true, header_h);
    for (std::size_t i = has_header ? 1 : 0; i < rows.size(); ++i) {
      const double h = row_height(rows[i], false);
      if (y_ + h > bottom()) {
        new_page();
        if (has_header) draw_row(rows[0], true, header_h);
      }
      draw_row(rows[i], false, h);
    }
    y_ += 8;
  }

  void rule() {
    ensure(10);
    cairo_move_to(cr_, margin_, y_ + 4);
    cairo_line_to(cr_, margin_ + width(), y_ + 4);
    cairo_set_source_rgb(cr_, 0.7, 0.7, 0.7);
    cairo_set_line_width(cr_, 0.4);
    cairo_stroke(cr_);
    y_ += 10;
  }

  [[nodiscard]] const std::vector<std::string>& headings() const { return headings_; }

 private:
  [[nodiscard]] double top() const { return 44; }
  [[nodiscard]] double bottom() const { return page_.height_pt() - 44; }
  [[nodiscard]] double width() const { return page_.width_pt() - 2 * margin_; }
  void ensure(double h) {
    if (!cr_ || (y_ + h > bottom() && y_ > top())) new_page();
  }

  Document& doc_;
  PageSpec page_;
  std::string running_;
  cairo_t* cr_ = nullptr;
  double y_ = 0, margin_ = 52;
  int page_no_ = 0;
  int last_[4] = {0, 0, 0, 0};
  std::vector<std::string> headings_;
};

void typeset_blocks(TextFlow& flow, cmark_node* parent, double indent) {
  for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
    const auto t = cmark_node_get_type(n);
    const std::string ts = type_of(n);
    if (t == CMARK_NODE_HEADING) {
      flow.heading(cmark_node_get_heading_level(n), inline_markup(n), plain_text(n));
    } else if (t == CMARK_NODE_PARAGRAPH) {
      flow.paragraph(inline_markup(n), indent);
    } else if (t == CMARK_NODE_LIST) {
      const bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
      int k = cmark_node_get_list_start(n);
      for (cmark_node* item = cmark_node_first_child(n); item; item = cmark_node_next(item)) {
        bool first = true;
        for (cmark_node* b = cmark_node_first_child(item); b; b = cmark_node_next(b)) {
          if (cmark_node_get_type(b) == CMARK_NODE_PARAGRAPH) {
            flow.paragraph(inline_markup(b), indent + 12, first ? (ordered ? std::to_string(k) + "." : "•") : "");
          } else if (cmark_node_get_type(b) == CMARK_NODE_LIST) {
            // A nested list: its items' paragraphs, one level deeper.
            for (cmark_node* sub = cmark_node_first_child(b); sub; sub = cmark_node_next(sub)) {
              for (cmark_node* sb = cmark_node_first_child(sub); sb; sb = cmark_node_next(sb)) {
                if (cmark_node_get_type(sb) == CMARK_NODE_PARAGRAPH) flow.paragraph(inline_markup(sb), indent + 26, "–");
              }
            }
          }
          first = false;
        }
        ++k;
      }
    } else if (t == CMARK_NODE_BLOCK_QUOTE) {
      for (cmark_node* b = cmark_node_first_child(n); b; b = cmark_node_next(b)) {
        if (cmark_node_get_type(b) == CMARK_NODE_PARAGRAPH) flow.paragraph(inline_markup(b), indent, "", true);
      }
    } else if (t == CMARK_NODE_THEMATIC_BREAK) {
      flow.rule();
    } else if (t == CMARK_NODE_CODE_BLOCK) {
      const char* lit = cmark_node_get_literal(n);
      flow.paragraph("<tt>" + markup_escape(lit ? lit : "") + "</tt>", indent);
    } else if (ts == "table") {
      std::vector<std::vector<std::string>> rows;
      bool header = false;
      for (cmark_node* r = cmark_node_first_child(n); r; r = cmark_node_next(r)) {
        if (type_of(r) != "table_row" && type_of(r) != "table_header") continue;
        if (rows.empty()) header = cmark_gfm_extensions_get_table_row_is_header(r) != 0;
        std::vector<std::string> cells;
        for (cmark_node* c = cmark_node_first_child(r); c; c = cmark_node_next(c)) cells.push_back(inline_markup(c));
        rows.push_back(std::move(cells));
      }
      const uint16_t ncols = cmark_gfm_extensions_get_table_columns(n);
      const uint8_t* al = cmark_gfm_extensions_get_table_alignments(n);
      std::vector<char> align;
      for (uint16_t c = 0; c < ncols; ++c) align.push_back(al ? static_cast<char>(al[c]) : 0);
      flow.table(rows, align, header);
    }
  }
}

}  // namespace

// [SECTION] the dossier

DossierInfo write_dossier(const MapSource& src, const std::string& report_markdown, const MapOptions& options,
                          const std::string& path) {
  if (format_from_path(path) != OutputFormat::Pdf) {
    throw geo::Error("dossier " + path + ": the dossier is a PDF", geo::ErrorKind::Usage);
  }
  MapPages maps(src, options);
  const Territory& t = src.engine.territory();
  PageSpec portrait;
  portrait.landscape = false;
  PageSpec landscape;
  landscape.landscape = true;
  Document doc(path, portrait, maps.title() + " — dossier", maps.iso_date());
  DossierInfo info;
  const bool has_scenario = !src.scenario.edits.empty();

  // Cover.
  {
    cairo_t* cr = doc.new_page(portrait);
    const double m = 60, w = portrait.width_pt() - 2 * m;
    double y = 150;
    y += draw_text(cr, m, y, "Dossier pour l'instance de coordination", Font{12, false, false}, kGrey, w).height + 10;
    y += draw_text(cr, m, y, maps.title(), Font{22, true, false}, kInk, w).height + 16;
    y += draw_text(cr, m, y, has_scenario ? "Scénario « " + src.scenario.name + " »" : "Situation actuelle (aucune modification)",
                   Font{14, true, false}, kInk, w).height + 8;
    if (!src.scenario.description.empty()) {
      y += draw_text(cr, m, y, src.scenario.description, Font{10, false, false}, kInk, w).height + 8;
    }
    if (has_scenario) {
      y += draw_text(cr, m, y, std::to_string(src.scenario.edits.size()) + " modification(s) de l'offre, évaluées "
                     "contre la situation actuelle : temps d'accès, couverture, accessibilité, pharmacies"
                     + std::string(t.regime.present() ? ", offre du régime minier" : "") + ".",
                     Font{10, false, false}, kInk, w).height + 8;
    }
    y += 20;
    y += draw_text(cr, m, y, "Produit par Recompose le " + french_date(maps.iso_date()), Font{10, false, true}, kGrey, w).height + 8;
    if (t.regime.fictitious) {
      y += 20;
      const std::string banner = std::string("Régime minier : ") + kFictitiousLabel + ". Aucun chiffre de ce dossier "
                                 "sur les sites, équipes et affiliés du régime ne décrit l'offre réelle.";
      const auto e = measure_text(cr, banner, Font{10, true, false}, w - 20);
      cairo_rectangle(cr, m, y, w, e.height + 16);
      cairo_set_source_rgb(cr, 1, 0.92, 0.92);
      cairo_fill_preserve(cr);
      cairo_set_source_rgb(cr, 0.7, 0, 0);
      cairo_set_line_width(cr, 1.2);
      cairo_stroke(cr);
      draw_text(cr, m + 10, y + 8, banner, Font{10, true, false}, Rgba{150, 0, 0, 255}, w - 20);
    }
    doc.bookmark("Couverture");
    info.bookmarks.push_back("Couverture");
  }

  // Maps: urgent care before/after and its difference; the access the scenario
  // changes most (population whose time changes); the regime's sites.
  std::vector<std::pair<std::string, Layout>> pages;
  const std::string urgent = "temps:" + src.params.urgent_target;
  if (maps.has_indicator(urgent)) {
    pages.emplace_back(urgent, has_scenario ? Layout::BeforeAfter : Layout::Single);
    if (has_scenario) pages.emplace_back(urgent, Layout::Difference);
  }
  if (has_scenario) {
    std::string best;
    double best_pop = 0;
    for (const auto& ind : maps.indicators()) {
      if (!ind.difference || ind.key.rfind("ecart:", 0) != 0 || ind.key == "ecart:e2sfca" ||
          ind.key == "ecart:" + src.params.urgent_target) {
        continue;
      }
      double pop = 0;
      for (std::size_t u = 0; u < ind.values.size(); ++u) {
        if (std::isfinite(ind.values[u]) && std::fabs(ind.values[u]) > ind.neutral_abs) pop += t.units[u].population;
      }
      if (pop > best_pop) {
        best_pop = pop;
        best = ind.key;
      }
    }
    if (!best.empty()) {
      pages.emplace_back("temps:" + best.substr(6), Layout::BeforeAfter);
      pages.emplace_back(best, Layout::Difference);
    }
  }
  if (!t.regime.sites.empty() && maps.has_indicator("temps:regime_site") &&
      std::none_of(pages.begin(), pages.end(), [](const auto& p) { return p.first == "temps:regime_site"; })) {
    pages.emplace_back("temps:regime_site", Layout::Single);
  }
  int maps_parent = 0;
  for (const auto& [key, layout] : pages) {
    const MapPageInfo mi = maps.draw(doc.new_page(landscape), landscape, key, layout);
    if (maps_parent == 0) {
      maps_parent = doc.bookmark("Cartes");
      info.bookmarks.push_back("Cartes");
    }
    doc.bookmark(mi.subtitle, maps_parent);
    info.map_pages.push_back(mi.subtitle);
  }

  // The report.
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  if (cmark_syntax_extension* table = cmark_find_syntax_extension("table")) {
    cmark_parser_attach_syntax_extension(parser, table);
  }
  cmark_parser_feed(parser, report_markdown.data(), report_markdown.size());
  cmark_node* root = cmark_parser_finish(parser);
  TextFlow flow(doc, portrait, maps.title() + (has_scenario ? " — scénario « " + src.scenario.name + " »" : ""));
  typeset_blocks(flow, root, 0);
  cmark_node_free(root);
  cmark_parser_free(parser);
  for (const auto& h : flow.headings()) info.bookmarks.push_back(h);
  doc.finish();
  info.pages = doc.pages();
  return info;
}

}  // namespace recompose::planner::cartography
