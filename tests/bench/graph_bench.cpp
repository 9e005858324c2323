// recompose_bench: the benchmark of road graphs, searches and evaluations, on the
// real graphs (Monaco PBF, Saint-Étienne lines, the Loire territory) and on
// synthetic road-like territories of 0.1 M, 1 M and 3 M nodes (synthetic_territory.hpp).
// Not a test: it asserts nothing about time. It writes a Markdown report (targets
// with the measured figure next to each, machine, commit, load) to --out and stdout;
// progress goes to stderr.
//
//   recompose_bench [--data-root DIR] [--source-dir DIR] [--out FILE.md]
//                   [--sizes 100000,1000000,3000000] [--quick] [--commit SHA]
//                   [--optimise-limit SECONDS] [--optimise-only] [--national]
//
// --national (issue 16) adds the national scale: a synthetic territory of about
// 10 M road nodes, 50,000 units (the number of IRIS in France) and 3,000 facilities
// (generation, hierarchy build on every core, access tables, baseline, each edit,
// peak memory; no graph searches), and the nine real basins of
// datasets/france-regime-minier.json together as `recompose regime` runs them
// (import of each basin with one graph cache per road file, then its baseline
// comparison), with the issue's limits in the targets table. About 10 more minutes.
//
// The optimiser rows (issue 14) run `planner::optimise::optimise` (heuristic) on the
// Loire and NPDC territories and on the 1 M-node synthetic one (1,000 road-node
// candidates, 100 chosen), then CBC on the same instance from the textbook MILP (no
// first solution given: the side-by-side reference) with a time limit
// (--optimise-limit, default 600 s). --optimise-only runs those rows alone (and what
// they need: imports, graphs, hierarchies), for a quick look.
//
// Every workload runs in a forked process, so that its peak memory (ru_maxrss from
// wait4) is its own: a graph or territory is built in a child, the allocator trimmed,
// then each workload runs in a grandchild that starts from that resident state.
// Times are medians over repeated runs (fewer for the big graphs).
//
// Extension points: a search method (e.g. PHAST on a contraction hierarchy) is one
// entry of search_methods(); a search workload is one entry of search_workloads();
// the graph table gets their columns by itself.
//
// Index:
//   [SECTION] small helpers
//   [SECTION] results passed from a child process
//   [SECTION] machine and memory bandwidth
//   [SECTION] search methods and workloads
//   [SECTION] graph workloads
//   [SECTION] territory workloads
//   [SECTION] optimiser workloads
//   [SECTION] the runs: real graphs, Loire, synthetic sizes
//   [SECTION] report
#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/synthetic_territory.hpp"
#include "geo/contraction.hpp"
#include "geo/dijkstra.hpp"
#include "geo/road_import.hpp"
#include "planner/access_engine.hpp"
#include "planner/basins_comparison.hpp"
#include "planner/comparison.hpp"
#include "planner/evaluation.hpp"
#include "planner/manifest.hpp"
#include "planner/optimise/exact.hpp"
#include "planner/optimise/optimiser.hpp"
#include "planner/territory_import.hpp"

#ifndef RECOMPOSE_SOURCE_DIR
#define RECOMPOSE_SOURCE_DIR "."
#endif
#ifndef RECOMPOSE_BUILD_TYPE
#define RECOMPOSE_BUILD_TYPE "unknown"
#endif

using namespace recompose;
using Clock = std::chrono::steady_clock;

namespace {

// [SECTION] small helpers

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMiB = 1024.0 * 1024.0;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

__attribute__((format(printf, 1, 2))) std::string fmt(const char* format, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, format);
  std::vsnprintf(buf, sizeof buf, format, ap);
  va_end(ap);
  return buf;
}

// A number for a table cell; "—" when not measured.
std::string cell(double v, const char* format = "%.3f") {
  if (std::isnan(v)) return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string thousands(double v) {
  if (std::isnan(v)) return "—";
  std::string s = fmt("%.0f", v), out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

std::string size_label(std::uint32_t nodes) {
  if (nodes % 100000 == 0) return fmt("%.1f M", nodes / 1e6);
  return thousands(nodes);
}

void progress(const std::string& s) {
  std::fprintf(stderr, "[bench] %s\n", s.c_str());
  std::fflush(stderr);
}

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string run_command(const std::string& cmd) {
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Repeats of a search workload: about 0.5 s of Dijkstra per workload, odd, 5 to 31.
int search_repeats(std::uint64_t nodes) {
  const int r = static_cast<int>(
      std::clamp(1.0e7 / static_cast<double>(std::max<std::uint64_t>(nodes, 1)), 5.0, 31.0));
  return r | 1;
}

// [SECTION] results passed from a child process

// Ordered key -> value pairs (numbers kept as text to 17 digits).
class Record {
 public:
  void set(const std::string& key, double v) { text(key, fmt("%.17g", v)); }
  void text(const std::string& key, std::string v) {
    for (char& c : v) {
      if (c == '\n' || c == '\t') c = ' ';
    }
    for (auto& kv : kv_) {
      if (kv.first == key) {
        kv.second = std::move(v);
        return;
      }
    }
    kv_.emplace_back(key, std::move(v));
  }
  [[nodiscard]] bool has(const std::string& key) const {
    return std::any_of(kv_.begin(), kv_.end(), [&](const auto& kv) { return kv.first == key; });
  }
  [[nodiscard]] std::string str(const std::string& key) const {
    for (const auto& kv : kv_) {
      if (kv.first == key) return kv.second;
    }
    return "";
  }
  [[nodiscard]] double num(const std::string& key) const {
    const std::string s = str(key);
    if (s.empty()) return kNaN;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    return end && *end == '\0' ? v : kNaN;
  }
  void merge(const Record& o, const std::string& prefix = "") {
    for (const auto& kv : o.kv_) text(prefix + kv.first, kv.second);
  }
  [[nodiscard]] std::string serialize() const {
    std::string s;
    for (const auto& kv : kv_) s += kv.first + '\t' + kv.second + '\n';
    return s;
  }
  static Record parse(const std::string& s) {
    Record r;
    std::istringstream in(s);
    std::string line;
    while (std::getline(in, line)) {
      const auto tab = line.find('\t');
      if (tab != std::string::npos) r.text(line.substr(0, tab), line.substr(tab + 1));
    }
    return r;
  }

 private:
  std::vector<std::pair<std::string, std::string>> kv_;
};

struct ChildOutcome {
  Record record;
  std::string error;       // empty: the work completed
  double peak_mib = kNaN;  // ru_maxrss of the child (its own peak, or a descendant's if larger)
  double seconds = 0;
};

// Runs `work` in a forked process and returns what it recorded and its peak RSS.
// An exception in the child becomes `error` (with what was recorded until then).
ChildOutcome run_in_child(const std::function<void(Record&)>& work) {
  ChildOutcome out;
  std::fflush(stdout);
  std::fflush(stderr);
  int fd[2];
  if (::pipe(fd) != 0) {
    out.error = std::string("pipe: ") + std::strerror(errno);
    return out;
  }
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    out.error = std::string("fork: ") + std::strerror(errno);
    ::close(fd[0]);
    ::close(fd[1]);
    return out;
  }
  if (pid == 0) {
    ::close(fd[0]);
    Record r;
    std::string status = "ok";
    try {
      work(r);
    } catch (const std::exception& e) {
      status = std::string("error: ") + e.what();
    }
    for (char& c : status) {
      if (c == '\n' || c == '\t') c = ' ';
    }
    const std::string msg = status + "\n" + r.serialize();
    std::size_t done = 0;
    while (done < msg.size()) {
      const ssize_t k = ::write(fd[1], msg.data() + done, msg.size() - done);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) break;
      done += static_cast<std::size_t>(k);
    }
    ::close(fd[1]);
    std::fflush(stderr);
    ::_exit(0);
  }
  ::close(fd[1]);
  std::string in;
  char buf[4096];
  for (;;) {
    const ssize_t k = ::read(fd[0], buf, sizeof buf);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    in.append(buf, static_cast<std::size_t>(k));
  }
  ::close(fd[0]);
  int status = 0;
  rusage ru{};
  while (::wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  out.seconds = seconds_since(start);
  out.peak_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;  // KiB on Linux
  const auto nl = in.find('\n');
  const std::string head = in.substr(0, nl);
  out.record = Record::parse(nl == std::string::npos ? "" : in.substr(nl + 1));
  if (WIFSIGNALED(status)) {
    out.error = fmt("killed by signal %d%s", WTERMSIG(status),
                    WTERMSIG(status) == SIGKILL ? " (out of memory?)" : "");
  } else if (head != "ok") {
    out.error = head.empty() ? "no result from the child process" : head;
  }
  return out;
}

double rss_mib() {
  return static_cast<double>(bench::current_rss_bytes()) / kMiB;
}
double hwm_mib() {
  return static_cast<double>(bench::peak_rss_bytes()) / kMiB;
}

// Gives freed heap memory back to the system, so that a forked workload starts
// from what is really in use (the peak of what built it is reported apart).
void trim_heap() {
  ::malloc_trim(0);
}

// [SECTION] machine and memory bandwidth

struct Machine {
  std::string date, cpu, kernel, compiler, build_type, commit, caches;
  unsigned cpus = 0;
  double ram_gib = 0;
  std::string load_start, load_end;
};

std::string load_average() {
  std::istringstream in(read_first_line("/proc/loadavg"));
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " (1 min), " + b + " (5 min), " + c + " (15 min)";
}

Machine describe_machine(const std::string& source_dir, const std::string& commit_arg) {
  Machine m;
  const std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  m.date = date;
  {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("model name", 0) == 0) {
        m.cpu = line.substr(line.find(':') + 2);
        break;
      }
    }
  }
  m.cpus = std::thread::hardware_concurrency();
  {
    std::ifstream in("/proc/meminfo");
    std::string key;
    double kb = 0;
    in >> key >> kb;
    m.ram_gib = kb / kMiB;
  }
  for (const char* idx : {"index2", "index3"}) {
    const std::string base = std::string("/sys/devices/system/cpu/cpu0/cache/") + idx;
    const std::string level = read_first_line(base + "/level"),
                      size = read_first_line(base + "/size");
    if (!level.empty() && !size.empty())
      m.caches += (m.caches.empty() ? "" : ", ") + ("L" + level + " " + size);
  }
  utsname u{};
  if (::uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release;
#if defined(__clang__)
  m.compiler = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  m.compiler = std::string("g++ ") + __VERSION__;
#else
  m.compiler = "unknown";
#endif
  m.build_type = RECOMPOSE_BUILD_TYPE;
#ifdef NDEBUG
  m.build_type += " (NDEBUG)";
#endif
  m.commit = commit_arg;
  if (m.commit.empty()) {
    const std::string q = shell_quote(source_dir);
    m.commit = run_command("git -C " + q + " rev-parse --short HEAD 2>/dev/null");
    if (m.commit.empty()) {
      m.commit = "unknown";
    } else if (!run_command("git -C " + q + " status --porcelain --untracked-files=no 2>/dev/null")
                    .empty()) {
      m.commit += " + uncommitted changes";
    }
  }
  m.load_start = load_average();
  return m;
}

volatile std::uint64_t g_sink = 0;

struct Bandwidth {
  double bytes = 0, median_ms = kNaN, gb_per_s = kNaN;
  int runs = 0;
};

// Streaming read of `bytes` (sum of uint64, four accumulators), median over runs.
Bandwidth stream_read(std::size_t bytes) {
  Bandwidth b;
  const std::size_t n = std::max<std::size_t>(bytes / 8, 512) & ~std::size_t{3};
  std::vector<std::uint64_t> buf(n);
  for (std::size_t i = 0; i < n; ++i) buf[i] = i * 0x9E3779B97F4A7C15ULL;
  const double total = static_cast<double>(n) * 8.0;
  const int runs = static_cast<int>(std::clamp(2.0e9 / total, 7.0, 2001.0)) | 1;
  std::vector<double> ms;
  std::uint64_t keep = 0;
  for (int r = 0; r <= runs; ++r) {  // run 0 is a warm-up
    const std::uint64_t* p = buf.data();
    __asm__ __volatile__("" : : "g"(p) : "memory");  // the buffer may have changed: read it again
    const auto t = Clock::now();
    std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (std::size_t i = 0; i < n; i += 4) {
      s0 += p[i];
      s1 += p[i + 1];
      s2 += p[i + 2];
      s3 += p[i + 3];
    }
    keep += s0 ^ s1 ^ s2 ^ s3;
    if (r > 0) ms.push_back(seconds_since(t) * 1e3);
  }
  g_sink = keep;
  b.bytes = total;
  b.runs = runs;
  b.median_ms = median(ms);
  b.gb_per_s = total / (b.median_ms / 1e3) / 1e9;
  return b;
}

// Bytes a one-to-all search must read at least once: 8 per arc (head + time) + 8 per
// node (first_out + distance).
double floor_bytes(double nodes, double arcs) {
  return 8.0 * arcs + 8.0 * nodes;
}

// [SECTION] search methods and workloads

// One search from `source` in `dir`, settling nodes up to `limit_ds` (kUnreachable: all).
using SearchFn =
    std::function<void(geo::NodeId source, geo::Direction dir, geo::Deciseconds limit_ds)>;

using ChPtr = std::shared_ptr<const geo::ContractionHierarchy>;

// A search method under test. `prepare` runs once per graph and returns the search;
// methods with preprocessing (`has_preprocessing`) use the graph's contraction
// hierarchy, built once per graph by the caller and timed as "prep"; methods that
// cannot stop at a time limit set `bounded` = false and get "—" in the bounded columns.
struct SearchMethod {
  std::string key;  // record key and column label
  bool bounded = true;
  bool has_preprocessing = false;
  std::function<SearchFn(const geo::RoadGraph&, const ChPtr&)> prepare;
};

std::vector<SearchMethod> search_methods() {
  std::vector<SearchMethod> m;
  m.push_back({"Dijkstra", true, false, [](const geo::RoadGraph& g, const ChPtr&) {
                 auto ws = std::make_shared<geo::DijkstraWorkspace>(g.node_count());
                 return SearchFn([&g, ws](geo::NodeId s, geo::Direction d, geo::Deciseconds limit) {
                   geo::run_dijkstra(g, d, s, limit, *ws);
                 });
               }});
  // PHAST: an upward search in the hierarchy, then one sweep over every node in
  // descending rank; always one-to-all (a time limit would not make it cheaper).
  m.push_back({"PHAST", false, true, [](const geo::RoadGraph&, const ChPtr& ch) {
                 if (!ch) throw std::runtime_error("PHAST needs the graph's contraction hierarchy");
                 auto ws = std::make_shared<geo::PhastWorkspace>();
                 return SearchFn([ch, ws](geo::NodeId s, geo::Direction d, geo::Deciseconds) {
                   const geo::Seed seed{s, 0};
                   geo::run_phast(*ch, d, std::span<const geo::Seed>(&seed, 1), *ws);
                 });
               }});
  // The same sweep on both cores (levels split in halves, geo::run_phast_parallel).
  m.push_back({"PHAST 2 cores", false, true, [](const geo::RoadGraph&, const ChPtr& ch) {
                 if (!ch) throw std::runtime_error("PHAST needs the graph's contraction hierarchy");
                 auto ws = std::make_shared<geo::PhastWorkspace>();
                 return SearchFn([ch, ws](geo::NodeId s, geo::Direction d, geo::Deciseconds) {
                   const geo::Seed seed{s, 0};
                   geo::run_phast_parallel(*ch, d, std::span<const geo::Seed>(&seed, 1), *ws);
                 });
               }});
  return m;
}

struct SearchWorkload {
  std::string key, label;
  geo::Direction dir;
  geo::Deciseconds limit_ds;
};

std::vector<SearchWorkload> search_workloads() {
  return {{"one_to_all", "one-to-all", geo::Direction::Forward, geo::kUnreachable},
          {"rev30", "reverse ≤ 30 min", geo::Direction::Reverse, 30 * 600},
          {"rev60", "reverse ≤ 60 min", geo::Direction::Reverse, 60 * 600}};
}

// [SECTION] graph workloads

// The contraction hierarchy of `g`, its build time recorded as every preprocessing
// method's "prep" (with its size).
ChPtr build_hierarchy(const geo::RoadGraph& g, Record& r) {
  geo::ChBuildStats st;
  const auto t = Clock::now();
  auto ch = std::make_shared<const geo::ContractionHierarchy>(geo::build_contraction_hierarchy(g, &st));
  const double s = seconds_since(t);
  for (const auto& m : search_methods()) {
    if (m.has_preprocessing) r.set(m.key + "/prep_s", s);
  }
  r.set("ch_shortcuts", static_cast<double>(st.shortcuts));
  r.set("ch_mib", static_cast<double>(ch->memory_bytes()) / kMiB);
  r.set("ch_threads", st.threads);
  r.set("ch_rounds", st.rounds);
  r.set("ch_levels", st.levels);
  r.set("ch_witness_searches", static_cast<double>(st.witness_searches));
  r.set("ch_select_s", st.phase_seconds.select);
  r.set("ch_simulate_s", st.phase_seconds.simulate);
  r.set("ch_apply_s", st.phase_seconds.apply);
  r.set("ch_priorities_s", st.phase_seconds.priorities);
  return ch;
}

void record_graph_shape(const geo::RoadGraph& g, Record& r) {
  r.set("nodes", g.node_count());
  r.set("arcs", g.arc_count());
  r.set("segments", g.segment_count());
  r.set("main_nodes", g.main_component == geo::kInvalidComponent
                          ? 0.0
                          : g.component_node_count[g.main_component]);
}

// Every method x workload from the same seeded sources of the main component.
void bench_searches(const geo::RoadGraph& g, const ChPtr& ch, Record& r) {
  std::mt19937_64 rng(12345);
  const int runs = search_repeats(g.node_count());
  std::vector<geo::NodeId> sources;
  while (sources.size() < static_cast<std::size_t>(runs) + 1) {
    const auto v = static_cast<geo::NodeId>(rng() % g.node_count());
    if (g.in_main_component(v)) sources.push_back(v);
  }
  r.set("search_runs", runs);
  for (const SearchMethod& m : search_methods()) {
    auto t = Clock::now();
    const SearchFn search = m.prepare(g, ch);
    for (const SearchWorkload& w : search_workloads()) {
      if (w.limit_ds != geo::kUnreachable && !m.bounded) continue;
      search(sources[0], w.dir, w.limit_ds);  // warm-up
      std::vector<double> ms;
      for (int i = 1; i <= runs; ++i) {
        t = Clock::now();
        search(sources[static_cast<std::size_t>(i)], w.dir, w.limit_ds);
        ms.push_back(seconds_since(t) * 1e3);
      }
      r.set(m.key + "/" + w.key + "_ms", median(ms));
    }
  }
}

// Searches in a grandchild (its peak = the graph + the search state); merged into `r`.
void bench_searches_isolated(const geo::RoadGraph& g, const ChPtr& ch, Record& r) {
  trim_heap();
  r.set("resident_mib", rss_mib());
  const ChildOutcome c = run_in_child([&](Record& rr) { bench_searches(g, ch, rr); });
  r.merge(c.record);
  r.set("search_peak_mib", c.peak_mib);
  if (!c.error.empty()) throw std::runtime_error("searches: " + c.error);
}

// [SECTION] territory workloads

struct EditPlan {
  std::string close_id;                // e.g. an urgent-care hospital
  std::vector<std::string> merge_ids;  // merged into the first
  std::string relocate_id;
  geo::PointM relocate_base, open_base;  // moved by a few metres every run
};

planner::Scenario scenario_of(const std::string& edits) {
  return planner::Scenario::parse(
      R"({"format": "recompose-scenario/1", "name": "bench", "edits": [)" + edits + "]}", "bench");
}

std::string point_json(geo::PointM p) {
  return fmt("{\"x_l93\": %.2f, \"y_l93\": %.2f}", p.x_m, p.y_m);
}

// How the access engine builds the tables of `t`: restricted PHAST sweeps when the
// territory carries a contraction hierarchy, else bounded Dijkstra searches.
std::string table_method(const planner::Territory& t) { return t.ch ? "RPHAST ×16" : "Dijkstra"; }

// Tables, baseline evaluation and re-evaluation after each kind of edit.
void bench_territory(const planner::Territory& t, const EditPlan& plan, Record& r) {
  r.set("nodes", t.graph.node_count());
  r.set("units", static_cast<double>(t.units.size()));
  r.set("facilities", static_cast<double>(t.facilities.size()));
  r.text("tables_by", table_method(t));
  const planner::EvalParams params;
  const int search_runs = search_repeats(t.graph.node_count());
  r.set("search_runs", search_runs);

  // Access tables: up to 5 runs, fewer when they are slow (at least one).
  std::unique_ptr<planner::AccessEngine> engine;
  std::vector<double> tables;
  double spent = 0;
  while (tables.empty() || (tables.size() < 5 && spent + tables.back() < 10.0)) {
    engine.reset();
    const auto t0 = Clock::now();
    engine = std::make_unique<planner::AccessEngine>(t, params.cutoff_min);
    tables.push_back(seconds_since(t0));
    spent += tables.back();
  }
  r.set("table_runs", static_cast<double>(tables.size()));
  r.set("tables_s", median(tables));
  r.set("table_entries", static_cast<double>(engine->entries()));
  r.set("table_searches", static_cast<double>(engine->searches_run()));
  progress(fmt("  access tables: %.2f s (%zu entries)", median(tables), engine->entries()));

  auto timed = [&](const planner::Scenario& s) {
    const auto t0 = Clock::now();
    const planner::Evaluation e = planner::evaluate(*engine, s, params);
    return seconds_since(t0) * 1e3;
  };
  const planner::Scenario baseline = planner::Scenario::baseline();
  std::vector<double> base, aggregates;
  // 31 runs of each evaluation, fewer (at least 5) when one takes over 0.1 s.
  base.push_back(timed(baseline));
  const int eval_runs = static_cast<int>(std::clamp(3000.0 / std::max(base.front(), 1e-3), 5.0, 31.0)) | 1;
  r.set("eval_runs", eval_runs);
  for (int i = 1; i < eval_runs; ++i) base.push_back(timed(baseline));
  {
    const planner::Evaluation e = planner::evaluate(*engine, baseline, params);
    for (int i = 0; i < eval_runs; ++i) {
      const auto t0 = Clock::now();
      const auto a = planner::aggregate(t, e, params, "territory");
      const auto b = planner::aggregate(t, e, params, "commune");
      aggregates.push_back(seconds_since(t0) * 1e3);
    }
    // Sanity: units that no GP point serves within the cutoff.
    const int gp = e.target_index("gp_point");
    double without = 0;
    if (gp >= 0) {
      for (const auto time : e.nearest_time[static_cast<std::size_t>(gp)])
        without += time == planner::kNoAccess;
    }
    r.set("units_without_gp", gp >= 0 ? without : kNaN);
  }
  // The baseline's evaluate() is the first one on the engine: it builds the memo the
  // re-evaluations start from (the baseline's nearest facilities and E2SFCA sums, the
  // tables by unit). The later baseline runs reuse it (median kept apart).
  r.set("evaluate_ms", base.front());
  r.set("evaluate_again_ms", median(std::vector<double>(base.begin() + 1, base.end())));
  r.set("aggregate_ms", median(aggregates));
  r.set("baseline_total_s", median(tables) + (base.front() + median(aggregates)) / 1e3);

  std::vector<double> close, merge, relocate, open;
  const planner::Scenario close_s =
      scenario_of(R"({"op": "close", "facility": ")" + plan.close_id + "\"}");
  std::string merge_list;
  for (const auto& id : plan.merge_ids)
    merge_list += (merge_list.empty() ? "\"" : ", \"") + id + "\"";
  const planner::Scenario merge_s = scenario_of(R"({"op": "merge", "facilities": [)" + merge_list +
                                                R"(], "into": ")" + plan.merge_ids.front() + "\"}");
  for (int i = 0; i < eval_runs; ++i) {
    close.push_back(timed(close_s));
    merge.push_back(timed(merge_s));
  }
  for (int i = 0; i < search_runs; ++i) {
    // A new position every run, so that the memoised site searches are never reused.
    const double step = 7.0 * (i + 1);
    const geo::PointM to{plan.relocate_base.x_m + step, plan.relocate_base.y_m + step / 2};
    const geo::PointM at{plan.open_base.x_m + step, plan.open_base.y_m};
    const auto rel = scenario_of(R"({"op": "relocate", "facility": ")" + plan.relocate_id +
                                 R"(", "to": )" + point_json(to) + "}");
    const auto opn = scenario_of(
        R"({"op": "open", "id": "BENCH-NEW", "kind": "gp_point", "capacity": 3, "at": )" +
        point_json(at) + "}");
    relocate.push_back(timed(rel));
    open.push_back(timed(opn));
  }
  r.set("close_ms", median(close));
  r.set("merge_ms", median(merge));
  r.set("relocate_ms", median(relocate));
  r.set("open_ms", median(open));
  r.set("final_rss_mib", rss_mib());
}

// The territory workloads in a grandchild (its peak = the territory + the engine +
// the evaluations); merged into `r`.
void bench_territory_isolated(const planner::Territory& t, const EditPlan& plan, Record& r) {
  trim_heap();
  r.set("resident_mib", rss_mib());
  const ChildOutcome c = run_in_child([&](Record& rr) { bench_territory(t, plan, rr); });
  r.merge(c.record);
  r.set("peak_mib", c.peak_mib);
  if (!c.error.empty()) throw std::runtime_error("territory workloads: " + c.error);
}

// Edits near the middle of a synthetic territory: close the urgent-care hospital
// nearest to it, merge the two nearest GP points, relocate the nearest GP point, open
// a GP point 500 m south of the middle.
EditPlan synthetic_plan(const planner::Territory& t) {
  double x0 = std::numeric_limits<double>::max(), y0 = x0,
         x1 = std::numeric_limits<double>::lowest(), y1 = x1;
  for (const auto& u : t.units) {
    x0 = std::min(x0, u.point.x_m);
    y0 = std::min(y0, u.point.y_m);
    x1 = std::max(x1, u.point.x_m);
    y1 = std::max(y1, u.point.y_m);
  }
  const geo::PointM mid{(x0 + x1) / 2, (y0 + y1) / 2};
  auto by_distance = [&](const std::string& kind) {
    std::vector<std::pair<double, std::string>> v;
    for (const auto& f : t.facilities) {
      if (f.kind == kind && f.snap.result.ok())
        v.emplace_back(std::hypot(f.point.x_m - mid.x_m, f.point.y_m - mid.y_m), f.id);
    }
    std::sort(v.begin(), v.end());
    return v;
  };
  const auto hospitals = by_distance("hospital"), gps = by_distance("gp_point");
  if (hospitals.empty() || gps.size() < 2)
    throw std::runtime_error("synthetic territory without 2 GP points");
  EditPlan p;
  p.close_id = hospitals.front().second;
  p.merge_ids = {gps[0].second, gps[1].second};
  p.relocate_id = gps[0].second;
  for (const auto& f : t.facilities) {
    if (f.id == p.relocate_id) p.relocate_base = {f.point.x_m + 150, f.point.y_m + 100};
  }
  p.open_base = {mid.x_m + 3, mid.y_m - 500};
  return p;
}

// [SECTION] optimiser workloads

namespace opt = planner::optimise;

struct OptimiseCase {
  std::string key, label;
  opt::Problem problem;
};

// The whole proposal (instance with its candidate columns, heuristic, scenario, its
// evaluation) as `recompose optimise --heuristic-only` runs it, then CBC cold on the
// same instance. Keys under "opt/<case key>/".
void bench_optimise(const planner::Territory& t, const OptimiseCase& c, double limit_s, Record& r) {
  const std::string k = "opt/" + c.key + "/";
  r.text(k + "label", c.label);
  planner::EvalParams params;
  const auto t0 = Clock::now();
  planner::AccessEngine engine(t, params.cutoff_min);
  const planner::Evaluation before = planner::evaluate(engine, planner::Scenario::baseline(), params);
  r.set(k + "tables_s", seconds_since(t0));
  opt::Problem p = c.problem;
  p.exact = false;
  const opt::OptimiseResult res = opt::optimise(engine, before, p, params);
  const opt::Instance& in = res.instance;
  std::size_t free = 0;
  for (const auto& cand : in.candidates) free += cand.lock == opt::Lock::Free && !cand.fixed;
  r.set(k + "demand", static_cast<double>(in.demand_count()));
  r.set(k + "candidates", static_cast<double>(free));
  r.set(k + "entries", static_cast<double>(in.entries()));
  r.set(k + "p", in.p);
  r.set(k + "instance_s", res.seconds_instance);
  r.set(k + "heuristic_s", res.heuristic_stats.seconds);
  r.set(k + "kicks", static_cast<double>(res.heuristic_stats.kicks));
  r.set(k + "proposal_s", res.seconds_total);
  r.set(k + "heuristic_objective", opt::primary(in, res.heuristic));
  r.set(k + "heuristic_mean_min", res.heuristic_figures.mean_min);
  r.set(k + "verified", res.verified_equal ? 1 : 0);
  r.set(k + "lagrangian_gap_percent", res.gap_lagrangian_percent);
  r.set(k + "lagrangian_s", res.lagrangian.seconds);
  progress(fmt("  optimiser %s: %zu points x %zu candidates, instance %.2f s, heuristic %.3f s (%s)", c.key.c_str(),
               in.demand_count(), free, res.seconds_instance, res.heuristic_stats.seconds,
               opt::objective_text(in, p, res.heuristic_figures).c_str()));
  opt::ExactOptions eo;
  eo.time_limit_s = limit_s;
  const opt::ExactResult x = opt::solve_exact(in, eo);
  r.text(k + "exact_status", opt::exact_status_label(x.status));
  r.set(k + "exact_optimal", x.status == opt::ExactStatus::Optimal ? 1 : 0);
  r.set(k + "exact_s", x.seconds);
  r.set(k + "exact_rows", x.rows);
  r.set(k + "exact_columns", x.columns);
  if (x.has_solution) r.set(k + "exact_objective", x.objective);
  if (x.status != opt::ExactStatus::Infeasible && x.status != opt::ExactStatus::Cancelled && !std::isnan(x.bound)) {
    r.set(k + "exact_bound", x.bound);
    r.set(k + "gap_percent", opt::relative_gap_percent(in, opt::primary(in, res.heuristic), x.bound));
  }
  double w = 0;
  for (double v : in.weight) w += v;
  r.set(k + "weight", w);
  progress(fmt("  CBC %s: %s in %.1f s, bound %.6g, heuristic gap %.4f %%", c.key.c_str(),
               opt::exact_status_label(x.status).c_str(), x.seconds, x.bound, r.num(k + "gap_percent")));
  r.set(k + "final_rss_mib", rss_mib());
}

void bench_optimise_isolated(const planner::Territory& t, const OptimiseCase& c, double limit_s, Record& r) {
  trim_heap();
  const ChildOutcome child = run_in_child([&](Record& rr) { bench_optimise(t, c, limit_s, rr); });
  r.merge(child.record);
  r.set("opt/" + c.key + "/peak_mib", child.peak_mib);
  if (!child.error.empty()) r.text("opt/" + c.key + "/error", child.error);
}

// [SECTION] the runs: real graphs, Loire, synthetic sizes

struct Args {
  std::string data_root, source_dir = RECOMPOSE_SOURCE_DIR, out, commit;
  std::vector<std::uint32_t> sizes = {100000, 1000000, 3000000};
  bool quick = false;
  double optimise_limit_s = 600;
  bool optimise_only = false;
  bool national = false;
  std::uint32_t national_nodes = 10000000;  // --national-size, for a quick try of the national rows
};

// The real-territory optimisation cases: the regime's GP sites (fictitious example),
// weighted by affiliates; candidates: the existing sites, the historic buildings and
// the commune centres.
std::vector<OptimiseCase> real_cases(int sites, bool capacitated) {
  std::vector<OptimiseCase> out;
  opt::Problem p;
  p.objective = opt::Objective::PMedian;
  p.sites = sites;
  p.candidates.historic = true;
  p.candidates.communes = true;
  out.push_back({"pmedian", fmt("p-median, %d regime GP sites among existing + historic + commune centres", sites), p});
  if (capacitated) {
    opt::Problem q;
    q.objective = opt::Objective::Capacitated;
    q.sites = sites;
    out.push_back({"capacitated", fmt("capacitated: at most %d regime GP sites of 3 GP FTE, teams merged within 30 min", sites), q});
  }
  return out;
}

geo::RoadProfile car_profile(const Args& a) {
  return geo::RoadProfile::load(a.source_dir + "/datasets/profiles/car.json");
}

std::string saint_etienne_path(const Args& a) {
  return a.data_root + "/roads/saint-etienne/roads-STE-saint-etienne-osm.geojson";
}

// A graph row: what its child recorded, and the floor measured in the parent.
struct GraphRow {
  std::string name, build_note;
  ChildOutcome child;
  Bandwidth same_size;
};

// A territory row (Loire or synthetic).
struct TerritoryRow {
  std::string name;
  ChildOutcome child;
  std::string prefix;  // of the territory keys in child.record
};

struct SyntheticRow {
  std::uint32_t size = 0;
  std::string label;  // "synthetic 1.0 M", "national 10 M"
  ChildOutcome child;
};

// One synthetic size: the defaults of SyntheticOptions, or the national scale.
struct SyntheticCase {
  std::uint32_t size = 0;
  std::uint32_t nodes_per_unit = bench::SyntheticOptions{}.nodes_per_unit;
  std::uint32_t nodes_per_facility = bench::SyntheticOptions{}.nodes_per_facility;
  bool searches = true;  // the graph searches (Dijkstra, PHAST) too
  std::string label;
};

SyntheticCase synthetic_case(std::uint32_t size) {
  SyntheticCase c;
  c.size = size;
  c.label = "synthetic " + size_label(size);
  return c;
}

// The national scale (issue 16): about 10 M road nodes, 50,000 units (the number of
// IRIS in France), 3,000 facilities; no graph searches (minutes of Dijkstra for a
// column the 3 M row already shows).
SyntheticCase national_case(std::uint32_t nodes) {
  SyntheticCase c;
  c.size = nodes;
  // The densities of 50,000 units and 3,000 facilities on 10 M nodes, whatever `nodes`.
  c.nodes_per_unit = 200;
  c.nodes_per_facility = 3333;
  c.searches = false;
  c.label = "national " + size_label(nodes);
  return c;
}

// The real basins of the regime manifest, one after the other as `recompose regime`
// imports and evaluates them.
struct RegimeRow {
  ChildOutcome child;
  std::vector<std::string> basins;  // names, in the manifest's order
};

GraphRow run_real_graph(const std::string& name, const std::string& note, int builds,
                        const std::function<geo::RoadGraph()>& build) {
  progress("graph " + name);
  GraphRow row;
  row.name = name;
  row.build_note = note;
  row.child = run_in_child([&](Record& r) {
    std::vector<double> s;
    geo::RoadGraph g;
    for (int i = 0; i < builds; ++i) {
      g = geo::RoadGraph{};
      const auto t = Clock::now();
      g = build();
      s.push_back(seconds_since(t));
    }
    r.set("build_s", median(s));
    r.set("build_runs", builds);
    r.set("build_peak_mib", hwm_mib());
    record_graph_shape(g, r);
    const ChPtr ch = build_hierarchy(g, r);
    bench_searches_isolated(g, ch, r);
  });
  return row;
}

// A real territory imported from its manifest (no cache: the road file is read, the
// graph and its hierarchy built), then the same workloads as the synthetic ones.
TerritoryRow run_real_territory(const Args& a, const std::string& manifest, const std::string& name,
                                const EditPlan& plan, const std::vector<OptimiseCase>& cases) {
  progress("territory " + name + " (import_territory, no cache)");
  TerritoryRow row;
  row.name = name;
  row.prefix = "";
  row.child = run_in_child([&](Record& r) {
    const auto m = planner::Manifest::load(a.source_dir + "/datasets/" + manifest);
    planner::ImportOptions opt;
    opt.data_root = a.data_root;
    planner::ImportReport report;
    const auto t0 = Clock::now();
    const planner::Territory t = planner::import_territory(m, opt, report);
    r.set("import_s", seconds_since(t0));
    r.set("import_peak_mib", hwm_mib());
    for (const auto& [step, s] : report.step_seconds) {
      if (step == "roads") r.set("import_roads_s", s);
      if (step == "contraction hierarchy") r.set("import_ch_s", s);
    }
    if (!a.optimise_only) bench_territory_isolated(t, plan, r);
    for (const auto& c : cases) bench_optimise_isolated(t, c, a.optimise_limit_s, r);
  });
  return row;
}

TerritoryRow run_loire(const Args& a) {
  EditPlan plan;
  plan.close_id = "FINESS-420785354";
  plan.merge_ids = {"FINESS-420780637", "FINESS-420780678"};
  plan.relocate_id = "FINESS-420785354";
  plan.relocate_base = {806000, 6485000};
  plan.open_base = {806003, 6485400};
  return run_real_territory(a, "loire.json", "Loire (real, imported)", plan, real_cases(3, false));
}

// The Nord-Pas-de-Calais basin: CH de Lens closed or moved, two historic centres merged.
TerritoryRow run_npdc(const Args& a) {
  EditPlan plan;
  plan.close_id = "FINESS-620000257";
  plan.merge_ids = {"UNESCO-63AN", "UNESCO-45C"};
  plan.relocate_id = "FINESS-620000257";
  plan.relocate_base = {690000, 7036000};
  plan.open_base = {690003, 7036400};
  return run_real_territory(a, "bassin-minier-npdc.json", "Nord-Pas-de-Calais basin (real, imported)", plan,
                            real_cases(12, true));
}

// One child per size: the graph (then its searches in a grandchild), the territory
// around it (then its workloads in another grandchild).
SyntheticRow run_synthetic(const Args& a, const SyntheticCase& sc) {
  const std::uint32_t size = sc.size;
  progress(sc.label + " nodes");
  SyntheticRow row;
  row.size = size;
  row.label = sc.label;
  row.child = run_in_child([&](Record& r) {
    bench::SyntheticOptions o;
    o.target_nodes = size;
    o.nodes_per_unit = sc.nodes_per_unit;
    o.nodes_per_facility = sc.nodes_per_facility;
    o.seed = 1;
    o.profile_path = a.source_dir + "/datasets/profiles/car.json";
    bench::SyntheticGraphStats gs;
    geo::RoadGraph g = bench::make_synthetic_road_graph(o, &gs);
    r.set("graph/build_s", gs.seconds);
    r.set("graph/build_peak_mib", hwm_mib());
    r.set("lattice", gs.lattice_columns);
    r.set("ways", static_cast<double>(gs.ways));
    Record gr;
    record_graph_shape(g, gr);
    progress(fmt("  graph: %u nodes, %u arcs (%.3f per node) in %.1f s", g.node_count(),
                 g.arc_count(), static_cast<double>(g.arc_count()) / g.node_count(), gs.seconds));
    const ChPtr ch = build_hierarchy(g, gr);
    r.set("graph/ch_peak_mib", hwm_mib());
    progress(fmt("  hierarchy: %.0f shortcuts in %.1f s on %.0f threads (%.0f rounds; select %.1f s, simulate %.1f s, "
                 "apply %.1f s, priorities %.1f s; peak so far %.0f MiB)",
                 gr.num("ch_shortcuts"), gr.num("PHAST/prep_s"), gr.num("ch_threads"), gr.num("ch_rounds"),
                 gr.num("ch_select_s"), gr.num("ch_simulate_s"), gr.num("ch_apply_s"), gr.num("ch_priorities_s"),
                 hwm_mib()));
    if (!a.optimise_only && sc.searches) bench_searches_isolated(g, ch, gr);
    r.merge(gr, "graph/");

    bench::SyntheticTerritoryStats ts;
    planner::Territory t = bench::make_synthetic_territory(o, std::move(g), &ts);
    t.ch = ch;  // as `recompose import` does: the tables then come from RPHAST sweeps
    r.set("gen/territory_s", ts.territory_seconds);
    r.set("gen/snapper_s", ts.snapper_seconds);
    r.set("gen/snap_s", ts.snap_seconds);
    r.set("gen/snapper_mib", static_cast<double>(ts.snapper_rss_bytes) / kMiB);
    r.set("gen/peak_mib", hwm_mib());
    double hospitals = 0, centres = 0, gps = 0, snapped = 0;
    for (const auto& f : t.facilities) {
      hospitals += f.kind == "hospital";
      centres += f.kind == "health_centre";
      gps += f.kind == "gp_point";
    }
    for (const auto& u : t.units) snapped += u.snap.result.ok();
    r.set("gen/units", static_cast<double>(t.units.size()));
    r.set("gen/units_snapped", snapped);
    r.set("gen/communes", static_cast<double>(t.communes.size()));
    r.set("gen/facilities", static_cast<double>(t.facilities.size()));
    r.set("gen/hospitals", hospitals);
    r.set("gen/centres", centres);
    r.set("gen/gp_points", gps);
    progress(fmt("  territory: %zu units, %zu facilities; snapper %.1f s; peak so far %.0f MiB",
                 t.units.size(), t.facilities.size(), ts.snapper_seconds, hwm_mib()));
    Record tr;
    if (!a.optimise_only) bench_territory_isolated(t, synthetic_plan(t), tr);
    // Optimiser at 1 M nodes: about 1,000 road-node candidates (a grid over the
    // territory), 100 chosen, p-median on the population; the GP points of the
    // territory are left out (greenfield), as in the issue's reference instance.
    if (size == 1000000 && sc.label.rfind("synthetic", 0) == 0) {
      double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
      for (const auto& c : t.communes) {
        const auto e = c.geometry.envelope();
        x0 = std::min(x0, e.min_x);
        y0 = std::min(y0, e.min_y);
        x1 = std::max(x1, e.max_x);
        y1 = std::max(y1, e.max_y);
      }
      opt::Problem p;
      p.objective = opt::Objective::PMedian;
      p.target = "gp_point";
      p.weighting = opt::Weighting::Population;
      p.sites = 100;
      p.candidates.existing = false;
      p.candidates.grid_km = std::sqrt((x1 - x0) * (y1 - y0) / 1000.0) / 1000.0;
      bench_optimise_isolated(t, {"grid1000", "p-median, 100 of about 1,000 road-node candidates (grid), population", p},
                              a.optimise_limit_s, tr);
    }
    r.merge(tr, "territory/");
  });
  return row;
}

// The nine real basins as `recompose regime datasets/france-regime-minier.json` runs
// them, in one process: each basin imported (no territory cache; one graph cache per
// road file in a temporary work folder, so basins on the same file share its graph and
// hierarchy as the regime does), then its access tables (no table file) and baseline
// comparison with the default parameters; the territory is dropped before the next.
RegimeRow run_regime(const Args& a) {
  progress("the real basins together (regime manifest)");
  RegimeRow row;
  const std::string manifest = a.source_dir + "/datasets/france-regime-minier.json";
  const planner::RegimeManifest rm = planner::RegimeManifest::load(manifest);
  for (const auto& path : rm.territories) row.basins.push_back(planner::Manifest::load(path).name);
  row.child = run_in_child([&](Record& r) {
    namespace fs = std::filesystem;
    std::string work = (fs::temp_directory_path() / "recompose-bench-regime-XXXXXX").string();
    if (::mkdtemp(work.data()) == nullptr) throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
    struct Cleanup {
      std::string dir;
      ~Cleanup() {
        std::error_code ec;
        fs::remove_all(dir, ec);
      }
    } cleanup{work};
    const planner::EvalParams params;
    double import_total = 0, eval_total = 0;
    for (const auto& path : rm.territories) {
      const planner::Manifest m = planner::Manifest::load(path);
      progress("  " + m.name);
      planner::ImportOptions opt;
      opt.data_root = a.data_root;
      const std::string key = m.roads.kind == "none" ? m.name : fs::path(m.roads.layer.path).stem().string();
      opt.cache_dir = (fs::path(work) / "graph-cache" / key).string();
      fs::create_directories(opt.cache_dir);
      planner::ImportReport report;
      auto t0 = Clock::now();
      const planner::Territory t = planner::import_territory(m, opt, report);
      const double import_s = seconds_since(t0);
      t0 = Clock::now();
      planner::AccessEngine engine(t, params.cutoff_min, params.straight);
      const planner::ComparisonRun run = planner::run_comparison(engine, {}, params);
      const double eval_s = seconds_since(t0);
      import_total += import_s;
      eval_total += eval_s;
      const std::string p = "basin/" + m.name + "/";
      r.set(p + "nodes", t.graph.node_count());
      r.set(p + "units", static_cast<double>(t.units.size()));
      r.set(p + "facilities", static_cast<double>(t.facilities.size()));
      r.set(p + "import_s", import_s);
      for (const auto& [step, sec] : report.step_seconds) {
        if (step == "roads") r.set(p + "import_roads_s", sec);
        if (step == "contraction hierarchy") r.set(p + "import_ch_s", sec);
      }
      r.set(p + "eval_s", eval_s);
      r.set(p + "rss_mib", rss_mib());
      progress(fmt("    %u nodes, %zu units: import %.1f s, tables + baseline comparison %.2f s", t.graph.node_count(),
                   t.units.size(), import_s, eval_s));
    }
    r.set("import_s", import_total);
    r.set("eval_s", eval_total);
    r.set("total_s", import_total + eval_total);
  });
  return row;
}

// [SECTION] report

std::string met(bool measured, bool ok) {
  return !measured ? "not measured" : ok ? "**met**" : "**not met**";
}

struct Report {
  Machine machine;
  Args args;
  Bandwidth big;
  std::vector<GraphRow> graphs;
  std::vector<TerritoryRow> territories;
  std::vector<SyntheticRow> synthetic;
  RegimeRow regime;
  bool has_regime = false;
  double total_s = 0;
};

std::string error_note(const ChildOutcome& c) {
  return c.error.empty() ? "" : " (error: " + c.error + ")";
}

std::string render(const Report& rep) {
  const Machine& m = rep.machine;
  std::string md;
  md += "# Recompose benchmarks\n\n";
  md +=
      "Written by `recompose_bench` (`make bench`; source `tests/bench/graph_bench.cpp`). Times "
      "are medians over repeated runs; memory is the peak resident set (ru_maxrss) of the process "
      "that ran the workload. Nothing here is asserted by the test suite.\n\n";
  md += "| | |\n|---|---|\n";
  md += "| date | " + m.date + " |\n";
  md += "| commit | `" + m.commit + "` |\n";
  md += fmt("| machine | %s, %u logical CPUs, %.1f GiB RAM%s |\n", m.cpu.c_str(), m.cpus, m.ram_gib,
            m.caches.empty() ? "" : (", " + m.caches).c_str());
  md += "| system | " + m.kernel + " |\n";
  md += "| compiler, build | " + m.compiler + ", " + m.build_type + " |\n";
  md += "| load average at start | " + m.load_start + " |\n";
  md += "| load average at end | " + m.load_end + " |\n";
  md += fmt("| bench run time | %.0f s%s |\n", rep.total_s, rep.args.quick ? " (`--quick`)" : "");
  md +=
      "\nA load average above the number of CPUs means other processes shared the cores: the "
      "timings are then pessimistic (every search is single-threaded; the access tables use every "
      "core).\n";

  // Lookups for the targets.
  const SyntheticRow* one_m = nullptr;
  const SyntheticRow* national = nullptr;
  for (const auto& s : rep.synthetic) {
    if (s.size == 1000000 && s.label.rfind("synthetic", 0) == 0) one_m = &s;
    if (s.label.rfind("national", 0) == 0) national = &s;
  }
  const GraphRow* one_m_graph = nullptr;
  for (const auto& g : rep.graphs) {
    if (g.name == "synthetic 1.0 M") one_m_graph = &g;
  }
  const GraphRow* ste = nullptr;
  for (const auto& g : rep.graphs) {
    if (g.name.rfind("Saint-Étienne", 0) == 0) ste = &g;
  }

  md += "\n## Targets\n\n";
  md += "| target | measured | limit | status |\n|---|---:|---:|---|\n";
  {
    const Record* r = one_m ? &one_m->child.record : nullptr;
    auto val = [&](const std::string& key) { return r ? r->num("territory/" + key) : kNaN; };
    const double total = val("baseline_total_s");
    md +=
        fmt("| baseline evaluation of a 1 M-node territory (access tables %s s + evaluate() %s ms "
            "+ aggregates %s ms) | %s s | ≤ 1 s | %s |\n",
            cell(val("tables_s"), "%.2f").c_str(), cell(val("evaluate_ms"), "%.2f").c_str(),
            cell(val("aggregate_ms"), "%.2f").c_str(), cell(total, "%.2f").c_str(),
            met(!std::isnan(total), total <= 1.0).c_str());
    const char* names[4][2] = {{"close_ms", "a close"},
                               {"merge_ms", "a merge"},
                               {"relocate_ms", "a relocation"},
                               {"open_ms", "an opening"}};
    for (int i = 0; i < 4; ++i) {
      const double v = val(names[i][0]);
      const double limit = i < 2 ? 10 : 50;
      md +=
          fmt("| re-evaluation after %s, 1 M-node territory | %s ms | ≤ %.0f ms | %s |\n",
              names[i][1], cell(v, "%.2f").c_str(), limit, met(!std::isnan(v), v <= limit).c_str());
    }
    // One-to-all within 5x of the floor: the fastest method.
    double best = kNaN, floor_ms = kNaN;
    std::string best_name;
    if (one_m_graph) {
      const Record& g = one_m_graph->child.record;
      floor_ms = floor_bytes(g.num("nodes"), g.num("arcs")) /
                 (one_m_graph->same_size.gb_per_s * 1e9) * 1e3;
      for (const auto& method : search_methods()) {
        const double v = g.num(method.key + "/one_to_all_ms");
        if (!std::isnan(v) && (std::isnan(best) || v < best)) {
          best = v;
          best_name = method.key;
        }
      }
    }
    const double ratio = best / floor_ms;
    md +=
        fmt("| one-to-all search on the 1 M-node graph (%s: %s ms) vs the memory-bandwidth floor "
            "(%s ms) | %s× | ≤ 5× | %s |\n",
            best_name.empty() ? "—" : best_name.c_str(), cell(best, "%.1f").c_str(),
            cell(floor_ms, "%.2f").c_str(), cell(ratio, "%.1f").c_str(),
            met(!std::isnan(ratio), ratio <= 5).c_str());
    const double ste_s = ste ? ste->child.record.num("build_s") : kNaN;
    md +=
        fmt("| import and graph build of the Saint-Étienne file | %s s | seconds (< 10 s) | %s |\n",
            cell(ste_s, "%.2f").c_str(), met(!std::isnan(ste_s), ste_s < 10).c_str());
    const double peak = val("peak_mib");
    md +=
        fmt("| peak memory of a 1 M-node territory (territory + access tables + evaluations) | %s "
            "MiB | < 1024 MiB | %s |\n",
            cell(peak, "%.0f").c_str(), met(!std::isnan(peak), peak < 1024).c_str());
  }
  if (national) {
    // The national scale (issue 16): its own limits.
    const Record& r = national->child.record;
    auto val = [&](const std::string& key) { return r.num("territory/" + key); };
    const double ch_s = r.num("graph/PHAST/prep_s");
    md += fmt("| hierarchy build of the national graph (%s nodes, %s threads) | %s s | < 300 s | %s |\n",
              thousands(r.num("graph/nodes")).c_str(), cell(r.num("graph/ch_threads"), "%.0f").c_str(),
              cell(ch_s, "%.1f").c_str(), met(!std::isnan(ch_s), ch_s < 300).c_str());
    const double total = val("baseline_total_s");
    md += fmt("| baseline evaluation of the national territory (%s units, %s facilities; access tables %s s + "
              "evaluate() %s ms + aggregates %s ms) | %s s | < 10 s | %s |\n",
              thousands(val("units")).c_str(), thousands(val("facilities")).c_str(), cell(val("tables_s"), "%.2f").c_str(),
              cell(val("evaluate_ms"), "%.1f").c_str(), cell(val("aggregate_ms"), "%.1f").c_str(),
              cell(total, "%.2f").c_str(), met(!std::isnan(total), total < 10).c_str());
    const char* names[4][2] = {{"close_ms", "a close"}, {"merge_ms", "a merge"}, {"relocate_ms", "a relocation"},
                               {"open_ms", "an opening"}};
    for (const auto& n : names) {
      const double v = val(n[0]);
      md += fmt("| re-evaluation after %s, national territory | %s ms | < 100 ms | %s |\n", n[1], cell(v, "%.1f").c_str(),
                met(!std::isnan(v), v < 100).c_str());
    }
    const double peak = national->child.peak_mib;
    md += fmt("| peak memory of the national run (generation, hierarchy, territory, access tables, evaluations) | "
              "%s MiB | < 16384 MiB | %s |\n",
              cell(peak, "%.0f").c_str(), met(!std::isnan(peak) && national->child.error.empty(), peak < 16384).c_str());
  }
  if (national)
    md += "\nThe national rows ran on the same 2 shared cores as everything else: with the load average above 2 "
          "(top of this report) other sessions took part of them, so their times are pessimistic.\n";
  if (!one_m)
    md +=
        "\nThe 1 M-node size was not run (`--quick` or `--sizes`): its targets are not measured.\n";

  // Memory bandwidth.
  md += "\n## Memory-bandwidth floor\n\n";
  md +=
      "A one-to-all search must read at least 8 bytes per arc (head and travel time) and 8 per "
      "node (first arc and distance) once. The floor of a graph is that many bytes divided by the "
      "bandwidth of a streaming read (sum of uint64, one thread) of a buffer of the same size, "
      "read again and again (so a buffer that fits in the last-level cache is read from it: the "
      "floor is then optimistic for a search, whose reads are not sequential); the DRAM floor uses "
      "the 512 MiB read.\n\n";
  md += "| buffer | bytes | median read (ms) | GB/s | runs |\n|---|---:|---:|---:|---:|\n";
  for (const auto& g : rep.graphs) {
    if (std::isnan(g.same_size.median_ms)) continue;
    md += fmt("| same size as %s | %s | %s | %s | %d |\n", g.name.c_str(),
              thousands(g.same_size.bytes).c_str(), cell(g.same_size.median_ms, "%.4f").c_str(),
              cell(g.same_size.gb_per_s, "%.1f").c_str(), g.same_size.runs);
  }
  md += fmt("| 512 MiB (DRAM) | %s | %s | %s | %d |\n", thousands(rep.big.bytes).c_str(),
            cell(rep.big.median_ms, "%.2f").c_str(), cell(rep.big.gb_per_s, "%.1f").c_str(),
            rep.big.runs);

  // Graphs.
  const auto methods = search_methods();
  const auto workloads = search_workloads();
  md += "\n## Road graphs: build and searches\n\n";
  md +=
      "Searches start from the same seeded random nodes of the main component (one untimed warm-up "
      "first). Build = import of the file (median of the runs shown) or generation of the "
      "synthetic graph, through `geo::GraphBuilder` in both cases. Peak = resident set of the "
      "process that held the graph and ran the searches; build peak = of the process that imported "
      "or generated it.\n\n";
  std::string head = "| graph | nodes | arcs | arcs/node | build (s) | build peak (MiB) |";
  std::string rule = "|---|---:|---:|---:|---:|---:|";
  for (const auto& me : methods) {
    if (me.has_preprocessing) {
      head += " " + me.key + " prep (s) |";
      rule += "---:|";
    }
    for (const auto& w : workloads) {
      if (w.limit_ds != geo::kUnreachable && !me.bounded) continue;
      head += " " + w.label + ", " + me.key + " (ms) |";
      rule += "---:|";
    }
    head += " one-to-all / floor, " + me.key + " |";
    rule += "---:|";
  }
  head += " floor (ms) | DRAM floor (ms) | search peak (MiB) | runs |";
  rule += "---:|---:|---:|---:|";
  md += head + "\n" + rule + "\n";
  for (const auto& g : rep.graphs) {
    const Record& r = g.child.record;
    const double nodes = r.num("nodes"), arcs = r.num("arcs");
    const double bytes = floor_bytes(nodes, arcs);
    const double floor_ms = bytes / (g.same_size.gb_per_s * 1e9) * 1e3;
    const double dram_ms = bytes / (rep.big.gb_per_s * 1e9) * 1e3;
    std::string row = "| " + g.name + error_note(g.child) + " | " + thousands(nodes) + " | " +
                      thousands(arcs) + " | " + cell(arcs / nodes, "%.3f") + " | " +
                      cell(r.num("build_s"), "%.2f") + " | " +
                      cell(r.num("build_peak_mib"), "%.0f") + " |";
    for (const auto& me : methods) {
      if (me.has_preprocessing) row += " " + cell(r.num(me.key + "/prep_s"), "%.2f") + " |";
      for (const auto& w : workloads) {
        if (w.limit_ds != geo::kUnreachable && !me.bounded) continue;
        row += " " + cell(r.num(me.key + "/" + w.key + "_ms"), "%.2f") + " |";
      }
      row += " " + cell(r.num(me.key + "/one_to_all_ms") / floor_ms, "%.1f×") + " |";
    }
    row += " " + cell(floor_ms, "%.3f") + " | " + cell(dram_ms, "%.3f") + " | " +
           cell(r.num("search_peak_mib"), "%.0f") + " | " + cell(r.num("search_runs"), "%.0f") +
           " |";
    md += row + "\n";
  }
  for (const auto& g : rep.graphs) {
    if (!g.build_note.empty()) md += "\n- " + g.name + ": " + g.build_note;
  }
  for (const auto& g : rep.graphs) {
    const Record& r = g.child.record;
    if (!r.has("ch_shortcuts")) continue;
    md += "\n- " + g.name + ": contraction hierarchy of " + thousands(r.num("ch_shortcuts")) +
          " shortcuts, " + cell(r.num("ch_mib"), "%.1f") + " MiB, built in " + cell(r.num("PHAST/prep_s"), "%.2f") +
          " s on " + cell(r.num("ch_threads"), "%.0f") + " thread(s) (built once at import and saved as graph.ch)";
  }
  md += "\n";

  // Territories.
  md += "\n## Territories: access tables, evaluation, re-evaluation\n\n";
  md +=
      "Access tables = `planner::AccessEngine` (60-min reverse times from every facility to every "
      "unit, on every core, no cache file; \"tables by\" says whether they came from bounded "
      "Dijkstra searches or from restricted PHAST sweeps (RPHAST, 16 facilities per sweep) over the "
      "territory's contraction hierarchy, whose build is preprocessing done once at import). "
      "Baseline = tables + the first `evaluate()` on the engine (nearest, k nearest, E2SFCA, need, "
      "catchments; it also keeps the baseline's nearest facilities and E2SFCA sums and the tables "
      "by unit, the memo later evaluations start from) + the territory and commune aggregates "
      "(coverage). Re-evaluations are `evaluate()` of a one-edit scenario as the viewer runs it "
      "(only the units the edit's facilities reach are recomputed); a relocation or an opening goes "
      "to a new position every run, so each costs its own search. Resident = memory of the territory when the workloads "
      "start; peak = of the process that ran them (territory + engine + evaluations).\n\n";
  md +=
      "| territory | nodes | units | facilities | tables by | table entries | tables (s) | "
      "evaluate (ms) | aggregates (ms) | baseline (s) | close (ms) | merge (ms) | relocate (ms) | "
      "open (ms) | resident (MiB) | peak (MiB) | runs (tables / evals / searches) |\n";
  md += "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  auto territory_row = [&](const std::string& name, const ChildOutcome& c, const std::string& p) {
    const Record& r = c.record;
    auto v = [&](const std::string& k) { return r.num(p + k); };
    md += "| " + name + error_note(c) + " | " + thousands(v("nodes")) + " | " +
          thousands(v("units")) + " | " + thousands(v("facilities")) + " | " +
          (r.has(p + "tables_by") ? r.str(p + "tables_by") : "—") + " | " +
          thousands(v("table_entries")) + " | " + cell(v("tables_s"), "%.2f") + " | " +
          cell(v("evaluate_ms"), "%.2f") + " | " + cell(v("aggregate_ms"), "%.2f") + " | " +
          cell(v("baseline_total_s"), "%.2f") + " | " + cell(v("close_ms"), "%.2f") + " | " +
          cell(v("merge_ms"), "%.2f") + " | " + cell(v("relocate_ms"), "%.1f") + " | " +
          cell(v("open_ms"), "%.1f") + " | " + cell(v("resident_mib"), "%.0f") + " | " +
          cell(v("peak_mib"), "%.0f") + " | " + cell(v("table_runs"), "%.0f") + " / " +
          cell(v("eval_runs"), "%.0f") + " / " + cell(v("search_runs"), "%.0f") + " |\n";
  };
  for (const auto& t : rep.territories) territory_row(t.name, t.child, t.prefix);
  for (const auto& s : rep.synthetic) territory_row(s.label, s.child, "territory/");
  for (const auto& t : rep.territories) {
    const Record& r = t.child.record;
    md += fmt("\n- %s: import_territory %s s (road file and graph %s s, hierarchy %s s; peak %s MiB).",
              t.name.c_str(), cell(r.num("import_s"), "%.1f").c_str(), cell(r.num("import_roads_s"), "%.1f").c_str(),
              cell(r.num("import_ch_s"), "%.1f").c_str(), cell(r.num("import_peak_mib"), "%.0f").c_str());
  }
  for (const auto& s : rep.synthetic) {
    const double without = s.child.record.num("territory/units_without_gp");
    if (!std::isnan(without) && without > 0) {
      md +=
          fmt("\n- %s: %.0f unit%s without a GP point within 60 min (facilities are "
              "placed at random).",
              s.label.c_str(), without, without > 1 ? "s" : "");
    }
  }
  md += "\n";

  // Optimiser.
  {
    struct OptRow {
      std::string territory;
      const Record* r;
      std::string prefix;
    };
    std::vector<OptRow> rows;
    for (const auto& t : rep.territories) {
      for (const char* c : {"pmedian", "capacitated"}) {
        if (t.child.record.has(std::string("opt/") + c + "/label")) rows.push_back({t.name, &t.child.record, std::string("opt/") + c + "/"});
      }
    }
    for (const auto& sr : rep.synthetic) {
      if (sr.child.record.has("territory/opt/grid1000/label")) {
        rows.push_back({sr.label, &sr.child.record, "territory/opt/grid1000/"});
      }
    }
    if (!rows.empty()) {
      md += "\n## Optimiser: proposals and their gap to CBC's bound\n\n";
      md += fmt(
          "`planner::optimise::optimise` as `recompose optimise --heuristic-only` runs it: the instance (the "
          "access tables' columns of the existing sites, one restricted sweep per new candidate, batched), the "
          "heuristic (greedy, Teitz-Bart swaps with incremental gain/loss/extra, iterated kicks), the proposal "
          "as a scenario and its evaluation, with a Lagrangian lower bound (subgradient, at most 600 iterations) for the "
          "p-median forms. Then CBC on the same instance from the textbook MILP with no first "
          "solution (the side-by-side reference), time limit %.0f s, one thread. Gap = (heuristic - CBC's bound) "
          "/ heuristic on the objective (need- or affiliate-weighted time). Tables = the access engine and the "
          "baseline evaluation, built once per territory (a cache file in `recompose optimise`).\n\n",
          rep.args.optimise_limit_s);
      md += "| territory | problem | demand points | free candidates | table entries | p / N | tables + baseline (s) | "
            "instance (s) | heuristic (s) | proposal, all in (s) | heuristic mean time (min) | CBC | CBC time (s) | "
            "MILP rows × columns | gap to CBC's bound (%) | Lagrangian bound (s) | gap to it (%) | peak (MiB) |\n";
      md += "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---:|---:|\n";
      for (const auto& o : rows) {
        auto v = [&](const std::string& key) { return o.r->num(o.prefix + key); };
        const std::string err = o.r->str(o.prefix + "error");
        md += "| " + o.territory + " | " + o.r->str(o.prefix + "label") + (err.empty() ? "" : " (error: " + err + ")") +
              " | " + thousands(v("demand")) + " | " + thousands(v("candidates")) + " | " + thousands(v("entries")) +
              " | " + cell(v("p"), "%.0f") + " | " + cell(v("tables_s"), "%.2f") + " | " + cell(v("instance_s"), "%.3f") +
              " | " + cell(v("heuristic_s"), "%.3f") + " | " + cell(v("proposal_s"), "%.3f") + " | " +
              cell(v("heuristic_mean_min"), "%.4f") + " | " + o.r->str(o.prefix + "exact_status") + " | " +
              cell(v("exact_s"), "%.1f") + " | " + thousands(v("exact_rows")) + " × " + thousands(v("exact_columns")) +
              " | " + cell(v("gap_percent"), "%.4f") + " | " + cell(v("lagrangian_s"), "%.2f") + " | " +
              cell(v("lagrangian_gap_percent"), "%.4f") + " | " + cell(v("peak_mib"), "%.0f") + " |\n";
      }
      md += "\n| target | measured | limit | status |\n|---|---:|---:|---|\n";
      for (const auto& o : rows) {
        auto v = [&](const std::string& key) { return o.r->num(o.prefix + key); };
        const bool synthetic = o.territory.rfind("synthetic", 0) == 0;
        const double proposal = v("proposal_s"), heuristic = v("heuristic_s"), gap = v("gap_percent");
        if (synthetic) {
          md += fmt("| proposal on the 1 M-node territory (%s), heuristic | %s s (instance %s s) | < 10 s | %s |\n",
                    o.r->str(o.prefix + "label").c_str(), cell(heuristic, "%.2f").c_str(), cell(v("instance_s"), "%.2f").c_str(),
                    met(!std::isnan(heuristic), heuristic < 10).c_str());
        } else {
          md += fmt("| proposal on %s (%s), instance + heuristic + scenario + evaluation | %s s | < 1 s | %s |\n",
                    o.territory.c_str(), o.r->str(o.prefix + "label").c_str(), cell(proposal, "%.3f").c_str(),
                    met(!std::isnan(proposal), proposal < 1).c_str());
        }
        const bool finished = v("exact_optimal") == 1;
        md += fmt("| gap of the heuristic to CBC's bound, %s (%s) | %s %% | < 1 %% where CBC finishes within the limit | %s |\n",
                  o.territory.c_str(),
                  finished ? "CBC proved the optimum"
                  : std::isnan(gap) ? "CBC stopped at its time limit before solving the root relaxation: no bound"
                                    : "CBC stopped at its time limit: gap to its bound so far",
                  cell(gap, "%.4f").c_str(),
                  finished ? met(!std::isnan(gap), gap < 1).c_str() : "not measured (CBC did not finish)");
        const double lg = v("lagrangian_gap_percent");
        const bool teams = o.prefix.find("capacitated") != std::string::npos;
        md += fmt("| gap of the heuristic to the Lagrangian bound%s, %s | %s %% | < 1 %% (a bound always computed) | %s |\n",
                  teams ? " (of the p-median without the team constraints: looser)" : "", o.territory.c_str(),
                  cell(lg, "%.4f").c_str(),
                  teams ? "not applicable" : met(!std::isnan(lg), lg < 1).c_str());
      }
    }
  }

  // Generator.
  if (!rep.synthetic.empty()) {
    md += "\n## Synthetic territories (tests/bench/synthetic_territory.hpp, seed 1)\n\n";
    md +=
        "| target nodes | lattice | nodes | arcs/node | main component | units (snapped) | "
        "communes | facilities (hospitals / mining centres / GP points) | graph (s) | territory "
        "(s) | snapper index (s) | snapper index (MiB) | snaps (s) | peak of generating + snapping "
        "(MiB) |\n";
    md += "|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& s : rep.synthetic) {
      const Record& r = s.child.record;
      const double nodes = r.num("graph/nodes");
      md += "| " + thousands(s.size) + (s.label.rfind("national", 0) == 0 ? " (national)" : "") +
            error_note(s.child) + " | " +
            cell(r.num("lattice"), "%.0f") + "² | " + thousands(nodes) + " | " +
            cell(r.num("graph/arcs") / nodes, "%.3f") + " | " +
            cell(100.0 * r.num("graph/main_nodes") / nodes, "%.2f %%") + " | " +
            thousands(r.num("gen/units")) + " (" + thousands(r.num("gen/units_snapped")) + ") | " +
            thousands(r.num("gen/communes")) + " | " + thousands(r.num("gen/facilities")) + " (" +
            cell(r.num("gen/hospitals"), "%.0f") + " / " + cell(r.num("gen/centres"), "%.0f") +
            " / " + cell(r.num("gen/gp_points"), "%.0f") + ") | " +
            cell(r.num("graph/build_s"), "%.1f") + " | " + cell(r.num("gen/territory_s"), "%.2f") +
            " | " + cell(r.num("gen/snapper_s"), "%.2f") + " | " +
            cell(r.num("gen/snapper_mib"), "%.0f") + " | " + cell(r.num("gen/snap_s"), "%.2f") +
            " | " + cell(r.num("gen/peak_mib"), "%.0f") + " |\n";
    }
    md +=
        "\nSnapper index = the resident memory added by building `geo::Snapper` (a GEOS STR-tree "
        "over the envelopes of every road segment): the access engine builds its own on the first new "
        "site (relocation, opening), not for the baseline.\n";
  }

  // Hierarchy builds: the scaling of the parallel contraction.
  {
    std::string rows;
    for (const auto& g : rep.graphs) {
      const Record& r = g.child.record;
      if (!r.has("ch_rounds")) continue;
      const double nodes = r.num("nodes"), s = r.num("PHAST/prep_s");
      rows += "| " + g.name + " | " + thousands(nodes) + " | " + cell(r.num("ch_threads"), "%.0f") + " | " +
              cell(s, "%.2f") + " | " + cell(s / nodes * 1e6, "%.1f") + " | " + thousands(r.num("ch_shortcuts")) + " | " +
              cell(r.num("ch_levels"), "%.0f") + " | " + thousands(r.num("ch_rounds")) + " | " +
              cell(r.num("ch_witness_searches") / nodes, "%.1f") + " | " + cell(r.num("ch_select_s"), "%.2f") + " | " +
              cell(r.num("ch_simulate_s"), "%.2f") + " | " + cell(r.num("ch_apply_s"), "%.2f") + " | " +
              cell(r.num("ch_priorities_s"), "%.2f") + " |\n";
    }
    if (!rows.empty()) {
      md += "\n## Contraction hierarchy builds\n\n";
      md +=
          "`geo::build_contraction_hierarchy` on every core: rounds of independent sets (each node the least "
          "important within two hops), the witness searches of a round in parallel on per-thread workspaces, the "
          "shortcuts applied on one thread in a fixed order (the hierarchy is the same, byte for byte, on any "
          "number of threads). Select / simulate / apply / priorities = wall-clock time of each step over all "
          "rounds (priorities: the initial ones and the neighbours' updates after each round); the rest of the "
          "build time is copying the graph in and the hierarchy out. The machine is shared with other sessions: "
          "with a load average above 2 (top of this report) the builds had less than two cores, and their "
          "times are pessimistic.\n\n";
      md += "| graph | nodes | threads | build (s) | µs per node | shortcuts | levels | rounds | witness searches per "
            "node | select (s) | simulate (s) | apply (s) | priorities (s) |\n";
      md += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
      md += rows;
    }
  }

  // The real basins together.
  if (rep.has_regime) {
    const ChildOutcome& c = rep.regime.child;
    const Record& r = c.record;
    md += "\n## The real basins together (`recompose regime datasets/france-regime-minier.json`)\n\n";
    md +=
        "Each basin of the regime manifest imported as `recompose regime` does (road file read, graph and "
        "hierarchy built, one graph cache per road file shared by the basins on it, no territory cache), then "
        "its access tables (no table file) and its baseline comparison (`planner::run_comparison`, default "
        "parameters), one basin after the other in one process" + error_note(c) + ".\n\n";
    md += "| basin | nodes | units | facilities | import (s) | of which roads (s) | of which hierarchy (s) | tables + "
          "baseline comparison (s) | resident after (MiB) |\n";
    md += "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& b : rep.regime.basins) {
      auto v = [&](const std::string& k) { return r.num("basin/" + b + "/" + k); };
      md += "| " + b + " | " + thousands(v("nodes")) + " | " + thousands(v("units")) + " | " +
            thousands(v("facilities")) + " | " + cell(v("import_s"), "%.1f") + " | " + cell(v("import_roads_s"), "%.1f") +
            " | " + cell(v("import_ch_s"), "%.1f") + " | " + cell(v("eval_s"), "%.2f") + " | " +
            cell(v("rss_mib"), "%.0f") + " |\n";
    }
    md += "| **total** | | | | " + cell(r.num("import_s"), "%.1f") + " | | | " + cell(r.num("eval_s"), "%.2f") +
          " | peak " + cell(c.peak_mib, "%.0f") + " |\n";
    md += fmt("\nImport + evaluation of the nine basins: %s s in all.\n", cell(r.num("total_s"), "%.1f").c_str());
  }
  return md;
}

void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--data-root DIR] [--source-dir DIR] [--out FILE.md] [--sizes "
               "100000,1000000,3000000] [--quick] [--commit SHA] [--optimise-limit S] [--optimise-only] [--national]\n"
               "  --quick: only the 0.1 M synthetic size and the real graphs and territory\n"
               "  --optimise-limit: CBC's time limit in the optimiser rows (default 600 s)\n"
               "  --optimise-only: the optimiser rows alone\n"
               "  --national: also the national scale (10 M nodes, 50,000 units, 3,000 facilities) and the nine\n"
               "              real basins of datasets/france-regime-minier.json together (about 10 more minutes)\n"
               "  --national-size N: the national territory on N nodes instead of 10 M (a quick try; one\n"
               "              unit per 200 nodes, one facility per 3,333 as at 10 M)\n",
               argv0);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (const char* env = std::getenv("RECOMPOSE_DATA_ROOT")) a.data_root = env;
  if (a.data_root.empty()) a.data_root = "../shared/datasets/raw";
  bool sizes_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage(argv[0]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--data-root") {
      a.data_root = value();
    } else if (arg == "--source-dir") {
      a.source_dir = value();
    } else if (arg == "--out") {
      a.out = value();
    } else if (arg == "--commit") {
      a.commit = value();
    } else if (arg == "--quick") {
      a.quick = true;
    } else if (arg == "--optimise-limit") {
      a.optimise_limit_s = std::atof(value().c_str());
      if (!(a.optimise_limit_s > 0)) {
        std::fprintf(stderr, "--optimise-limit: a number of seconds > 0\n");
        return 2;
      }
    } else if (arg == "--optimise-only") {
      a.optimise_only = true;
    } else if (arg == "--national") {
      a.national = true;
    } else if (arg == "--national-size") {
      const unsigned long v = std::strtoul(value().c_str(), nullptr, 10);
      if (v < 100000 || v > 20000000) {
        std::fprintf(stderr, "--national-size: a node count between 100000 and 20000000\n");
        return 2;
      }
      a.national_nodes = static_cast<std::uint32_t>(v);
    } else if (arg == "--sizes") {
      a.sizes.clear();
      std::istringstream in(value());
      std::string item;
      while (std::getline(in, item, ',')) {
        char* end = nullptr;
        const unsigned long v = std::strtoul(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || v < 1000 || v > 20000000) {
          std::fprintf(stderr, "--sizes: '%s' is not a node count between 1000 and 20000000\n",
                       item.c_str());
          return 2;
        }
        a.sizes.push_back(static_cast<std::uint32_t>(v));
      }
      sizes_given = true;
    } else if (arg == "--help" || arg == "-h") {
      usage(argv[0]);
      return 0;
    } else {
      usage(argv[0]);
      return 2;
    }
  }
  if (a.quick && !sizes_given) a.sizes = {100000};
  if (a.optimise_only && !sizes_given) a.sizes = {1000000};  // the optimiser's synthetic case

  const auto start = Clock::now();
  Report rep;
  rep.args = a;
  rep.machine = describe_machine(a.source_dir, a.commit);
  progress("load average at start: " + rep.machine.load_start);
  progress("memory bandwidth (512 MiB streaming read)");
  rep.big = stream_read(512u << 20);

  const geo::RoadProfile profile = car_profile(a);
  if (!a.optimise_only) {
    rep.graphs.push_back(run_real_graph("Monaco (OSM PBF)", "", 5, [&] {
      geo::RoadImportStats st;
      return geo::import_osm_roads(a.data_root + "/osm-fallback/monaco.osm.pbf", profile, st);
    }));
    rep.graphs.push_back(run_real_graph(
        "Nord-Pas-de-Calais basin (OSM 2021 lines, one-way, ramps, tile cuts joined)",
        "build = read the GeoJSON file with GDAL, join the tile-cut pieces, split the lines, build the graph", 1, [&] {
          geo::RoadImportStats st;
          auto spec = geo::LineLayerSpec::class_only(
              a.data_root + "/roads/npdc-bassin-minier/roads-npdc-bassin-minier-osm2021-car.geojson", "subclass");
          spec.class_fallback_field = "class";
          spec.oneway_field = "oneway";
          spec.ramp_field = "ramp";
          spec.service_field = "service";
          return geo::import_line_roads(spec, profile, st);
        }));
    rep.graphs.push_back(run_real_graph(
        "Saint-Étienne (GeoJSON lines)",
        "build = read the GeoJSON file with GDAL, split the lines, build the graph", 3, [&] {
          geo::RoadImportStats st;
          const auto spec = geo::LineLayerSpec::class_only(saint_etienne_path(a), "roadClass",
        {{"highway", "road_class_highway"},
                                         {"major", "road_class_major"},
                                         {"minor", "road_class_minor"}});
          return geo::import_line_roads(spec, profile, st);
        }));
  }
  rep.territories.push_back(run_loire(a));
  rep.territories.push_back(run_npdc(a));
  std::vector<SyntheticCase> cases;
  for (const std::uint32_t size : a.sizes) cases.push_back(synthetic_case(size));
  if (a.national && !a.optimise_only) cases.push_back(national_case(a.national_nodes));
  for (const SyntheticCase& sc : cases) {
    SyntheticRow s = run_synthetic(a, sc);
    // The synthetic graph's searches are a graph row too.
    GraphRow g;
    g.name = sc.label;
    Record gr;
    const Record& r = s.child.record;
    for (const char* key : {"nodes", "arcs", "segments", "main_nodes", "build_s", "build_peak_mib",
                            "search_runs", "search_peak_mib", "resident_mib", "ch_shortcuts", "ch_mib",
                            "ch_threads", "ch_rounds", "ch_levels", "ch_witness_searches", "ch_select_s",
                            "ch_simulate_s", "ch_apply_s", "ch_priorities_s"}) {
      if (r.has(std::string("graph/") + key)) gr.text(key, r.str(std::string("graph/") + key));
    }
    for (const auto& m : search_methods()) {
      for (const char* w : {"prep_s", "one_to_all_ms", "rev30_ms", "rev60_ms"}) {
        const std::string k = m.key + "/" + w;
        if (r.has("graph/" + k)) gr.text(k, r.str("graph/" + k));
      }
    }
    g.child.record = gr;
    g.child.error = s.child.error;
    rep.graphs.push_back(g);
    rep.synthetic.push_back(std::move(s));
  }
  if (a.national && !a.optimise_only) {
    rep.regime = run_regime(a);
    rep.has_regime = true;
  }
  // Floors: a streaming read of the same number of bytes as each graph's floor.
  for (auto& g : rep.graphs) {
    const double bytes = floor_bytes(g.child.record.num("nodes"), g.child.record.num("arcs"));
    if (!std::isnan(bytes) && bytes > 0) g.same_size = stream_read(static_cast<std::size_t>(bytes));
  }
  rep.machine.load_end = load_average();
  rep.total_s = seconds_since(start);
  const std::string md = render(rep);
  std::fputs(md.c_str(), stdout);
  std::fflush(stdout);
  if (!a.out.empty()) {
    const std::string tmp = a.out + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << md;
      if (!out.flush()) {
        std::fprintf(stderr, "cannot write %s\n", tmp.c_str());
        return 1;
      }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, a.out, ec);
    if (ec) {
      std::fprintf(stderr, "cannot rename %s to %s: %s\n", tmp.c_str(), a.out.c_str(),
                   ec.message().c_str());
      return 1;
    }
    progress("wrote " + a.out);
  }
  bool failed = false;
  for (const auto& g : rep.graphs) failed |= !g.child.error.empty();
  for (const auto& t : rep.territories) failed |= !t.child.error.empty();
  for (const auto& s : rep.synthetic) failed |= !s.child.error.empty();
  if (rep.has_regime) failed |= !rep.regime.child.error.empty();
  return failed ? 1 : 0;
}
