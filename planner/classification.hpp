// Class breaks for choropleth maps: quantiles, equal intervals, natural breaks
// (Fisher-Jenks, exact dynamic programming), and a colour-blind-safe palette
// (viridis). Values that are NaN are "no data" and never enter the breaks.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace recompose::planner {

enum class ClassMethod { Quantiles, EqualIntervals, NaturalBreaks };

const char* class_method_label(ClassMethod m);  // French

// Upper bounds of `classes` classes (the last is the maximum); fewer when the
// data have fewer distinct values. Empty when no finite value.
std::vector<double> class_breaks(std::vector<double> values, int classes, ClassMethod method);

// Index of the class of `v` (0-based), or -1 for NaN.
int class_of(double v, const std::vector<double>& breaks);

using Rgba = std::array<std::uint8_t, 4>;
// Viridis sampled at `classes` evenly spaced stops (dark purple -> yellow).
std::vector<Rgba> viridis(int classes);

}  // namespace recompose::planner

namespace recompose::planner {

// [SECTION] differences (after - before): classes centred on 0

// Symmetric classes for a difference: `per_side` classes of decreasing values
// (< 0), one neutral class |v| <= neutral_abs ("inchangé"), `per_side` classes of
// increasing values (> 0). The magnitudes are the quantiles of |v| over the values
// beyond neutral_abs on both sides together, so a class means the same size of
// change on either side. `breaks` are upper bounds as for class_of (the last is
// max |v|), 2 * per_side + 1 of them, always, so a legend shows both signs even
// when the data have one; equal-magnitude breaks collapse to equal intervals of
// max |v| when there are too few distinct magnitudes.
struct DivergingClasses {
  std::vector<double> breaks;
  int neutral = 0;  // index of the neutral class
  int per_side = 0;
};
DivergingClasses diverging_breaks(const std::vector<double>& values, int per_side, double neutral_abs);

// Blue (decrease) through light grey (neutral) to red (increase), after
// ColorBrewer RdBu: readable by colour-blind readers and in grey levels by
// lightness. 2 * per_side + 1 colours, class order of `diverging_breaks`.
std::vector<Rgba> diverging_palette(int per_side);

}  // namespace recompose::planner
