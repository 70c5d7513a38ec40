"""The README's examples, as the end-to-end tests read them (pure: text in, text out).

A fenced block the tests use is marked by an HTML comment on the line right
before its opening fence, invisible on a rendered page::

    <!-- example: /etc/services.d/myapp/run -->
    ```sh
    #!/bin/sh
    ...
    ```

``blocks`` returns every marked block by name, so a test runs the exact
text users copy, and an edit to the README that breaks an example breaks a
test.  A name starting with ``/`` is a file's path in the image (``place``
writes it into a layer); other names are transcripts, Dockerfiles or lists
that a test reads with ``transcript``, ``dockerfile`` or ``paths``.  Two
versions of one file carry a note: ``/etc/services.d/myapp/finish (exit code)``.
"""
from __future__ import annotations

import json
import os
import re
import shlex

README = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      "README.md")
MARKER = re.compile(r"^<!--\s*example:\s*(\S.*?)\s*-->\s*$")
FENCE = re.compile(r"^(`{3,}|~{3,})")


class ReadmeError(ValueError):
    """A marker the README does not honour (no block after it, a name used twice...)."""


def blocks(text: str) -> dict[str, str]:
    """name -> the marked block's text (its lines, each ending in a newline), in README order."""
    lines = text.splitlines()
    found: dict[str, str] = {}
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i])
        i += 1
        if not m:
            continue
        name = m.group(1)
        if name in found:
            raise ReadmeError(f"example {name!r} is marked twice")
        fence = FENCE.match(lines[i]) if i < len(lines) else None
        if not fence:
            raise ReadmeError(f"example {name!r}: the marker's next line is not a fence")
        close = fence.group(1)
        body = []
        i += 1
        while i < len(lines) and not (lines[i].startswith(close)
                                      and lines[i].strip() == close[0] * len(lines[i].strip())):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise ReadmeError(f"example {name!r}: the block is never closed")
        i += 1
        found[name] = "".join(line + "\n" for line in body)
    return found


def load(path: str = README) -> dict[str, str]:
    with open(path, encoding="utf-8") as f:
        return blocks(f.read())


def image_path(name: str) -> str:
    """``/etc/services.d/myapp/finish (exit code)`` -> ``/etc/services.d/myapp/finish``: two
    versions of one file are told apart by a note in parentheses after the path."""
    if not name.startswith("/"):
        raise ReadmeError(f"example {name!r} is not a file in the image")
    return re.sub(r"\s+\(.*\)$", "", name)


def under(found: dict[str, str], prefix: str) -> dict[str, str]:
    """The files (image path -> text) whose path starts with prefix, variants left out."""
    return {name: text for name, text in found.items()
            if name.startswith(prefix) and image_path(name) == name}


def mode(text: str) -> int:
    """A file starting with ``#!`` is a program (0755), anything else data (0644): the modes
    ``run``, ``finish`` and cont-init.d scripts need, and ``type``/``up`` files do not."""
    return 0o755 if text.startswith("#!") else 0o644


def place(root: str, path: str, text: str) -> str:
    """Write text at the image path under root, with ``mode``; returns the host path."""
    full = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(full, mode(text))
    return full


def paths(block: str) -> list[str]:
    """The non-blank lines of a list block (e.g. the empty files an s6-rc service needs)."""
    return [line.strip() for line in block.splitlines() if line.strip()]


def transcript(block: str, prompt: str = "docker-host $ ") -> list[tuple[str, list[str]]]:
    """A terminal session: (command, output lines) for each line starting with prompt;
    lines before the first prompt are output of an empty command."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith(prompt):
            steps.append((line[len(prompt):], []))
        elif steps:
            steps[-1][1].append(line)
        else:
            steps.append(("", [line]))
    return steps


def dockerfile(block: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; backslash continuations joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for line in block.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        full = (pending + line).strip()
        pending = ""
        instr, _, args = full.partition(" ")
        out.append((instr.upper(), args.strip()))
    if pending:
        raise ReadmeError("Dockerfile: a continuation line ends the block")
    return out


def exec_form(args: str) -> list[str]:
    """``["nginx", "-g", "daemon off;"]`` -> a list; the shell form is split as sh would."""
    args = args.strip()
    if args.startswith("["):
        value = json.loads(args)
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise ReadmeError(f"not an exec form: {args}")
        return value
    return ["/bin/sh", "-c", args]


def tarballs(instructions: list[tuple[str, str]]) -> list[str]:
    """The archive names the Dockerfile's ``RUN tar ... -x...f FILE`` commands extract."""
    names = []
    for instr, args in instructions:
        if instr != "RUN":
            continue
        for cmd in re.split(r"&&|;", args):
            words = shlex.split(cmd)
            if words[:1] == ["tar"]:
                names += [os.path.basename(w) for w in words[1:] if w.endswith((".tar.xz", ".tar"))]
    return names
