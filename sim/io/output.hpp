#pragma once
// Where results are written: checks of an output path before a run, the temporary name a file
// is written under until it is complete, and the message for a failed write. No HDF5 here:
// the atomic writer of HDF5 files is h5::write_atomically (sim/io/h5util.hpp).
#include <string>

namespace motsim {

// Refuses (InputError) an existing target without `force`, a missing directory or one we
// cannot write to; removes (and names) temporary files left by killed runs. Called before the
// run starts.
void check_output_path(const std::string& path, bool force);

// The message for a failed write of `path` (names a full disk when that is the cause).
std::string write_failure(const std::string& path, const std::string& what);

// Temporary-file name used while writing `path`.
std::string temporary_path(const std::string& path);
// Removes PATH.tmp-PID files whose process is gone (a run killed with -9), naming each one.
void remove_stale_temporaries(const std::string& path);

}  // namespace motsim
