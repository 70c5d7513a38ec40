"""``s6py overlay build`` end to end: reproducible bytes, sha256sum -c, layout, shims that run."""
from __future__ import annotations

import glob
import importlib.metadata as md
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

from overlays import build as ob
from overlays import commands, deps, manifest, shims
from overlays.requirements import admits_from, normalise, requirement_name
from tests.init.sandbox.helpers import require_sandbox, sandbox

EPOCH = 1700000000
FLOOR = (3, sys.version_info.minor)  # the installed dependencies fit this interpreter at least
NAMES = (ob.MAIN, ob.SYMLINKS, ob.SYSLOGD)


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """A snapshot of what the build reads: the working tree may change while tests run."""
    snap = tmp_path_factory.mktemp("sources")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ob.PACKAGES + ("overlays",):
        shutil.copytree(os.path.join(ob.REPO, name), snap / name, symlinks=True, ignore=skip)
    shutil.copy(os.path.join(ob.REPO, "pyproject.toml"), snap)
    return str(snap)


@pytest.fixture(scope="module")
def built(tmp_path_factory, sources):
    """Two builds from the same sources into two directories."""
    outs = []
    for n in (1, 2):
        out = tmp_path_factory.mktemp(f"dist{n}")
        built = ob.build(str(out), EPOCH, floor=FLOOR, repo=sources)
        assert sorted(os.path.basename(w) for w in built.written) == sorted(
            [n for n in NAMES] + [n + ".sha256" for n in NAMES] + [manifest.NAME])
        assert built.summary.startswith(f"vendored for Python >= 3.{FLOOR[1]}: aiofiles ")
        outs.append(out)
    return outs


@pytest.fixture(scope="module")
def extracted(built, tmp_path_factory):
    """The three tarballs extracted with tar, as a user would."""
    root = tmp_path_factory.mktemp("rootfs")
    for name in NAMES:
        untar(built[0] / name, root)
    return root


def untar(archive, root) -> None:
    """With tar as a user would (it needs xz), else with tarfile."""
    if shutil.which("tar") and shutil.which("xz"):
        subprocess.run(["tar", "-C", str(root), "-xJf", str(archive)], check=True)
    else:
        with tarfile.open(archive, "r:xz") as tf:
            tf.extractall(root)


def members(path) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(path, "r:xz") as tf:
        return {m.name: m for m in tf.getmembers()}


def test_same_sources_same_bytes(built):
    for name in os.listdir(built[0]):
        assert (built[0] / name).read_bytes() == (built[1] / name).read_bytes(), name


def test_sha256sum_accepts_the_checksum_files(built):
    if shutil.which("sha256sum") is None:
        pytest.skip("no sha256sum")
    p = subprocess.run(["sha256sum", "-c"] + [n + ".sha256" for n in NAMES], cwd=built[0],
                       capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.count(": OK") == 3, p.stdout + p.stderr


def test_main_tarball_layout(built):
    m = members(built[0] / ob.MAIN)
    lib = "./" + shims.LIB.lstrip("/")
    for name in commands.COMMANDS:
        entry = m["./" + commands.image_path(name)]
        assert entry.isfile() and entry.mode == 0o755, name
    for d in ("./etc/s6-overlay/s6-rc.d", "./etc/s6-overlay/user-bundles.d/user/contents.d",
              "./etc/s6-overlay/user-bundles.d/user2/contents.d", f"{lib}/logd", f"{lib}/init",
              f"{lib}/syslogd", f"{lib}/click", f"{lib}/dateutil", f"{lib}/watchdog",
              f"{lib}/aiofiles"):
        assert m[d].isdir(), d
    assert f"{lib}/init/execline/table.py" in m
    # what python-dateutil needs comes along: six for 2.x, tzdata for 4.x
    deps = [requirement_name(r) for r in md.distribution("python-dateutil").requires or []]
    assert deps and all(d in ("six", "tzdata") for d in deps), deps
    for name, path in (("six", f"{lib}/six.py"), ("tzdata", f"{lib}/tzdata")):
        assert (path in m) == (name in deps), name
    assert not [n for n in m if "__pycache__" in n or n.endswith((".pyc", ".empty"))]
    assert "./" not in m and "." not in m  # extracting never touches / itself
    infos: dict[str, list[str]] = {}
    for n in m:
        if ".dist-info/" in n:
            dist_dir = n.split(".dist-info/")[0].rsplit("/", 1)[-1]  # NAME-VERSION
            infos.setdefault(normalise(dist_dir.rsplit("-", 1)[0]), []).append(n)
    for dist in ("click", "python-dateutil", "watchdog", "aiofiles", *deps):
        assert any(n.endswith("/METADATA") for n in infos[dist]), dist
        assert any(("LICEN" in n.upper() or "COPYING" in n) for n in infos[dist]), dist
    assert any(n.startswith(f"{lib}/s6py-") and n.endswith(".dist-info/METADATA") for n in m)
    for entry in m.values():
        assert (entry.uid, entry.gid, entry.uname, entry.gname, entry.mtime) == \
            (0, 0, "root", "root", EPOCH)
        assert entry.mode in (0o755, 0o644, 0o777)
    with tarfile.open(built[0] / ob.MAIN, "r:xz") as tf:
        assert tf.extractfile("./etc/s6-overlay/user-bundles.d/user2/type").read() == b"bundle\n"


def test_symlinks_tarball(built):
    m = members(built[0] / ob.SYMLINKS)
    links = {n: e.linkname for n, e in m.items() if e.issym()}
    names = [n for n in commands.COMMANDS if not n.startswith("/")]
    assert links == {f"./usr/bin/{n}": f"../../command/{n}" for n in names}


def test_syslogd_tarball_is_the_tree_as_it_is(built, sources):
    src = os.path.join(sources, "overlays", "syslogd")
    files = {}
    for dirpath, _, filenames in os.walk(src):
        for f in filenames:
            full = os.path.join(dirpath, f)
            files["./" + os.path.relpath(full, src)] = full
    with tarfile.open(built[0] / ob.SYSLOGD, "r:xz") as tf:
        got = {m.name: m for m in tf.getmembers() if m.isfile()}
        assert set(got) == set(files)
        for name, full in files.items():
            with open(full, "rb") as f:
                assert tf.extractfile(name).read() == f.read()
            assert got[name].mode == (0o755 if os.access(full, os.X_OK) else 0o644)


def _snapshot(root) -> dict[str, tuple]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            if os.path.islink(full):
                out[os.path.relpath(full, root)] = ("link", os.readlink(full))
            elif os.path.isdir(full):
                out[os.path.relpath(full, root)] = ("dir", st.st_mode & 0o7777)
            else:
                with open(full, "rb") as f:
                    out[os.path.relpath(full, root)] = ("file", st.st_mode & 0o7777, f.read())
    return out


def test_stage_writes_what_the_tarballs_hold(extracted, sources, tmp_path):
    ob.stage(str(tmp_path), floor=FLOOR, repo=sources)
    assert _snapshot(tmp_path) == _snapshot(extracted)


def _localised(root, name: str) -> str:
    """A copy of shim NAME whose lib path points into the extracted tree."""
    text = (root / "command" / name).read_text()
    here = str(root / shims.LIB.lstrip("/"))
    path = root.parent / f"{root.name}-shims" / name  # outside the tree other tests compare
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.replace(f'"{shims.LIB}"', f'"{here}"'))
    path.chmod(0o755)
    return str(path)


def test_extracted_shims_run_with_no_site_and_no_pythonpath(extracted):
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin"}
    el = _localised(extracted, "execlineb")
    p = subprocess.run([el, "-Pc", "echo hi"], capture_output=True, text=True, env=env)
    assert (p.returncode, p.stdout, p.stderr) == (0, "hi\n", "")
    log = _localised(extracted, "s6-log")
    p = subprocess.run([log, "1"], input="hello\n", capture_output=True, text=True, env=env)
    assert (p.returncode, p.stdout) == (0, "hello\n"), p.stderr
    s6py = _localised(extracted, "s6py")
    p = subprocess.run([s6py, "--version"], capture_output=True, text=True, env=env)
    assert p.stdout.startswith("s6py, version "), p.stderr


@pytest.mark.root
def test_overlay_in_the_sandbox(extracted, tmp_path):
    """Over the host's / (python3 in /usr/bin): shebangs through /command and /usr/bin, no PATH."""
    require_sandbox()
    layer = tmp_path / "scripts"
    (layer / "etc").mkdir(parents=True)
    for name, shebang in (("a", "/command/execlineb"), ("b", "/usr/bin/execlineb")):
        (layer / "etc" / name).write_text(f"#!{shebang} -P\nforeground {{ echo {name} }}\n"
                                          "if { true }\ns6-echo chained\n")
        (layer / "etc" / name).chmod(0o755)
    script = ("/etc/a; /etc/b; env -i /command/execlineb -Pc 'echo no-path'; "
              "echo line | /command/s6-log 1; test -e /etc/s6-overlay/s6-rc.d/syslogd/run && "
              "echo syslogd-overlay")
    p = sandbox("/", "--layer", str(extracted), "--layer", str(layer), "--entrypoint", "/bin/sh",
                "-e", "PATH=/command:/usr/bin:/bin", "--", "-c", script)
    assert p.stdout.split("\n") == ["a", "chained", "b", "chained", "no-path", "line",
                                    "syslogd-overlay", ""], p.stderr


@pytest.mark.root
def test_tarballs_boot_a_container(extracted):
    """/init from the tarballs as PID 1: the syslogd overlay's services file a logger(1) line,
    the CMD's exit code is the container's."""
    require_sandbox()
    if not os.path.exists("/usr/bin/logger"):
        pytest.skip("no logger(1)")
    cmd = ("logger -t e2etest 'hello syslog'; for i in $(seq 100); do "
           "grep -q 'hello syslog' /var/log/syslogd/everything/current 2>/dev/null && break; "
           "sleep 0.1; done; cat /var/log/syslogd/everything/current; exit 3")
    p = sandbox("/", "--layer", str(extracted), "-e", "S6_VERBOSITY=0", "--", "sh", "-c", cmd)
    assert p.returncode == 3, p.stderr
    assert "e2etest: hello syslog" in p.stdout, p.stderr


def test_build_refuses_a_broken_table_entry(tmp_path):
    table = dict(commands.COMMANDS, bogus="overlays.no_such_module:main",
                 nofunc="overlays.shims:no_such_function")
    with pytest.raises(ob.BuildError) as e:
        ob.build(str(tmp_path), EPOCH, floor=FLOOR, table=table)
    assert "bogus: overlays.no_such_module:main: ModuleNotFoundError" in str(e.value)
    assert "nofunc: overlays.shims has no function no_such_function" in str(e.value)
    assert os.listdir(tmp_path) == []


def test_default_floor_refuses_dependencies_too_new_for_it(tmp_path):
    _, floor = ob.project()
    names = ["click", "watchdog", "aiofiles", "python-dateutil"]
    names += [requirement_name(r) for r in md.distribution("python-dateutil").requires or []]
    too_new = [n for n in names if not admits_from(md.metadata(n)["Requires-Python"], floor)]
    if not too_new:
        pytest.skip("the installed dependencies all run on the project's floor")
    with pytest.raises(ob.BuildError) as e:
        ob.build(str(tmp_path), EPOCH)  # the library's default source: the installed ones
    for name in too_new:
        assert f"{md.metadata(name)['Name']} {md.version(name)}: Requires-Python" in str(e.value)
    assert str(e.value).splitlines()[-1] == ("fix: s6py overlay build (without --installed: "
                                             "it fetches the release wheels)")
    assert os.listdir(tmp_path) == []


def test_manifest_says_what_is_inside(built):
    with open(built[0] / manifest.NAME) as f:
        doc = json.load(f)
    with tarfile.open(built[0] / ob.MAIN, "r:xz") as tf:
        metas = [m.name for m in tf.getmembers() if m.name.endswith(".dist-info/METADATA")]
    inside = dict(n.rsplit("/", 2)[-2][:-len(".dist-info")].rsplit("-", 1) for n in metas)
    assert {normalise(k): v for k, v in inside.items()} == \
        {**{normalise(k): v for k, v in doc["vendored"].items()}, "s6py": doc["s6py"]}
    for name in NAMES:
        line = (built[0] / (name + ".sha256")).read_text()
        assert line == f"{doc['sha256'][name]}  {name}\n"
    assert (doc["python_floor"], doc["source_date_epoch"], doc["vendored_from"]) == \
        (f"3.{FLOOR[1]}", EPOCH, "installed")
    assert "commit" not in doc  # a release's manifest names its commit


def _cli(*args: str, env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()
         ) -> subprocess.CompletedProcess:
    env = dict(os.environ if env is None else env, PYTHONPATH=ob.REPO,
               SOURCE_DATE_EPOCH=str(EPOCH))
    return subprocess.run([*prefix, sys.executable, "-c", "from init.cli import main; main()",
                           "overlay", "build", *args], capture_output=True, text=True, env=env,
                          cwd=ob.REPO, timeout=600)


def test_cli(tmp_path):
    p = _cli("--out", str(tmp_path), "--installed", "--python-floor", f"3.{FLOOR[1]}")
    assert p.returncode == 0, p.stderr
    assert len(p.stdout.splitlines()) == 7
    # every table entry resolves, nothing pending: one line, what was vendored for which floor
    assert p.stderr.startswith(f"s6py overlay build: info: vendored for Python >= 3.{FLOOR[1]}: "
                               f"aiofiles {md.version('aiofiles')}, click {md.version('click')}, ")
    assert p.stderr.endswith(f" (installed with {sys.executable})\n")
    assert len(p.stderr.splitlines()) == 1
    p = _cli("--out", str(tmp_path), "--python-floor", "2.7")
    assert p.returncode == 2 and "expected 3.N" in p.stderr


def test_cli_refuses_a_floor_no_release_admits(tmp_path):
    """Dependencies that cannot run on the floor (none runs on 3.0), fetched or installed: a
    build failure, s6's 111, and the command that fixes it."""
    env = dict(os.environ, S6PY_CACHE=str(tmp_path / "cache"))
    p = _cli("--out", str(tmp_path / "dist"), "--python-floor", "3.0", env=env)
    assert p.returncode == 111, p.stderr
    assert p.stderr.startswith("s6py overlay build: fatal: vendored dependencies (Python >= 3.0)"
                               ": the release wheels could not be fetched: ")
    assert f"click {md.version('click')}: Requires-Python" in p.stderr
    _, floor = ob.project()
    assert p.stderr.splitlines()[-1] == (f"fix: s6py overlay build (its default floor, Python "
                                         f"3.{floor[1]}, is the oldest s6py and the pinned "
                                         "releases run on)")
    assert not os.path.exists(tmp_path / "dist")


def _offline_env(tmp_path) -> dict[str, str]:
    """No registry: a network namespace of its own, no pip configuration (this machine's may
    name local wheel directories), an empty cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    return dict(env, PIP_CONFIG_FILE=os.devnull, S6PY_CACHE=str(tmp_path / "cache"))


@pytest.mark.root
def test_cli_offline_falls_back_to_installed_ones_that_fit_or_names_the_fix(tmp_path):
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare(1) for a network namespace")
    offline = ("unshare", "--net")
    _, floor = ob.project()
    fits = deps.lowest_floor(floor)
    assert fits is not None
    if fits != floor:                # the usual case: installed releases newer than the floor's
        p = _cli("--out", str(tmp_path / "a"), env=_offline_env(tmp_path), prefix=offline)
        assert p.returncode == 111, p.stderr
        assert "the release wheels could not be fetched: " in p.stderr.splitlines()[0]
        last = p.stderr.splitlines()[-1]
        assert last.startswith("fix: s6py overlay build again where a package index is "
                               "reachable"), last
        assert last.endswith(f"now: s6py overlay build --python-floor 3.{fits[1]}")
    # ... and what that last command does, still offline
    args = ("--python-floor", f"3.{fits[1]}") if fits != floor else ()
    p = _cli("--out", str(tmp_path / "b"), *args, env=_offline_env(tmp_path), prefix=offline)
    assert p.returncode == 0, p.stderr
    warning, info = p.stderr.splitlines()
    assert warning.startswith("s6py overlay build: warning: the release wheels could not be "
                              "fetched (")
    assert info.endswith(f"(installed with {sys.executable})"), info
    with open(tmp_path / "b" / manifest.NAME) as f:
        assert json.load(f)["vendored_from"] == "installed"


def _python39() -> str | None:
    candidates = [shutil.which("python3.9")] + sorted(
        glob.glob(os.path.expanduser("~/.pyenv/versions/3.9*/bin/python3.9")))
    for py in filter(None, candidates):
        p = subprocess.run([py, "-c", "import sys; print(sys.version_info[:2] == (3, 9))"],
                           capture_output=True, text=True)
        if p.stdout.strip() == "True":
            return py
    return None


@pytest.mark.slow
def test_pinned_vendor_runs_on_python39(tmp_path):
    """The release wheels (fetched afresh), the default floor, and a real python3.9."""
    out = tmp_path / "dist"
    built = ob.build(str(out), EPOCH, source="pinned", cache=str(tmp_path / "cache"))
    assert "fetched now into" in built.summary
    py = _python39()
    if py is None:
        pytest.skip("no python3.9 to run the result with")
    root = tmp_path / "root"
    root.mkdir()
    untar(out / ob.MAIN, root)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3").symlink_to(py)
    env = {"PATH": f"{bindir}:/usr/bin:/bin"}
    logdir = tmp_path / "logdir"
    p = subprocess.run([_localised(root, "s6-log"), "T", str(logdir)], input="kept\n", text=True,
                       capture_output=True, env=env)
    assert p.returncode == 0, p.stderr
    for argv, expect in (([_localised(root, "execlineb"), "-Pc", "echo hi"], "hi\n"),
                         ([_localised(root, "s6py"), "logs", "cat", "--since", "2000-01-01",
                           str(logdir)], " kept\n")):
        p = subprocess.run(argv, capture_output=True, text=True, env=env)
        assert (p.returncode, p.stdout.endswith(expect)) == (0, True), p.stdout + p.stderr
    lib = root / shims.LIB.lstrip("/")
    p = subprocess.run([py, "-I", "-S", "-c", f"import sys; sys.path.insert(0, {str(lib)!r}); "
                        "import click, dateutil.parser, aiofiles.os, six; "
                        "import watchdog.observers.inotify; print(click.__version__)"],
                       capture_output=True, text=True, env=env)
    assert (p.returncode, p.stdout) == (0, "8.1.8\n"), p.stderr
