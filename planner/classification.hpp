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
