"""The signal module without its enum wrappers.

``signal`` builds IntEnum classes at import, which costs about as much as
the rest of logd's imports together; the C module underneath has the same
functions and constants.  Every logger start pays for it, so use the C
module when the interpreter has one.
"""
try:
    import _signal as _impl
    from _signal import *  # noqa: F403
except ImportError:  # not CPython
    import signal as _impl
    from signal import *  # noqa: F403

SIG_DFL = _impl.SIG_DFL
SIG_IGN = _impl.SIG_IGN
