"""Which options of which command the differential corpus exercises.

Each case's script is lexed with our lexer (the corpus must parse); every
word naming a command (at any block depth) starts a scan of the option
words after it, read with that command's getopt spec.  ``table()`` is the
README's table; tests/init/execline/test_el_coverage.py checks that every
command the overlay ships has cases and every option letter of its real
spec is used at least once.
"""
from __future__ import annotations

from init.execline.lexer import ParseError, parse

# getopt specs of the real programs (execline 2.9.3.0, s6 2.11.3.2,
# s6-portable-utils 2.3.1.2, s6-overlay 3.2.3.2's scripts); "" = no options.
SPECS: dict[str, str] = {
    "background": "d", "backtick": "iINnxD:Ee", "cd": "", "define": "NnsCcd:",
    "dollarat": "nd:0", "elgetopt": "D:", "elgetpositionals": "P:", "elglob": "vwsme0",
    "eltest": "", "emptyenv": "pcoP", "exec": "cla:", "execline-cd": "", "execline-umask": "",
    "exit": "", "export": "", "fdblock": "n", "fdclose": "", "fdmove": "c", "fdreserve": "",
    "fdswap": "", "forbacktickx": "pNnCc0d:o:x:Ee", "foreground": "", "forstdin": "pNnCc0d:o:x:Ee",
    "forx": "po:x:Ee", "getcwd": "Ee", "getpid": "EePp", "heredoc": "d", "if": "nXtx:",
    "ifelse": "nX", "ifte": "Xn", "ifthenelse": "Xs", "importas": "iuD:NnsCcd:",
    "loopwhilex": "no:x:", "multidefine": "0rNnCcd:", "multisubstitute": "", "pipeline": "drw",
    "piperw": "", "redirfd": "rwuaxnb", "shift": "n:b:", "trap": "xt:", "tryexec": "ncla:",
    "umask": "", "unexport": "", "wait": "iIaort:", "withstdinas": "iINnD:Ee",
    "execlineb": "pPqwWc:S:s:",
    "s6-setuidgid": "", "s6-envuidgid": "ugBniD:", "s6-applyuidgid": "zUu:g:G:",
    "s6-envdir": "IinfLc:", "s6-notifyoncheck": "d3:s:T:t:w:n:c:",
    "s6-echo": "ns:", "s6-seq": "ws:", "s6-sleep": "m", "s6-cat": "", "s6-maximumtime": "0abikqtx12",
    "s6-mkdir": "pvm:", "s6-chown": "Uu:g:", "s6-chmod": "", "s6-rmrf": "", "s6-ln": "nsfLP",
    "s6-mkfifo": "m:",
    "with-contenv": "", "printcontenv": "", "with-retries": "n:t:", "logutil-newfifo": "m:o:",
    "logutil-service": "f:",
}
# Where options are really another program's (with-contenv's words are a command line).
NO_OPTIONS_AFTER = {"with-contenv", "printcontenv", "eltest", "exit", "cd", "execline-cd",
                    "export", "unexport", "umask", "execline-umask", "fdclose", "fdswap",
                    "fdreserve", "piperw", "s6-chmod", "s6-rmrf", "s6-cat", "foreground",
                    "multisubstitute", "s6-setuidgid"}


def _letters(words: list[str], i: int, spec: str) -> set[str]:
    found: set[str] = set()
    while i < len(words):
        w = words[i].lstrip(" ")
        if w == "--" or len(w) < 2 or w[0] != "-":
            break
        for k, c in enumerate(w[1:], 1):
            pos = spec.find(c)
            if pos < 0 or c == ":":
                return found
            found.add(c)
            if pos + 1 < len(spec) and spec[pos + 1] == ":":
                if k == len(w) - 1:
                    i += 1
                break
        i += 1
    return found


def usage_of(case) -> dict[str, set[str]]:
    """command -> option letters that case passes it (execlineb's own too)."""
    out: dict[str, set[str]] = {"execlineb": _letters(case.mode, 0, SPECS["execlineb"])}
    try:
        words = parse(case.script.split("\0", 1)[0])
    except ParseError:
        return out
    for i, w in enumerate(words):
        name = w.lstrip(" ").rpartition("/")[2]
        if name in SPECS:
            letters = set() if name in NO_OPTIONS_AFTER else _letters(words, i + 1, SPECS[name])
            out.setdefault(name, set()).update(letters)
    return out


def coverage(cases) -> dict[str, tuple[set[str], int]]:
    """command -> (option letters seen, number of cases using it)."""
    table: dict[str, tuple[set[str], int]] = {}
    for case in cases:
        for name, letters in usage_of(case).items():
            seen, n = table.get(name, (set(), 0))
            table[name] = (seen | letters, n + 1)
    return table


def table(cases) -> str:
    """The README's markdown table."""
    cov = coverage(cases)
    rows = ["| command | options covered | cases |", "|---|---|---|"]
    for name in sorted(SPECS):
        seen, n = cov.get(name, (set(), 0))
        letters = [c for c in SPECS[name] if c != ":"]
        opts = " ".join(f"-{c}" for c in letters if c in seen) or "(none)"
        missing = [c for c in letters if c not in seen]
        if missing:
            opts += " (not: " + " ".join(f"-{c}" for c in missing) + ")"
        rows.append(f"| `{name}` | {opts} | {n} |")
    return "\n".join(rows)


if __name__ == "__main__":
    from .el_corpus import CORPUS, ROOT_ONLY
    print(table(CORPUS + ROOT_ONLY))
