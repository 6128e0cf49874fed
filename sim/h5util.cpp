#include "sim/h5util.hpp"

#include <algorithm>

namespace motsim::h5 {

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw Error("HDF5: cannot " + what);
  return id;
}
void check(herr_t e, const std::string& what, int) {
  if (e < 0) throw Error("HDF5: cannot " + what);
}

Handle group(hid_t parent, const char* name) {
  return Handle(check(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), std::string("create group ") + name), H5Gclose);
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
  Handle a(check(H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT), std::string("create attribute ") + name), H5Aclose);
  const char* p = value.c_str();
  check(H5Awrite(a, t, &p), std::string("write attribute ") + name, 0);
}

void attr_int(hid_t obj, const char* name, long long value) {
  Handle s(H5Screate(H5S_SCALAR), H5Sclose);
  Handle a(check(H5Acreate2(obj, name, H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT), std::string("create attribute ") + name), H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_LLONG, &value), std::string("write attribute ") + name, 0);
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
  Handle ds(check(H5Dcreate2(parent, name, file_type, space, H5P_DEFAULT, plist, H5P_DEFAULT), std::string("create dataset ") + name), H5Dclose);
  if (total > 0) check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), std::string("write dataset ") + name, 0);
  if (description) attr_string(ds, "description", description);
}

void strings(hid_t parent, const char* name, const std::vector<std::string>& v) {
  std::vector<const char*> p;
  for (auto& s : v) p.push_back(s.c_str());
  Handle t = vlen_string_type();
  hsize_t n = v.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle ds(check(H5Dcreate2(parent, name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), std::string("create dataset ") + name), H5Dclose);
  if (n) check(H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), std::string("write dataset ") + name, 0);
}

void close_file(Handle& file, const std::string& what) {
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush " + what, 0);
  const hid_t id = file.id;
  file.id = -1;
  if (H5Fclose(id) < 0) throw Error("HDF5: cannot close " + what + " (disk full?)");
}

namespace {
struct Quiet {
  Quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};
const Quiet quiet_hdf5;
}  // namespace

void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

}  // namespace motsim::h5
