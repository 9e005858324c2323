// The viewer's "Proposer une recomposition" panel, driven by script under Xvfb on the
// real Loire territory: the optimiser runs on its own thread, its proposal becomes the
// current scenario (saved as the same JSON, accepted by `recompose evaluate`), an undo
// discards it, and a cancelled run leaves the scenario as it was.
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace recompose;

namespace {

int run(const std::string& cmd, std::string* output = nullptr) {
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n = 0;
  std::string out;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string viewer(const std::string& args) {
  return "ASAN_OPTIONS=detect_leaks=0 timeout -k 5 600 xvfb-run -a -s '-screen 0 1600x1000x24' '" +
         std::string(RECOMPOSE_VIEWER) + "' " + args;
}

nlohmann::json read(const std::string& path) {
  std::ifstream in(path);
  INFO("reading " << path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

nlohmann::json loire_manifest() {
  nlohmann::json m = test::read_json(test::source_file("datasets/loire.json"));
  m["roads"]["profile"] = test::car_profile();
  test::absolute_regime_paths(m);
  return m;
}

}  // namespace

TEST_CASE("The viewer proposes a recomposition off the UI thread and loads it as an undoable scenario",
          "[viewer][optimise]") {
  test::TempDir tmp("viewer-optimise");
  REQUIRE(test::run_import(tmp, loire_manifest()).code == 0);
  const std::string territory = tmp.file("out");
  SECTION("a proposal, saved, undone, and accepted by recompose evaluate") {
    {
      std::ofstream s(tmp.file("script.txt"));
      s << "optimise p_median 3 communes limit=30\n"
        << "optimise-wait\n"
        << "screenshot " << tmp.file("proposal.png") << "\n"
        << "save " << tmp.file("proposal.json") << "\n"
        << "undo\n"
        << "save " << tmp.file("undone.json") << "\nquit\n";
    }
    std::string out;
    REQUIRE(run(viewer("'" + territory + "' --script '" + tmp.file("script.txt") + "'"), &out) == 0);
    INFO(out);
    CHECK(out.find("Proposition chargée comme scénario") != std::string::npos);
    // The scenario the viewer saved is the optimiser's proposal, edit for edit.
    const auto proposal = read(tmp.file("out/optimisation-atelier/proposition.json"));
    const auto saved = read(tmp.file("proposal.json"));
    REQUIRE_FALSE(proposal["edits"].empty());
    CHECK(saved["edits"] == proposal["edits"]);
    CHECK(fs::exists(tmp.file("out/optimisation-atelier/optimisation.md")));
    // Undo discards it.
    CHECK(read(tmp.file("undone.json"))["edits"].empty());
    // recompose evaluate reads it.
    std::string eval_out;
    CHECK(run("'" + std::string(RECOMPOSE_CLI) + "' evaluate '" + territory + "' --scenario '" + tmp.file("proposal.json") +
                  "' --out '" + tmp.file("eval") + "'",
              &eval_out) == 0);
    INFO(eval_out);
    CHECK(fs::exists(tmp.file("eval/rapport.md")));
  }
  SECTION("a cancelled run leaves the scenario as it was") {
    {
      // Thousands of grid candidates: long enough that the cancel arrives while it runs.
      std::ofstream s(tmp.file("script.txt"));
      s << "optimise p_median 3 grid=0.3 limit=600\n"
        << "optimise-cancel\n"
        << "save " << tmp.file("after-cancel.json") << "\nquit\n";
    }
    std::string out;
    REQUIRE(run(viewer("'" + territory + "' --script '" + tmp.file("script.txt") + "'"), &out) == 0);
    INFO(out);
    CHECK(out.find("Optimisation annulée") != std::string::npos);
    CHECK(read(tmp.file("after-cancel.json"))["edits"].empty());
    CHECK_FALSE(fs::exists(tmp.file("out/optimisation-atelier/proposition.json")));
  }
}
