// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mk/cluster/step.hpp"

// The steps `mk start` is made of, one file each; plan_start() in start.cpp orders them.
namespace mk::cluster::steps {

std::unique_ptr<Step> prepare_node_image(); // pulls the base image when missing
std::unique_ptr<Step> create_network();     // the cluster's network (a free private subnet)
std::unique_ptr<Step> create_node();        // volume + container, booting
std::unique_ptr<Step> start_node();         // starts the stopped container of an existing node
std::unique_ptr<Step> wait_for_boot();      // systemd in the node reports running (or degraded)
std::unique_ptr<Step> install_ssh_key();    // the node's key pair, authorised for user docker

// Kubernetes
std::unique_ptr<Step> fetch_artifacts(); // node image + preload (or binaries), in parallel, into the caches
std::unique_ptr<Step>
generate_certificates();                    // shared CAs, the profile's API server/client/proxy certificates
std::unique_ptr<Step> configure_runtime();  // containerd for Kubernetes, enabled and answering CRI
std::unique_ptr<Step> install_kubernetes(); // binaries, certificates, kubelet unit, CNI, kubeadm config
std::unique_ptr<Step> pull_images();        // control-plane images present in the node's containerd
std::unique_ptr<Step>
bootstrap_control_plane();                     // kubeadm init, or the kubelet started on an initialised node
std::unique_ptr<Step> wait_for_apiserver();    // /healthz answers ok and /version is the version asked for
std::unique_ptr<Step> confirm_control_plane(); // an older profile's control plane is confirmed, then marked
std::unique_ptr<Step> wait_for_node_ready();   // the target node reports Ready (the primary: and workloads
                                               // can be created)
std::unique_ptr<Step> join_node();     // a worker joins with a short-lived token, or its kubelet is started
std::unique_ptr<Step> pod_network();   // every running node routes the other nodes' pod CIDRs
std::unique_ptr<Step> enable_addons(); // default addons applied with the in-node kubectl
std::unique_ptr<Step> update_kubeconfig(); // the profile's cluster, user and context on the host

// The certificate authorities every profile shares, made when missing (both keys at once; a concurrent start
// waits on a lock).
Status ensure_certificate_authorities(const core::Paths& paths);

// Preflight checks that cannot pass in a container (minikube's list), and ImagePull: mk pulls the images
// itself and reports a missing one by name (a missing CoreDNS image must not stop the control plane).
inline constexpr const char* k_ignored_preflight_errors =
    "DirAvailable--etc-kubernetes-manifests,DirAvailable--var-lib-minikube,DirAvailable--var-lib-minikube-"
    "etcd,"
    "FileAvailable--etc-kubernetes-manifests-kube-scheduler.yaml,FileAvailable--etc-kubernetes-manifests-"
    "kube-apiserver.yaml,"
    "FileAvailable--etc-kubernetes-manifests-kube-controller-manager.yaml,FileAvailable--etc-kubernetes-"
    "manifests-etcd.yaml,"
    "Port-10250,Swap,NumCPU,Mem,SystemVerification,FileContent--proc-sys-net-bridge-bridge-nf-call-iptables,"
    "ImagePull";

// The key that lets `mk ssh` in as user docker.
inline constexpr const char* k_authorized_keys = "/home/docker/.ssh/authorized_keys";
// The record of the Kubernetes binaries installed in the node ("<sha256 or origin>  <path>" lines).
std::string binaries_stamp(const k8s::Version& version);

// Whether `kubeadm join` completed in the surveyed worker (its kubelet has a kubeconfig).
bool worker_joined(const NodeSurvey& survey);

// Records in the node (and the profile) that kubeadm init completed there (see cluster/control_plane.hpp).
Status mark_control_plane_completed(StartContext& context);

// The node ports published on 127.0.0.1: ssh, the API server, docker, a registry, the auto-pause proxy.
std::vector<int> published_ports(int apiserver_port);

} // namespace mk::cluster::steps
