"""Copy a directory tree exactly (modes, owners, times, symlinks, device nodes, fifos).

Used for ``--layer`` directories that lie inside another layer, which
overlayfs refuses to stack: their copy in the state directory is used
instead.  Meant for small trees (an extracted overlay tarball, test files).
"""
from __future__ import annotations

import os
import shutil
import stat


def _meta(src_st: os.stat_result, dst: str) -> None:
    os.chown(dst, src_st.st_uid, src_st.st_gid, follow_symlinks=False)
    if not stat.S_ISLNK(src_st.st_mode):
        os.chmod(dst, stat.S_IMODE(src_st.st_mode))
    os.utime(dst, ns=(src_st.st_atime_ns, src_st.st_mtime_ns), follow_symlinks=False)


def copy_tree(src: str, dst: str) -> None:
    """dst must not exist."""
    os.mkdir(dst)
    for dirpath, dirnames, filenames in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        out = os.path.normpath(os.path.join(dst, rel))
        for name in dirnames + filenames:
            s, d = os.path.join(dirpath, name), os.path.join(out, name)
            st = os.lstat(s)
            if stat.S_ISDIR(st.st_mode):
                os.mkdir(d)
            elif stat.S_ISLNK(st.st_mode):
                os.symlink(os.readlink(s), d)
            elif stat.S_ISREG(st.st_mode):
                shutil.copyfile(s, d, follow_symlinks=False)
            else:
                os.mknod(d, st.st_mode, st.st_rdev)
            if not stat.S_ISDIR(st.st_mode):
                _meta(st, d)
    # directories last, deepest first, so their times are not disturbed by their contents
    for dirpath, _, _ in sorted(os.walk(src), key=lambda w: -w[0].count("/")):
        _meta(os.lstat(dirpath), os.path.normpath(os.path.join(dst, os.path.relpath(dirpath, src))))
