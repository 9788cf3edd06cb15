// SPDX-License-Identifier: Apache-2.0
#include "mk/core/strings.hpp"

namespace mk::core {

std::string_view trim(std::string_view text) {
  constexpr std::string_view k_space = " \t\r\n";
  auto begin = text.find_first_not_of(k_space);
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(k_space);
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> split(std::string_view text, char separator, bool skip_empty) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    auto part = text.substr(start, end - start);
    if (!skip_empty || !part.empty()) parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  size_t position = 0;
  while (true) {
    auto begin = text.find_first_not_of(" \t\r\n", position);
    if (begin == std::string_view::npos) break;
    auto end = text.find_first_of(" \t\r\n", begin);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(text.substr(begin, end - begin));
    position = end;
  }
  return out;
}

std::string last_lines(std::string_view text, size_t count) {
  while (!text.empty() && text.back() == '\n')
    text.remove_suffix(1);
  if (count == 0) return {};
  size_t position = text.size();
  for (size_t lines = 0; lines < count; ++lines) {
    auto newline = position == 0 ? std::string_view::npos : text.rfind('\n', position - 1);
    if (newline == std::string_view::npos) return std::string(text);
    position = newline;
  }
  return std::string(text.substr(position + 1));
}

std::string indent(std::string_view text, std::string_view prefix) {
  std::string out;
  for (auto& line : split(trim(text), '\n')) {
    out += prefix;
    out += line;
    out += '\n';
  }
  return out;
}

} // namespace mk::core
