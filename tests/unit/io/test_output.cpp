// Output paths: inputs refused as outputs, what --force may replace, the atomic final step and
// the names results are kept under after a clash.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "samples.hpp"
#include "sim/core/errors.hpp"
#include "sim/io/output.hpp"

using namespace motsim;
namespace fs = std::filesystem;

namespace {
std::string text_of(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("output: an input is never an output, under any spelling") {
  const std::string in = test::scratch("input.toml");
  write_text(in, "[simulation]\n");
  fs::create_directories(test::scratch("sub"));
  fs::create_hard_link(in, test::scratch("hard.toml"));
  fs::create_symlink(in, test::scratch("soft.toml"));
  for (const std::string& out : {in, test::scratch("sub/../input.toml"), test::scratch("./input.toml"),
                                 test::scratch("hard.toml"), test::scratch("soft.toml")}) {
    CAPTURE(out);
    CHECK(error_of([&] { check_output_path(out, true, {in}); }).find("the output path names " + in) !=
          std::string::npos);
    CHECK(error_of([&] {
            check_output_path(out, false, {}, {"other", in});
          }).find("a file this command reads") != std::string::npos);
  }
  CHECK(text_of(in) == "[simulation]\n");
  CHECK_NOTHROW(check_output_path(test::scratch("new.h5"), false, {in}));
}

TEST_CASE("output: --force replaces only a motsim results file") {
  Results r;
  const std::string run = test::write_small_run("earlier.h5", r);
  CHECK(why_not_results_file(run).empty());
  CHECK_NOTHROW(check_output_path(run, true, {}));
  const std::string text = test::scratch("notes.h5");
  write_text(text, "notes\n");
  CHECK(why_not_results_file(text) == "not an HDF5 file");
  for (const bool force : {false, true})
    CHECK(error_of([&] {
            check_output_path(text, force, {});
          }).find("a file that is not a motsim results file is there (not an HDF5 file)") != std::string::npos);
  CHECK(text_of(text) == "notes\n");
}

TEST_CASE("output: the final step never replaces a file that appeared, and keeps the results") {
  const std::string target = test::scratch("clash.h5"), tmp = temporary_path(target);
  write_text(target, "theirs");
  write_text(tmp, "ours");
  const auto never = [](const std::string&) { return std::string("not ours"); };
  const std::string e = error_of([&] { move_into_place(tmp, target, false, never); });
  const std::string marker = "finished results are kept in ";
  REQUIRE(e.find(marker) != std::string::npos);
  const std::string kept =
      e.substr(e.find(marker) + marker.size(), e.find(" (rename it") - e.find(marker) - marker.size());
  CHECK(kept.find(test::scratch("clash-kept-")) == 0);
  const std::string pid_suffix = std::to_string(::getpid()) + ".h5";
  CHECK(kept.size() > pid_suffix.size());
  CHECK(kept.compare(kept.size() - pid_suffix.size(), pid_suffix.size(), pid_suffix) == 0);
  CHECK(text_of(target) == "theirs");
  CHECK(text_of(kept) == "ours");
  CHECK(!fs::exists(tmp));
  remove_stale_temporaries(target);  // the clean-up of killed runs never matches a kept file
  CHECK(fs::exists(kept));
  // With force: replaced only when the check allows it, at the moment of the rename.
  write_text(tmp, "ours again");
  CHECK(error_of([&] { move_into_place(tmp, target, true, never); }).find("not ours") != std::string::npos);
  CHECK(text_of(target) == "theirs");
  write_text(tmp, "ours at last");
  move_into_place(tmp, target, true, [](const std::string&) { return std::string(); });
  CHECK(text_of(target) == "ours at last");
  CHECK(kept_path(target, 2).find("-2.h5") != std::string::npos);
}
