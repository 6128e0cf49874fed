#include "sim/experiment/sweep_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <zlib.h>

#include <algorithm>
#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/binary_from_base64.hpp>
#include <boost/archive/iterators/transform_width.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "sim/core/errors.hpp"
#include "sim/core/files.hpp"

namespace motsim {

namespace {

namespace it = boost::archive::iterators;
using ToBase64 = it::base64_from_binary<it::transform_width<std::string::const_iterator, 6, 8>>;
using FromBase64 = it::transform_width<it::binary_from_base64<std::string::const_iterator>, 8, 6>;

// Base64 by Boost.Archive's iterators, with the '=' padding they leave to the caller.
std::string to_base64(const std::string& bytes) {
  std::string s(ToBase64(bytes.begin()), ToBase64(bytes.end()));
  return s.append((3 - bytes.size() % 3) % 3, '=');
}
std::string from_base64(std::string s) {  // throws on a character outside the alphabet
  const std::size_t pad = s.size() - std::min(s.size(), s.find_last_not_of('=') + 1);
  std::replace(s.begin(), s.end(), '=', 'A');
  std::string bytes(FromBase64(s.begin()), FromBase64(s.end()));
  bytes.resize(bytes.size() - std::min(pad, bytes.size()));
  return bytes;
}

// A row's values as the journal stores them: their bytes shuffled (every value's first byte,
// then every second byte, ...: HDF5's shuffle filter, so that series compress as in the file),
// deflated by zlib and base64-encoded, so that a line stays a line of text.
std::string pack(const std::vector<double>& v) {
  const std::size_t n = v.size(), bytes = n * sizeof(double);
  std::string raw(bytes, '\0');
  const auto* b = reinterpret_cast<const unsigned char*>(v.data());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < sizeof(double); ++k) raw[k * n + i] = static_cast<char>(b[i * sizeof(double) + k]);
  uLongf len = compressBound(bytes);
  std::string z(len, '\0');
  if (compress2(reinterpret_cast<Bytef*>(z.data()), &len, reinterpret_cast<const Bytef*>(raw.data()), bytes, 6) != Z_OK)
    throw std::runtime_error("cannot compress a journal line");
  z.resize(len);
  return to_base64(z);
}

// The n values of a packed row; false when it does not unpack to exactly n values.
bool unpack(const std::string& text, std::size_t n, std::vector<double>& v) {
  std::string z;
  try {
    z = from_base64(text);
  } catch (const std::exception&) {
    return false;
  }
  std::string raw(n * sizeof(double) + 1, '\0');  // one byte more: a longer row is found
  uLongf len = raw.size();
  if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &len, reinterpret_cast<const Bytef*>(z.data()), z.size()) !=
          Z_OK ||
      len != n * sizeof(double))
    return false;
  v.assign(n, 0.0);
  auto* b = reinterpret_cast<unsigned char*>(v.data());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < sizeof(double); ++k)
      b[i * sizeof(double) + k] = static_cast<unsigned char>(raw[k * n + i]);
  return true;
}

// One journal line: the run, its packed values, and a checksum of both.
std::string journal_line(std::size_t run, const std::vector<double>& v) {
  const std::string line = std::to_string(run) + " " + pack(v);
  return line + " #" + hash_text(fnv1a(line));
}

// Reads a journal line of n values back; false when its checksum or its shape does not match.
bool parse_line(const std::string& line, std::size_t n, std::size_t& run, std::vector<double>& v) {
  const auto hashpos = line.rfind(" #");
  if (hashpos == std::string::npos) return false;
  const std::string body = line.substr(0, hashpos);
  if (std::strtoull(line.c_str() + hashpos + 2, nullptr, 16) != fnv1a(body)) return false;
  const auto space = body.find(' ');
  if (space == std::string::npos) return false;
  run = std::strtoull(body.c_str(), nullptr, 10);
  return unpack(body.substr(space + 1), n, v);
}

}  // namespace

std::string SweepJournal::header(const JournalKey& key) {
  char head[128];
  std::snprintf(head, sizeof head, "motsim-sweep-journal-2 %016llx %zu %zu", static_cast<unsigned long long>(key.hash),
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
    if (parse_line(line, key_.values_per_run, run, v) && run < key_.runs)
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
