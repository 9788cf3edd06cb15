// SPDX-License-Identifier: Apache-2.0
// The command line grammar of mk (the only file that includes CLI11).
#include "cmd/invocation.hpp"
#include "mk/core/error.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace mk::cmd {

namespace {

// Builds the whole command tree, writing into `in`.
std::unique_ptr<CLI::App> build_app(Invocation& in) {
  auto app = std::make_unique<CLI::App>("mk: local Kubernetes clusters in containers", "mk");
  app->require_subcommand(1);
  app->fallthrough();
  app->set_help_all_flag("--help-all", "Show help for every command");
  app->add_option("-p,--profile", in.profile,
                  "The profile (cluster) to act on (default: mk config's profile, else mk)");
  app->add_option("-v,--verbosity", in.verbosity, "Diagnostic output on stderr: 1 commands, 2 their output")
      ->check(CLI::Range(0, 9));

  auto* start = app->add_subcommand("start", "Create and start a cluster, or start an existing one");
  auto& f = in.start;
  start->add_option("--driver", f.driver, "Driver: docker, podman or qemu (default: auto-detect)");
  start->add_option("--base-image", f.base_image, "Node image (kicbase-compatible) to create nodes from");
  start->add_option("--vm-image", f.vm_image,
                    "qemu driver: the VM node image (URL or absolute path; its .sha256 beside it)");
  start->add_option("--disk-size", f.disk_size,
                    "qemu driver: the node's disk size, e.g. 20g (default 20000mb)");
  start->add_option("--nodes", f.nodes,
                    "Number of nodes of a new cluster: the control plane, then workers (default 1)");
  start->add_flag("--no-kubernetes", f.no_kubernetes, "Start the nodes without Kubernetes");
  start->add_option("--kubernetes-version", f.kubernetes_version,
                    "Kubernetes version: vX.Y.Z, X.Y.Z, stable or latest (default: stable, v1.35.1)");
  start->add_option("--cpus", f.cpus, "CPUs for the node: a number, max or no-limit (default 2)");
  start->add_option("--memory", f.memory,
                    "Memory for the node, e.g. 4096mb or 4g, or no-limit (default: a quarter of the machine, "
                    "at least 3072mb)");
  start->add_option("--subnet", f.subnet,
                    "Private subnet of the cluster network (default: the first free 192.168.x.0/24)");
  start->add_option("--static-ip", f.static_ip, "Fixed private IP of the node (its /24 becomes the subnet)");
  start->add_option(
      "--image-repository", f.image_repository,
      "Registry (and path) for every control-plane and addon image, e.g. registry.example.com/k8s, or auto");
  start->add_option("--insecure-registry", f.insecure_registries,
                    "A registry (host:port) the node reaches over plain HTTP; repeatable");
  start->add_option("--binary-mirror", f.binary_mirror,
                    "Base URL replacing https://dl.k8s.io/release for kubeadm, kubelet and kubectl");
  start->add_option(
      "--image-mirror-country", f.image_mirror_country,
      "Take every download from this country's mirrors (cn: Aliyun): node image, images, binaries, preload");
  start->add_option("--registry-mirror", f.registry_mirrors,
                    "A mirror for docker.io pulls in the node, http(s)://host[:port]; repeatable");
  start->add_option(
      "--preload-mirror", f.preload_mirror,
      "Base URL of preload tarballs (layout <base>/<preload version>/<k8s version>/<name> + .sha256)");
  start->add_flag("--preload", f.preload,
                  "Use a preload tarball when one exists (default true); --preload=false fetches binaries "
                  "and images one by one");
  start->add_flag(
      "--download-only", f.download_only,
      "Fill the cache for this version (node image, preload or binaries + images); create nothing");
  start->add_flag("--dry-run", f.dry_run,
                  "Validate and print every image and URL a start would fetch; touch nothing");
  start->add_option(
      "--wait", f.wait,
      "What to wait for before returning: a list of apiserver, system_pods, default_sa, "
      "apps_running, node_ready, kubelet, extra; or all, none (default: apiserver,node_ready,default_sa)");
  start->add_option("--addons", f.addons,
                    "Addons to enable, comma-separated (see mk addons list); recorded in the profile");
  start->add_flag("--keep-context", f.keep_context,
                  "Add the cluster to the kubeconfig without making it the current context");
  start->add_flag(
      "--force", f.force,
      "Go on despite failed checks, e.g. an unsupported --kubernetes-version (never needed for root)");

  app->add_subcommand("stop", "Stop a running cluster, keeping its state");
  auto* remove = app->add_subcommand("delete", "Delete a cluster and everything mk created for it");
  remove->add_flag("--all", in.all, "Delete every profile of this MK_HOME and every object it created");
  remove->add_flag("--purge", in.purge, "With --all: also remove MK_HOME (the cache, the CAs, the keys)");

  auto* status = app->add_subcommand("status", "Show the state of a cluster's nodes and components");
  status->add_option("-n,--node", in.node, "Only this node (default: every node)");
  status->add_option("-o,--output", in.output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));

  auto* ssh = app->add_subcommand("ssh", "Log into a node, or run a command there: mk ssh -- CMD...");
  ssh->add_option("-n,--node", in.node, "The node (default: the primary node)");
  ssh->add_option("command", in.arguments, "Command to run in the node (after --)");

  auto* node = app->add_subcommand("node", "Manage a cluster's nodes");
  node->require_subcommand(1);
  node->add_subcommand("list", "List the nodes: <name> TAB <ip>");
  auto* node_add = node->add_subcommand("add", "Add a worker node to the running cluster");
  node_add->add_flag("--worker", in.worker, "Add a worker (the default; the only kind mk adds)");
  node_add->add_flag("--control-plane", in.control_plane,
                     "Add a control-plane node (not supported: mk clusters have one control plane)");
  auto* node_delete = node->add_subcommand("delete", "Drain and delete a worker node");
  node_delete->add_option("name", in.node, "The node, e.g. mk-m02")->required();
  auto* node_stop = node->add_subcommand("stop", "Stop one node");
  node_stop->add_option("name", in.node, "The node, e.g. mk-m02")->required();
  auto* node_start = node->add_subcommand("start", "Start one node and wait until it is Ready");
  node_start->add_option("name", in.node, "The node, e.g. mk-m02")->required();

  auto* pause = app->add_subcommand(
      "pause", "Pause Kubernetes: stop the kubelets and freeze the containers of the chosen namespaces");
  pause->add_option("-n,--namespaces", in.namespaces,
                    "Namespaces to pause, comma-separated (default: kube-system,kubernetes-dashboard,"
                    "istio-operator)");
  pause->add_flag("-A,--all-namespaces", in.all_namespaces, "Pause every namespace");
  app->add_subcommand("unpause", "Thaw what mk pause froze and start the kubelets again");

  auto* kubectl =
      app->add_subcommand("kubectl", "Run a kubectl of the cluster's version: mk kubectl -- ARGS...");
  kubectl->add_option("arguments", in.arguments, "kubectl's arguments (after --)");

  auto* ip = app->add_subcommand("ip", "Print the IP address of a node");
  ip->add_option("-n,--node", in.node, "The node (default: the primary node)");

  app->add_subcommand("update-context",
                      "Point the profile's kubeconfig entry at the API server's current address and port");

  auto* profile =
      app->add_subcommand("profile", "Manage profiles; mk profile NAME makes NAME the default profile");
  profile->require_subcommand(0, 1);
  profile->add_option("name", in.name, "The profile commands act on when -p is not given");
  auto* profile_list = profile->add_subcommand("list", "List all profiles");
  profile_list->add_option("-o,--output", in.output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));

  auto* cache = app->add_subcommand("cache", "Manage the download cache (offline use, air-gapped machines)");
  cache->require_subcommand(1);
  cache->add_subcommand("list", "List what is cached, per Kubernetes version");
  auto* cache_export = cache->add_subcommand("export", "Write everything cached for a version to FILE");
  cache_export->add_option("file", in.file, "The archive to write")->required();
  cache_export
      ->add_option("--kubernetes-version", in.start.kubernetes_version, "The version to export: vX.Y.Z")
      ->required();
  auto* cache_import =
      cache->add_subcommand("import", "Put a version exported by `mk cache export` into this cache");
  cache_import->add_option("file", in.file, "The archive to read")->required()->check(CLI::ExistingFile);

  auto* config = app->add_subcommand("config", "Persistent defaults for mk start flags and the profile");
  config->require_subcommand(1);
  auto* config_set = config->add_subcommand("set", "Set a default: mk config set KEY VALUE");
  config_set
      ->add_option("key", in.name,
                   "driver, cpus, memory, kubernetes-version, image-mirror-country, "
                   "image-repository, registry-mirror, binary-mirror, base-image or profile")
      ->required();
  config_set->add_option("value", in.value, "The value (as the flag takes it)")->required();
  auto* config_get = config->add_subcommand("get", "Print a default: mk config get KEY");
  config_get->add_option("key", in.name, "The key")->required();
  auto* config_unset = config->add_subcommand("unset", "Remove a default: mk config unset KEY");
  config_unset->add_option("key", in.name, "The key")->required();
  config->add_subcommand("view", "Print every default");

  auto* addons = app->add_subcommand("addons", "Enable, disable and list a cluster's addons");
  addons->require_subcommand(1);
  auto* addons_list = addons->add_subcommand("list", "List the addons and whether the profile enables them");
  addons_list->add_option("-o,--output", in.output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  auto* addons_enable =
      addons->add_subcommand("enable", "Enable an addon (a stopped cluster gets it on its next start)");
  addons_enable->add_option("name", in.name, "The addon")->required();
  addons_enable->add_option("--images", in.images,
                            "Custom images, ROLE=REFERENCE,... (roles: mk addons images NAME)");
  addons_enable->add_option("--registries", in.registries, "Custom registries, ROLE=HOST,...");
  addons_enable->add_flag("--wait", in.wait, "Wait until the addon's pods are Ready");
  addons_enable->add_option("--wait-timeout", in.wait_timeout,
                            "How long --wait waits, e.g. 90s or 6m (default 6m)");
  auto* addons_disable = addons->add_subcommand("disable", "Disable an addon and delete its objects");
  addons_disable->add_option("name", in.name, "The addon")->required();
  auto* addons_images =
      addons->add_subcommand("images", "Print an addon's images for this profile and their registries");
  addons_images->add_option("name", in.name, "The addon")->required();

  auto* dashboard = app->add_subcommand(
      "dashboard", "Run an API proxy to the dashboard addon, print its URL and open it in a browser");
  dashboard->add_flag("--url", in.url, "Only print the URL (do not open a browser)");

  auto* image = app->add_subcommand("image", "Manage the images in the nodes' container runtime");
  image->require_subcommand(1);
  auto* image_load = image->add_subcommand(
      "load", "Load an image of the host's engine, or an image tar file, into every running node (streamed)");
  image_load->add_option("source", in.name, "IMAGE (docker save) or FILE.tar")->required();
  image_load->add_flag(
      "--overwrite", in.overwrite,
      "Load even where the node has the image already (default true; --overwrite=false keeps "
      "theirs)");
  image->add_subcommand("ls", "List the images in the nodes");
  auto* image_rm = image->add_subcommand("rm", "Remove an image from every node");
  image_rm->add_option("image", in.name, "The image, e.g. busybox:1.36")->required();

  auto* service = app->add_subcommand(
      "service",
      "Print the URLs of a NodePort Service and open them: mk service NAME [--url]; mk service list");
  service->require_subcommand(0, 1);
  service->add_option("name", in.name, "The Service");
  service->add_option("-n,--namespace", in.service_namespace, "Its namespace (default: default)");
  service->add_flag("--url", in.url, "Only print the URLs (do not open a browser)");
  auto* service_list = service->add_subcommand("list", "List the Services' ports and their URLs");
  service_list->add_option("-n,--namespace", in.service_namespace, "Only this namespace (default: all)");

  auto* logs = app->add_subcommand(
      "logs", "Print what a bug report needs: the last start's log, kubelet, containerd and component logs");
  logs->add_option("-n,--node", in.node, "The node (default: the primary node)");
  logs->add_option("--file", in.file, "Write the logs to this file instead of stdout");
  logs->add_option("--length", in.length, "Lines per source (default 60)")->check(CLI::Range(1, 100000));
  logs->add_flag("--problems", in.problems, "Only the lines that report a problem");
  logs->add_flag("-f,--follow", in.follow, "Follow the kubelet's journal");

  auto* cp = app->add_subcommand("cp", "Copy a file between the host and a node: mk cp SRC [NODE:]DST, "
                                       "mk cp [NODE:]SRC DST");
  cp->add_option("source", in.name, "A host file, or [NODE:]/PATH in a node")->required();
  cp->add_option("destination", in.value, "[NODE:]/PATH in a node, or a host path")->required();

  auto* version = app->add_subcommand("version", "Print the version of mk");
  version->add_option("-o,--output", in.output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));

  auto* completion =
      app->add_subcommand("completion", "Print a shell completion script: mk completion bash|zsh|fish");
  completion->add_option("shell", in.arguments, "bash, zsh or fish")
      ->required()
      ->expected(1)
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  return app;
}

std::string command_path(const CLI::App& app) {
  std::string path;
  const CLI::App* current = &app;
  while (true) {
    auto subs = current->get_subcommands();
    if (subs.empty()) break;
    current = subs.front();
    path += (path.empty() ? "" : " ") + current->get_name();
  }
  return path;
}

} // namespace

Parsed parse_command_line(int argc, char** argv) {
  Invocation in;
  auto app = build_app(in);
  try {
    app->parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return {std::nullopt, app->exit(e)};
  } catch (const CLI::CallForAllHelp& e) {
    return {std::nullopt, app->exit(e)};
  } catch (const CLI::ParseError& e) {
    // a misspelt command reads better than CLI11's "A subcommand is required"
    if (argc > 1 && argv[1][0] != '-') {
      auto known = app->get_subcommands([&](const CLI::App* sub) { return sub->get_name() == argv[1]; });
      if (known.empty()) {
        fmt::print(stderr, "mk: unknown command \"{}\"\nRun 'mk --help' for the commands.\n", argv[1]);
        return {std::nullopt, core::exit_code_for(ErrorCode::usage)};
      }
    }
    std::string where = command_path(*app);
    fmt::print(stderr, "mk: {}\nRun 'mk {}{}--help' for usage.\n", e.what(), where, where.empty() ? "" : " ");
    return {std::nullopt, core::exit_code_for(ErrorCode::usage)};
  }
  in.command = command_path(*app);
  in.argv.assign(argv, argv + argc);
  in.profile_given = app->get_option("--profile")->count() > 0;
  return {std::move(in), 0};
}

namespace {

// One `complete` line per command, subcommand and option (fish quotes its arguments with '...').
std::string fish_completion(const CLI::App& app) {
  auto quoted = [](std::string text) {
    std::string out = "'";
    for (char c : text)
      out += c == '\'' ? std::string("\\'") : c == '\\' ? std::string("\\\\") : std::string(1, c);
    return out + "'";
  };
  auto options = [&](const CLI::App& sub, const std::string& condition) {
    std::string lines;
    for (const auto* option : sub.get_options()) {
      if (option->get_lnames().empty() && option->get_snames().empty()) continue; // positional
      std::string line = "complete -c mk" + condition;
      for (const auto& name : option->get_lnames())
        line += " -l " + name;
      for (const auto& name : option->get_snames())
        line += " -s " + name;
      lines += line + " -d " + quoted(option->get_description()) + "\n";
    }
    return lines;
  };
  std::string text = "# mk completion for fish: mk completion fish | source\ncomplete -c mk -f\n";
  text += options(app, "");
  for (const auto* sub : app.get_subcommands({})) {
    text += fmt::format("complete -c mk -n __fish_use_subcommand -a {} -d {}\n", sub->get_name(),
                        quoted(sub->get_description()));
    auto condition = fmt::format(" -n '__fish_seen_subcommand_from {}'", sub->get_name());
    text += options(*sub, condition);
    for (const auto* inner : sub->get_subcommands({}))
      text += fmt::format("complete -c mk{} -a {} -d {}\n", condition, inner->get_name(),
                          quoted(inner->get_description()));
  }
  return text;
}

} // namespace

std::string completion_script(std::string_view shell) {
  Invocation scratch;
  auto app = build_app(scratch);
  std::string cases;
  std::string top;
  auto flags_of = [](const CLI::App& sub) {
    std::string flags;
    for (const auto* option : sub.get_options()) {
      for (const auto& name : option->get_lnames())
        flags += " --" + name;
      for (const auto& name : option->get_snames())
        flags += " -" + name;
    }
    return flags;
  };
  std::string global = flags_of(*app);
  for (const auto* sub : app->get_subcommands({})) {
    top += " " + sub->get_name();
    std::string words = flags_of(*sub);
    for (const auto* inner : sub->get_subcommands({}))
      words += " " + inner->get_name();
    cases += fmt::format("    {}) words=\"{}{}\" ;;\n", sub->get_name(), words, global);
  }
  auto bash = fmt::format(R"(# mk completion for bash: source <(mk completion bash)
_mk() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} command="" i words
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${{COMP_WORDS[i]}}" in -*) ;; *) command=${{COMP_WORDS[i]}}; break ;; esac
  done
  case "$command" in
{}    *) words="{}{}" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
complete -F _mk mk
)",
                          cases, top, global);
  if (shell == "bash") return bash;
  if (shell == "zsh")
    return "#compdef mk\n# mk completion for zsh: source <(mk completion zsh)\nautoload -U +X bashcompinit "
           "&& bashcompinit\n" +
           bash;
  if (shell == "fish") return fish_completion(*app);
  return {};
}

} // namespace mk::cmd
