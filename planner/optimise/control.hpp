// Progress and cancellation of an optimisation, shared by every stage (candidate
// columns, heuristic, CBC). The viewer runs the optimiser on its own thread: it
// reads the progress through the callback and sets the cancel flag; each stage
// checks the flag between steps of bounded cost and throws Cancelled.
#pragma once

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>

namespace recompose::planner::optimise {

struct Progress {
  std::string stage;     // French, e.g. "Colonnes des sites candidats"
  double fraction = 0;   // of this stage, 0..1 (NaN: unknown)
  std::string detail;    // e.g. the best objective so far
};

class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("optimisation annulée") {}
};

struct Control {
  const std::atomic<bool>* cancel = nullptr;              // set by another thread to stop
  std::function<void(const Progress&)> progress;           // called from the optimiser's thread

  [[nodiscard]] bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
  void check() const {
    if (cancelled()) throw Cancelled();
  }
  void report(const std::string& stage, double fraction, const std::string& detail = "") const {
    if (progress) progress({stage, fraction, detail});
  }
};

}  // namespace recompose::planner::optimise
