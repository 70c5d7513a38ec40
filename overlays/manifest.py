"""``s6py-overlay-manifest.json``: what a build put in its tarballs, for release notes and audits.

Pure.  The s6py version, the commit (a release), the Python floor, the
mtime every member carries, where the vendored dependencies came from and
their versions, and each tarball's sha256.  Nothing that varies between
two builds of one commit (no paths, no build time), and keys sorted, so the
manifest is as reproducible as the tarballs it describes.
"""
from __future__ import annotations

import hashlib
import json

NAME = "s6py-overlay-manifest.json"


def render(version: str, floor: tuple[int, int], epoch: int, source: str,
           vendored: dict[str, str], tarballs: dict[str, bytes], commit: str | None = None) -> bytes:
    doc = {"s6py": version, "python_floor": f"{floor[0]}.{floor[1]}", "source_date_epoch": epoch,
           "vendored_from": source, "vendored": vendored,
           "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in tarballs.items()}}
    if commit:
        doc["commit"] = commit
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()
