#include "sim/app/cli.hpp"

int main(int argc, char** argv) { return motsim::cli_main(argc, argv); }
