"""PID 1's side: build the root, switch to it, become the container, exec the entrypoint.

Runs in the forked PID 1 of the new PID namespace (the keeper has already
unshared the namespaces), never returns.  Failures are written to the
error pipe as ``CODE TEXT`` and end the process with CODE: 125 for set-up
errors, 126/127 when the entrypoint cannot be run (docker's codes).
"""
from __future__ import annotations

import errno
import fcntl
import os
import signal
import socket
import struct

from init.sandbox import syscalls as sc
from init.sandbox.layercopy import copy_tree
from init.sandbox.plan import OLDROOT, Step, overlay_options
from init.sandbox.prepare import Prepared
from init.sandbox.spec import MS_BIND, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT

_CARRIED_FLAGS = 2 | 4 | 8  # ST_NOSUID | ST_NODEV | ST_NOEXEC == MS_* values


class SetupError(Exception):
    """Text for ``s6py sandbox: fatal:``."""


def _explain(e: OSError, what: str) -> str:
    hints = {errno.EPERM: "not permitted (no CAP_SYS_ADMIN, or a seccomp/LSM policy)",
             errno.ENODEV: "no such filesystem type in this kernel",
             errno.ELOOP: "overlapping overlayfs layers: try --tmpdir on another filesystem"}
    return f"{what}: {hints.get(e.errno or 0, os.strerror(e.errno or 0))}"


def _enter_root(p: Prepared) -> None:
    """Private propagation, the overlay, then pivot_root into it (host root kept at OLDROOT)."""
    sc.mount(None, "/", None, MS_REC | MS_PRIVATE)
    if p.upper_on_tmpfs:
        sc.mount("tmpfs", p.state, "tmpfs", 0, "mode=0700")
    upper, work, root = (os.path.join(p.state, d) for d in ("upper", "work", "root"))
    for d in (upper, work, root):
        os.makedirs(d, 0o755, exist_ok=True)
    st = os.stat(p.lowers[0])  # the merged / takes the upper root's owner and mode: ROOTFS's
    os.chown(upper, st.st_uid, st.st_gid)
    os.chmod(upper, st.st_mode & 0o7777)
    lowers = list(p.lowers)
    copies = p.state
    if p.copy_layers and not p.upper_on_tmpfs:
        # --keep: the upper dir stays on disk, but copies on the root's own filesystem
        # would lie inside the lower / again (ELOOP): they go to a tmpfs of their own
        copies = os.path.join(p.state, "layers")
        os.makedirs(copies, 0o700, exist_ok=True)
        sc.mount("tmpfs", copies, "tmpfs", 0, "mode=0700")
    for i in p.copy_layers:
        lowers[i] = os.path.join(copies, f"layer{i}")
        copy_tree(p.lowers[i], lowers[i])
    opts = overlay_options(lowers, upper, work, p.userxattr)
    try:
        sc.mount("overlay", root, "overlay", 0, opts)
    except OSError as e:
        hint = ("" if e.errno != errno.EINVAL else "; overlayfs refuses an upper dir on "
                "overlayfs (use --tmpdir elsewhere) and, in a user namespace, a lower dir with "
                "mounts under it such as /; dmesg tells which")
        raise SetupError(_explain(e, f"mount overlay ({opts})") + hint) from None
    os.mkdir(root + OLDROOT, 0o700)
    try:
        sc.pivot_root(root, root + OLDROOT)
    except OSError as e:
        raise SetupError(_explain(e, "pivot_root (is the host's / a mount point?)")) from None
    os.chdir("/")


def _touch(path: str, mode: int) -> None:
    os.makedirs(os.path.dirname(path), 0o755, exist_ok=True)
    if not os.path.lexists(path):
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, mode))


def apply(step: Step) -> None:
    """One plan step, in the new root."""
    try:
        if step.op == "mkdir":
            os.makedirs(step.path, step.mode, exist_ok=True)
        elif step.op == "touch":
            _touch(step.path, step.mode)
        elif step.op == "symlink":
            if not os.path.lexists(step.path):
                os.symlink(step.source, step.path)
        elif step.op == "mount":
            sc.mount(step.source, step.path, step.fstype, step.flags, step.data)
        elif step.op == "bind":
            sc.mount(OLDROOT + step.source, step.path, None, MS_BIND | MS_REC)
        elif step.op == "remount-ro":
            keep = os.statvfs(step.path).f_flag & _CARRIED_FLAGS
            sc.mount(None, step.path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | keep)
        else:
            raise SetupError(f"unknown plan step {step.op}")
    except OSError as e:
        if not step.optional:
            raise SetupError(_explain(e, f"{step.op} {step.path}")) from None


def loopback_up() -> None:
    """``ip link set lo up`` with one ioctl: SIOCGIFFLAGS, then SIOCSIFFLAGS with IFF_UP."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(s.fileno(), 0x8913, req))[1]
        fcntl.ioctl(s.fileno(), 0x8914, struct.pack("16sH22x", b"lo", flags | 1))


def _reset_signals() -> None:
    """The entrypoint starts with default dispositions and nothing blocked."""
    for sig in signal.valid_signals():
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            try:
                signal.signal(sig, signal.SIG_DFL)
            except (OSError, ValueError):
                pass
    signal.pthread_sigmask(signal.SIG_SETMASK, set())


def _become(p: Prepared) -> None:
    for step in p.steps:
        apply(step)
    sc.umount2(OLDROOT, sc.MNT_DETACH)
    os.rmdir(OLDROOT)
    if p.read_only:
        sc.mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    os.chdir(p.workdir)
    socket.sethostname(p.hostname)
    if p.network == "none":
        loopback_up()
    if not p.interactive:
        fd = os.open("/dev/null", os.O_RDONLY)
        os.dup2(fd, 0)
        os.close(fd)
    u = p.user
    os.setgroups(list(u.groups))
    os.setgid(u.gid)
    os.setuid(u.uid)
    sc.set_pdeathsig(signal.SIGKILL)


def _close_fds(keep: set[int]) -> None:
    """Only stdio (and the close-on-exec error pipe) reach the entrypoint, as in docker."""
    for name in os.listdir("/proc/self/fd"):
        if int(name) not in keep:
            try:
                os.close(int(name))
            except OSError:
                pass


def pid1(p: Prepared, errfd: int) -> None:
    """Never returns: exec the entrypoint, or _exit with 125/126/127."""
    def fail(code: int, text: str) -> None:
        try:
            os.write(errfd, f"{code} {text}\n".encode(errors="replace"))
        finally:
            os._exit(code)

    try:
        sc.set_pdeathsig(signal.SIGKILL)  # again after the id change, which clears it
        os.umask(0o022)  # docker's, for what we create and for the entrypoint
        _reset_signals()
        os.setsid()
        _enter_root(p)
        _become(p)
        _close_fds({0, 1, 2, errfd})
    except SetupError as e:
        fail(125, str(e))
    except BaseException as e:  # noqa: BLE001 - whatever happens, PID 1 must not return
        fail(125, f"set-up: {type(e).__name__}: {e}")
    try:
        os.execvpe(p.argv[0], p.argv, p.env)
    except OSError as e:
        fail(127 if e.errno == errno.ENOENT else 126, f"exec {p.argv[0]}: {os.strerror(e.errno or 0)}")
    except BaseException as e:  # noqa: BLE001
        fail(126, f"exec {p.argv[0]}: {e}")
