// SPDX-License-Identifier: Apache-2.0
// The engines' dialects against `inspect` answers recorded from docker 20.10 and podman 4.3 on Debian 12
// (tests/fixtures/oci/).
#include "drivers/oci/dialect.hpp"
#include "mk/core/fs.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace mk;
using drivers::oci::inspected_objects;

static nlohmann::json recorded(const std::string& name) {
  auto text = core::read_file(std::string(MK_FIXTURES_DIR) + "/oci/" + name);
  REQUIRE(text);
  auto objects = inspected_objects(*text);
  REQUIRE(objects.size() == 1);
  return objects.front();
}

TEST_CASE("a docker network's subnet, gateway, users and MTU", "[drivers][dialect]") {
  auto network = recorded("docker-network-inspect.json");
  auto subnets = drivers::oci::network_subnets(network);
  REQUIRE(subnets.size() == 1);
  CHECK(subnets[0].cidr == "172.18.0.0/16");
  CHECK(subnets[0].gateway == "172.18.0.1");
  CHECK(drivers::oci::network_container_count(network) == std::optional<size_t>(1));
  CHECK(drivers::oci::network_mtu(network).empty());
  CHECK(drivers::oci::network_mtu(recorded("docker-bridge-inspect.json")) == "1500");
}

TEST_CASE("a docker container's state", "[drivers][dialect]") {
  auto container = recorded("docker-container-inspect.json");
  CHECK(drivers::oci::container_state(container.at("State").at("Status").get<std::string>()) ==
        driver::State::running);
}

TEST_CASE("every state word of both engines maps to mk's states", "[drivers][dialect]") {
  using driver::State;
  for (auto [word, state] : std::initializer_list<std::pair<const char*, State>>{
           {"running", State::running},
           {"created", State::stopped},
           {"exited", State::stopped},
           {"paused", State::paused},
           {"restarting", State::starting},
           {"dead", State::error},
           {"stopped", State::stopped},    // podman
           {"configured", State::stopped}, // podman: created, never started
           {"stopping", State::running},   // podman: still running until it stopped
           {"removing", State::error},
       })
    CHECK(drivers::oci::container_state(word) == state);
}

TEST_CASE("inspect answers: an array, an empty answer, an IPv6 subnet, not JSON", "[drivers][dialect]") {
  CHECK(inspected_objects("").empty());
  CHECK(inspected_objects("[]\n").empty());
  auto dual = inspected_objects(R"([{"IPAM":{"Config":[{"Subnet":"fd00::/64"},{"Subnet":"10.1.0.0/24"}]}}])");
  REQUIRE(dual.size() == 1);
  auto subnets = drivers::oci::network_subnets(dual[0]);
  REQUIRE(subnets.size() == 1);
  CHECK(subnets[0].cidr == "10.1.0.0/24");
  CHECK(subnets[0].gateway.empty());
  CHECK_THROWS(inspected_objects("Error: no such object"));
}

TEST_CASE("a podman network's subnet and gateway - its users are not listed on it", "[drivers][dialect]") {
  auto network = recorded("podman-network-inspect.json");
  auto subnets = drivers::oci::network_subnets(network);
  REQUIRE(subnets.size() == 1);
  CHECK(subnets[0].cidr == "10.219.77.0/24");
  CHECK(subnets[0].gateway == "10.219.77.1");
  CHECK_FALSE(drivers::oci::network_container_count(network).has_value()); // ask `ps --filter network=`
  CHECK(drivers::oci::network_mtu(network).empty());
  CHECK(drivers::oci::network_mtu(recorded("podman-default-network-inspect.json")).empty());
}

TEST_CASE("a podman container's state and addresses read like docker's", "[drivers][dialect]") {
  for (const char* name : {"podman-container-inspect.json", "docker-container-inspect.json"}) {
    auto container = recorded(name);
    CHECK(drivers::oci::container_state(container.at("State").at("Status").get<std::string>()) ==
          driver::State::running);
    const auto& networks = container.at("NetworkSettings").at("Networks");
    REQUIRE(networks.is_object());
    REQUIRE(networks.size() == 1);
    CHECK_FALSE(networks.begin()->at("IPAddress").get<std::string>().empty());
  }
}

TEST_CASE("labels of containers, volumes and networks of both engines", "[drivers][dialect]") {
  for (const char* name :
       {"docker-container-inspect.json", "podman-container-inspect.json", "docker-volume-inspect.json",
        "podman-volume-inspect.json", "docker-network-inspect.json", "podman-network-inspect.json"}) {
    DYNAMIC_SECTION(name) {
      auto labels = drivers::oci::labels_of(recorded(name));
      CHECK(labels["created_by.mk"] == "fixture");
    }
  }
  CHECK(drivers::oci::labels_of(nlohmann::json::object()).empty());
  CHECK(drivers::oci::labels_of(nlohmann::json::parse(R"({"Config":{"Labels":null}})")).empty());
}

TEST_CASE("an image's entrypoint and command, from both engines", "[drivers][dialect]") {
  for (const char* name : {"docker-image-inspect.json", "podman-image-inspect.json"})
    CHECK(drivers::oci::image_command_of(recorded(name)) == std::vector<std::string>{"/pause"});
  // a container as podman prints it: Entrypoint a string
  CHECK(drivers::oci::image_command_of(recorded("podman-container-inspect.json")) ==
        std::vector<std::string>{"/bin/sleep", "600"});
  CHECK(drivers::oci::image_command_of(recorded("docker-container-inspect.json")) ==
        std::vector<std::string>{"/bin/sleep", "600"});
}
