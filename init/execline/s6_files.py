"""s6-portable-utils that change files: s6-mkdir, s6-chown, s6-chmod, s6-rmrf,
s6-ln, s6-mkfifo (after skarnet's documentation; Debian has no package).

They exit (0 on success, 100 usage, 111 system error); none chain-loads.
"""
from __future__ import annotations

import os
import shutil

from .errors import Exit, syserr, usage
from .options import OptionError, getopt, uint
from .runtime import Context


def _mode(prog: str, text: str, arg: str) -> int:
    if not arg or any(c not in "01234567" for c in arg):
        raise usage(prog, text)
    return int(arg, 8) & 0o7777


def mkdir(ctx: Context, argv: list[str]) -> list[str]:
    text = "s6-mkdir [ -p ] [ -v ] [ -m mode ] dir..."
    try:
        opts, i = getopt(argv, "pvm:")
    except OptionError:
        raise usage("s6-mkdir", text) from None
    parents = verbose = False
    mode = None
    for c, a in opts:
        if c == "p":
            parents = True
        elif c == "v":
            verbose = True
        else:
            mode = _mode("s6-mkdir", text, a)
    for d in argv[i:]:
        try:
            if parents:
                parent = os.path.dirname(d.rstrip("/"))
                if parent and not os.path.isdir(parent):
                    os.makedirs(parent, exist_ok=True)
                if os.path.isdir(d):
                    continue
            os.mkdir(d, 0o777)
            if mode is not None:
                os.chmod(d, mode)
        except OSError as e:
            raise syserr("s6-mkdir", f"unable to mkdir {d}", e) from None
        if verbose:
            os.write(2, os.fsencode(f"s6-mkdir: created directory {d}\n"))
    raise Exit(0)


def chown(ctx: Context, argv: list[str]) -> list[str]:
    text = "s6-chown [ -U ] [ -u uid ] [ -g gid ] file"
    try:
        opts, i = getopt(argv, "Uu:g:")
    except OptionError:
        raise usage("s6-chown", text) from None
    uid = gid = -1
    for c, a in opts:
        if c == "U":
            u, g = uint(ctx.env.get("UID", "")), uint(ctx.env.get("GID", ""))
            if u is None or g is None:
                raise usage("s6-chown", text)
            uid, gid = u, g
        else:
            v = uint(a)
            if v is None:
                raise usage("s6-chown", text)
            if c == "u":
                uid = v
            else:
                gid = v
    if i >= len(argv):
        raise usage("s6-chown", text)
    try:
        os.chown(argv[i], uid, gid)
    except OSError as e:
        raise syserr("s6-chown", f"unable to chown {argv[i]}", e) from None
    raise Exit(0)


def chmod(ctx: Context, argv: list[str]) -> list[str]:
    text = "s6-chmod mode file"
    if len(argv) < 3:
        raise usage("s6-chmod", text)
    mode = _mode("s6-chmod", text, argv[1])
    try:
        os.chmod(argv[2], mode)
    except OSError as e:
        raise syserr("s6-chmod", f"unable to chmod {argv[2]}", e) from None
    raise Exit(0)


def rmrf(ctx: Context, argv: list[str]) -> list[str]:
    if len(argv) < 2:
        raise usage("s6-rmrf", "s6-rmrf file")
    path = argv[1]
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as e:
        raise syserr("s6-rmrf", f"unable to remove {path}", e) from None
    raise Exit(0)


def ln(ctx: Context, argv: list[str]) -> list[str]:
    text = "s6-ln [ -n ] [ -s ] [ -f ] [ -L | -P ] src... dest"
    try:
        opts, i = getopt(argv, "nsfLP")
    except OptionError:
        raise usage("s6-ln", text) from None
    flags = {c for c, _ in opts}
    args = argv[i:]
    if len(args) < 2:
        raise usage("s6-ln", text)
    *sources, target = args
    is_dir = os.path.isdir(target) and not ("n" in flags and os.path.islink(target))
    if len(sources) > 1 and not is_dir:
        raise syserr("s6-ln", f"unable to use {target} as a directory", OSError(20, ""))
    for src in sources:
        dest = os.path.join(target, os.path.basename(src.rstrip("/"))) if is_dir else target
        try:
            _link(src, dest, "s" in flags, "f" in flags, "L" in flags)
        except OSError as e:
            raise syserr("s6-ln", f"unable to link {src} to {dest}", e) from None
    raise Exit(0)


def _link(src: str, dest: str, symbolic: bool, force: bool, follow: bool) -> None:
    make = os.symlink if symbolic else (lambda s, d: os.link(s, d, follow_symlinks=follow))
    if not force:
        make(src, dest)
        return
    tmp = f"{dest}.s6-ln.{os.getpid()}"
    make(src, tmp)
    os.replace(tmp, dest)


def mkfifo(ctx: Context, argv: list[str]) -> list[str]:
    text = "s6-mkfifo [ -m mode ] fifo..."
    try:
        opts, i = getopt(argv, "m:")
    except OptionError:
        raise usage("s6-mkfifo", text) from None
    mode = _mode("s6-mkfifo", text, opts[-1][1]) if opts else None
    for f in argv[i:]:
        try:
            os.mkfifo(f, 0o666)
            if mode is not None:
                os.chmod(f, mode)
        except OSError as e:
            raise syserr("s6-mkfifo", f"unable to mkfifo {f}", e) from None
    raise Exit(0)
