# SPDX-License-Identifier: Apache-2.0
# mk_warnings: an interface target carrying the project's warning flags.
add_library(mk_warnings INTERFACE)
target_compile_options(mk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                             -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
                                             -Wformat=2 -Wimplicit-fallthrough)
