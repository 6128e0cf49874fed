#pragma once
// The journal of a calibration (OUT.journal, docs/calibration.md "Interrupted"): a fingerprint
// of what is calibrated, then one line per completed ABC-SMC generation, flushed to disk as it
// ends, so `motsim calibrate --resume` continues after the last complete generation (a line cut
// by a crash is dropped, with a note) and ends bit-identical to an uninterrupted calibration.
#include <cstdio>
#include <string>
#include <vector>

#include "sim/experiment/abc.hpp"

namespace motsim {

class CalibrationJournal {
 public:
  // Opens `path` for a new calibration (InputError if a journal is already there: --resume or
  // remove it) or, with `resume`, reads its generations (InputError if it is missing or was
  // written for another spec, data or base scenario than `fingerprint` says).
  CalibrationJournal(const std::string& path, const std::string& fingerprint, bool resume);
  ~CalibrationJournal();
  CalibrationJournal(const CalibrationJournal&) = delete;
  CalibrationJournal& operator=(const CalibrationJournal&) = delete;

  const std::vector<AbcGeneration>& done() const { return done_; }
  const std::vector<double>& seconds() const { return seconds_; }
  void record(const AbcGeneration& g, double seconds);  // appends one line and flushes it to disk
  void remove();                                        // after the calibration file is written

 private:
  std::string path_;
  std::FILE* out_ = nullptr;
  std::vector<AbcGeneration> done_;
  std::vector<double> seconds_;
};

// FNV-1a 64 of the texts, in hex: what a journal must match to be resumed. Written by hand:
// sixteen lines, no library needed for it.
std::string fingerprint_of(const std::vector<std::string>& texts);

}  // namespace motsim
