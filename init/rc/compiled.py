"""Writing and loading a compiled database directory.

``COMPILED/db.json`` + ``COMPILED/servicedirs/NAME/`` per longrun, with
``run``/``finish`` made mode 0755 (they need not be executable in the
source) and numeric files rewritten as ``N\\n``, as s6-rc-compile does.
Written into a temporary directory and renamed, so a failed compilation
leaves nothing behind.
"""
from __future__ import annotations

import json
import os
import shutil

from init.rc.database import Database
from init.rc.errors import CompileError
from init.rc.source import Definition


def write_compiled(db: Database, defs: dict[str, Definition], dest: str) -> None:
    dest = os.path.abspath(dest)
    if os.path.lexists(dest):
        raise CompileError(f"unable to mkdir {dest}: File exists", 111)
    tmp = f"{dest}.tmp{os.getpid()}"
    try:
        os.makedirs(os.path.join(tmp, "servicedirs"))
        for name, atom in db.atoms.items():
            if atom.type == "longrun" and not atom.internal:
                _servicedir(defs[name], os.path.join(tmp, "servicedirs", name))
        with open(os.path.join(tmp, "db.json"), "w") as f:
            json.dump(db.to_json(), f, indent=0, sort_keys=True)
        os.rename(tmp, dest)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise CompileError(f"unable to write {dest}: {e.strerror}", 111) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _servicedir(d: Definition, out: str) -> None:
    os.makedirs(out)
    for fname in d.copied:
        src = os.path.join(d.path, fname)
        dst = os.path.join(out, fname)
        if os.path.isdir(src):
            shutil.copytree(src, dst, symlinks=True)
        else:
            shutil.copyfile(src, dst)
            os.chmod(dst, 0o755 if fname in ("run", "finish") else 0o644)
    for fname, text in d.generated.items():      # declared loggers (loggers.py)
        dst = os.path.join(out, fname)
        with open(dst, "w") as f:
            f.write(text)
        os.chmod(dst, 0o755 if fname in ("run", "finish") else 0o644)
    for fname, value in d.longrun.items():
        with open(os.path.join(out, fname), "w") as f:
            f.write(f"{value}\n")


def load(compiled: str) -> Database:
    """The database of a compiled directory; ValueError/OSError if invalid."""
    with open(os.path.join(compiled, "db.json")) as f:
        return Database.from_json(json.load(f))
