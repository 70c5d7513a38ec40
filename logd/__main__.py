"""``python3 -m logd``: s6-log."""
import sys

from logd.main import main

sys.exit(main(sys.argv[1:]))
