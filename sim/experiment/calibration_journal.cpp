#include "sim/experiment/calibration_journal.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sim/core/errors.hpp"

namespace motsim {

std::string fingerprint_of(const std::vector<std::string>& texts) {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto& t : texts) {
    for (unsigned char c : t) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xFF) * 1099511628211ull;  // a separator, so that ("ab", "c") differs from ("a", "bc")
  }
  char b[20];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(h));
  return b;
}

namespace {

constexpr const char* kHead = "motsim-calibration-journal-1";

// One generation from a line; false when the line is incomplete (cut by a crash).
bool parse_generation(const std::string& line, AbcGeneration& g, double& seconds) {
  std::istringstream in(line);
  std::string tol;
  std::size_t n = 0, p = 0;
  if (!(in >> tol >> g.attempts >> g.evaluations >> g.acceptance >> g.ess >> seconds >> n >> p)) return false;
  g.tolerance = std::strtod(tol.c_str(), nullptr);  // "inf" for generation 0
  g.particles.assign(n, std::vector<double>(p));
  g.weights.assign(n, 0);
  g.distances.assign(n, 0);
  for (auto& x : g.particles)
    for (auto& v : x)
      if (!(in >> v)) return false;
  for (auto& w : g.weights)
    if (!(in >> w)) return false;
  for (auto& d : g.distances)
    if (!(in >> d)) return false;
  std::string end;
  return static_cast<bool>(in >> end) && end == "end";
}

}  // namespace

CalibrationJournal::CalibrationJournal(const std::string& path, const std::string& fingerprint, bool resume)
    : path_(path) {
  std::ifstream in(path);
  if (!resume && in)
    throw InputError(path +
                     ": error: the journal of an interrupted calibration is there; add --resume to continue "
                     "it, or remove it to start again");
  if (resume && !in)
    throw InputError(path + ": error: no journal to resume (--resume continues a calibration that was interrupted)");
  if (resume) {
    std::string head, fp, line;
    std::getline(in, line);
    std::istringstream(line) >> head >> fp;
    if (head != kHead || fp != fingerprint)
      throw InputError(path +
                       ": error: this journal was written for another spec, data or base scenario "
                       "(fingerprint " +
                       fp + ", now " + fingerprint + "); remove it to start again");
    for (int n = 2; std::getline(in, line); ++n) {
      AbcGeneration g;
      double s = 0;
      if (!parse_generation(line, g, s)) {
        std::fprintf(stderr, "motsim: note: %s:%d: an incomplete generation (cut by the interruption) is run again\n",
                     path.c_str(), n);
        break;
      }
      done_.push_back(std::move(g));
      seconds_.push_back(s);
    }
  }
  // The complete part is rewritten beside the journal and renamed over it, so that a cut line
  // never sits before new ones and an interruption now loses nothing.
  const std::string tmp = path + ".tmp";
  out_ = std::fopen(tmp.c_str(), "w");
  if (!out_) throw InputError(tmp + ": error: cannot write the journal: " + std::strerror(errno));
  std::fprintf(out_, "%s %s\n", kHead, fingerprint.c_str());
  std::vector<AbcGeneration> keep = std::move(done_);
  std::vector<double> secs = std::move(seconds_);
  done_.clear();
  seconds_.clear();
  for (std::size_t i = 0; i < keep.size(); ++i) record(keep[i], secs[i]);
  if (std::fflush(out_) != 0 || fsync(fileno(out_)) != 0 || std::fclose(out_) != 0 ||
      std::rename(tmp.c_str(), path.c_str()) != 0)
    throw InputError(path + ": error: cannot write the journal: " + std::strerror(errno));
  out_ = std::fopen(path.c_str(), "a");
  if (!out_) throw InputError(path + ": error: cannot write the journal: " + std::strerror(errno));
}

CalibrationJournal::~CalibrationJournal() {
  if (out_) std::fclose(out_);
}

void CalibrationJournal::record(const AbcGeneration& g, double seconds) {
  std::fprintf(out_, "%.17g %lld %lld %.17g %.17g %.6g %zu %zu", g.tolerance, g.attempts, g.evaluations, g.acceptance,
               g.ess, seconds, g.particles.size(), g.particles.empty() ? 0 : g.particles[0].size());
  for (const auto& x : g.particles)
    for (double v : x) std::fprintf(out_, " %.17g", v);
  for (double w : g.weights) std::fprintf(out_, " %.17g", w);
  for (double d : g.distances) std::fprintf(out_, " %.17g", d);
  std::fprintf(out_, " end\n");
  if (std::fflush(out_) != 0 || fsync(fileno(out_)) != 0)
    throw InputError(path_ + ": error: cannot write the journal: " + std::strerror(errno));
  done_.push_back(g);
  seconds_.push_back(seconds);
}

void CalibrationJournal::remove() {
  if (out_) std::fclose(out_);
  out_ = nullptr;
  std::remove(path_.c_str());
}

}  // namespace motsim
