"""The overlay build's pure parts: specifiers, markers, shims, trees, tar bytes, the table, vendoring."""
from __future__ import annotations

import io
import json
import subprocess
import tarfile

import pytest

from init.execline.table import COMMANDS as EXECLINE
from overlays import commands, shims, tarball, tree, vendor
from overlays.build import default_epoch
from overlays.requirements import admits, admits_from, requirement_applies, requirement_name


@pytest.mark.parametrize("spec, version, ok", [
    (None, (3, 9, 0), True), ("", (3, 9, 0), True),
    (">=3.9", (3, 9, 0), True), (">=3.10", (3, 9, 18), False),
    ("!=3.0.*,!=3.1.*,!=3.2.*,>=2.7", (3, 9, 0), True),
    ("!=3.0.*,!=3.1.*,!=3.2.*,>=2.7", (3, 1, 4), False),
    (">=3.7, <4", (3, 12, 0), True), ("<3.12", (3, 12, 0), False),
    ("~=3.9", (3, 13, 0), True), ("~=3.9.1", (3, 10, 0), False),
    ("==3.*", (3, 9, 0), True), (">=3.9garbage", (3, 9, 0), False),
])
def test_requires_python(spec, version, ok):
    assert admits(spec, version) is ok


def test_admits_from_means_every_later_python_too():
    assert admits_from(">=3.9", (3, 9))
    assert not admits_from(">=3.10", (3, 9))
    assert not admits_from(">=3.7,<3.12", (3, 9))


@pytest.mark.parametrize("line, applies", [
    ("six >=1.5", True),
    ("colorama; platform_system == 'Windows'", False),
    ("importlib-metadata; python_version < '3.8'", False),
    ("typing-extensions; python_version < \"3.11\"", True),  # 3.9 and 3.10 need it
    ('PyYAML>=3.10; extra == "watchmedo"', False),
    ("pywin32; sys_platform == 'win32' or os_name == 'nt'", False),
    ("x; python_version >= '3.8' and platform_system != 'Windows'", True),
    ("x; (python_version < '3.8')", True),  # not understood: assume it applies
])
def test_requirement_markers(line, applies):
    assert requirement_applies(line, (3, 9)) is applies


def test_requirement_names_are_normalised():
    assert requirement_name("Python_Dateutil>=2.8") == "python-dateutil"
    assert requirement_name("zope.interface [extra]; python_version>'3'") == "zope-interface"


def test_shim_code_forms():
    f = shims.python_code("s6-log", "logd.main:main", False, "/L")
    assert f == ('import sys; del sys.argv[0]; sys.path.insert(0, "/L"); '
                 "from logd.main import main; sys.exit(main(sys.argv[1:]))")
    m = shims.python_code("if", commands.EXECLINE_MULTICALL, True, "/L")
    assert m.endswith('sys.exit(main(["if"] + sys.argv[1:]))')
    r = shims.python_code("init", "init", False, "/L")
    assert r.endswith('runpy.run_module("init", run_name="__main__", alter_sys=True)')
    with pytest.raises(ValueError):
        shims.render("it's", "m:f")


def test_shim_finds_python_and_passes_argv_exactly(tmp_path):
    """The shim run by /bin/sh: argv[0] is its path, arguments arrive untouched, the caller's
    variables keep their values, PYTHONPATH is not used, no current directory on sys.path."""
    mod = tmp_path / "lib" / "probe.py"
    mod.parent.mkdir()
    mod.write_text("import json, os, sys\n"
                   "def main(args):\n"
                   "    print(json.dumps([sys.argv[0], args, dict(os.environ), sys.flags.isolated,"
                   " sys.flags.no_site, [p for p in sys.path if p in ('', '.', '/nonexistent')]]))\n"
                   "    return 7\n")
    shim = tmp_path / "probe"
    shim.write_text(shims.render("probe", "probe:main", lib=str(mod.parent)))
    shim.chmod(0o755)
    caller = {"PYTHONPATH": "/nonexistent", "c": "keep", "p": "keep", "LANG": "C.UTF-8"}
    p = subprocess.run([str(shim), "a b", "", "-c", "'q'"], capture_output=True, text=True,
                       env=caller, cwd=tmp_path)
    assert p.returncode == 7, p.stderr
    argv0, args, env, isolated, no_site, cwd_paths = json.loads(p.stdout)
    assert (argv0, args, isolated, no_site, cwd_paths) == (
        str(shim), ["a b", "", "-c", "'q'"], 1, 1, [])
    assert {k: env[k] for k in caller} == caller
    # what /bin/sh itself exports (dash: PWD; bash as sh: PWD, SHLVL, _) is all that is added
    assert set(env) - set(caller) <= {"PWD", "SHLVL", "_"}


def test_shim_without_path_falls_back(tmp_path):
    """``exec -c`` leaves no PATH: python3 is still found (PATH default, /usr/local/bin, /usr/bin)."""
    shim = tmp_path / "probe"
    shim.write_text(shims.render("probe", "builtins:bool"))  # bool([]) is False: exit 0
    shim.chmod(0o755)
    p = subprocess.run(["/usr/bin/env", "-i", str(shim)], capture_output=True, text=True)
    assert (p.returncode, p.stderr) == (0, "")


def test_table_covers_execline_control_and_logging():
    for name in list(EXECLINE) + ["execlineb", "s6-log", "s6-socklog", "ucspilogd", "s6-svc",
                                  "s6-svstat", "s6-svwait", "s6-svok", "s6-svscanctl", "s6-rc",
                                  "s6-svscan", "with-contenv", "/init", "printcontenv",
                                  "with-retries", "logutil-service", "logutil-newfifo"]:
        assert name in commands.COMMANDS, name
    assert not set(commands.PENDING) & set(commands.COMMANDS)
    assert commands.image_path("/init") == "init"
    assert commands.image_path("s6-log") == "command/s6-log"


def test_tree_merge_adds_parents_and_refuses_conflicts():
    merged = tree.merge([tree.file("a/b/c", b"x", executable=True)], [tree.file("a/d", b"")])
    assert [(e.path, e.kind, oct(e.mode)) for e in merged] == [
        ("a", "dir", "0o755"), ("a/b", "dir", "0o755"), ("a/b/c", "file", "0o755"),
        ("a/d", "file", "0o644")]
    assert tree.merge([tree.file("x", b"1")], [tree.file("x", b"1")]) == [tree.file("x", b"1")]
    with pytest.raises(ValueError):
        tree.merge([tree.file("x", b"1")], [tree.file("x", b"2")])
    with pytest.raises(ValueError):
        tree.merge([tree.file("x", b"1")], [tree.file("x/y", b"2")])


def test_from_dir_normalises_modes_and_drops_placeholders(tmp_path):
    (tmp_path / "d" / "__pycache__").mkdir(parents=True)
    (tmp_path / "d" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"")
    (tmp_path / "d" / ".empty").write_text("")
    (tmp_path / "d" / "run").write_text("#!/bin/sh\n")
    (tmp_path / "d" / "run").chmod(0o700)
    (tmp_path / "d" / "conf").write_text("x")
    (tmp_path / "d" / "conf").chmod(0o600)
    (tmp_path / "d" / "link").symlink_to("run")
    got = {(e.path, e.kind, e.mode, e.link) for e in tree.from_dir(str(tmp_path), "p")}
    assert got == {("p/d", "dir", 0o755, ""), ("p/d/run", "file", 0o755, ""),
                   ("p/d/conf", "file", 0o644, ""), ("p/d/link", "symlink", 0o777, "run")}


def test_tar_bytes_are_deterministic_and_normalised():
    entries = tree.merge([tree.file("command/b", b"#!/bin/sh\n", True), tree.file("etc/a", b"a"),
                          [tree.Entry("usr/bin/b", "symlink", 0o777, link="../../command/b")][0]])
    one = tarball.tar_xz(entries, 1234567890)
    assert one == tarball.tar_xz(list(reversed(entries)), 1234567890)
    assert one != tarball.tar_xz(entries, 1234567891)
    with tarfile.open(fileobj=io.BytesIO(one), mode="r:xz") as tf:
        members = tf.getmembers()
    assert [m.name for m in members] == ["./command", "./command/b", "./etc", "./etc/a",
                                         "./usr", "./usr/bin", "./usr/bin/b"]
    for m in members:
        assert (m.uid, m.gid, m.uname, m.gname, m.mtime) == (0, 0, "root", "root", 1234567890)
        assert m.pax_headers == {}
    assert members[1].mode == 0o755 and members[3].mode == 0o644
    assert members[6].issym() and members[6].linkname == "../../command/b"


def test_sha256_line_is_sha256sum_format():
    assert tarball.sha256_line(b"", "x.tar.xz") == \
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  x.tar.xz\n"


def test_epoch_prefers_source_date_epoch():
    assert default_epoch(environ={"SOURCE_DATE_EPOCH": "42"}) == 42
    assert default_epoch(repo="/nonexistent", environ={}) == 315532800


def _fake_dist(site, name, version, files, *, license=True, requires_python=None,
               requires=(), purelib=True):
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    if requires_python:
        meta += f"Requires-Python: {requires_python}\n"
    meta += "".join(f"Requires-Dist: {r}\n" for r in requires)
    (info / "METADATA").write_text(meta)
    (info / "WHEEL").write_text(f"Wheel-Version: 1.0\nRoot-Is-Purelib: {str(purelib).lower()}\n")
    record = [f"{name}-{version}.dist-info/{f},," for f in ("METADATA", "WHEEL", "RECORD")]
    if license:
        (info / "LICENSE").write_text("MIT\n")
        record.append(f"{name}-{version}.dist-info/LICENSE,,")
    for path, data in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
        record.append(f"{path},,")
    (info / "RECORD").write_text("\n".join(record) + "\n")


def test_vendor_copies_code_metadata_and_licenses(tmp_path):
    _fake_dist(tmp_path, "goodpkg", "1.0", {"goodpkg/__init__.py": b"X = 1\n",
                                            "goodpkg/data.bin": b"\0",
                                            "goodpkg/__pycache__/x.cpython-311.pyc": b"",
                                            "bin/goodtool": b"#!python\n"})
    (got,) = vendor.collect((3, 9), [str(tmp_path)], names=("goodpkg",))
    assert (got.name, got.version) == ("goodpkg", "1.0")
    assert sorted(got.files) == ["goodpkg-1.0.dist-info/LICENSE", "goodpkg-1.0.dist-info/METADATA",
                                 "goodpkg/__init__.py", "goodpkg/data.bin"]


def test_vendor_refuses_what_cannot_ship(tmp_path):
    _fake_dist(tmp_path, "native", "1", {"native/__init__.py": b"", "native/_c.so": b""})
    _fake_dist(tmp_path, "nolicense", "1", {"nolicense.py": b""}, license=False)
    _fake_dist(tmp_path, "newpy", "1", {"newpy.py": b""}, requires_python=">=3.10")
    _fake_dist(tmp_path, "needy", "1", {"needy.py": b""}, requires=["missingdep>=1", "click"])
    _fake_dist(tmp_path, "gone", "1", {"gone.py": b""})
    (tmp_path / "gone.py").unlink()
    with pytest.raises(vendor.VendorError) as e:
        vendor.collect((3, 9), [str(tmp_path)],
                       names=("native", "nolicense", "newpy", "needy", "gone", "absent"))
    text = str(e.value)
    for expected in ("native 1: not pure Python (native/_c.so)", "nolicense 1: no license file",
                     "newpy 1: Requires-Python >=3.10 excludes Python 3.9+",
                     "missingdep: not installed in " + str(tmp_path) + " (needed by needy 1)",
                     "gone 1: files listed in RECORD are missing: gone.py", "absent: not installed"):
        assert expected in text
    assert "click: not installed in " + str(tmp_path) + " (needed by needy 1)" in text


def test_vendor_takes_what_the_installed_releases_need(tmp_path):
    """The closure follows the installed releases: a 2.x needing six, a 4.x needing tzdata."""
    _fake_dist(tmp_path, "app", "1", {"app.py": b""},
               requires=["helper>=1", "winonly; sys_platform == 'win32'", "old; python_version < '3.8'",
                         "extra-only; extra == 'fancy'"])
    _fake_dist(tmp_path, "helper", "2", {"helper/__init__.py": b""}, requires=["leaf"])
    _fake_dist(tmp_path, "leaf", "3", {"leaf.py": b""}, requires=["app"])   # a cycle is fine
    got = vendor.collect((3, 9), [str(tmp_path)], names=("app",))
    assert [(v.name, v.version) for v in got] == [("app", "1"), ("helper", "2"), ("leaf", "3")]
