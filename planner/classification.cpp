#include "planner/classification.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace recompose::planner {

const char* class_method_label(ClassMethod m) {
  switch (m) {
    case ClassMethod::Quantiles: return "quantiles";
    case ClassMethod::EqualIntervals: return "intervalles égaux";
    case ClassMethod::NaturalBreaks: return "seuils naturels (Jenks)";
  }
  return "";
}

namespace {

std::vector<double> jenks(const std::vector<double>& v, int k) {
  // Fisher's exact optimal partition of sorted data into k classes minimising the
  // within-class sum of squared deviations. O(k n^2): fine for a few thousand units.
  const int n = static_cast<int>(v.size());
  std::vector<double> s1(static_cast<std::size_t>(n) + 1, 0), s2(static_cast<std::size_t>(n) + 1, 0);
  for (int i = 0; i < n; ++i) {
    s1[static_cast<std::size_t>(i) + 1] = s1[static_cast<std::size_t>(i)] + v[static_cast<std::size_t>(i)];
    s2[static_cast<std::size_t>(i) + 1] = s2[static_cast<std::size_t>(i)] + v[static_cast<std::size_t>(i)] * v[static_cast<std::size_t>(i)];
  }
  auto ssd = [&](int a, int b) {  // items a..b-1
    const double cnt = b - a, sum = s1[static_cast<std::size_t>(b)] - s1[static_cast<std::size_t>(a)];
    return (s2[static_cast<std::size_t>(b)] - s2[static_cast<std::size_t>(a)]) - sum * sum / cnt;
  };
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> cost(static_cast<std::size_t>(k) + 1, std::vector<double>(static_cast<std::size_t>(n) + 1, inf));
  std::vector<std::vector<int>> cut(static_cast<std::size_t>(k) + 1, std::vector<int>(static_cast<std::size_t>(n) + 1, 0));
  cost[0][0] = 0;
  for (int c = 1; c <= k; ++c) {
    for (int j = c; j <= n; ++j) {
      for (int i = c - 1; i < j; ++i) {
        const double x = cost[static_cast<std::size_t>(c) - 1][static_cast<std::size_t>(i)] + ssd(i, j);
        if (x < cost[static_cast<std::size_t>(c)][static_cast<std::size_t>(j)]) {
          cost[static_cast<std::size_t>(c)][static_cast<std::size_t>(j)] = x;
          cut[static_cast<std::size_t>(c)][static_cast<std::size_t>(j)] = i;
        }
      }
    }
  }
  std::vector<double> breaks(static_cast<std::size_t>(k));
  int j = n;
  for (int c = k; c >= 1; --c) {
    breaks[static_cast<std::size_t>(c) - 1] = v[static_cast<std::size_t>(j) - 1];
    j = cut[static_cast<std::size_t>(c)][static_cast<std::size_t>(j)];
  }
  return breaks;
}

}  // namespace

std::vector<double> class_breaks(std::vector<double> values, int classes, ClassMethod method) {
  std::erase_if(values, [](double x) { return !std::isfinite(x); });
  if (values.empty() || classes < 1) return {};
  std::sort(values.begin(), values.end());
  std::vector<double> distinct = values;
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const int k = std::min<int>(classes, static_cast<int>(distinct.size()));
  std::vector<double> breaks;
  if (method == ClassMethod::EqualIntervals) {
    const double lo = values.front(), hi = values.back();
    for (int c = 1; c <= k; ++c) breaks.push_back(c == k ? hi : lo + (hi - lo) * c / k);
  } else if (method == ClassMethod::Quantiles) {
    for (int c = 1; c <= k; ++c) {
      const auto idx = static_cast<std::size_t>(std::ceil(static_cast<double>(c) * static_cast<double>(values.size()) / k)) - 1;
      breaks.push_back(values[std::min(idx, values.size() - 1)]);
    }
  } else {
    // Natural breaks on the distinct values when there are many points (keeps O(k n^2) small).
    const std::vector<double>& data = values.size() > 2000 ? distinct : values;
    breaks = jenks(data, k);
  }
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  return breaks;
}

int class_of(double v, const std::vector<double>& breaks) {
  if (!std::isfinite(v) || breaks.empty()) return -1;
  for (std::size_t i = 0; i < breaks.size(); ++i) {
    if (v <= breaks[i]) return static_cast<int>(i);
  }
  return static_cast<int>(breaks.size()) - 1;
}

std::vector<Rgba> viridis(int classes) {
  // Stops of matplotlib's viridis at 0, 0.25, 0.5, 0.75, 1.
  static const double stops[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  std::vector<Rgba> out;
  for (int c = 0; c < classes; ++c) {
    const double t = classes == 1 ? 0.5 : static_cast<double>(c) / (classes - 1);
    const double pos = t * 4;
    const int i = std::min(3, static_cast<int>(pos));
    const double f = pos - i;
    Rgba col{};
    for (int k = 0; k < 3; ++k) {
      col[static_cast<std::size_t>(k)] =
          static_cast<std::uint8_t>(std::lround(stops[i][k] + f * (stops[i + 1][k] - stops[i][k])));
    }
    col[3] = 255;
    out.push_back(col);
  }
  return out;
}

}  // namespace recompose::planner

namespace recompose::planner {

DivergingClasses diverging_breaks(const std::vector<double>& values, int per_side, double neutral_abs) {
  per_side = std::clamp(per_side, 1, 6);
  neutral_abs = std::isfinite(neutral_abs) ? std::max(0.0, neutral_abs) : 0.0;
  std::vector<double> mags;
  for (double v : values) {
    if (std::isfinite(v) && std::fabs(v) > neutral_abs) mags.push_back(std::fabs(v));
  }
  std::sort(mags.begin(), mags.end());
  // Upper magnitudes a_1 < ... < a_k (a_k = max |v|).
  std::vector<double> a(static_cast<std::size_t>(per_side));
  // No change anywhere: classes of one unit per step, so the legend still reads.
  const double top = mags.empty() ? std::max(neutral_abs * 2, 1.0 * per_side) : mags.back();
  for (int i = 0; i < per_side; ++i) {
    double q = top * (i + 1) / per_side;  // equal intervals unless quantiles are distinct
    if (!mags.empty()) {
      const auto idx = static_cast<std::size_t>(
          std::ceil(static_cast<double>(mags.size()) * (i + 1) / per_side)) - 1;
      q = mags[std::min(idx, mags.size() - 1)];
    }
    a[static_cast<std::size_t>(i)] = q;
  }
  bool distinct = a.front() > neutral_abs;
  for (std::size_t i = 1; i < a.size(); ++i) distinct = distinct && a[i] > a[i - 1];
  if (!distinct) {
    for (int i = 0; i < per_side; ++i) {
      a[static_cast<std::size_t>(i)] = neutral_abs + (top - neutral_abs) * (i + 1) / per_side;
    }
  }
  DivergingClasses d;
  d.per_side = per_side;
  d.neutral = per_side;
  // Negative side: uppers -a_{k-1}, ..., -a_1, then -neutral (exclusive of the neutral class).
  for (int i = per_side - 1; i >= 1; --i) d.breaks.push_back(-a[static_cast<std::size_t>(i - 1)]);
  d.breaks.push_back(-neutral_abs - 1e-12);
  d.breaks.push_back(neutral_abs);
  for (int i = 0; i < per_side; ++i) d.breaks.push_back(a[static_cast<std::size_t>(i)]);
  return d;
}

std::vector<Rgba> diverging_palette(int per_side) {
  per_side = std::clamp(per_side, 1, 6);
  // RdBu endpoints and intermediate stops, dark to light on each side.
  static const double blue[4][3] = {{33, 102, 172}, {67, 147, 195}, {146, 197, 222}, {209, 229, 240}};
  static const double red[4][3] = {{178, 24, 43}, {214, 96, 77}, {244, 165, 130}, {253, 219, 199}};
  auto sample = [&](const double (*stops)[3], int i) {  // i = 0 darkest .. per_side-1 lightest
    const double t = per_side == 1 ? 0.33 : static_cast<double>(i) / (per_side - 1);
    const double pos = t * 3;
    const int k = std::min(2, static_cast<int>(pos));
    const double f = pos - k;
    Rgba c{};
    for (int j = 0; j < 3; ++j) {
      c[static_cast<std::size_t>(j)] =
          static_cast<std::uint8_t>(std::lround(stops[k][j] + f * (stops[k + 1][j] - stops[k][j])));
    }
    c[3] = 255;
    return c;
  };
  std::vector<Rgba> out;
  for (int i = 0; i < per_side; ++i) out.push_back(sample(blue, i));  // most negative first
  out.push_back(Rgba{240, 240, 240, 255});
  for (int i = per_side - 1; i >= 0; --i) out.push_back(sample(red, i));  // lightest first
  return out;
}

}  // namespace recompose::planner
