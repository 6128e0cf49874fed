#include "sim/io/h5util.hpp"

#include "motsim/build_info.hpp"
#include "motsim/git_info.hpp"
#include "motsim/version.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/files.hpp"
#include "sim/core/provenance.hpp"
#include "sim/engine/memory.hpp"
#include "sim/io/output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>

namespace motsim::h5 {

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw Error("HDF5: cannot " + what);
  return id;
}
void check(herr_t e, const std::string& what, int) {
  if (e < 0) throw Error("HDF5: cannot " + what);
}

Handle group(hid_t parent, const char* name) {
  return Handle(
      check(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), std::string("create group ") + name),
      H5Gclose);
}

Handle vlen_string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

void attr_string(hid_t obj, const char* name, const std::string& value) {
  Handle t = vlen_string_type();
  Handle s(H5Screate(H5S_SCALAR), H5Sclose);
  Handle a(check(H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT), std::string("create attribute ") + name),
           H5Aclose);
  const char* p = value.c_str();
  check(H5Awrite(a, t, &p), std::string("write attribute ") + name, 0);
}

void attr_int(hid_t obj, const char* name, long long value) {
  Handle s(H5Screate(H5S_SCALAR), H5Sclose);
  Handle a(
      check(H5Acreate2(obj, name, H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT), std::string("create attribute ") + name),
      H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_LLONG, &value), std::string("write attribute ") + name, 0);
}

void attr_double(hid_t obj, const char* name, double value) {
  Handle s(H5Screate(H5S_SCALAR), H5Sclose);
  Handle a(check(H5Acreate2(obj, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT),
                 std::string("create attribute ") + name),
           H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_DOUBLE, &value), std::string("write attribute ") + name, 0);
}

void dataset(hid_t parent, const char* name, hid_t file_type, hid_t mem_type, const std::vector<hsize_t>& dims,
             const void* data, const char* description) {
  const int rank = static_cast<int>(dims.size());
  std::vector<hsize_t> maxdims(dims), chunk(dims);
  hsize_t total = 1;
  for (auto d : dims) total *= d;
  maxdims[0] = H5S_UNLIMITED;
  // Chunks of about 64k elements along the first axis.
  hsize_t row = 1;
  for (int i = 1; i < rank; ++i) row *= std::max<hsize_t>(dims[i], 1);
  chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(std::max<hsize_t>(dims[0], 1), 65536 / row + 1));
  for (int i = 1; i < rank; ++i) chunk[i] = std::max<hsize_t>(dims[i], 1);
  Handle space(H5Screate_simple(rank, dims.data(), maxdims.data()), H5Sclose);
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(plist, rank, chunk.data());
  H5Pset_shuffle(plist);
  H5Pset_deflate(plist, 4);
  Handle ds(check(H5Dcreate2(parent, name, file_type, space, H5P_DEFAULT, plist, H5P_DEFAULT),
                  std::string("create dataset ") + name),
            H5Dclose);
  if (total > 0)
    check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), std::string("write dataset ") + name, 0);
  if (description) attr_string(ds, "description", description);
}

void strings(hid_t parent, const char* name, const std::vector<std::string>& v) {
  std::vector<const char*> p;
  p.reserve(v.size());
  for (auto& s : v) p.push_back(s.c_str());
  Handle t = vlen_string_type();
  hsize_t n = v.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle ds(check(H5Dcreate2(parent, name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  std::string("create dataset ") + name),
            H5Dclose);
  if (n) check(H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), std::string("write dataset ") + name, 0);
}

namespace {
std::string hdf5_runtime() {
  unsigned a = 0, b = 0, c = 0;
  H5get_libversion(&a, &b, &c);
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c);
}

// The provenance attributes beyond format, version, command line and time: the build and the
// machine (docs/hdf5-schema.md, "Provenance").
const std::vector<std::pair<const char*, std::string>>& build_attributes() {
  static const std::vector<std::pair<const char*, std::string>> a = {{"git_commit", build::kGitCommit},
                                                                     {"git_dirty", build::kGitDirty},
                                                                     {"compiler", build::kCompiler},
                                                                     {"compiler_flags", build::kFlags},
                                                                     {"build_type", build::kBuildType},
                                                                     {"hdf5_version", hdf5_runtime()},
                                                                     {"tbb_version", build::kTbb},
                                                                     {"tomlplusplus_version", build::kTomlpp},
                                                                     {"random123_version", build::kRandom123},
                                                                     {"nlopt_version", build::kNlopt},
                                                                     {"mpi_version", build::kMpi},
                                                                     {"host", host_name()}};
  return a;
}
}  // namespace

void write_provenance(hid_t file, const std::string& format, const std::string& command_line) {
  attr_string(file, "format", format);
  attr_string(file, "motsim_version", kVersion);
  attr_string(file, "command_line", command_line);
  for (const auto& [k, v] : build_attributes()) attr_string(file, k, v);
  attr_string(file, "started", process_started());
  attr_string(file, "created", utc_now());
}

void close_file(Handle& file, const std::string& what) {
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush " + what, 0);
  const hid_t id = file.id;
  file.id = -1;
  if (H5Fclose(id) < 0) throw Error("HDF5: cannot close " + what + " (disk full?)");
}

Handle open_for_reading(const std::string& path) {
  if (!path_exists(path)) throw InputError(path + ": error: no such file");
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": error: is a directory, not an HDF5 file");
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(path + ": error: not a regular file (a FIFO or a device?); expected an HDF5 results file");
  if (::access(path.c_str(), R_OK) != 0)
    throw InputError(path + ": error: cannot read the file (" + std::strerror(errno) + ")");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path + ": error: not an HDF5 file");
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (f < 0) throw InputError(path + ": error: cannot open HDF5 file (truncated or corrupt?)");
  return f;
}

void write_atomically(const std::string& path, bool force, const std::string& format, const std::string& command_line,
                      const std::function<void(hid_t file)>& body) {
  const std::string tmp = temporary_path(path);
  try {
    Handle file(check(H5Fcreate(tmp.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), "create " + tmp), H5Fclose);
    write_provenance(file, format, command_line);
    body(file);
    close_file(file, tmp);
    move_into_place(tmp, path, force, why_not_results_file);
  } catch (const InputError&) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);  // already gone when the results were kept under another name
    throw;
  } catch (const std::exception& e) {
    const std::string msg = write_failure(path, e.what());  // the free space the write met
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error(msg);
  }
}

namespace {
struct Quiet {
  Quiet() {
    // No library shutdown at exit: after a failed close (a full disk) HDF5 1.10 crashes while
    // terminating. Every file is closed explicitly; the temporary file is removed by us.
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
};
const Quiet quiet_hdf5;
}  // namespace

void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

bool exists(hid_t file, const std::string& path) {
  // Check each level: H5Lexists fails on a missing intermediate group.
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    const std::size_t next = path.find('/', pos + 1);
    partial = path.substr(0, next);
    if (!partial.empty() && partial != "/" && H5Lexists(file, partial.c_str(), H5P_DEFAULT) <= 0) return false;
    pos = next;
  }
  return H5Oexists_by_name(file, path.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> members(hid_t file, const std::string& path) {
  if (!exists(file, path)) throw Error("no group " + path);
  Handle g(H5Gopen2(file, path.c_str(), H5P_DEFAULT), H5Gclose);
  if (g < 0) throw Error(path + " is not a group");
  H5G_info_t info;
  if (H5Gget_info(g, &info) < 0) throw Error("cannot list " + path);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < info.nlinks && i < 100000; ++i) {
    const ssize_t n = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0 || n > 4096) throw Error("cannot list " + path);
    std::string name(static_cast<std::size_t>(n), '\0');
    H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), static_cast<std::size_t>(n) + 1,
                       H5P_DEFAULT);
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> read_strings(hid_t file, const std::string& path) {
  if (!exists(file, path)) throw Error("no dataset " + path);
  Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (ds < 0) throw Error("cannot open " + path);
  Handle sp(H5Dget_space(ds), H5Sclose);
  Handle ft(H5Dget_type(ds), H5Tclose);
  if (H5Sget_simple_extent_ndims(sp) != 1 || H5Tget_class(ft) != H5T_STRING || H5Tis_variable_str(ft) <= 0)
    throw Error(path + " is not a list of strings");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(sp, &n, nullptr);
  if (n > 1000000) throw Error(path + " is implausibly long");
  std::vector<char*> p(n, nullptr);
  Handle t = vlen_string_type();
  if (n && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()) < 0) throw Error("cannot read " + path);
  std::vector<std::string> out;
  for (char* c : p) {
    out.emplace_back(c ? c : "");
    if (c) H5free_memory(c);
  }
  return out;
}

std::vector<double> read_doubles(hid_t file, const std::string& path, std::vector<hsize_t>& dims,
                                 hsize_t max_elements) {
  if (!exists(file, path)) throw Error("no dataset " + path);
  Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (ds < 0) throw Error("cannot open " + path);
  Handle ft(H5Dget_type(ds), H5Tclose);
  const H5T_class_t cls = H5Tget_class(ft);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw Error(path + " is not numeric");
  Handle sp(H5Dget_space(ds), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(sp);
  if (rank < 0 || rank > 8) throw Error(path + " has an unexpected rank");
  dims.assign(static_cast<std::size_t>(rank), 0);
  H5Sget_simple_extent_dims(sp, dims.data(), nullptr);
  hsize_t n = 1;
  for (hsize_t d : dims) {
    if (d != 0 && n > max_elements / d) throw Error(path + " is too large");
    n *= d;
  }
  if (n > max_elements) throw Error(path + " is too large");
  // A crafted file can announce a huge dataset in a few bytes: refuse what cannot fit.
  const std::uint64_t avail = available_memory();
  if (avail && static_cast<double>(n) * sizeof(double) > 0.5 * static_cast<double>(avail))
    throw Error(path + " would need " + human_bytes(static_cast<double>(n) * sizeof(double)) + " of memory; " +
                human_bytes(static_cast<double>(avail)) + " is available");
  std::vector<double> v(n);
  if (n && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw Error("cannot read " + path + " (truncated or corrupt file?)");
  return v;
}

namespace {
// Bytes of one variable-length reference in the file: length (4), heap address, index (4).
hsize_t heap_reference_size(hid_t obj) {
  Handle f(H5Iget_file_id(obj), H5Fclose);
  Handle p(H5Fget_create_plist(f), H5Pclose);
  std::size_t addr = 8, size = 8;
  if (p >= 0) H5Pget_sizes(p, &addr, &size);
  return 8 + addr;
}
}  // namespace

std::string read_attr_string(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return "";
  Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Handle t(H5Aget_type(a), H5Tclose);
  Handle sp(H5Aget_space(a), H5Sclose);
  // One string only: H5Aread writes every element of an array attribute into `s`.
  if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) <= 0 || H5Sget_simple_extent_npoints(sp) != 1) return "";
  // A damaged attribute message may store less than that reference: HDF5 1.10 would read past it.
  if (H5Aget_storage_size(a) < heap_reference_size(obj)) return "";
  Handle mt = vlen_string_type();
  char* s = nullptr;
  if (H5Aread(a, mt, &s) < 0 || !s) return "";
  std::string out(s);
  H5free_memory(s);
  return out;
}

long long read_attr_int(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return -1;
  Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Handle sp(H5Aget_space(a), H5Sclose);
  if (H5Sget_simple_extent_npoints(sp) != 1) return -1;  // an array would overrun `v`
  Handle t(H5Aget_type(a), H5Tclose);
  if (H5Aget_storage_size(a) < H5Tget_size(t)) return -1;  // a damaged message: HDF5 would read past it
  long long v = -1;
  if (H5Aread(a, H5T_NATIVE_LLONG, &v) < 0) return -1;
  return v;
}

double read_attr_double(hid_t obj, const char* name) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (H5Aexists(obj, name) <= 0) return nan;
  Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Handle sp(H5Aget_space(a), H5Sclose);
  if (H5Sget_simple_extent_npoints(sp) != 1) return nan;
  Handle t(H5Aget_type(a), H5Tclose);
  if (H5Aget_storage_size(a) < H5Tget_size(t)) return nan;
  double v = nan;
  if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0) return nan;
  return v;
}

std::string describe_head(const std::string& path, const std::string& format, const std::string& motsim_version,
                          const std::string& created) {
  std::string o = path + "\n  format " + format + ", motsim " + motsim_version + ", created " + created + "\n";
  Handle f = open_for_reading(path);
  auto a = [&](const char* name) { return read_attr_string(f, name); };
  if (a("git_commit").empty()) return o;  // written before files carried their build
  o += "  built from git " + a("git_commit") + (a("git_dirty") == "true" ? " with uncommitted changes" : "") + ", " +
       a("compiler") + " " + a("build_type") + " (" + a("compiler_flags") + ")\n";
  o += "  HDF5 " + a("hdf5_version") + ", oneTBB " + a("tbb_version") + ", toml++ " + a("tomlplusplus_version") +
       ", Random123 " + a("random123_version") + ", NLopt " + a("nlopt_version") + ", MPI library " + a("mpi_version") +
       "\n";
  o += "  on " + a("host") + ", started " + a("started") + "\n  command: " + a("command_line") + "\n";
  const long long streams = read_attr_int(f, "rng_streams");
  if (streams == 0)
    o += "  random streams: the version varies between the points (simulation.rng_streams is swept)\n";
  else if (streams > 0)
    o += "  random streams: version " + std::to_string(streams) + "\n";
  else
    o += "  random streams: version 1 (the file predates the rng_streams attribute)\n";
  return o;
}

}  // namespace motsim::h5
