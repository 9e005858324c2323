// The tables of a Markdown report as a GFM reader sees them (cmark-gfm, the parser the
// dossier uses): for checking that what the reports write reads back cell for cell.
#pragma once

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <string>
#include <vector>

namespace recompose::test {

namespace detail {

// The text of an inline node and its children (code spans included).
inline std::string node_text(cmark_node* n) {
  std::string out;
  for (cmark_node* c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
    if (const char* lit = cmark_node_get_literal(c)) out += lit;
    if (cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK || cmark_node_get_type(c) == CMARK_NODE_LINEBREAK) out += ' ';
    out += node_text(c);
  }
  return out;
}

}  // namespace detail

// Each table of `markdown`, as rows of cell texts (header row first).
inline std::vector<std::vector<std::vector<std::string>>> markdown_tables(const std::string& markdown) {
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  if (cmark_syntax_extension* table = cmark_find_syntax_extension("table")) {
    cmark_parser_attach_syntax_extension(parser, table);
  }
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* root = cmark_parser_finish(parser);
  std::vector<std::vector<std::vector<std::string>>> tables;
  for (cmark_node* n = cmark_node_first_child(root); n; n = cmark_node_next(n)) {
    if (std::string(cmark_node_get_type_string(n)) != "table") continue;
    auto& table = tables.emplace_back();
    for (cmark_node* r = cmark_node_first_child(n); r; r = cmark_node_next(r)) {
      auto& row = table.emplace_back();
      for (cmark_node* c = cmark_node_first_child(r); c; c = cmark_node_next(c)) row.push_back(detail::node_text(c));
    }
  }
  cmark_node_free(root);
  cmark_parser_free(parser);
  return tables;
}

}  // namespace recompose::test
