// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace mk::core {

// What went wrong, coarsely; each kind maps to one documented exit code (see README, "Exit codes").
enum class ErrorCode {
  failure,            // anything not covered below
  usage,              // an invalid flag, argument or combination of them
  conflict,           // the profile is busy, or an existing cluster cannot take the requested change
  not_found,          // the profile (or something named by the user) does not exist
  driver_unavailable, // the container engine is missing or not answering
  driver_failed,      // the container engine refused or failed a request
  node_failed,        // the node did not boot or a command in it failed
  kubernetes_failed,  // the control plane did not come up
  network,            // a download or a registry could not be reached
  checksum,           // a download did not match its checksum
  timeout,            // a wait ran out of time
  interrupted,        // the user interrupted mk
};

// A command that ran and failed: everything needed to show the user what happened.
struct CommandFailure {
  std::vector<std::string> argv;
  int exit_code = -1;
  std::string out;
  std::string err;
};

// An expected failure, carried as a value. Only cmd/main.cpp turns it into output and an exit code.
struct Error {
  ErrorCode code = ErrorCode::failure;
  std::string message;                   // one line, what failed ("cannot create network mk")
  std::vector<std::string> context;      // outer explanations added by wrap(), outermost last
  std::optional<CommandFailure> command; // set when an external command failed
  std::string advice;                    // optional: what the user can do about it

  // Adds an outer explanation ("starting node mk") and returns the error, keeping its code.
  Error&& wrap(std::string outer) && {
    context.push_back(std::move(outer));
    return std::move(*this);
  }
  Error&& with_advice(std::string text) && {
    advice = std::move(text);
    return std::move(*this);
  }
  // The one-line summary: outermost context first, then the message.
  std::string summary() const;
};

template <class T> using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

// Builds an unexpected Error; `return fail(ErrorCode::usage, "...")`.
std::unexpected<Error> fail(ErrorCode code, std::string message);
std::unexpected<Error> fail(Error error);

// The process exit code documented for `code`.
int exit_code_for(ErrorCode code);

} // namespace mk::core

namespace mk {
using core::Error;
using core::ErrorCode;
using core::fail;
using core::Result;
using core::Status;
} // namespace mk

// Propagates an error from an expression yielding a Result/Status, else evaluates to its value (GNU statement
// expression, supported by g++ and clang).
#define MK_TRY(expr)                                                                                         \
  __extension__({                                                                                            \
    auto&& mk_try_result_ = (expr);                                                                          \
    if (!mk_try_result_) return std::unexpected(std::move(mk_try_result_).error());                          \
    std::move(mk_try_result_).value();                                                                       \
  })
