// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mk::core {

// `text` without leading and trailing white space.
std::string_view trim(std::string_view text);
// `text` cut at every `separator`; empty pieces are kept unless `skip_empty`.
std::vector<std::string> split(std::string_view text, char separator, bool skip_empty = false);
// The white-space separated words of `text`.
std::vector<std::string> words(std::string_view text);
// The last `count` lines of `text` (all of it when it has fewer).
std::string last_lines(std::string_view text, size_t count);
// `text` with every line prefixed by `prefix`.
std::string indent(std::string_view text, std::string_view prefix);

} // namespace mk::core
