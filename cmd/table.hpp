// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace mk::cmd {

// Prints `rows` (the first is the header) as left-aligned columns two spaces apart, without trailing blanks.
void print_table(const std::vector<std::vector<std::string>>& rows);

} // namespace mk::cmd
