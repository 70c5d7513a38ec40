"""The Alpine-like root's package selection (tests/e2e/busybox.py), from dpkg status text."""
from __future__ import annotations

import pytest

from tests.e2e import busybox

STATUS = """\
Package: busybox
Status: install ok installed
Depends: libc6 (>= 2.30)
Description: tiny utilities
 continued here

Package: libc6
Status: install ok installed
Depends: libgcc-s1, libcrypt1 (>= 1:4.4.10-10~)

Package: libgcc-s1
Status: install ok installed
Depends: gcc-10-base (= 10.2.1-6), libc6 (>= 2.14)

Package: gcc-10-base
Status: install ok installed

Package: libcrypt1
Status: install ok installed

Package: python3
Status: install ok installed
Pre-Depends: python3-minimal (= 3.9.2-3)
Depends: python3.9 (>= 3.9.2-0~), libpython3-stdlib (= 3.9.2-3)

Package: python3-minimal
Status: install ok installed
Pre-Depends: python3.9-minimal (>= 3.9.2-0~)
Depends: dpkg (>= 1.13.20)

Package: python3.9-minimal
Status: install ok installed
Pre-Depends: libc6 (>= 2.29)

Package: python3.9
Status: install ok installed
Depends: python3.9-minimal, media-types | mime-support

Package: mime-support
Status: install ok installed

Package: libpython3-stdlib
Status: install ok installed
Depends: stdlib-provider:any

Package: libpython3.9-stdlib
Status: install ok installed
Provides: stdlib-provider

Package: dpkg
Status: install ok installed
Depends: tar (>= 1.28-1)

Package: tar
Status: install ok installed

Package: removed-one
Status: deinstall ok config-files
"""


def test_parse_keeps_installed_packages_and_joins_continuations():
    packages = busybox.parse(STATUS)
    assert "removed-one" not in packages and "busybox" in packages
    assert packages["busybox"]["Description"] == "tiny utilities\ncontinued here"
    assert packages["libc6"]["Depends"] == "libgcc-s1, libcrypt1 (>= 1:4.4.10-10~)"


def test_closure_follows_depends_pre_depends_alternatives_and_provides_skipping_dpkg():
    got = busybox.closure(busybox.parse(STATUS), ("busybox", "python3"))
    assert got == ["busybox", "gcc-10-base", "libc6", "libcrypt1", "libgcc-s1",
                   "libpython3-stdlib", "libpython3.9-stdlib", "mime-support", "python3",
                   "python3-minimal", "python3.9", "python3.9-minimal"]
    assert "dpkg" not in got and "tar" not in got   # maintainer-script needs only


def test_closure_refuses_what_is_not_installed():
    with pytest.raises(ValueError, match="nginx: not installed"):
        busybox.closure(busybox.parse(STATUS), ("nginx",))
    broken = STATUS.replace("Depends: libc6 (>= 2.30)", "Depends: libmissing | libgone")
    with pytest.raises(ValueError, match="busybox: none of libmissing | libgone is installed"):
        busybox.closure(busybox.parse(broken), ("busybox",))
