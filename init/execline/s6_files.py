"""s6-portable-utils that change files: s6-mkdir, s6-chown, s6-chmod, s6-rmrf,
s6-ln, s6-mkfifo (checked against the 2.3.1.2 release s6-overlay ships).

They exit (0 on success, 100 usage, 111 system error); none chain-loads.
Where the real ones carry on after a failure they do too: s6-mkdir warns
and tries the next directory (exit 111), s6-ln warns and counts failed
links (exit status = how many).
"""
from __future__ import annotations

import os
import shutil

from .errors import Exit, strerror, syserr, usage, warn
from .options import OptionError, getopt, uint
from .runtime import Context


def octal_prefix(arg: str) -> int | None:
    """skalibs' uint_oscan: the octal digits a word starts with (None if none)."""
    n = 0
    while n < len(arg) and arg[n] in "01234567":
        n += 1
    return int(arg[:n], 8) if n else None


def _octal(prog: str, text: str, arg: str) -> int:
    if not arg or any(c not in "01234567" for c in arg):
        raise usage(prog, text)
    return int(arg, 8)


def _mkdir_one(path: str, mode: int, verbose: bool, strict: bool) -> int:
    try:
        os.mkdir(path, mode)
    except OSError as e:
        if strict or e.errno != 17:
            warn("s6-mkdir", f"unable to mkdir {path}: {strerror(e)}")
            return 111
        return 0
    if verbose:
        os.write(2, os.fsencode(f"s6-mkdir: created directory {path}\n"))
    return 0


def mkdir(ctx: Context, argv: list[str]) -> list[str]:
    """-p makes every prefix ending before a ``/`` (an existing one is fine);
    -m applies to all of them and sets the umask to 0."""
    text = "s6-mkdir [ -p ] [ -v ] [ -m mode ] dir"
    try:
        opts, i = getopt(argv, "pvm:")
    except OptionError:
        raise usage("s6-mkdir", text) from None
    parents = verbose = False
    mode = 0o777
    for c, a in opts:
        if c == "p":
            parents = True
        elif c == "v":
            verbose = True
        else:
            m = octal_prefix(a)
            if m is None:
                raise usage("s6-mkdir", text)
            mode = m & 0xFFFFFFFF
            os.umask(0)
    code = 0
    for d in argv[i:]:
        if not parents:
            code |= _mkdir_one(d, mode, verbose, True)
            continue
        e = 0
        for k in range(1, len(d)):
            if d[k] == "/":
                e = _mkdir_one(d[:k], mode, verbose, False)
                if e:
                    break
        code |= e or _mkdir_one(d, mode, verbose, False)
    raise Exit(code)


def chown(ctx: Context, argv: list[str]) -> list[str]:
    text = "s6-chown [ -U ] [ -u uid ] [ -g gid ] file"
    try:
        opts, i = getopt(argv, "Uu:g:")
    except OptionError:
        raise usage("s6-chown", text) from None
    uid = gid = -1
    for c, a in opts:
        if c == "U":
            from .s6_ids import env_id  # s6-applyuidgid's reading, under our name

            uid, gid = env_id(ctx.env, "UID", "s6-chown"), env_id(ctx.env, "GID", "s6-chown")
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
    mode = _octal("s6-chmod", text, argv[1]) & 0o7777
    try:
        os.chmod(argv[2], mode)
    except OSError as e:
        raise syserr("s6-chmod", f"unable to change mode of {argv[2]}", e) from None
    raise Exit(0)


def rmrf(ctx: Context, argv: list[str]) -> list[str]:
    """Remove each argument, recursively; a missing one is fine.  (The real
    one names its first argument whichever one failed: so do we.)"""
    if len(argv) < 2:
        raise usage("s6-rmrf", "s6-rmrf file ...")
    for path in argv[1:]:
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as e:
            raise syserr("s6-rmrf", f"unable to remove {argv[1]}", e) from None
    raise Exit(0)


def ln(ctx: Context, argv: list[str]) -> list[str]:
    """Hard links do not follow a symlink source unless -L; -s wins over
    -L/-P; -f replaces an existing dest atomically (a temporary then rename)."""
    text = "s6-ln [ -n ] [ -s ] [ -f ] [ -L ] [ -P ] src... dest"
    try:
        opts, i = getopt(argv, "nsfLP")
    except OptionError:
        raise usage("s6-ln", text) from None
    kind, force, nodir = "link", False, False
    for c, _ in opts:
        if c == "n":
            nodir = True
        elif c == "s":
            kind = "symlink"
        elif c == "f":
            force = True
        elif kind != "symlink":
            kind = "follow" if c == "L" else "nofollow"
    args = argv[i:]
    if len(args) < 2:
        raise usage("s6-ln", text)
    if len(args) > 2:
        *sources, target = args
        errors = sum(_ln_one(s, f"{target}/{_basename(s)}", kind, force) for s in sources)
        raise Exit(errors)
    src, dest = args
    try:
        st = os.lstat(dest) if nodir else os.stat(dest)
    except OSError as e:
        if e.errno != 2:
            raise syserr("s6-ln", f"unable to stat {dest}", e) from None
        raise Exit(_ln_one(src, dest, kind, force)) from None
    if (st.st_mode & 0o170000) == 0o040000:
        dest = f"{dest}/{_basename(src)}"
    raise Exit(_ln_one(src, dest, kind, force))


def _basename(path: str) -> str:
    """skalibs' sabasename: the last component (``/`` for a root path, ``.`` if empty)."""
    stripped = path.rstrip("/")
    if not stripped:
        return "/" if path else "."
    return stripped.rpartition("/")[2]


def _make(src: str, dest: str, kind: str) -> None:
    if kind == "symlink":
        os.symlink(src, dest)
    elif kind == "follow":  # linkat(AT_SYMLINK_FOLLOW): the file a symlink src names
        os.link(os.path.realpath(src) if os.path.islink(src) else src, dest)
    else:  # link(2) and linkat(0) on Linux: a symlink src itself
        os.link(src, dest, follow_symlinks=False)


def _ln_one(src: str, dest: str, kind: str, force: bool) -> int:
    try:
        _make(src, dest, kind)
        return 0
    except OSError as e:
        if not force or e.errno != 17:
            warn("s6-ln", f"unable to make a link from {dest} to {src}: {strerror(e)}")
            return 1
    tmp = f"{dest}:s6-ln:{os.urandom(6).hex()}"
    try:
        _make(src, tmp, kind)
    except OSError as e:
        warn("s6-ln", f"unable to make a link to {src}: {strerror(e)}")
        return 1
    try:
        os.rename(tmp, dest)
    except OSError as e:
        _unlink(tmp)
        warn("s6-ln", f"unable to atomically replace {dest}: {strerror(e)}")
        return 1
    _unlink(tmp)  # if src and dest were the same file, rename left tmp
    return 0


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def mkfifo(ctx: Context, argv: list[str]) -> list[str]:
    """The umask becomes 0111 (never the caller's): fifos get mode & 0666."""
    text = "s6-mkfifo [ -m mode ] fifo..."
    try:
        opts, i = getopt(argv, "m:")
    except OptionError:
        raise usage("s6-mkfifo", text) from None
    mode = 0o666
    for _, a in opts:
        mode = _octal("s6-mkfifo", text, a)
    if i >= len(argv):
        raise usage("s6-mkfifo", text)
    os.umask(0o111)
    for f in argv[i:]:
        try:
            os.mkfifo(f, mode & 0xFFFFFFFF)
        except OSError as e:
            raise syserr("s6-mkfifo", f"unable to mkfifo {f}", e) from None
    raise Exit(0)
