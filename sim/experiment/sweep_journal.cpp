#include "sim/experiment/sweep_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "sim/core/errors.hpp"
#include "sim/core/files.hpp"

namespace motsim {

namespace {

// One journal line: the run, its values as exact hexadecimal floats, and a checksum.
std::string journal_line(std::size_t run, const std::vector<double>& v) {
  std::string line = std::to_string(run);
  char b[40];
  for (double x : v) {
    std::snprintf(b, sizeof b, " %a", x);
    line += b;
  }
  return line + " #" + hash_text(fnv1a(line));
}

// Reads a journal line back; false when its checksum does not match.
bool parse_line(const std::string& line, std::size_t& run, std::vector<double>& v) {
  const auto hashpos = line.rfind(" #");
  if (hashpos == std::string::npos) return false;
  const std::string body = line.substr(0, hashpos);
  if (std::strtoull(line.c_str() + hashpos + 2, nullptr, 16) != fnv1a(body)) return false;
  std::istringstream ss(body);
  ss >> run;
  std::string tok;
  while (ss >> tok) v.push_back(std::strtod(tok.c_str(), nullptr));
  return true;
}

}  // namespace

std::string SweepJournal::header(const JournalKey& key) {
  char head[128];
  std::snprintf(head, sizeof head, "motsim-sweep-journal-1 %016llx %zu %zu", static_cast<unsigned long long>(key.hash),
                key.runs, key.values_per_run);
  return head;
}

SweepJournal::SweepJournal(std::string path, const JournalKey& key, bool resume)
    : path_(std::move(path)), header_(header(key)), key_(key) {
  const bool exists = path_exists(path_);
  if (exists && !resume)
    throw InputError(path_ +
                     ": error: an unfinished sweep left this journal; use --resume to continue it, or "
                     "delete it to start again");
  if (exists) load();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd_ < 0) throw InputError(path_ + ": error: cannot write the sweep journal");
  if (!exists || done_.empty()) {
    if (exists && ::ftruncate(fd_, 0) != 0) throw std::runtime_error("cannot reset " + path_);
    write_line(header_);
  } else if (::ftruncate(fd_, static_cast<off_t>(whole_lines_)) != 0) {
    // Drop a last line cut by the crash, so that the next line starts on a line of its own.
    throw std::runtime_error("cannot repair " + path_);
  }
}

SweepJournal::~SweepJournal() {
  if (fd_ >= 0) {
    ::fsync(fd_);
    ::close(fd_);
  }
}

void SweepJournal::record(std::size_t run, const std::vector<double>& values) {
  const std::string line = journal_line(run, values);
  std::lock_guard<std::mutex> lock(m_);
  write_line(line);
  done_[run] = values;
}

void SweepJournal::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

// Every line goes to the kernel at once (a killed process, even kill -9, loses nothing); fsync
// at most once a second (a machine that goes down loses at most the last second's runs),
// because an fsync per run would serialise short runs on a slow disk.
void SweepJournal::write_line(const std::string& l) {
  const std::string s = l + "\n";
  if (::write(fd_, s.data(), s.size()) != static_cast<ssize_t>(s.size()))
    throw std::runtime_error("cannot write the sweep journal " + path_ + " (disk full?)");
  const auto now = std::chrono::steady_clock::now();
  if (now - last_sync_ >= std::chrono::seconds(1)) {
    if (::fsync(fd_) != 0) throw std::runtime_error("cannot write the sweep journal " + path_ + " (disk full?)");
    last_sync_ = now;
  }
}

void SweepJournal::load() {
  std::ifstream in(path_);
  std::string line;
  if (!std::getline(in, line) || line != header_)
    throw InputError(path_ +
                     ": error: this journal belongs to another sweep spec or base scenario; delete it or "
                     "restore the spec it was made with");
  whole_lines_ = line.size() + 1;
  std::size_t& cut = cut_lines_;
  std::size_t& damaged = damaged_lines_;
  while (std::getline(in, line)) {
    if (in.eof()) {  // a last line without its newline was cut by a crash
      cut = 1;
      break;
    }
    whole_lines_ += line.size() + 1;
    std::size_t run = 0;
    std::vector<double> v;
    if (parse_line(line, run, v) && run < key_.runs && v.size() == key_.values_per_run)
      done_[run] = std::move(v);
    else
      ++damaged;
  }
  if (cut + damaged > 0)
    std::fprintf(stderr,
                 "motsim: note: %s: %zu damaged line(s) and %zu cut line(s) dropped (a crash or a full disk); "
                 "their runs are run again\n",
                 path_.c_str(), damaged, cut);
}

}  // namespace motsim
