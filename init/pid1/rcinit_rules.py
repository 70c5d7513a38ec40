"""rc.init's choices (pure; init.md §8): where the service sources are, the CMD's argv.

* ``profiledir``: ``/etc/cont-profile.d/P/s6-overlay`` with S6_RUNTIME_PROFILE
  (non-empty), else ``/etc/s6-overlay``;
* bundles: S6_RUNTIME_BUNDLEDIR or ``profiledir/user-bundles.d``, unless
  ``profiledir/s6-rc.d/user`` is a directory ("compatibility mode": then
  only ``s6-rc.d`` is compiled, after a deprecation warning).  s6py
  differs there: the names the bundle directory's ``user``/``user2``
  contents.d list are still added to those bundles when a source defines
  them.  Why: overlays add themselves through ``user-bundles.d`` (the
  syslogd overlay, DECISIONS.md #12), and an image written with the seed
  README's ``s6-rc.d/user/contents.d`` must not lose /dev/log for it;
  s6-overlay's own syslogd overlay forces compatibility mode instead.
  Undefined names stay ignored, as s6-overlay ignores the whole directory;
* the CMD: S6_CMD_ARG0's words, then the CMD's own arguments untouched.
"""
from __future__ import annotations

PROG = "/run/s6/basedir/scripts/rc.init"
COMPILED = "/run/s6/db"
LIVE = "/run/s6-rc"


def profiledir(profile: str | None) -> str:
    return f"/etc/cont-profile.d/{profile}/s6-overlay" if profile else "/etc/s6-overlay"


def sources(profile: str | None, bundledir: str | None, compat: bool) -> list[str]:
    """What s6-rc-compile reads, before s6-overlay's own definitions."""
    pdir = profiledir(profile)
    if compat:
        return [f"{pdir}/s6-rc.d"]
    return [f"{pdir}/s6-rc.d", bundledir or f"{pdir}/user-bundles.d"]


def bundledir(profile: str | None, bundledir: str | None) -> str:
    return bundledir or f"{profiledir(profile)}/user-bundles.d"


def compat_added(profile: str | None, bdir: str | None, bundle: str, name: str) -> str:
    return (f"compatibility mode: adding {name} to {bundle} from "
            f"{bundledir(profile, bdir)}/{bundle}/contents.d")


def compat_warning(profile: str | None) -> str:
    pdir = profiledir(profile)
    return (f"defining user bundles in {pdir}/s6-rc.d is deprecated, please define them in "
            f"{pdir}/user-bundles.d instead")


def cmd_argv(arg0: str | None, cmd: list[str]) -> list[str]:
    """``$arg0 "$@"``: S6_CMD_ARG0 is word-split, the CMD is not."""
    return (arg0 or "").split() + list(cmd)


def compile_verbosity(v: int) -> int:
    return v - 1 if v > 0 else 0
