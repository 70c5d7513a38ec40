"""s6-portable-utils that print or wait: s6-echo, s6-seq, s6-sleep, s6-cat.

Checked against the 2.3.1.2 release s6-overlay ships (Debian has no
package).  They write with os.write on fd 1 (no Python buffering).  One
deliberate difference: ``s6-seq A 0 B`` (a step of 0) is a usage error
here; the real one loops forever.
"""
from __future__ import annotations

import os
import time

from .errors import Exit, fatal, usage
from .options import OptionError, getopt, uint
from .runtime import Context


def write_all(prog: str, data: bytes, fd: int = 1) -> None:
    """Write everything or die ``unable to write to stdout`` (111)."""
    try:
        while data:
            data = data[os.write(fd, data):]
    except OSError as e:
        raise fatal(prog, 111, f"unable to write to stdout: {os.strerror(e.errno or 0)}") from None


def echo(ctx: Context, argv: list[str]) -> list[str]:
    try:
        opts, i = getopt(argv, "ns:")
    except OptionError:
        raise usage("s6-echo", "s6-echo [ -n ] [ -s sep ] args...") from None
    newline, sep = True, " "
    for c, a in opts:
        if c == "n":
            newline = False
        else:
            sep = a[:1] or "\0"
    text = sep.join(argv[i:]) + ("\n" if newline else "")
    write_all("s6-echo", os.fsencode(text))
    raise Exit(0)


def seq(ctx: Context, argv: list[str]) -> list[str]:
    text = "s6-seq [ -w ] [ -s separator ] limits"
    try:
        opts, i = getopt(argv, "ws:")
    except OptionError:
        raise usage("s6-seq", text) from None
    width, sep = False, "\n"
    for c, a in opts:
        if c == "w":
            width = True
        else:
            sep = a or "\0"
    nums = [uint(a) for a in argv[i:]]
    if not 1 <= len(nums) <= 3 or None in nums:
        raise usage("s6-seq", text)
    if len(nums) == 1:
        first, step, last = 1, 1, nums[0]
    elif len(nums) == 2:
        first, step, last = nums[0], 1, nums[1]
    else:
        first, step, last = nums
    if not step:
        raise usage("s6-seq", text)
    pad = len(str(first + step * ((last - first) // step))) if width and last >= first else 0
    out = "".join(str(n).zfill(pad) + sep for n in range(first, last + 1, step))  # type: ignore[arg-type]
    write_all("s6-seq", os.fsencode(out))
    raise Exit(0)


def sleep(ctx: Context, argv: list[str]) -> list[str]:
    text = "s6-sleep [ -m ] duration prog..."
    try:
        opts, i = getopt(argv, "m")
    except OptionError:
        raise usage("s6-sleep", text) from None
    amount = uint(argv[i]) if i < len(argv) else None
    if amount is None:
        raise usage("s6-sleep", text)
    deadline = time.monotonic() + (amount / 1000 if opts else amount)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        time.sleep(left)
    rest = argv[i + 1:]
    if not rest:
        raise Exit(0)
    return rest


def cat(ctx: Context, argv: list[str]) -> list[str]:
    while True:
        try:
            data = os.read(0, 65536)
        except OSError as e:
            raise fatal("s6-cat", 111, f"unable to fd_cat: {os.strerror(e.errno or 0)}") from None
        if not data:
            raise Exit(0)
        try:
            while data:
                data = data[os.write(1, data):]
        except OSError as e:
            raise fatal("s6-cat", 111, f"unable to fd_cat: {os.strerror(e.errno or 0)}") from None
