"""The differential corpus reaches every command the overlay ships and every
option of each (the README's table comes from el_coverage.table)."""
from __future__ import annotations

from init.execline.lexer import ParseError, parse
from init.execline.table import COMMANDS

from .el_corpus import CORPUS, ROOT_ONLY
from .el_coverage import SPECS, coverage

CASES = CORPUS + ROOT_ONLY
# Cases whose script is a syntax error on purpose (the real execlineb's
# message is what they pin).  Any other unparsable script is a mistake in
# the corpus: it would test the lexer's error instead of its command.
SYNTAX_ERRORS = {
    "ref-unmatched-open", "ref-unmatched-close", "edge-backslash-eof-word",
    "edge-quote-unterminated", "edge-octal-zero", "edge-octal-big", "edge-decimal-big",
    "edge-hex-bad", "edge-open-brace-eof", "lex-octal-bad", "lex-nul-in-quotes",
    "lex-brace-comment", "bt-unterminated", "opt-tryexec-usage", "opt-foreground-unterminated",
}
OVERLAY_HELPERS = {"with-contenv", "printcontenv", "with-retries", "logutil-newfifo",
                   "logutil-service"}


def test_every_shipped_command_has_cases() -> None:
    cov = coverage(CASES)
    shipped = set(COMMANDS) | OVERLAY_HELPERS | {"execlineb"}
    assert not shipped - set(SPECS), "a shipped command has no spec in el_coverage"
    missing = sorted(name for name in shipped if cov.get(name, (set(), 0))[1] == 0)
    assert not missing, f"no differential case calls {missing}"


def test_every_option_is_exercised() -> None:
    cov = coverage(CASES)
    gaps = {}
    for name, spec in SPECS.items():
        seen = cov.get(name, (set(), 0))[0]
        left = [c for c in spec if c != ":" and c not in seen]
        if left:
            gaps[name] = left
    assert not gaps, f"options no case uses: {gaps}"


def test_only_intended_syntax_errors() -> None:
    bad = set()
    for case in CASES:
        try:
            parse(case.script.split("\0", 1)[0])
        except ParseError:
            bad.add(case.id)
    assert bad == SYNTAX_ERRORS


def test_readme_table_is_current() -> None:
    from .el_coverage import table
    from .el_harness import ROOT
    text = (ROOT / "README.md").read_text()
    assert table(CASES) in text, "README's execline table is stale: python3 -m tests.init.execline.el_coverage"
