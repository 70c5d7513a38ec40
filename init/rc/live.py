"""The live state of the service database (what s6-rc-init sets up).

``LIVE/`` contains ``compiled`` (symlink), ``scandir`` (symlink), ``state``
(the atoms s6-rc considers up, one per line) and ``servicedirs/NAME`` for
every longrun: a copy of the compiled service dir with a ``down`` file,
linked into the scan directory as ``SCANDIR/NAME``.  So longruns appear in
the scan directory down, and only a ``change`` brings them up; users can
still point s6-svc / s6-svstat at ``/run/service/NAME``.
"""
from __future__ import annotations

import os
import shutil

from init.rc import compiled as _compiled
from init.rc.database import Database


class Live:
    def __init__(self, path: str, db: Database, up: set[str] | None = None) -> None:
        self.path = os.path.abspath(path)
        self.db = db
        self.up: set[str] = set(up or ())

    @property
    def compiled(self) -> str:
        return os.path.join(self.path, "compiled")

    @property
    def scandir(self) -> str:
        return os.path.realpath(os.path.join(self.path, "scandir"))

    def servicedir(self, name: str) -> str:
        return os.path.join(self.path, "servicedirs", name)

    @classmethod
    def create(cls, compiled: str, path: str, scandir: str) -> Live:
        """Set up LIVE from COMPILED and link its longruns into SCANDIR.

        A real directory already in the scan directory under a longrun's name
        is an error (FileExistsError); nothing is left behind on failure.
        """
        compiled = os.path.abspath(compiled)
        db = _compiled.load(compiled)
        path = os.path.abspath(path)
        names = sorted(n for n, a in db.atoms.items() if a.type == "longrun" and not a.internal)
        for name in names:
            link = os.path.join(scandir, name)
            if os.path.lexists(link) and not os.path.islink(link):
                raise FileExistsError(17, "a service of that name is in the scan directory", link)
        os.makedirs(os.path.join(path, "servicedirs"), exist_ok=False)
        made: list[str] = []
        try:
            os.symlink(compiled, os.path.join(path, "compiled"))
            os.symlink(os.path.abspath(scandir), os.path.join(path, "scandir"))
            live = cls(path, db)
            for name in names:
                sd = live.servicedir(name)
                shutil.copytree(os.path.join(compiled, "servicedirs", name), sd, symlinks=True)
                with open(os.path.join(sd, "down"), "w"):
                    pass
                link = os.path.join(scandir, name)
                tmp = link + ".s6py-new"
                os.symlink(sd, tmp)
                os.rename(tmp, link)    # replaces an older link atomically
                made.append(link)
            live.save()
        except BaseException:
            for link in made:
                try:
                    os.unlink(link)
                except OSError:
                    pass
            shutil.rmtree(path, ignore_errors=True)
            raise
        return live

    @classmethod
    def open(cls, path: str) -> Live:
        """An existing live dir, as the s6-rc command reads it (list, listall)."""
        db = _compiled.load(os.path.join(path, "compiled"))
        up: set[str] = set()
        try:
            with open(os.path.join(path, "state")) as f:
                up = {line.rstrip("\n") for line in f if line.strip()}
        except FileNotFoundError:
            pass
        return cls(path, db, up)

    def save(self) -> None:
        tmp = os.path.join(self.path, "state.new")
        with open(tmp, "w") as f:
            f.write("".join(f"{n}\n" for n in sorted(self.up)))
        os.rename(tmp, os.path.join(self.path, "state"))

    def set_down_file(self, name: str, present: bool) -> None:
        p = os.path.join(self.servicedir(name), "down")
        try:
            if present:
                with open(p, "w"):
                    pass
            else:
                os.unlink(p)
        except OSError:
            pass
