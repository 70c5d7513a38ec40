"""``s6py sandbox``: the click layer over ``init.sandbox.runner`` (see the package docstring)."""
from __future__ import annotations

import os
import sys

import click

from init.sandbox.spec import (
    NETWORKS,
    Config,
    SpecError,
    parse_bind,
    parse_env,
    parse_tmpfs,
)


class _Command(click.Command):
    """Usage errors exit 125, as docker's (the container's own codes stay unambiguous)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as e:
            e.exit_code = 125
            raise


@click.command(cls=_Command)
@click.argument("rootfs")
@click.argument("cmd", nargs=-1, type=click.UNPROCESSED)
@click.option("--entrypoint", default="/init", show_default=True, help="Program run as PID 1.")
@click.option("--layer", "layers", multiple=True, metavar="DIR",
              help="A directory stacked over ROOTFS (repeatable; the last is on top).")
@click.option("-e", "--env", "env", multiple=True, metavar="K[=V]",
              help="Set K (or copy the host's K). Otherwise only PATH, HOSTNAME, HOME.")
@click.option("--hostname", default="", help="UTS hostname (default: 12 random hex digits).")
@click.option("--network", "--net", "network", type=click.Choice(NETWORKS), default="none",
              show_default=True, help="none: a new network namespace with only lo up; "
              "host: the host's network.")
@click.option("-u", "--user", default="", metavar="USER[:GROUP]",
              help="Run PID 1 as this user (name or uid, looked up in the image).")
@click.option("-w", "--workdir", default="/", show_default=True)
@click.option("--read-only", is_flag=True, help="Mount the root read-only (tmpfs mounts stay rw).")
@click.option("--run-tmpfs/--no-run-tmpfs", default=True, show_default=True,
              help="Mount a tmpfs on /run (exec allowed, as s6-overlay needs).")
@click.option("--tmpfs", "tmpfs", multiple=True, metavar="PATH[:OPTS]",
              help="A tmpfs (default rw,noexec,nosuid,nodev,mode=1777, as docker).")
@click.option("-v", "--bind", "binds", multiple=True, metavar="SRC:DST[:ro]",
              help="Bind-mount a host path.")
@click.option("-i", "--interactive", is_flag=True, help="Keep stdin (default: /dev/null).")
@click.option("--stop-timeout", type=float, default=10.0, show_default=True,
              help="Seconds between the forwarded SIGTERM/SIGINT and SIGKILL.")
@click.option("--keep", is_flag=True, help="Keep the state directory (upper layer on disk).")
@click.option("--tmpdir", type=click.Path(file_okay=False), default=None,
              help="Where the state directory goes (default: $TMPDIR or /tmp).")
def sandbox(rootfs: str, cmd: tuple[str, ...], entrypoint: str, layers: tuple[str, ...],
            env: tuple[str, ...], hostname: str, network: str, user: str, workdir: str,
            read_only: bool, run_tmpfs: bool, tmpfs: tuple[str, ...], binds: tuple[str, ...],
            interactive: bool, stop_timeout: float, keep: bool, tmpdir: str | None) -> None:
    """Run ROOTFS as `docker run` would, without Docker: CMD goes to the entrypoint.

    New PID, mount, UTS, IPC (and network) namespaces, an overlayfs over
    ROOTFS (never modified), /proc, /dev, /run; exits with PID 1's exit
    code. SIGTERM/SIGINT are forwarded, then SIGKILL after --stop-timeout.
    Put `--` before CMD when it has options.
    """
    from init.sandbox.runner import fatal, run

    try:
        cfg = Config(
            rootfs=rootfs, cmd=list(cmd), entrypoint=entrypoint, layers=list(layers),
            env=parse_env(list(env), dict(os.environ)), hostname=hostname, network=network,
            user=user, workdir=workdir, read_only=read_only, run_tmpfs=run_tmpfs,
            tmpfs=[parse_tmpfs(t) for t in tmpfs],
            binds=[parse_bind(b, os.path.isdir(b.split(":")[0])) for b in binds],
            keep=keep, interactive=interactive, stop_timeout=stop_timeout, tmpdir=tmpdir)
    except SpecError as e:
        sys.exit(fatal(str(e)))
    sys.stdout.flush()
    sys.exit(run(cfg))
