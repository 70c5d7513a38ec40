"""The container environment: PATH defaults, the dump, and printcontenv's reading.

Why: with S6_KEEP_ENV=0 (the default) every process of the container gets
PATH only, and the image's / ``docker run -e`` variables live in
``/run/s6/container_environment``, one file per variable (value + one
newline).  ``with-contenv`` loads them back (init.execline.s6_envdir);
``printcontenv`` and everything after stage 1 read S6_* variables here, so
a cont-init script can change them for what follows (init.md §6.3, §19).
"""
from __future__ import annotations

import os

CONTAINER_ENV = "/run/s6/container_environment"
_ALWAYS = ("/bin", "/usr/bin", "/command")


def fix_path(path: str | None) -> str:
    """/init's PATH: unset/empty is /bin, then /bin, /usr/bin, /command prepended if missing."""
    path = path or "/bin"
    for d in _ALWAYS:
        if d not in path.split(":"):
            path = f"{d}:{path}"
    return path


def env_dir() -> str:
    """The container environment directory (``S6PY_CONTAINER_ENV_DIR`` for tests)."""
    return os.environ.get("S6PY_CONTAINER_ENV_DIR") or CONTAINER_ENV


def keep_env(env: dict[str, str]) -> bool:
    text = "0" + env.get("S6_KEEP_ENV", "")
    return text.isascii() and text.isdigit() and int(text) != 0


def dump(env: dict[str, str], path: str = CONTAINER_ENV) -> None:
    """s6-linux-init -s: one file per variable, value + newline; dir mode 0700.

    Names that cannot be file names (``/``, ``.``/``..``, empty) are skipped.
    """
    os.makedirs(path, 0o700, exist_ok=True)
    os.chmod(path, 0o700)
    for name, value in env.items():
        if not name or "/" in name or name in (".", "..") or "\0" in name:
            continue
        fd = os.open(os.path.join(path, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                     | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, os.fsencode(value) + b"\n")
        finally:
            os.close(fd)


def read_file(name: str, path: str | None = None) -> bytes | None:
    """The raw file of one variable, None if it does not exist (or cannot be read)."""
    if not name or "/" in name:
        return None
    try:
        with open(os.path.join(path or env_dir(), name), "rb") as f:
            return f.read()
    except OSError:
        return None


def get(name: str, env: dict[str, str] | None = None, path: str | None = None) -> str | None:
    """A variable as ``$(printcontenv NAME)`` gives it (trailing newlines removed).

    ``env`` is the reader's own environment: if it says S6_KEEP_ENV, the
    variable comes from it (None if unset or empty, as printcontenv fails
    then); otherwise from the container environment directory.
    """
    own = os.environ if env is None else env
    if keep_env(own):
        value = own.get(name)
        return value or None
    raw = read_file(name, path)
    if raw is None:
        return None
    return os.fsdecode(raw).rstrip("\n")
