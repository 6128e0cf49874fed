// The sweep journal (sim/experiment/sweep_journal.cpp): runs come back bit for bit on resume; a
// line cut by a crash, a damaged line or a line of another shape is dropped; a journal of another
// spec, or one found without --resume, is refused.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "experiment/sweep_test_files.hpp"
#include "sim/core/errors.hpp"
#include "sim/experiment/sweep_journal.hpp"

using namespace motsim;
using motsim::test::sweep_dir;
namespace fs = std::filesystem;

namespace {

const JournalKey kKey{0x1234abcdULL, 10, 3};

std::string fresh(const std::string& name) {
  const auto p = (sweep_dir() / name).string();
  fs::remove(p);
  return p;
}

std::string text_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream o;
  o << in.rdbuf();
  return o.str();
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

const std::vector<double> kOdd = {0.1, -0.0, std::numeric_limits<double>::quiet_NaN()};

}  // namespace

TEST_CASE("sweep journal: finished runs come back bit for bit on resume") {
  const auto path = fresh("j1.journal");
  {
    SweepJournal j(path, kKey, false);
    j.record(3, kOdd);
    j.record(7, {1e-300, 123456789.125, std::numeric_limits<double>::infinity()});
    CHECK(j.done().size() == 2);
  }
  CHECK(text_of(path).rfind(SweepJournal::header(kKey) + "\n", 0) == 0);
  SweepJournal j(path, kKey, true);
  REQUIRE(j.done().size() == 2);
  CHECK(same_bits(j.done().at(3), kOdd));
  CHECK(same_bits(j.done().at(7), {1e-300, 123456789.125, std::numeric_limits<double>::infinity()}));
  j.remove();
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("sweep journal: one found without resume is refused, and left alone") {
  const auto path = fresh("j2.journal");
  { SweepJournal(path, kKey, false).record(1, kOdd); }
  const std::string before = text_of(path);
  CHECK_THROWS_WITH_AS(SweepJournal(path, kKey, false), doctest::Contains("use --resume"), InputError);
  CHECK(text_of(path) == before);
}

TEST_CASE("sweep journal: a journal of another spec or base scenario is refused") {
  const auto path = fresh("j3.journal");
  { SweepJournal(path, kKey, false).record(1, kOdd); }
  for (const JournalKey other : {JournalKey{kKey.hash + 1, kKey.runs, kKey.values_per_run},
                                 JournalKey{kKey.hash, kKey.runs + 1, kKey.values_per_run},
                                 JournalKey{kKey.hash, kKey.runs, kKey.values_per_run + 1}})
    CHECK_THROWS_WITH_AS(SweepJournal(path, other, true), doctest::Contains("belongs to another sweep spec"),
                         InputError);
  CHECK(SweepJournal(path, kKey, true).done().size() == 1);
}

TEST_CASE("sweep journal: a line cut by a crash is dropped, and the next run starts a line of its own") {
  const auto path = fresh("j4.journal");
  {
    SweepJournal j(path, kKey, false);
    j.record(0, {1, 2, 3});
    j.record(1, {4, 5, 6});
  }
  const std::string whole = text_of(path);
  std::ofstream(path, std::ios::app) << "2 0x1.8p+3 0x1";  // what kill -9 can leave
  {
    SweepJournal j(path, kKey, true);
    CHECK(j.done().size() == 2);
    CHECK_FALSE(j.done().count(2));
    CHECK(j.cut_lines() == 1);  // reported, not dropped without a word
    CHECK(j.damaged_lines() == 0);
    CHECK(text_of(path) == whole);  // cut back to its whole lines
    j.record(2, {7, 8, 9});
  }
  SweepJournal j(path, kKey, true);
  REQUIRE(j.done().size() == 3);
  CHECK(j.done().at(2) == std::vector<double>{7, 8, 9});
}

TEST_CASE("sweep journal: lines with a wrong or no checksum are dropped") {
  const auto path = fresh("j5.journal");
  { SweepJournal(path, kKey, false).record(4, {1, 2, 3}); }
  {
    std::ofstream out(path, std::ios::app);
    out << "5 0x1p+0 0x1p+1 0x1p+2 #0000000000000000\n";  // wrong checksum
    out << "6 0x1p+0 0x1p+1\n";                           // no checksum
  }
  SweepJournal j(path, kKey, true);
  CHECK(j.done().size() == 1);
  CHECK(j.done().count(4));
  CHECK(j.damaged_lines() == 2);
  CHECK(j.cut_lines() == 0);
}

TEST_CASE("sweep journal: lines of another shape or past the last run are dropped") {
  const auto path = fresh("j6.journal");
  const JournalKey wide{kKey.hash, 100, 2};
  {
    // Write lines for a key that allows them, then rewrite the header as kKey's.
    SweepJournal j(path, wide, false);
    j.record(1, {1, 2});  // two values: kKey expects three
  }
  std::string text = text_of(path);
  text.replace(0, text.find('\n'), SweepJournal::header(kKey));
  {
    SweepJournal j(fresh("j6b.journal"), JournalKey{kKey.hash, 100, 3}, false);
    j.record(50, {1, 2, 3});  // run 50: kKey has 10 runs
  }
  const std::string other = text_of((sweep_dir() / "j6b.journal").string());
  text += other.substr(other.find('\n') + 1);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  SweepJournal j(path, kKey, true);
  CHECK(j.done().empty());
  CHECK(j.damaged_lines() == 2);
}

TEST_CASE("sweep journal: a journal with no run in it starts again") {
  const auto path = fresh("j7.journal");
  { SweepJournal j(path, kKey, false); }
  SweepJournal j(path, kKey, true);
  CHECK(j.done().empty());
  CHECK(text_of(path) == SweepJournal::header(kKey) + "\n");
}

TEST_CASE("sweep journal: a run takes about what the compressed file gives it, not 16 bytes a value") {
  // A row like a sweep's: a few KPIs, then daily counts (small integers, as kept series are).
  const std::size_t V = 3 * 365 * 3 + 40;
  std::vector<double> row(V), noise(V);
  std::uint64_t s = 12345;
  for (std::size_t i = 0; i < V; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    row[i] = i < 40 ? 1234.5678 * i : static_cast<double>((s >> 33) % 40);
    noise[i] = static_cast<double>(s >> 11) / 9007199254740992.0;  // incompressible mantissas
  }
  const JournalKey key{0x77ULL, 4, V};
  const auto path = fresh("size.journal");
  {
    SweepJournal j(path, key, false);
    j.record(0, row);
  }
  const std::size_t header = SweepJournal::header(key).size() + 1;
  const std::size_t line = fs::file_size(path) - header;
  MESSAGE("a row of " << V << " daily counts: " << line << " bytes (" << 1.0 * line / V << " a value)");
  CHECK(line < V * 2);  // the text format took about 16 bytes a value
  {
    SweepJournal j(path, key, true);
    REQUIRE(j.done().count(0));
    CHECK(same_bits(j.done().at(0), row));
    j.record(1, noise);
  }
  const std::size_t both = fs::file_size(path) - header;
  CHECK(both - line <= V * 11 + 80);  // the bound the disk check assumes (sweep_needs)
  SweepJournal j(path, key, true);
  CHECK(same_bits(j.done().at(1), noise));
}
