"""The command table: name -> "module:function" (pure data, read by the overlay build).

Every name here runs in-process when a chain reaches it, and gets a
``/command/NAME`` shim in the overlay (``python3 -m init.execline.multicall
NAME ARGS...``).  Modules are imported only when a chain reaches one of their
commands.  ``execlineb`` itself is the package's ``__main__``.
"""
from __future__ import annotations

COMMANDS: dict[str, str] = {
    # conditionals
    "if": "c_cond:if_",
    "ifelse": "c_cond:ifelse",
    "ifte": "c_cond:ifte",
    "ifthenelse": "c_cond:ifthenelse",
    # sequencing and processes
    "foreground": "c_seq:foreground",
    "background": "c_seq:background",
    "pipeline": "c_seq:pipeline",
    "piperw": "c_seq:piperw",
    "wait": "c_wait:wait",
    "heredoc": "c_seq:heredoc",
    "trap": "c_trap:trap",
    # file descriptors
    "redirfd": "c_fd:redirfd",
    "fdmove": "c_fd:fdmove",
    "fdclose": "c_fd:fdclose",
    "fdswap": "c_fd:fdswap",
    "fdblock": "c_fd:fdblock",
    "fdreserve": "c_fd:fdreserve",
    # process state
    "exec": "c_env:exec_",
    "tryexec": "c_env:tryexec",
    "emptyenv": "c_env:emptyenv",
    "export": "c_env:export",
    "unexport": "c_env:unexport",
    "cd": "c_env:cd",
    "execline-cd": "c_env:cd",
    "umask": "c_env:umask",
    "execline-umask": "c_env:umask",
    "getpid": "c_env:getpid",
    "getcwd": "c_env:getcwd",
    "exit": "c_env:exit_",
    # substitution
    "define": "c_subst:define",
    "importas": "c_subst:importas",
    "multisubstitute": "c_multi:multisubstitute",
    "multidefine": "c_subst:multidefine",
    "elgetpositionals": "c_subst:elgetpositionals",
    "elglob": "c_subst:elglob",
    "backtick": "c_backtick:backtick",
    "withstdinas": "c_backtick:withstdinas",
    # positional parameters
    "elgetopt": "c_pos:elgetopt",
    "shift": "c_pos:shift",
    "dollarat": "c_pos:dollarat",
    # loops
    "forx": "c_loop:forx",
    "forbacktickx": "c_loop:forbacktickx",
    "forstdin": "c_loop:forstdin",
    "loopwhilex": "c_loop:loopwhilex",
    # tests
    "eltest": "eltest:eltest",
    # s6 and s6-portable-utils helpers that scripts chain through
    "s6-setuidgid": "s6_ids:setuidgid",
    "s6-envuidgid": "s6_ids:envuidgid",
    "s6-applyuidgid": "s6_ids:applyuidgid",
    "s6-envdir": "s6_envdir:envdir",
    "with-contenv": "s6_envdir:with_contenv",
    "s6-echo": "s6_misc:echo",
    "s6-seq": "s6_misc:seq",
    "s6-sleep": "s6_misc:sleep",
    "s6-cat": "s6_misc:cat",
    "s6-maximumtime": "s6_maxtime:maximumtime",
    "s6-mkdir": "s6_files:mkdir",
    "s6-chown": "s6_files:chown",
    "s6-chmod": "s6_files:chmod",
    "s6-rmrf": "s6_files:rmrf",
    "s6-ln": "s6_files:ln",
    "s6-mkfifo": "s6_files:mkfifo",
    "s6-notifyoncheck": "s6_notify:notifyoncheck",
}

# An absolute name in one of these directories is our own shim: run it
# in-process too (s6-overlay scripts often write /command/NAME).
INPROCESS_DIRS: frozenset[str] = frozenset({"/command"})
