"""A user's image for the end-to-end tests: a base root, the extracted overlay tarballs, an app layer.

As a Dockerfile would build it: ``FROM base``, ``ADD`` the tarballs (the
session's extracted layers, shared and never written), then the test's own
files (``/etc/services.d/...``, scripts) in a layer of its own on top.
``run`` boots it under ``python3 -m init.sandbox`` with ``/init`` from the
tarballs as PID 1; ``/out`` inside is a host directory the test reads
afterwards (world-writable, so non-root containers can write there too).
"""
from __future__ import annotations

import os
import subprocess

from tests.init.lifecycle.image import LayerFiles, Result, Running, write
from tests.init.sandbox import helpers
from tests.init.sandbox.helpers import ROOT, RUNNER

TIMEOUT = 90


class Stack(LayerFiles):
    def __init__(self, tmp, layers: list[str], base: str = "/") -> None:
        self.tmp = str(tmp)
        self.base = base
        self.layers = list(layers)
        self.layer = os.path.join(self.tmp, "app")
        self.outdir = os.path.join(self.tmp, "out")
        os.makedirs(self.outdir, exist_ok=True)
        os.chmod(self.outdir, 0o777)
        write(os.path.join(self.layer, "out", ".keep"), "")

    def argv(self, cmd, env_vars: dict[str, str] | None, opts) -> list[str]:
        a = RUNNER + [self.base]
        for layer in self.layers + [self.layer]:
            a += ["--layer", layer]
        a += ["--bind", f"{self.outdir}:/out", "--tmpdir", self.tmp] + list(opts)
        for k, v in (env_vars or {}).items():
            a += ["-e", f"{k}={v}"]
        return a + ["--"] + list(cmd)

    def run(self, *cmd: str, env: dict[str, str] | None = None, opts=(),
            timeout: float = TIMEOUT) -> Result:
        p = subprocess.run(self.argv(cmd, env, opts), stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout,
                           env=helpers.env(), cwd=ROOT)
        return Result(p.returncode, p.stdout, p.stderr, self.outdir)

    def start(self, *cmd: str, env: dict[str, str] | None = None, opts=()) -> Running:
        """In the background (Running: wait_for a file in /out, signal, wait)."""
        with open(os.path.join(self.tmp, "stdout"), "wb") as out, \
                open(os.path.join(self.tmp, "stderr"), "wb") as err:  # the child keeps its copies
            proc = subprocess.Popen(self.argv(cmd, env, opts), stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err, env=helpers.env(), cwd=ROOT)
        return Running(self, proc)
