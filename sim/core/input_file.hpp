#pragma once
// Reading the files a command is given (scenarios, parents, sweep specs, edge lists, data):
// anything but a regular file is refused before it is opened, so a FIFO cannot hang a command
// and /dev/zero cannot fill memory; a file larger than its limit is refused from its size.
#include <cstdint>
#include <string>

namespace motsim {

// Scenario files, specs and data are text written by people: 64 MiB is far beyond any of them.
inline constexpr std::uint64_t kMaxTextInput = 64ull << 20;

// What a path is, in words ("a directory", "a FIFO", "a character device", ...), or empty for
// a regular file. Follows symbolic links; a path that does not exist is "missing".
std::string special_file_kind(const std::string& path);

// Throws InputError "WHAT: error: PATH is a FIFO; expected a regular file" (or "does not
// exist", "cannot be read") unless `path` is a regular file. `what` names the key or the role,
// e.g. "network.file = \"edges.txt\"" or "scenario".
void require_regular_file(const std::string& path, const std::string& what);

// The whole content of a regular file, checked as above; refuses a file over `max_bytes`
// (with its size and the limit). Opened without blocking, and checked again after opening,
// so a file replaced by a FIFO in between is refused too.
std::string read_regular_file(const std::string& path, const std::string& what,
                              std::uint64_t max_bytes = kMaxTextInput);

// Whether two paths name the same file (same device and inode: through any spelling, symbolic
// link or hard link). False when either does not exist.
bool same_file(const std::string& a, const std::string& b);

// Moves the finished temporary `from` to `to` without ever replacing an existing `to`:
// renameat2(RENAME_NOREPLACE) where the file system allows it, else link(2) then unlink(2);
// both are atomic, so of two runs finishing at once exactly one gets `to`. Returns false,
// leaving `from` in place, when `to` exists. Throws InputError on other failures.
bool rename_no_replace(const std::string& from, const std::string& to);

}  // namespace motsim
