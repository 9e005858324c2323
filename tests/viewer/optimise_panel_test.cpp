// The viewer's "Proposer une recomposition" panel, driven by script under Xvfb on the
// real Loire territory: the optimiser runs on its own thread, its proposal becomes the
// current scenario (saved as the same JSON, accepted by `recompose evaluate`), an undo
// discards it, and a cancelled run leaves the scenario as it was.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "viewer/viewer_support.hpp"

namespace fs = std::filesystem;
using namespace recompose;

using test::viewer_command;

TEST_CASE("The viewer proposes a recomposition off the UI thread and loads it as an undoable scenario",
          "[viewer][optimise]") {
  test::TempDir tmp("viewer-optimise");
  REQUIRE(test::run_import(tmp, test::loire_manifest()).code == 0);
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
    const test::Run run = test::run_shell(viewer_command("'" + territory + "' --script '" + tmp.file("script.txt") + "'"));
    const std::string& out = run.output;
    INFO(out);
    REQUIRE(run.code == 0);
    CHECK(out.find("Proposition chargée comme scénario") != std::string::npos);
    // The scenario the viewer saved is the optimiser's proposal, edit for edit.
    const auto proposal = test::read_json(tmp.file("out/optimisation-atelier/proposition.json"));
    const auto saved = test::read_json(tmp.file("proposal.json"));
    REQUIRE_FALSE(proposal["edits"].empty());
    CHECK(saved["edits"] == proposal["edits"]);
    CHECK(fs::exists(tmp.file("out/optimisation-atelier/optimisation.md")));
    // Undo discards it.
    CHECK(test::read_json(tmp.file("undone.json"))["edits"].empty());
    // recompose evaluate reads it.
    const test::Run eval = test::run_shell("'" + std::string(RECOMPOSE_CLI) + "' evaluate '" + territory + "' --scenario '" +
                                           tmp.file("proposal.json") + "' --out '" + tmp.file("eval") + "'");
    INFO(eval.output);
    CHECK(eval.code == 0);
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
    const test::Run run = test::run_shell(viewer_command("'" + territory + "' --script '" + tmp.file("script.txt") + "'"));
    const std::string& out = run.output;
    INFO(out);
    REQUIRE(run.code == 0);
    CHECK(out.find("Optimisation annulée") != std::string::npos);
    CHECK(test::read_json(tmp.file("after-cancel.json"))["edits"].empty());
    CHECK_FALSE(fs::exists(tmp.file("out/optimisation-atelier/proposition.json")));
  }
}
