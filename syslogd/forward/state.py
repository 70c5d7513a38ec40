"""The forwarder's persistent cursor: where the collector has got to.

One small JSON file per logdir: the reader's ``Cursor`` (see
``logd.reading.cursor``), counters, and ``unconfirmed``: how many lines
past the cursor had already been sent (the next run sends them again and
counts them as resent).  Written durably: to a temporary
name, ``fsync``, ``rename`` over the old one, ``fsync`` of the directory,
so a crash leaves either the old cursor or the new one, never half of one.

Where: ``--state FILE``, else ``$S6PY_FORWARD_STATE_DIR`` or
``/var/lib/s6py/forward``, file named after the logdir's real path.  Never
inside the logdir: that directory belongs to the logger (s6-log ignores
dot-files, but a logdir may be on a volume the forwarder must not write
to, and one logdir can feed several forwarders).
"""
from __future__ import annotations

import json
import os

from logd.reading.cursor import Cursor

DEFAULT_DIR = "/var/lib/s6py/forward"


def default_state_path(logdir: str, state_dir: str | None = None) -> str:
    """The state file for ``logdir``: its real path, ``/`` escaped."""
    base = state_dir or os.environ.get("S6PY_FORWARD_STATE_DIR") or DEFAULT_DIR
    real = os.path.realpath(logdir)
    name = real.replace("%", "%25").replace("/", "%2F") + ".cursor.json"
    return os.path.join(base, name)


def load(path: str) -> tuple[Cursor | None, dict]:
    """``(cursor, counters)``; ``(None, {})`` when there is no state yet."""
    cursor, counters, _ = load_all(path)
    return cursor, counters


def load_all(path: str) -> tuple[Cursor | None, dict, int]:
    """``(cursor, counters, unconfirmed)``; ``(None, {}, 0)`` without state."""
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read())
    except FileNotFoundError:
        return None, {}, 0
    except ValueError as exc:
        raise ValueError(f"{path}: corrupt forwarder state: {exc}") from None
    return (Cursor.from_json(data["cursor"]), dict(data.get("counters", {})),
            int(data.get("unconfirmed", 0)))


def save(path: str, cursor: Cursor, counters: dict, unconfirmed: int = 0) -> None:
    """Replace the state file atomically and durably."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    tmp = f"{path}.tmp"
    data = json.dumps({"cursor": cursor.to_json(), "counters": counters,
                       "unconfirmed": unconfirmed}).encode()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.rename(tmp, path)
    dfd = os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
