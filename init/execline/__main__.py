"""``python3 -m init.execline ARGS``: execlineb (see execlineb.py)."""
import sys

from init.execline.execlineb import main

main(sys.argv[1:])
