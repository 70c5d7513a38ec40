"""``python3 -m init.execline.multicall NAME ARGS...`` (see __init__.py)."""
import sys

from init.execline.multicall import main

main(sys.argv[1:])
