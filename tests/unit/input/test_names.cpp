// The one rule for names of products, segments and campaigns (sim/input/names.cpp).
#include <doctest/doctest.h>

#include <string>

#include "sim/input/names.hpp"

using namespace motsim;

TEST_CASE("names: ordinary names pass, including non-ASCII text and spaces inside") {
  for (const char* ok : {"Nova", "Orbit Pro", "Pulse-2", "café", "A_b+c (2024)", "Ünïcødé 耳机"})
    CHECK_MESSAGE(name_problem(ok).empty(), ok);
  CHECK(name_problem(std::string(kMaxNameBytes, 'x')).empty());
}

TEST_CASE("names: every character a results file, a CSV cell or --set cannot hold is refused") {
  using namespace std::string_literals;
  CHECK(name_problem("").find("empty") != std::string::npos);
  CHECK(name_problem("Nova/Pro").find("'/'") != std::string::npos);
  CHECK(name_problem("Nova.Pro").find("'.'") != std::string::npos);
  CHECK(name_problem("a,b").find("','") != std::string::npos);
  CHECK(name_problem("a\"b").find("'\"'") != std::string::npos);
  CHECK(name_problem("a\\b").find("'\\'") != std::string::npos);
  CHECK(name_problem("Nova\0X"s).find("code 0") != std::string::npos);  // two names that differ after a NUL
  CHECK(name_problem("a\tb").find("control") != std::string::npos);
  CHECK(name_problem("a\nb").find("control") != std::string::npos);
  CHECK(name_problem(" Nova").find("space") != std::string::npos);
  CHECK(name_problem("Nova ").find("space") != std::string::npos);
  CHECK(name_problem("\xff\xfe").find("UTF-8") != std::string::npos);
  CHECK(name_problem("\xc3").find("UTF-8") != std::string::npos);
  CHECK(name_problem(std::string(kMaxNameBytes + 1, 'x')).find("bytes long") != std::string::npos);
}
