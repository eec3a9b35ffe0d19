#!/usr/bin/env python3
"""Packs a root filesystem directory into a one-layer image with no daemon.

Writes a `docker save` archive (what Jib reads as a `tar://` base image) and, next to it, an OCI image
layout (what skopeo copies into a registry). Reproducible: entries sorted, times fixed, owners
numeric (root unless listed in --owner), so the same inputs give the same layer digest.

usage: pack-rootfs.py ROOTFS OUT_TAR OCI_DIR --ref NAME:TAG [--owner PATH=UID:GID]...
                      [--env K=V]... [--user UID:GID] [--workdir DIR] [--entrypoint JSON]
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import stat
import tarfile

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "1"))


def layer_tar(rootfs, owners):
    """The rootfs as an uncompressed tar, as bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, rootfs)
                info = tar.gettarinfo(path, arcname=rel)
                info.mtime = EPOCH
                uid, gid = 0, 0
                for prefix, (ou, og) in owners.items():
                    if rel == prefix or rel.startswith(prefix + "/"):
                        uid, gid = ou, og
                info.uid, info.gid, info.uname, info.gname = uid, gid, "", ""
                if info.isreg():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return buf.getvalue()


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rootfs")
    ap.add_argument("out_tar")
    ap.add_argument("oci_dir")
    ap.add_argument("--ref", required=True)
    ap.add_argument("--owner", action="append", default=[])
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--user", default="65532:65532")
    ap.add_argument("--workdir", default="/")
    ap.add_argument("--entrypoint", default=None)
    ap.add_argument("--label", action="append", default=[])
    args = ap.parse_args()

    owners = {}
    for o in args.owner:
        path, ids = o.split("=", 1)
        u, g = ids.split(":")
        owners[path.strip("/")] = (int(u), int(g))

    raw = layer_tar(args.rootfs, owners)
    # mtime=0 and no file name in the gzip header: the compressed digest is reproducible too.
    gz = gzip.compress(raw, compresslevel=9, mtime=0)
    diff_id, blob_digest = sha256(raw), sha256(gz)

    config = {
        "created": "1970-01-01T00:00:01Z",
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "User": args.user,
            "Env": args.env,
            "WorkingDir": args.workdir,
            "Labels": dict(l.split("=", 1) for l in args.label),
        },
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:01Z",
                     "created_by": "image/build-base.sh: jlink runtime + glibc + passwd (no shell)"}],
    }
    if args.entrypoint:
        config["config"]["Entrypoint"] = json.loads(args.entrypoint)
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_digest = sha256(config_bytes)

    # docker save archive: manifest.json + config + gzip layer (Jib accepts compressed layers).
    with tarfile.open(args.out_tar, "w", format=tarfile.PAX_FORMAT) as out:
        def add(name, data):
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime, ti.mode = len(data), EPOCH, 0o644
            out.addfile(ti, io.BytesIO(data))
        cfg_name = config_digest.split(":")[1] + ".json"
        layer_name = blob_digest.split(":")[1] + ".tar.gz"
        add(cfg_name, config_bytes)
        add(layer_name, gz)
        add("manifest.json", json.dumps([{"Config": cfg_name, "RepoTags": [args.ref],
                                          "Layers": [layer_name]}]).encode())

    # OCI image layout.
    blobs = os.path.join(args.oci_dir, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    def put(data):
        d = sha256(data)
        with open(os.path.join(blobs, d.split(":")[1]), "wb") as f:
            f.write(data)
        return d
    put(config_bytes)
    put(gz)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": len(config_bytes)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": blob_digest, "size": len(gz)}],
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    manifest_digest = put(manifest_bytes)
    tag = args.ref.rsplit(":", 1)[1] if ":" in args.ref.split("/")[-1] else "latest"
    with open(os.path.join(args.oci_dir, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(args.oci_dir, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest, "size": len(manifest_bytes),
            "platform": {"architecture": "amd64", "os": "linux"},
            "annotations": {"org.opencontainers.image.ref.name": tag}}]}, f)

    print(json.dumps({"ref": args.ref, "layerDigest": blob_digest, "compressedSize": len(gz),
                      "uncompressedSize": len(raw), "manifestDigest": manifest_digest}))


if __name__ == "__main__":
    main()
