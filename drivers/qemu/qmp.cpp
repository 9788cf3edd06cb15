// SPDX-License-Identifier: Apache-2.0
#include "drivers/qemu/qmp.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace mk::drivers::qemu {

namespace {

class Connection {
public:
  explicit Connection(int fd) : m_fd(fd) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (m_fd >= 0) ::close(m_fd);
  }
  int fd() const { return m_fd; }

private:
  int m_fd;
};

Error qmp_error(const std::filesystem::path& socket, std::string what) {
  return Error{
      ErrorCode::driver_failed, fmt::format("qemu's monitor {}: {}", socket.string(), what), {}, {}, {}};
}

// The next message of the stream that is not an asynchronous event.
Result<nlohmann::json> read_reply(int fd, std::string& buffer, std::chrono::steady_clock::time_point deadline,
                                  const std::filesystem::path& socket) {
  while (true) {
    for (auto newline = buffer.find('\n'); newline != std::string::npos; newline = buffer.find('\n')) {
      auto line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      auto message = nlohmann::json::parse(line, nullptr, false);
      if (message.is_object() && !message.contains("event")) return message;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return fail(qmp_error(socket, "no answer in time"));
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[4096];
    auto got = ::read(fd, chunk, sizeof chunk);
    if (got <= 0) return fail(qmp_error(socket, "the connection closed"));
    buffer.append(chunk, static_cast<size_t>(got));
  }
}

Status send(int fd, const std::string& text, const std::filesystem::path& socket) {
  size_t sent = 0;
  while (sent < text.size()) {
    auto n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(qmp_error(socket, std::strerror(errno)));
    sent += static_cast<size_t>(n);
  }
  return {};
}

} // namespace

Result<nlohmann::json> qmp_execute(const std::filesystem::path& socket, std::string_view command,
                                   std::chrono::milliseconds timeout, const nlohmann::json& arguments) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket.string().size() >= sizeof address.sun_path)
    return fail(qmp_error(socket, "the path is too long for a unix socket"));
  std::strcpy(address.sun_path, socket.c_str());
  Connection connection(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (connection.fd() < 0) return fail(qmp_error(socket, std::strerror(errno)));
  if (::connect(connection.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return fail(qmp_error(socket, std::strerror(errno)));
  std::string buffer;
  MK_TRY(read_reply(connection.fd(), buffer, deadline, socket)); // the greeting
  MK_TRY(send(connection.fd(),
              R"({"execute":"qmp_capabilities"})"
              "\n",
              socket));
  MK_TRY(read_reply(connection.fd(), buffer, deadline, socket));
  nlohmann::json request{{"execute", command}};
  if (!arguments.is_null()) request["arguments"] = arguments;
  MK_TRY(send(connection.fd(), request.dump() + "\n", socket));
  auto reply = MK_TRY(read_reply(connection.fd(), buffer, deadline, socket));
  if (reply.contains("error"))
    return fail(
        qmp_error(socket, fmt::format("{} failed: {}", command, reply["error"].value("desc", reply.dump()))));
  return reply.value("return", nlohmann::json::object());
}

} // namespace mk::drivers::qemu
