#include "sim/io/output.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "sim/core/errors.hpp"
#include "sim/core/files.hpp"
#include "sim/core/input_file.hpp"
#include "sim/io/h5util.hpp"

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

void refuse_input_as_output(const std::string& path, const std::vector<std::string>& inputs) {
  for (const auto& in : inputs)
    if (same_file(path, in))
      throw InputError(path + ": error: the output path names " + in + ", a file this command reads" +
                       (in == path ? "" : " (the same file under another name)") +
                       "; writing the results there would destroy it: choose another output path");
}

std::string why_not_results_file(const std::string& path) {
  std::error_code ec;
  const auto st = fs::symlink_status(path, ec);
  if (ec || !fs::exists(st)) return "it does not exist";
  if (!fs::is_regular_file(st)) return "not a regular file";
  try {
    h5::Handle f = h5::open_for_reading(path);
    if (h5::read_attr_string(f, "format").rfind("motsim-", 0) == 0) return "";
    return "an HDF5 file without motsim's 'format' attribute";
  } catch (const std::exception& e) {
    const std::string what = e.what();  // "PATH: error: not an HDF5 file" and the like
    const auto at = what.find("error: ");
    return at == std::string::npos ? what : what.substr(at + 7);
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

// A file at the target: replaced only with --force, and only when it is a motsim results file.
void refuse_existing_target(const std::string& path, bool force) {
  const std::string why = why_not_results_file(path);
  if (!why.empty())
    throw InputError(path + ": error: a file that is not a motsim results file is there (" + why +
                     "); motsim never replaces it, not even with --force: it is left as it is, choose another "
                     "output path");
  if (!force)
    throw InputError(path +
                     ": error: results file already exists; use --force to overwrite it, or choose another name");
}

std::string kind_in_words(const fs::path& p) {
  const std::string kind = special_file_kind(p.string());
  return kind.empty() ? "a regular file" : kind;
}

// Why the output directory `dir` cannot take the results, or empty when it can: missing, a
// file in its place (or in the place of one of its parents), or one we cannot enter or write.
std::string directory_problem(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      return "output directory " + dir.string() + " is " + kind_in_words(dir) + ", not a directory";
    if (::access(dir.c_str(), X_OK) != 0)
      return "output directory " + dir.string() + " cannot be entered (" + std::strerror(errno) + ")";
    if (::access(dir.c_str(), W_OK) != 0)
      return "cannot write to directory " + dir.string() + " (" + std::strerror(errno) + ")";
    return "";
  }
  const int err = errno;
  if (err != ENOENT && err != ENOTDIR)
    return "output directory " + dir.string() + " cannot be reached (" + std::strerror(err) + ")";
  for (fs::path p = dir.parent_path(); !p.empty(); p = p.parent_path()) {
    struct stat up {};
    if (::stat(p.c_str(), &up) == 0) {
      if (!S_ISDIR(up.st_mode))
        return "output directory " + dir.string() + " cannot exist: " + p.string() + " is " + kind_in_words(p) +
               ", not a directory";
      break;
    }
    if (p == p.parent_path()) break;
  }
  return "output directory " + dir.string() + " does not exist";
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

void check_output_path(const std::string& path, bool force, const std::vector<std::string>& inputs,
                       const std::vector<std::string>& more_inputs) {
  std::error_code ec;
  if (path.empty()) throw InputError("error: empty output path");
  refuse_input_as_output(path, inputs);
  refuse_input_as_output(path, more_inputs);
  if (fs::is_directory(path, ec))
    throw InputError(path + ": error: output path is a directory; give a file name such as results/run.h5");
  refuse_special_target(path);
  if (path_exists(path)) refuse_existing_target(path, force);
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (const std::string problem = directory_problem(dir); !problem.empty())
    throw InputError(path + ": error: " + problem);
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

std::string kept_path(const std::string& path, int n) {
  const fs::path p(path);
  const std::time_t now = std::time(nullptr);
  std::tm t{};
  ::localtime_r(&now, &t);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &t);
  std::string name = p.stem().string();
  name += "-kept-";
  name += stamp;
  name += '-';
  name += std::to_string(::getpid());
  if (n > 0) {
    name += '-';
    name += std::to_string(n);
  }
  name += p.extension().string();
  return (p.parent_path() / name).string();
}

namespace {

// `path` could not be taken: the finished results move to a name of their own, which the
// message gives (and nothing removes later), and the command fails.
[[noreturn]] void keep_results(const std::string& tmp, const std::string& path, const std::string& reason) {
  for (int n = 0; n < 100; ++n) {
    const std::string kept = kept_path(path, n);
    bool moved = false;
    try {
      moved = rename_no_replace(tmp, kept);
    } catch (const InputError& e) {
      throw InputError(path + ": error: " + reason + "; the finished results could not be kept either (" + e.what() +
                       ")");
    }
    if (moved)
      throw InputError(path + ": error: " + reason + "; it was left as it is, and the finished results are kept in " +
                       kept + " (rename it, or rerun with another output path)");
  }
  throw InputError(path + ": error: " + reason + "; no free name was found to keep the finished results");
}

}  // namespace

void move_into_place(const std::string& tmp, const std::string& path, bool force,
                     const std::function<std::string(const std::string&)>& why_not_replaceable) {
  if (rename_no_replace(tmp, path)) return;
  std::string reason = "a file appeared at " + path + " while this command ran (another command writing there?)";
  if (force) {
    const std::string why = why_not_replaceable(path);
    if (why.empty()) {
      std::error_code ec;
      fs::rename(tmp, path, ec);
      if (!ec) return;
      reason = "cannot replace it (" + ec.message() + ")";
    } else {
      reason = "what is there now is not a motsim results file (" + why + "), so --force does not replace it";
    }
  }
  keep_results(tmp, path, reason);
}

}  // namespace motsim
