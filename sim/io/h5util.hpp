#pragma once
// Small RAII helpers over the HDF5 C API, shared by every writer and reader of motsim files
// (runs, compares, sweeps). Include only from .cpp files: it pulls in hdf5.h.
#include <hdf5.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace motsim::h5 {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Owns an HDF5 identifier and closes it with the matching function.
struct Handle {
  hid_t id = -1;
  herr_t (*closer)(hid_t) = nullptr;
  Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), closer(c) {}
  Handle(Handle&& o) noexcept : id(o.id), closer(o.closer) { o.id = -1; }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id >= 0 && closer) closer(id);
  }
  operator hid_t() const { return id; }
};

hid_t check(hid_t id, const std::string& what);      // throws Error when id < 0
void check(herr_t e, const std::string& what, int);  // throws Error when e < 0
Handle group(hid_t parent, const char* name);
Handle vlen_string_type();
void attr_string(hid_t obj, const char* name, const std::string& value);
void attr_int(hid_t obj, const char* name, long long value);
void attr_double(hid_t obj, const char* name, double value);
// A chunked, shuffled and deflated dataset of any rank (first axis extendable).
void dataset(hid_t parent, const char* name, hid_t file_type, hid_t mem_type, const std::vector<hsize_t>& dims,
             const void* data, const char* description = nullptr);
// A 1-D dataset of variable-length UTF-8 strings.
void strings(hid_t parent, const char* name, const std::vector<std::string>& v);
// Root attributes every motsim file carries: format, motsim_version, command_line, created (UTC).
void write_provenance(hid_t file, const std::string& format, const std::string& command_line);
// Flushes and closes, reporting a failure (a full disk) as Error.
void close_file(Handle& file, const std::string& what);
// Writes a motsim file atomically: creates PATH.tmp-PID with the provenance of `format`, lets
// `body` fill it, closes it and moves it to `path` (move_into_place, sim/io/output.hpp): never
// over a file that appeared meanwhile, with `force` only over a motsim results file; when `path`
// cannot be taken, the new results are kept under kept_path(path) and InputError names it. On
// any other failure the temporary file is removed and std::runtime_error names a full disk when
// that is the cause; the target is untouched.
void write_atomically(const std::string& path, bool force, const std::string& format, const std::string& command_line,
                      const std::function<void(hid_t file)>& body);
// Turns off the HDF5 library's own error printing (messages are ours).
void silence_errors();

// Opens a file given by a user for reading; InputError (exit 2) when it is missing, not HDF5,
// or cannot be opened.
Handle open_for_reading(const std::string& path);
// Reading (throw Error with the object's path when something is missing or malformed).
bool exists(hid_t file, const std::string& path);
std::vector<std::string> members(hid_t file, const std::string& path);  // sorted names
std::vector<std::string> read_strings(hid_t file, const std::string& path);
// Any numeric dataset as doubles; `dims` receives its shape. At most `max_elements`.
std::vector<double> read_doubles(hid_t file, const std::string& path, std::vector<hsize_t>& dims,
                                 hsize_t max_elements = hsize_t(1) << 28);  // 2 GiB of doubles
std::string read_attr_string(hid_t obj, const char* name);                  // "" when absent
long long read_attr_int(hid_t obj, const char* name);                       // -1 when absent or not one integer
double read_attr_double(hid_t obj, const char* name);                       // NaN when absent or not one number

// The first lines `motsim info` prints of any motsim file: its path, format, version and date.
std::string describe_head(const std::string& path, const std::string& format, const std::string& motsim_version,
                          const std::string& created);

}  // namespace motsim::h5
