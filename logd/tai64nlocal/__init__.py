"""``python3 -m logd.tai64nlocal``: the s6-tai64nlocal filter."""
