# SPDX-License-Identifier: Apache-2.0
# Every external dependency of mk, all from Debian bookworm packages (see scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system filesystem)
find_package(OpenSSL 3 REQUIRED)
find_package(yaml-cpp 0.7 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(CLI11 2 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(LibArchive 3.6 REQUIRED)
find_package(Catch2 2 REQUIRED)
