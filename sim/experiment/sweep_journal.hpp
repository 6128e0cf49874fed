#pragma once
// The journal of a sweep (OUT.journal): one line per finished run, handed to the operating
// system as the run ends, so that a killed sweep resumes where it stopped (docs/sweeps.md,
// "Nothing is lost").
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "sim/io/sweep_file.hpp"

namespace motsim {

// What a journal belongs to: its first line. A journal of another spec or base scenario (another
// hash) or shape is refused.
struct JournalKey {
  std::uint64_t hash = 0;
  std::size_t runs = 0;
  std::size_t values_per_run = 0;
};

// Format: a header line "motsim-sweep-journal-2 HASH RUNS VALUES", then per run
// "RUN PACKED #CHECKSUM": PACKED is the row's doubles, exact, byte-shuffled, deflated (zlib)
// and base64-encoded (about the size a run takes in the compressed sweep file). On resume,
// lines that are cut, damaged or of another shape are dropped, counted and reported (and the
// file cut back to its last whole line).
class SweepJournal {
 public:
  // Opens (creating) the journal at `path`. An existing journal is an error without `resume`
  // and is read with it.
  SweepJournal(std::string path, const JournalKey& key, bool resume);
  ~SweepJournal();
  SweepJournal(const SweepJournal&) = delete;
  SweepJournal& operator=(const SweepJournal&) = delete;

  const SweepRuns& done() const { return done_; }
  // On resume: the lines dropped as damaged (a wrong checksum or shape) and as cut (the last
  // line, without its newline); both are reported on stderr and their runs are run again.
  std::size_t damaged_lines() const { return damaged_lines_; }
  std::size_t cut_lines() const { return cut_lines_; }
  // Appends a finished run (safe from several threads at once).
  void record(std::size_t run, const std::vector<double>& values);
  // Closes and deletes the journal: the sweep file is written.
  void remove();

  // The header line of a journal for `key`.
  static std::string header(const JournalKey& key);

 private:
  void write_line(const std::string& line);
  void load();

  std::string path_, header_;
  JournalKey key_;
  int fd_ = -1;
  std::chrono::steady_clock::time_point last_sync_{};
  std::size_t whole_lines_ = 0;  // bytes of the complete lines read on resume
  std::size_t damaged_lines_ = 0, cut_lines_ = 0;
  std::mutex m_;
  SweepRuns done_;
};

}  // namespace motsim
