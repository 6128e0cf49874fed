#pragma once
// Former home of the run file and the output helpers, kept so that code not yet switched
// keeps building: include sim/io/output.hpp, sim/io/run_file.hpp or sim/io/describe.hpp.
#include "sim/io/describe.hpp"
#include "sim/io/output.hpp"
#include "sim/io/run_file.hpp"
