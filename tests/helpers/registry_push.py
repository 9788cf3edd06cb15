#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Test helper for mk's registry client: pushes synthetic images, and fronts a registry with bearer auth.

  push --registry HOST:PORT --repository NAME --tag TAG --kind single|index [--layers N] [--layer-size BYTES]
      Pushes an image with random gzip'ed tar layers over the distribution API (blob upload POST + PUT,
      manifest PUT) and prints what it pushed as JSON:
        {"repository", "tag", "digest" (of what the tag names), "media_type",
         "platforms": {"linux/amd64": {"digest", "media_type", "config", "layers": [...]}, ...}}
      single: one Docker schema 2 manifest (linux/amd64).
      index:  an OCI index of two OCI manifests, linux/amd64 and linux/arm64/v8, each with its own layers.

  auth-proxy --upstream HOST:PORT [--access-log FILE]
      A registry front that demands anonymous bearer tokens, like Docker Hub: /v2/... without
      "Authorization: Bearer token-for-<repository>" answers 401 with
      WWW-Authenticate: Bearer realm="http://127.0.0.1:<port>/token",service="mk-test-registry",scope=...;
      GET /token?service=mk-test-registry&scope=repository:<name>:pull gives {"token": "token-for-<name>"}.
      Manifests are proxied to the upstream registry. Blob GETs answer 307 to a second server (a "CDN" at
      http://localhost:<cdn port>/cdn/...) that, like S3, refuses requests carrying an Authorization header
      (400) and otherwise proxies the blob (Range included). Prints "PORT <n>" once listening. Access log lines:
        <api|cdn> <method> <target> <status> auth=<yes|no>
"""

import argparse
import gzip
import hashlib
import http.client
import http.server
import io
import json
import os
import re
import sys
import tarfile
import threading
import urllib.parse

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
SERVICE = "mk-test-registry"


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def request(registry, method, target, body=None, headers=None):
    connection = http.client.HTTPConnection(registry, timeout=60)
    connection.request(method, target, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def upload_blob(registry, repository, data):
    digest = sha256(data)
    response, body = request(registry, "POST", f"/v2/{repository}/blobs/uploads/")
    if response.status != 202:
        sys.exit(f"upload start failed: {response.status} {body!r}")
    location = response.getheader("Location")
    parsed = urllib.parse.urlsplit(location)
    target = parsed.path + "?" + (parsed.query + "&" if parsed.query else "")
    target += "digest=" + urllib.parse.quote(digest)
    response, body = request(registry, "PUT", target, body=data,
                             headers={"Content-Type": "application/octet-stream",
                                      "Content-Length": str(len(data))})
    if response.status != 201:
        sys.exit(f"upload of {digest} failed: {response.status} {body!r}")
    return digest


def put_manifest(registry, repository, reference, media_type, data):
    response, body = request(registry, "PUT", f"/v2/{repository}/manifests/{reference}", body=data,
                             headers={"Content-Type": media_type, "Content-Length": str(len(data))})
    if response.status != 201:
        sys.exit(f"manifest PUT {reference} failed: {response.status} {body!r}")
    return sha256(data)


def random_layer(size):
    """A gzip'ed tar holding one file of random bytes, and the sha256 of the uncompressed tar (its diff id)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        content = os.urandom(size)
        info = tarfile.TarInfo(f"data/{os.urandom(6).hex()}.bin")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    tar_bytes = raw.getvalue()
    return gzip.compress(tar_bytes, mtime=0), sha256(tar_bytes)


def push_image(args, architecture, variant, oci):
    layers, diff_ids = [], []
    for _ in range(args.layers):
        layer, diff_id = random_layer(args.layer_size)
        layers.append(layer)
        diff_ids.append(diff_id)
    config = {"architecture": architecture, "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids},
              "config": {"Cmd": ["/bin/true"]}}
    if variant:
        config["variant"] = variant
    config_bytes = json.dumps(config).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST if oci else DOCKER_MANIFEST,
        "config": {"mediaType": OCI_CONFIG if oci else DOCKER_CONFIG, "size": len(config_bytes),
                   "digest": upload_blob(args.registry, args.repository, config_bytes)},
        "layers": [{"mediaType": OCI_LAYER if oci else DOCKER_LAYER, "size": len(layer),
                    "digest": upload_blob(args.registry, args.repository, layer)} for layer in layers],
    }
    manifest_bytes = json.dumps(manifest, indent=3).encode()
    return manifest, manifest_bytes


def push(args):
    platforms = {}
    if args.kind == "single":
        manifest, data = push_image(args, "amd64", "", oci=False)
        digest = put_manifest(args.registry, args.repository, args.tag, DOCKER_MANIFEST, data)
        platforms["linux/amd64"] = {"digest": digest, "media_type": DOCKER_MANIFEST,
                                    "config": manifest["config"]["digest"],
                                    "layers": [layer["digest"] for layer in manifest["layers"]]}
        top_digest, media_type = digest, DOCKER_MANIFEST
    else:
        entries = []
        for architecture, variant in (("amd64", ""), ("arm64", "v8")):
            manifest, data = push_image(args, architecture, variant, oci=True)
            digest = put_manifest(args.registry, args.repository, sha256(data), OCI_MANIFEST, data)
            platform = {"architecture": architecture, "os": "linux"}
            if variant:
                platform["variant"] = variant
            entries.append({"mediaType": OCI_MANIFEST, "size": len(data), "digest": digest, "platform": platform})
            name = "linux/" + architecture + ("/" + variant if variant else "")
            platforms[name] = {"digest": digest, "media_type": OCI_MANIFEST, "config": manifest["config"]["digest"],
                               "layers": [layer["digest"] for layer in manifest["layers"]]}
        index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}).encode()
        top_digest = put_manifest(args.registry, args.repository, args.tag, OCI_INDEX, index)
        media_type = OCI_INDEX
    print(json.dumps({"repository": args.repository, "tag": args.tag, "digest": top_digest,
                      "media_type": media_type, "platforms": platforms}))


class FrontHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the access log below replaces it
        pass

    def log_access(self, status):
        server = self.server
        if not server.access_log:
            return
        auth = "yes" if self.headers.get("Authorization") else "no"
        with server.lock:
            with open(server.access_log, "a") as log:
                log.write(f"{server.role} {self.command} {self.path} {status} auth={auth}\n")

    def answer(self, status, body=b"", headers=()):
        self.log_access(status)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def proxy(self, target):
        """Streams the upstream registry's answer to GET `target`."""
        headers = {name: self.headers[name] for name in ("Accept", "Range") if self.headers.get(name)}
        connection = http.client.HTTPConnection(self.server.upstream, timeout=60)
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        self.log_access(response.status)
        self.send_response(response.status)
        for name in ("Content-Type", "Content-Length", "Content-Range", "Docker-Content-Digest"):
            if response.getheader(name):
                self.send_header(name, response.getheader(name))
        self.end_headers()
        while True:
            chunk = response.read(65536)
            if not chunk:
                break
            self.wfile.write(chunk)
        connection.close()

    def do_GET(self):
        if self.server.role == "cdn":
            return self.serve_cdn()
        return self.serve_api()

    def serve_cdn(self):
        match = re.fullmatch(r"/cdn/(.+)/blobs/(sha256:[0-9a-f]{64})(\?.*)?", self.path)
        if not match:
            return self.answer(404)
        if self.headers.get("Authorization"):
            return self.answer(400, b"<Error><Code>InvalidArgument</Code>"
                                    b"<Message>Only one auth mechanism allowed</Message></Error>")
        return self.proxy(f"/v2/{match.group(1)}/blobs/{match.group(2)}")

    def serve_api(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/token":
            query = urllib.parse.parse_qs(url.query)
            scope = query.get("scope", [""])[0]
            match = re.fullmatch(r"repository:(.+):pull", scope)
            if query.get("service", [""])[0] != SERVICE or not match:
                return self.answer(400, b'{"details":"bad service or scope"}')
            token = json.dumps({"token": "token-for-" + match.group(1), "expires_in": 300}).encode()
            return self.answer(200, token, [("Content-Type", "application/json")])
        match = re.fullmatch(r"/v2/(.+)/(manifests|blobs)/([^/]+)", url.path)
        repository = match.group(1) if match else ""
        authorization = self.headers.get("Authorization", "")
        if url.path == "/v2/":
            authorized = authorization.startswith("Bearer token-for-")
        else:
            authorized = match is not None and authorization == "Bearer token-for-" + repository
        if not authorized:
            challenge = f'Bearer realm="http://127.0.0.1:{self.server.server_port}/token",service="{SERVICE}"'
            if repository:
                challenge += f',scope="repository:{repository}:pull"'
            body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
            return self.answer(401, body, [("WWW-Authenticate", challenge), ("Content-Type", "application/json")])
        if url.path == "/v2/":
            return self.answer(200, b"{}", [("Content-Type", "application/json")])
        if not match:
            return self.answer(404)
        if match.group(2) == "manifests":
            return self.proxy(url.path)
        location = f"http://localhost:{self.server.cdn_port}/cdn/{repository}/blobs/{match.group(3)}?signature=x"
        return self.answer(307, b"", [("Location", location)])


def make_server(role, args, lock):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FrontHandler)
    server.daemon_threads = True
    server.role = role
    server.upstream = args.upstream
    server.access_log = args.access_log
    server.lock = lock
    return server


def auth_proxy(args):
    lock = threading.Lock()
    api = make_server("api", args, lock)
    cdn = make_server("cdn", args, lock)
    api.cdn_port = cdn.server_port
    threading.Thread(target=cdn.serve_forever, daemon=True).start()
    print(f"PORT {api.server_port}", flush=True)
    api.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    push_parser = commands.add_parser("push")
    push_parser.add_argument("--registry", required=True)
    push_parser.add_argument("--repository", required=True)
    push_parser.add_argument("--tag", required=True)
    push_parser.add_argument("--kind", choices=("single", "index"), required=True)
    push_parser.add_argument("--layers", type=int, default=2)
    push_parser.add_argument("--layer-size", type=int, default=100_000)
    proxy_parser = commands.add_parser("auth-proxy")
    proxy_parser.add_argument("--upstream", required=True)
    proxy_parser.add_argument("--access-log")
    args = parser.parse_args()
    if args.command == "push":
        push(args)
    else:
        auth_proxy(args)


if __name__ == "__main__":
    main()
