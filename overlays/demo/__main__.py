"""``python3 -m overlays.demo``: same as ``s6py demo``."""
from overlays.demo.cli import demo

demo(prog_name="s6py demo")
