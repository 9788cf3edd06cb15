#!/bin/sh
# Formats every C++ file with the repository's .clang-format; with --check, lists unformatted files and fails.
set -eu
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = --check ]; then
  clang-format --dry-run --Werror $files
else
  clang-format -i $files
fi
