#include "sim/core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/core/errors.hpp"

namespace motsim {

namespace {

std::string kind_of(mode_t m) {
  if (S_ISREG(m)) return "";
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void refuse(const std::string& path, const std::string& what, const std::string& why) {
  throw InputError(what + ": error: " + path + " " + why);
}

}  // namespace

std::string special_file_kind(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "missing";
  return kind_of(st.st_mode);
}

void require_regular_file(const std::string& path, const std::string& what) {
  if (path.empty()) throw InputError(what + ": error: the path is empty; expected a file name");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw InputError(what + ": error: cannot read " + path + ": " +
                     (errno == ENOENT ? std::string("it does not exist") : std::strerror(errno)));
  const std::string kind = kind_of(st.st_mode);
  if (!kind.empty()) refuse(path, what, "is " + kind + "; expected a regular file");
}

std::string read_regular_file(const std::string& path, const std::string& what, std::uint64_t max_bytes) {
  require_regular_file(path, what);
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) refuse(path, what, std::string("cannot be read (") + std::strerror(errno) + ")");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    refuse(path, what, "is " + kind_of(st.st_mode) + "; expected a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    refuse(path, what,
           "is " + std::to_string(st.st_size) + " bytes; at most " + std::to_string(max_bytes) + " bytes are read");
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file (the file shrank) or an error, checked below
    got += static_cast<std::size_t>(n);
  }
  const int err = errno;
  ::close(fd);
  if (got < text.size()) refuse(path, what, std::string("could not be read to its end (") + std::strerror(err) + ")");
  return text;
}

}  // namespace motsim

namespace motsim {

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

bool rename_no_replace(const std::string& from, const std::string& to) {
#ifdef SYS_renameat2
  constexpr unsigned kNoReplace = 1;  // RENAME_NOREPLACE (linux/fs.h)
  if (::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), kNoReplace) == 0) return true;
  if (errno == EEXIST) return false;
  if (errno != EINVAL && errno != ENOSYS && errno != EPERM)
    throw InputError(to + ": error: cannot move the finished results into place (" + std::strerror(errno) + ")");
#endif
  // The file system has no renameat2: a hard link fails with EEXIST exactly when `to` exists.
  if (::link(from.c_str(), to.c_str()) == 0) {
    ::unlink(from.c_str());
    return true;
  }
  if (errno == EEXIST) return false;
  throw InputError(to + ": error: cannot move the finished results into place (" + std::strerror(errno) + ")");
}

}  // namespace motsim
