"""fetch (pip's options, its errors in a line, the cache), deps' one line and fixes, the manifest."""
from __future__ import annotations

import hashlib
import json
import os
import re

import pytest

from overlays import build as ob
from overlays import deps, fetch, manifest, vendor
from overlays.requirements import normalise

REQUIREMENTS = os.path.join(ob.REPO, "overlays", "vendor-requirements.txt")

NO_MATCH = """\
WARNING: Location 'file:///opt/pypi-more/simple/click/' is ignored: it is neither a file nor a directory.
ERROR: Ignored the following versions that require a different python version: 8.2.0 Requires-Python >=3.10
ERROR: Could not find a version that satisfies the requirement click==8.1.8 (from versions: 0.1, 0.2, 8.5.0)
ERROR: No matching distribution found for click==8.1.8
"""
OFFLINE = """\
WARNING: Retrying (Retry(total=1, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(...: Failed to establish a new connection: [Errno 101] Network is unreachable')': /simple/aiofiles/
ERROR: Could not find a version that satisfies the requirement aiofiles==25.1.0 (from versions: none)
ERROR: No matching distribution found for aiofiles==25.1.0
"""


def test_reason_is_pips_last_error_without_the_version_list():
    assert fetch.reason(NO_MATCH) == ("No matching distribution found for click==8.1.8 (the "
                                      "pinned release's Requires-Python excludes that Python)")
    assert fetch.reason(OFFLINE) == "No matching distribution found for aiofiles==25.1.0"
    assert fetch.reason("Traceback...\n/usr/bin/python3: No module named pip\n") == \
        "/usr/bin/python3: No module named pip"
    assert fetch.reason("ERROR: Could not find a version that satisfies the requirement x==1 "
                        "(from versions: 0.1, 0.2)\n") == \
        "Could not find a version that satisfies the requirement x==1"
    assert fetch.reason("") == "pip said nothing"


def test_pip_is_asked_for_wheels_of_the_floor_pinned_by_hash_without_bytecode():
    argv = fetch.command((3, 9), "/t", "reqs.txt")
    assert argv[:6] == ["python3", "-m", "pip", "install", "--target", "/t"]
    assert argv[-2:] == ["-r", "reqs.txt"]
    text = " ".join(argv)
    for opt in ("--no-deps", "--no-compile", "--only-binary=:all:", "--require-hashes",
                "--python-version 3.9", "--platform any", "--platform manylinux2014_x86_64"):
        assert opt in text, opt
    assert "--python-version 3.11" in " ".join(fetch.command((3, 11), "/t", "r"))


def test_the_cache_is_named_by_floor_and_requirements():
    a = fetch.site_name((3, 9), "click==8.1.8\n")
    assert re.fullmatch(r"vendor-py3\.9-[0-9a-f]{12}", a)
    assert a == fetch.site_name((3, 9), "click==8.1.8\n")
    assert a != fetch.site_name((3, 9), "click==8.1.7\n")
    assert fetch.site_name((3, 10), "click==8.1.8\n").startswith("vendor-py3.10-")


def test_cache_dir():
    assert fetch.cache_dir({"S6PY_CACHE": "/c", "XDG_CACHE_HOME": "/x"}) == "/c"
    assert fetch.cache_dir({"XDG_CACHE_HOME": "/x"}) == "/x/s6py"
    assert fetch.cache_dir({}) == os.path.join(os.path.expanduser("~"), ".cache", "s6py")


def test_a_cached_site_is_used_without_pip(tmp_path, monkeypatch):
    with open(REQUIREMENTS) as f:
        site = tmp_path / fetch.site_name((3, 9), f.read())
    site.mkdir()
    monkeypatch.setattr(fetch.subprocess, "run", None)  # calling pip would raise
    assert fetch.fetch((3, 9), REQUIREMENTS, str(tmp_path)) == (str(site), False)


def test_a_failed_fetch_leaves_nothing_that_looks_complete(tmp_path, monkeypatch):
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    reqs = tmp_path / "reqs.txt"
    reqs.write_text("s6py-no-such-distribution==1.0 --hash=sha256:" + "0" * 64 + "\n")
    cache = tmp_path / "cache"
    with pytest.raises(fetch.FetchError) as e:
        fetch.fetch((3, 9), str(reqs), str(cache))
    assert "s6py-no-such-distribution==1.0" in str(e.value)
    assert [n for n in os.listdir(cache) if not n.endswith(".lock")] == []


def test_the_pins_cover_every_root_with_one_hash_each():
    with open(REQUIREMENTS) as f:
        text = re.sub(r"\s*\\\n\s*", " ", f.read())
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    pinned = {}
    for line in lines:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+) --hash=sha256:([0-9a-f]{64})", line.strip())
        assert m, line
        pinned[normalise(m.group(1))] = m.group(2)
    assert set(vendor.ROOTS) | {"six"} == set(pinned)


def _vendored(name: str, version: str) -> vendor.Vendored:
    return vendor.Vendored(name, version, {})


def test_summary_is_one_line_naming_floor_versions_and_origin():
    v = deps.Vendoring([_vendored("click", "8.1.8"), _vendored("aiofiles", "25.1.0")],
                       "release", "the release wheels ..., cached in /c/vendor-py3.9-x")
    assert deps.summary(v, (3, 9)) == ("vendored for Python >= 3.9: aiofiles 25.1.0, click 8.1.8"
                                       " (the release wheels ..., cached in /c/vendor-py3.9-x)")


def test_the_fix_for_a_failed_fetch():
    assert deps._fix_unfetched((3, 0), (3, 9), None, "build") == (
        "fix: s6py overlay build (its default floor, Python 3.9, is the oldest s6py and the "
        "pinned releases run on)")
    again = ("fix: s6py overlay build again where a package index is reachable (PyPI, or a "
             "mirror or wheel directory named by PIP_INDEX_URL or PIP_FIND_LINKS)")
    assert deps._fix_unfetched((3, 9), (3, 9), None, "build") == again
    assert deps._fix_unfetched((3, 9), (3, 9), (3, 11), "build") == again + (
        "; or, for images with Python 3.11+ only, now: s6py overlay build --python-floor 3.11")
    assert deps._fix_unfetched((3, 10), (3, 9), (3, 11), "release").startswith(
        "fix: s6py overlay release --python-floor 3.10 again where")


def test_manifest_is_stable_sorted_json():
    tarballs = {"b.tar.xz": b"bee", "a.tar.xz": b"ay"}
    one = manifest.render("0.1.0", (3, 9), 1700000000, "release", {"six": "1.17.0"}, tarballs)
    assert one == manifest.render("0.1.0", (3, 9), 1700000000, "release", {"six": "1.17.0"},
                                  dict(reversed(list(tarballs.items()))))
    doc = json.loads(one)
    assert doc == {"s6py": "0.1.0", "python_floor": "3.9", "source_date_epoch": 1700000000,
                   "vendored_from": "release", "vendored": {"six": "1.17.0"},
                   "sha256": {"a.tar.xz": hashlib.sha256(b"ay").hexdigest(),
                              "b.tar.xz": hashlib.sha256(b"bee").hexdigest()}}
    text = one.decode()
    assert text.endswith("}\n") and text.index('"python_floor"') < text.index('"s6py"')
    with_commit = json.loads(manifest.render("0.1.0", (3, 9), 1, "release", {}, {}, "abc"))
    assert with_commit["commit"] == "abc"
