#pragma once
// Where results are written: checks of an output path before a run, the temporary name a file
// is written under until it is complete, the final step that moves it into place, and the
// message for a failed write. No HDF5 in this header: the atomic writer of HDF5 files is
// h5::write_atomically (sim/io/h5util.hpp), which ends with move_into_place.
#include <functional>
#include <string>
#include <vector>

namespace motsim {

// Refuses (InputError), before the run starts: an output path that is one of the files the
// command reads (`inputs`, then `more_inputs`: the same device and inode, whatever the
// spelling, symbolic or hard link); a directory, device, FIFO or symbolic link; an existing
// target without `force`, and with `force` one that is not a motsim results file; a missing
// output directory or one we cannot write to. Removes (and names) temporary files left by
// killed runs. Every writer passes the files it reads (for a scenario: Scenario::input_files).
void check_output_path(const std::string& path, bool force, const std::vector<std::string>& inputs,
                       const std::vector<std::string>& more_inputs = {});

// Refuses (InputError) an output path that names one of `inputs` (see check_output_path).
void refuse_input_as_output(const std::string& path, const std::vector<std::string>& inputs);

// Why `--force` may not replace the file at `path`, or empty when it may: it must be a regular
// file holding a motsim results file (HDF5 with a root `format` attribute "motsim-...").
std::string why_not_results_file(const std::string& path);

// The message for a failed write of `path` (names a full disk when that is the cause). Call it
// before removing the temporary file, so that the free space it reports is what the write met.
std::string write_failure(const std::string& path, const std::string& what);

// Temporary-file name used while writing `path`.
std::string temporary_path(const std::string& path);
// Removes PATH.tmp-PID files whose process is gone (a run killed with -9), naming each one.
void remove_stale_temporaries(const std::string& path);

// The name finished results are kept under when `path` was taken while they were computed:
// DIR/STEM-kept-YYYYmmddTHHMMSS-PID[-N]EXT (N from 1 when the name is taken). The cleanup of
// stale temporaries never matches it.
std::string kept_path(const std::string& path, int n = 0);

// The final step of every writer: moves the complete temporary `tmp` to `path` atomically.
// Without `force` an existing `path` is never replaced (rename_no_replace: of two commands
// finishing at once, exactly one gets it). With `force` an existing `path` is replaced only when
// `why_not_replaceable(path)` is empty, checked again now. When `path` cannot be taken, `tmp` is
// moved to kept_path(path) and InputError names that file (which nothing removes).
void move_into_place(const std::string& tmp, const std::string& path, bool force,
                     const std::function<std::string(const std::string&)>& why_not_replaceable);

}  // namespace motsim
