"""``python3 -m init.sandbox ROOTFS [options] -- [CMD...]``: ``s6py sandbox`` without the umbrella."""
from init.sandbox.cli import sandbox

sandbox(prog_name="s6py sandbox")
