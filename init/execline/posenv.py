"""Positional-parameter frames in the environment (pure logic on dicts).

Without -P/-S/-s, execlineb stores ``#``, ``0``, ``1``... in the environment
and first *pushes* the previous frame: every variable whose name starts with
``#`` or a digit is renamed NAME -> NAME:1, NAME:k -> NAME:k+1.  ``emptyenv
-P`` pops (drops the current frame, renames NAME:1 -> NAME...).  ``elgetopt``
does the same with ``ELGETOPT_`` variables (popped by ``emptyenv -o``).
"""
from __future__ import annotations


def is_positional(name: str) -> bool:
    """A name execline treats as part of the positional frame."""
    return bool(name) and (name[0] == "#" or name[0].isdigit())


def _split_level(name: str) -> tuple[str, int]:
    base, sep, level = name.rpartition(":")
    if sep and level.isascii() and level.isdigit() and base:
        return base, int(level)
    return name, 0


def push(env: dict[str, str], match) -> dict[str, str]:
    """A new env where every variable accepted by match goes one level deeper."""
    out: dict[str, str] = {}
    for k, v in env.items():
        if match(k):
            base, level = _split_level(k)
            out[f"{base}:{level + 1}"] = v
        else:
            out[k] = v
    return out


def pop(env: dict[str, str], match) -> dict[str, str]:
    """A new env where the current frame of match is dropped and deeper ones rise."""
    out: dict[str, str] = {}
    for k, v in env.items():
        if match(k):
            base, level = _split_level(k)
            if level == 0:
                continue
            out[base if level == 1 else f"{base}:{level - 1}"] = v
        else:
            out[k] = v
    return out


def set_frame(env: dict[str, str], name: str, args: list[str]) -> None:
    """Store a frame: ``#`` = count, ``0`` = name, ``1``.. = args."""
    env["#"] = str(len(args))
    env["0"] = name
    for i, a in enumerate(args, 1):
        env[str(i)] = a


def read_frame(env: dict[str, str], prog: str) -> list[str] | None:
    """[$0, $1, ... $n] from the environment, or None if the frame is invalid."""
    n = env.get("#")
    if n is None or not n.isascii() or not n.isdigit():
        return None
    out = []
    for i in range(int(n) + 1):
        v = env.get(str(i))
        if v is None:
            return None
        out.append(v)
    return out


def is_elgetopt(name: str) -> bool:
    return name.startswith("ELGETOPT_")


def is_pop_P(name: str) -> bool:
    return is_positional(name) or name.startswith("EXECLINE_")
