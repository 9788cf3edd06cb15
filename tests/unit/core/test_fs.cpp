// SPDX-License-Identifier: Apache-2.0
#include "mk/core/fs.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace mk;

TEST_CASE("atomic writes replace content, set the mode and leave no temporary file", "[core]") {
  auto dir = std::filesystem::temp_directory_path() / ("mk-fs-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto file = dir / "sub" / "f.txt";
  REQUIRE(core::write_file_atomic(file, "one", 0600));
  REQUIRE(core::write_file_atomic(file, "two", 0640));
  CHECK(core::read_file(file).value() == "two");
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0640);
  CHECK(std::distance(std::filesystem::directory_iterator(dir / "sub"),
                      std::filesystem::directory_iterator{}) == 1);
  auto missing = core::read_file(dir / "nope");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::not_found);
  std::filesystem::remove_all(dir);
}
