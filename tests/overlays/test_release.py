"""``s6py overlay release``: two releases of one commit, each fetching afresh, are the same bytes.

Also: its manifest names the commit and the pinned versions, every member
carries the commit's time, no bytecode, and a checkout with local edits and
untracked files releases the same bytes as the commit (with a warning).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile

import pytest

from overlays import build as ob
from overlays import manifest, release

pytestmark = pytest.mark.slow

NAMES = (ob.MAIN, ob.SYMLINKS, ob.SYSLOGD)


def git(*args: str, cwd: str = ob.REPO) -> str:
    p = subprocess.run(["git", "-C", cwd, *args], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        pytest.skip(f"not a git checkout here: {p.stderr.strip()}")
    return p.stdout.strip()


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    commit = git("rev-parse", "HEAD")
    outs = []
    for n in (1, 2):
        out = tmp_path_factory.mktemp(f"release{n}")
        cache = tmp_path_factory.mktemp(f"cache{n}")  # each fetches the wheels afresh
        built = release.release(str(out), "HEAD", ob.REPO, cache=str(cache))
        assert "fetched now into" in built.summary, built.summary
        outs.append((out, built))
    return commit, outs


def test_two_releases_of_a_commit_are_the_same_bytes(releases):
    _, ((a, _), (b, _)) = releases
    assert sorted(os.listdir(a)) == sorted(os.listdir(b)) == sorted(
        [*NAMES, *(n + ".sha256" for n in NAMES), manifest.NAME])
    for name in os.listdir(a):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_the_manifest_and_the_members(releases):
    commit, ((out, built), _) = releases
    doc = json.loads((out / manifest.NAME).read_text())
    with open(os.path.join(ob.REPO, "overlays", "vendor-requirements.txt")) as f:
        pins = dict(re.findall(r"(?m)^([A-Za-z0-9_.-]+)==(\S+)", f.read()))
    epoch = int(git("log", "-1", "--format=%ct", commit)) \
        if not os.environ.get("SOURCE_DATE_EPOCH", "").isdigit() \
        else int(os.environ["SOURCE_DATE_EPOCH"])
    assert (doc["commit"], doc["vendored"], doc["vendored_from"], doc["python_floor"],
            doc["source_date_epoch"]) == (commit, pins, "release", "3.9", epoch)
    assert built.summary.startswith(f"release of {commit[:12]}: vendored for Python >= 3.9: ")
    for name in NAMES:
        with tarfile.open(out / name, "r:xz") as tf:
            members = tf.getmembers()
        assert [m.name for m in members] == sorted(m.name for m in members)
        assert {m.mtime for m in members} == {epoch}, name
        assert not [m.name for m in members if m.name.endswith((".pyc", ".pyo"))
                    or "__pycache__" in m.name]


def test_local_changes_do_not_get_in(releases, tmp_path):
    """A clone of the commit with an edit, an untracked module and bytecode: same bytes."""
    commit, ((out, _), _) = releases
    clone = str(tmp_path / "clone")
    git("clone", "--quiet", "--no-checkout", ob.REPO, clone, cwd=str(tmp_path))
    git("checkout", "--quiet", "--detach", commit, cwd=clone)
    with open(os.path.join(clone, "logd", "__init__.py"), "a") as f:
        f.write("# a local edit\n")
    with open(os.path.join(clone, "logd", "stray.py"), "w") as f:
        f.write("STRAY = 1\n")
    os.makedirs(os.path.join(clone, "init", "__pycache__"))
    with open(os.path.join(clone, "init", "__pycache__", "x.cpython-311.pyc"), "wb") as f:
        f.write(b"\0")
    again = tmp_path / "again"
    built = release.release(str(again), "HEAD", clone,
                            cache=os.path.dirname(_site(releases)))
    assert built.warnings[0] == (f"the working tree has uncommitted changes: they are not in "
                                 f"this release of {commit[:12]}"), built.warnings
    assert "cached in" in built.summary   # the first release's cache: no fetch this time
    for name in os.listdir(out):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def _site(releases) -> str:
    """The wheel cache directory the first release filled (from its one line)."""
    _, ((_, built), _) = releases
    return re.search(r"fetched now into (\S+)\)$", built.summary).group(1)


def test_an_unknown_revision_is_a_build_error(tmp_path):
    with pytest.raises(ob.BuildError) as e:
        release.release(str(tmp_path / "out"), "no-such-revision-here", ob.REPO)
    assert str(e.value).startswith("git rev-parse --verify --quiet")
    assert not os.path.exists(tmp_path / "out")
