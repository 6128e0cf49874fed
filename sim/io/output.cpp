#include "sim/io/output.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "sim/core/errors.hpp"
#include "sim/core/files.hpp"

namespace fs = std::filesystem;

namespace motsim {

std::string temporary_path(const std::string& path) { return path + ".tmp-" + std::to_string(::getpid()); }

// Temporary files of interrupted runs: TARGET.tmp-PID whose process is gone (killed with -9,
// or the machine went down) are removed, with a message naming each one.
void remove_stale_temporaries(const std::string& path) {
  std::error_code ec;
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  const std::string prefix = target.filename().string() + ".tmp-";
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::strtol(pid_text.c_str(), nullptr, 10);
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;  // still running
    std::error_code rm;
    if (fs::remove(e.path(), rm))
      std::fprintf(stderr, "motsim: removed %s, the unfinished temporary file of an interrupted run (process %ld)\n",
                   e.path().string().c_str(), pid);
  }
}

namespace {

// --force replaces an earlier results file, never anything else: a device such as /dev/null,
// a FIFO or a symbolic link at the target is refused (the rename would replace it).
void refuse_special_target(const std::string& path) {
  std::error_code ec;
  const auto st = fs::symlink_status(path, ec);
  if (ec || !fs::exists(st) || fs::is_regular_file(st)) return;
  const char* kind = fs::is_symlink(st)                                   ? "a symbolic link"
                     : fs::is_fifo(st)                                    ? "a FIFO"
                     : fs::is_character_file(st) || fs::is_block_file(st) ? "a device"
                                                                          : "not a regular file";
  throw InputError(path + ": error: output path is " + std::string(kind) +
                   "; motsim writes results only to regular files (give another --out)");
}

// Creates the temporary file once before any work, so that a name the file system refuses
// (too long, a read-only or special file system) is reported now, not after the simulation.
void try_temporary(const std::string& path) {
  const std::string tmp = temporary_path(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) throw InputError(path + ": error: cannot create a file there (" + std::strerror(errno) + ")");
  ::close(fd);
  ::unlink(tmp.c_str());
}

}  // namespace

void check_output_path(const std::string& path, bool force) {
  std::error_code ec;
  if (path.empty()) throw InputError("error: empty output path");
  if (fs::is_directory(path, ec))
    throw InputError(path + ": error: output path is a directory; give a file name such as results/run.h5");
  refuse_special_target(path);
  if (path_exists(path) && !force)
    throw InputError(path +
                     ": error: results file already exists; use --force to overwrite it, or choose another name");
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec))
    throw InputError(path + ": error: output directory " + dir.string() + " does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw InputError(path + ": error: cannot write to directory " + dir.string() + " (" + std::strerror(errno) + ")");
  remove_stale_temporaries(path);
  try_temporary(path);
}

std::string write_failure(const std::string& path, const std::string& what) {
  std::error_code ec;
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const auto space = fs::space(dir, ec);
  std::string msg = "cannot write " + path + " (" + what + ")";
  if (!ec && space.capacity > 0 && space.available < (64u << 20))
    msg += ": the disk is full (" + std::to_string(space.available / 1024) + " KiB free in " + dir.string() + ")";
  return msg + "; the temporary file was removed and nothing was written to " + path +
         (path_exists(path) ? " (its earlier content is untouched)" : "");
}

}  // namespace motsim
