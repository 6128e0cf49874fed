#pragma once
// The motsim command line. Exit codes: 0 ok, 2 bad input or usage, 1 internal failure.
namespace motsim {
int cli_main(int argc, char** argv);
}
