// SPDX-License-Identifier: Apache-2.0
#include "mk/core/error.hpp"

namespace mk::core {

std::string Error::summary() const {
  std::string text;
  for (auto it = context.rbegin(); it != context.rend(); ++it) {
    text += *it;
    text += ": ";
  }
  return text + message;
}

std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message), {}, std::nullopt, {}});
}

std::unexpected<Error> fail(Error error) {
  return std::unexpected(std::move(error));
}

int exit_code_for(ErrorCode code) {
  switch (code) {
  case ErrorCode::failure:
    return 1;
  case ErrorCode::interrupted:
    return 130;
  case ErrorCode::conflict:
    return 11;
  case ErrorCode::usage:
    return 14;
  case ErrorCode::network:
    return 40;
  case ErrorCode::checksum:
    return 41;
  case ErrorCode::driver_unavailable:
    return 50;
  case ErrorCode::driver_failed:
    return 51;
  case ErrorCode::node_failed:
    return 80;
  case ErrorCode::not_found:
    return 85;
  case ErrorCode::kubernetes_failed:
    return 90;
  case ErrorCode::timeout:
    return 91;
  }
  return 1;
}

} // namespace mk::core
