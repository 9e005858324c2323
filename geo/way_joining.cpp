// join_way_pieces: puts back together the pieces of a road that a vector-tile cut
// split (see road_import.hpp). Road files derived from vector tiles cut every way at
// each tile border (~1.5 km at z14): without this step each cut would become a graph
// node of degree 2, a segment boundary, and a rounding of the travel time.
//
// The pieces form paths and cycles through their joinable end vertices (each piece
// has at most one partner at each end), walked once each: O(total vertices).
#include <algorithm>
#include <unordered_map>

#include "geo/road_import.hpp"

namespace recompose::geo {

namespace {

struct EndUse {
  std::uint32_t piece;
  bool at_start;
};

struct VertexUses {
  EndUse ends[2];
  std::uint8_t end_count = 0;  // saturates at 3 (= "more than two")
  bool interior = false;       // also an interior vertex of some piece
};

bool same_road(const WayInput& a, const WayInput& b) {
  return a.road_class == b.road_class && a.oneway == b.oneway && a.speed_kmh == b.speed_kmh;
}

void reverse_piece(WayInput& w) {
  std::reverse(w.points.begin(), w.points.end());
  std::reverse(w.vertex_keys.begin(), w.vertex_keys.end());
}

}  // namespace

std::vector<WayInput> join_way_pieces(std::vector<WayInput> pieces, std::uint64_t* joined) {
  std::uint64_t joins = 0;
  const auto n = static_cast<std::uint32_t>(pieces.size());
  // 1. End vertices and their uses.
  std::unordered_map<std::uint64_t, VertexUses> uses;
  uses.reserve(pieces.size() * 2);
  for (std::uint32_t i = 0; i < n; ++i) {
    const WayInput& w = pieces[i];
    if (w.vertex_keys.size() < 2) continue;
    for (int e = 0; e < 2; ++e) {
      VertexUses& u = uses[e == 0 ? w.vertex_keys.front() : w.vertex_keys.back()];
      if (u.end_count < 2) u.ends[u.end_count] = {i, e == 0};
      if (u.end_count < 3) ++u.end_count;
    }
  }
  for (const WayInput& w : pieces) {
    for (std::size_t k = 1; k + 1 < w.vertex_keys.size(); ++k) {
      if (auto it = uses.find(w.vertex_keys[k]); it != uses.end()) it->second.interior = true;
    }
  }
  // 2. Partner of each piece at its start and at its end (kNone: none).
  constexpr std::uint32_t kNone = 0xffffffffu;
  std::vector<std::uint32_t> partner_start(n, kNone), partner_end(n, kNone);
  for (const auto& [key, u] : uses) {
    if (u.end_count != 2 || u.interior) continue;
    const EndUse a = u.ends[0], b = u.ends[1];
    if (a.piece == b.piece) continue;  // a closed piece: its end stays a node
    const WayInput& wa = pieces[a.piece];
    const WayInput& wb = pieces[b.piece];
    if (!same_road(wa, wb)) continue;
    // A one-way road continues only head to tail.
    if (wa.oneway != Oneway::Both && a.at_start == b.at_start) continue;
    (a.at_start ? partner_start : partner_end)[a.piece] = b.piece;
    (b.at_start ? partner_start : partner_end)[b.piece] = a.piece;
  }
  // 3. Walk the chains. A piece is oriented so that the walk enters it at its start.
  std::vector<WayInput> out;
  out.reserve(pieces.size());
  std::vector<std::uint8_t> done(n, 0);
  auto walk = [&](std::uint32_t first, bool reverse_first) {
    WayInput chain = std::move(pieces[first]);
    done[first] = 1;
    if (reverse_first) reverse_piece(chain);
    // Whether the chain as built runs against the drawing direction of its pieces.
    const bool reversed = reverse_first;
    std::uint32_t prev = first;
    bool prev_reversed = reverse_first;
    for (;;) {
      // The exit end of `prev` in its own orientation: its end unless it was reversed.
      const std::uint32_t next = prev_reversed ? partner_start[prev] : partner_end[prev];
      if (next == kNone || done[next]) break;
      WayInput& w = pieces[next];
      const bool rev = w.vertex_keys.front() != chain.vertex_keys.back();
      if (rev) reverse_piece(w);
      chain.points.insert(chain.points.end(), w.points.begin() + 1, w.points.end());
      chain.vertex_keys.insert(chain.vertex_keys.end(), w.vertex_keys.begin() + 1, w.vertex_keys.end());
      w = {};
      done[next] = 1;
      ++joins;
      prev = next;
      prev_reversed = rev;
    }
    if (reversed && chain.oneway != Oneway::Both) reverse_piece(chain);
    out.push_back(std::move(chain));
  };
  // Paths first, from a free end...
  for (std::uint32_t i = 0; i < n; ++i) {
    if (done[i]) continue;
    const bool free_start = partner_start[i] == kNone, free_end = partner_end[i] == kNone;
    if (free_start) {
      walk(i, false);
    } else if (free_end) {
      walk(i, true);
    }
  }
  // ...then what is left are rings of pieces.
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!done[i]) walk(i, false);
  }
  if (joined) *joined = joins;
  return out;
}

}  // namespace recompose::geo
