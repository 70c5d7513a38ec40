"""The differential corpus: execline scripts run under the real execlineb and ours.

Sources: the s6-overlay README (seed), reference/supervision.md §11 and
init.md, constructs s6-overlay's own scripts use (with-contenv,
with-retries, logutil-service, logutil-newfifo prologues, written here from
their documented behaviour), and edge cases of the lexer, substitution,
blocks and exit codes.  ``@TMP@`` stands for the scratch directory.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Case:
    id: str
    script: str
    mode: list[str] = field(default_factory=lambda: ["-P"])
    args: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes | None = None
    as_file: bool = False

    def argv(self) -> list[str]:
        if self.as_file:
            return self.mode + ["@TMP@/script.el"] + self.args
        return self.mode + ["-c", self.script] + self.args

    def all_files(self) -> dict[str, str]:
        f = dict(self.files)
        if self.as_file:
            f["script.el"] = self.script
        return f


HALT = {"halt.sh": "#!/bin/sh\necho halted \"$@\" >> @TMP@/halt.log\n"}

SEED = [
    Case("seed-run-nginx", '#!/command/execlineb -P\nsh -c "echo nginx $*" nginx -g "daemon off;"\n',
         as_file=True),
    Case("seed-finish-S0", "#!/command/execlineb -S0\nforeground { redirfd -w 1 @TMP@/exitcode echo 0 }\n"
         "@TMP@/halt.sh\n", mode=["-S0"], args=["1", "0"], files=HALT, as_file=True),
    Case("seed-finish-S1-halts", "#!/command/execlineb -S1\nif { eltest ${1} -ne 0 -a ${1} -ne 256 }\n"
         "@TMP@/halt.sh\n", mode=["-S1"], args=["3", "0"], files=HALT, as_file=True),
    Case("seed-finish-S1-ok", "#!/command/execlineb -S1\nif { eltest ${1} -ne 0 -a ${1} -ne 256 }\n"
         "@TMP@/halt.sh\n", mode=["-S1"], args=["0", "0"], files=HALT, as_file=True),
    Case("seed-finish-S1-signal", "if { eltest ${1} -ne 0 -a ${1} -ne 256 } @TMP@/halt.sh",
         mode=["-S1"], args=["256", "15"], files=HALT),
    Case("seed-up-file", "if { mkdir -p @TMP@/var/log/myapp }\nif { chmod 0755 @TMP@/var/log/myapp }\n"
         "chmod 02755 @TMP@/var/log/myapp\n", mode=[]),
    Case("seed-up-script-path", "@TMP@/prep.sh",
         files={"prep.sh": "#!/bin/sh -e\nmkdir -p @TMP@/var/log/myapp\nchmod 02755 @TMP@/var/log/myapp\n"}),
    Case("seed-shell-in-up-file", "mkdir -p @TMP@/a\nchmod 0700 @TMP@/a\n"),
    Case("seed-cont-init-import-removed", "multisubstitute\n{\n  import -u -D0 UID\n  import -u -D0 GID\n"
         "  define CONFD_CHECK_CMD \"/usr/sbin/nginx -t -c {{ .src }}\"\n}\necho never\n"),
    Case("seed-cont-init-importas", "s6-envuidgid root\nmultisubstitute\n{\n  importas -u -D0 UID UID\n"
         "  importas -u -D0 GID GID\n  importas -D pfx CONFD_PREFIX CONFD_PREFIX\n"
         "  define CONFD_CHECK_CMD \"/usr/sbin/nginx -t -c {{ .src }}\"\n}\n"
         "printf [%s] --prefix=${CONFD_PREFIX} --tmpl-uid=${UID} --tmpl-gid=${GID} "
         "--tmpl-check-cmd=${CONFD_CHECK_CMD}\n"),
    Case("seed-setuidgid-root", "s6-setuidgid root\nid -u\n"),
    Case("seed-fdmove-stderr", "fdmove -c 2 1\nsh -c \"echo to-stderr >&2\"\n"),
]

REFERENCE = [
    # supervision.md §11.1 / §11.2 (lexing, positional parameters)
    Case("ref-P-no-substitution", "echo $1 ${#} done", args=["a"]),
    Case("ref-default-frame", "envdump", mode=[], args=["a", "b c"]),
    Case("ref-S1-no-split", "printf <%s> ${1}", mode=["-S1"], args=["x y"]),
    Case("ref-S-at-multiplies", "printf [%s] x${@}y", mode=["-S0"], args=["a b", "c"]),
    Case("ref-S-at-empty", "printf [%s] x${@}y z", mode=["-S0"]),
    Case("ref-S-tenth", "printf [%s] $10 ${10}", mode=["-S0"], args=list("abcdefghij")),
    Case("ref-S-too-few-warn", "printf [%s] ${1} ${2}", mode=["-S2"], args=["a"]),
    Case("ref-S-too-few-silent", "printf [%s] ${2}", mode=["-S2"], env={"EXECLINE_STRICT": "0"}),
    Case("ref-S-too-few-fatal", "printf [%s] ${2}", mode=["-S2"], env={"EXECLINE_STRICT": "2"}),
    Case("ref-s-rest", "printf [%s] $@ $#", mode=["-s1"], args=["a", "b c", "d"]),
    Case("ref-escaped-dollar", "printf [%s] $1 \\$1 \\\\$1", mode=["-S1"], args=["v"]),
    Case("ref-newlines-dont-end", "echo a#b #c d\necho next"),
    Case("ref-quotes-escapes", 'printf [%s] "\\0x41" "\\065" "\\101" "" "a\\tb" \\q'),
    Case("ref-quoted-braces", 'printf [%s] "{" "}" x'),
    Case("ref-unmatched-open", "foreground { echo a"),
    Case("ref-unmatched-close", "echo a }"),
    Case("ref-empty-script", "  # only a comment\n"),
    Case("ref-exec-notfound", "nosuchprogram-xyz arg"),
    Case("ref-exec-noperm", "@TMP@/plain", files={"plain": "not a program\n"}),
    Case("ref-nested-blocks", "foreground { foreground { echo inner } echo outer } echo last"),
    Case("ref-unquoted-block-lenient", "foreground echo a \"\" echo b", mode=["-P"]),
    # §11.5 / §11.6 commands
    Case("ref-if-true", "if { true } echo yes"),
    Case("ref-if-false", "if { false } echo yes"),
    Case("ref-if-code", 'if { sh -c "exit 3" } echo yes'),
    Case("ref-if-n", "if -n { false } echo negated-yes"),
    Case("ref-if-t", "if -t { false } echo yes"),
    Case("ref-if-x", "if -x 99 { false } echo yes"),
    Case("ref-if-crash", 'if { sh -c "kill $$" } echo yes'),
    Case("ref-if-X-crash", 'if -X -n { sh -c "kill $$" } echo crashed-means-false'),
    Case("ref-ifelse", "ifelse { false } { echo then } echo else"),
    Case("ref-ifte", "ifte { echo then } { echo else } false"),
    Case("ref-ifthenelse-s", "ifthenelse -s { true } { define X v } { define X w } echo X=$X"),
    Case("ref-ifthenelse", 'ifthenelse { true } { sh -c "exit 3" } { echo else } importas ? ? echo rc=$?'),
    Case("ref-foreground-rc", 'foreground { sh -c "exit 7" } importas -u rc ? echo rc=$rc'),
    Case("ref-foreground-spawnfail", "foreground { /x } importas ? ? echo rc=$?"),
    Case("ref-foreground-killed", 'foreground { sh -c "kill -9 $$" } importas ? ? echo rc=$?'),
    Case("ref-background", "background { echo bg } importas -u p ! wait { $p } echo fg"),
    Case("ref-wait-all", 'background { sh -c "exit 3" } wait { } echo done'),
    Case("ref-wait-o", 'background { sh -c "exit 3" } importas p ! wait -o { $p } importas ? ? echo $?'),
    Case("ref-redirfd-w", "redirfd -w 1 out.txt echo hello"),
    Case("ref-redirfd-x-exists", "redirfd -x 1 out.txt echo x", files={"out.txt": "old\n"}),
    Case("ref-redirfd-a", "redirfd -a 1 out.txt echo more", files={"out.txt": "old\n"}),
    Case("ref-redirfd-r", "redirfd -r 0 in.txt cat", files={"in.txt": "input\n"}),
    Case("ref-redirfd-missing", "redirfd -r 0 nothere cat"),
    Case("ref-fdmove-readiness", "fdmove -c 2 1 fdmove 1 3 sh -c \"echo ready >&1\""),
    Case("ref-fdmove-closed", "fdmove 1 3 echo"),
    Case("ref-fdclose-stdout", "fdclose 1 echo hi"),
    Case("ref-exec-c", "exec -c /usr/bin/env"),
    Case("ref-exec-a", 'exec -a foo sh -c "echo $0"'),
    Case("ref-exec-l", 'exec -l -a foo sh -c "echo $0"'),
    Case("ref-emptyenv-p", "emptyenv -p envdump", env={"A": "1", "B": "2"}),
    Case("ref-emptyenv-c", "emptyenv -c envdump", mode=[], args=["x"], env={"EXECLINE_X": "1", "ELGETOPT_q": "1"}),
    Case("ref-emptyenv-P", "emptyenv -P envdump", mode=[], args=["x"], env={"#": "5", "1": "y", "1:1": "z"}),
    Case("ref-export-unexport", 'export FOO bar foreground { sh -c "echo $FOO" } unexport FOO envdump'),
    Case("ref-importas-i", "importas -i FOO FOO echo"),
    Case("ref-importas-D", 'importas -D def F FOO printf "<%s>" $F'),
    Case("ref-importas-unset-vanishes", "importas F NOPE printf [%s] a${F}b c"),
    Case("ref-importas-D-empty", 'importas -D "" F NOPE printf [%s] a${F}b'),
    Case("ref-importas-empty-var", "importas -D x F FOO printf [%s] a${F}b", env={"FOO": ""}),
    Case("ref-importas-s", "importas -s F FOO printf [%s] $F", env={"FOO": "a  b c"}),
    Case("ref-importas-sC", "importas -sC F FOO printf [%s] $F", env={"FOO": "a  b c"}),
    Case("ref-define", 'define X "hello world" printf "<%s>" $X'),
    Case("ref-define-s", 'define -s X "hello world" printf "<%s>" $X'),
    Case("ref-multisubstitute", 'multisubstitute { importas A A define B 2 } printf "<%s>" $A $B',
         env={"A": "1"}),
    Case("ref-multisubstitute-parallel", "multisubstitute { define A $B define B x } echo $A $B"),
    Case("ref-serial", "define A $B define B x echo $A $B"),
    Case("ref-backtick", "backtick X { echo hi } importas Y X echo $Y"),
    Case("ref-backtick-D", "backtick -D dflt X { false } importas Y X echo $Y"),
    Case("ref-backtick-fail", "backtick X { false } echo never"),
    Case("ref-backtick-crash", 'backtick X { sh -c "kill $$" } echo never'),
    Case("ref-backtick-E", "backtick -E X { echo a b } printf [%s] $X"),
    Case("ref-backtick-N", "backtick -N X { echo hi } importas Y X printf [%s] $Y"),
    Case("ref-elgetopt-prologue", "elgetopt \"n:t:v\"\nmultisubstitute\n{\n  importas -u -D 3 n ELGETOPT_n\n"
         "  importas -u -D 500 t ELGETOPT_t\n  importas -u -D 0 v ELGETOPT_v\n  elgetpositionals -P0\n}\n"
         "emptyenv -oP\nprintf [%s] n=$n t=$t v=$v nargs=${#} $@\n",
         mode=[], args=["-n", "5", "-v", "x", "y z"], as_file=True),
    Case("ref-elgetopt-illegal", 'elgetopt "n:" echo', mode=[], args=["-q"], as_file=True),
    Case("ref-elgetopt-missing-arg", 'elgetopt "n:" echo', mode=[], args=["-n"], as_file=True),
    Case("ref-eltest-regex", "eltest 123 =~ ^[[:digit:]]+$"),
    Case("ref-eltest-regex-no", "eltest 12a =~ ^[[:digit:]]+$"),
    Case("ref-eltest-int-error", "eltest abc -eq 0"),
    Case("ref-eltest-and", "eltest 3 -ne 0 -a 3 -ne 256"),
    Case("ref-eltest-v", "eltest -v PATH"),
    Case("ref-eltest-backslash", "eltest \\\\-n = \\\\-n"),
    Case("ref-exit-256", "exit 256"),
    Case("ref-exit-300", "exit 300"),
    Case("ref-exit-bad", "exit -1"),
    Case("ref-exit-none", "exit"),
    Case("ref-heredoc", 'heredoc 0 "hello\\n" cat'),
    Case("ref-pipeline", "pipeline { echo abc } tr a-z A-Z"),
    Case("ref-pipeline-w", "pipeline -w { tr a-z A-Z } echo xyz"),
    Case("ref-forbacktickx-retries", 'forbacktickx -x 0,1 -d"\\n" i { seq 0 3 }\n  importas -u i i\n'
         '  if { eltest ${i} -ne 3 }\n  foreground { sh -c "echo try $0; exit 2" $i }\n'
         "  importas -u ? ?\n  if -x 99 { eltest ${?} -eq 0 }\n"),
    Case("ref-oneshot-multistep", "if { mkdir -p @TMP@/v/l } if { chmod 0700 @TMP@/v/l } chmod 02755 @TMP@/v/l"),
    Case("ref-with-contenv-shape", "importas -D unset FOO FOO\necho FOO=${FOO}\n", env={"FOO": "bar baz"}),
]

S6OVERLAY = [
    # with-contenv's own logic (written out in execline, as s6-overlay ships it)
    Case("ovl-with-contenv-logic", "ifelse\n{\n  importas -D 0 S6_KEEP_ENV S6_KEEP_ENV\n"
         "  eltest 0${S6_KEEP_ENV} -eq 0\n}\n{\n  emptyenv -p\n  s6-envdir -Lf -- @TMP@/ce\n  exec\n  $@\n}\n$@\n",
         mode=["-S0"], args=["envdump"], env={"JUNK": "1"},
         files={"ce/FOO": "bar baz\n", "ce/EMPTY": "\n", "ce/MULTI": "l1\nl2\n"}, as_file=True),
    Case("ovl-with-contenv-keep", "ifelse { importas -D 0 S6_KEEP_ENV S6_KEEP_ENV eltest 0${S6_KEEP_ENV} -eq 0 }"
         " { emptyenv -p s6-envdir -Lf -- @TMP@/ce exec $@ } $@",
         mode=["-S0"], args=["envdump"], env={"S6_KEEP_ENV": "1", "JUNK": "1"}, files={"ce/FOO": "x\n"}),
    Case("ovl-logutil-service-prologue", 'elgetopt "f:"\nmultisubstitute\n{\n  importas -u -D "" fifo ELGETOPT_f\n'
         "  elgetpositionals -P0\n}\nemptyenv -oP\nif { eltest ${#} -ge 1 }\nifelse { eltest -n ${fifo} }\n{\n"
         "  redirfd -rnb 0 ${fifo}\n  echo with-fifo ${1}\n}\necho no-fifo ${1}\n",
         mode=[], args=["/var/log/x"], as_file=True),
    Case("ovl-logutil-service-noarg", 'elgetopt "f:"\nmultisubstitute { importas -u -D "" fifo ELGETOPT_f '
         "elgetpositionals -P0 }\nemptyenv -oP\nif { eltest ${#} -ge 1 }\necho never\n",
         mode=[], as_file=True),
    Case("ovl-logutil-main-split", 'backtick -D "n20 s1000000 T" -n S6_LOGGING_SCRIPT { printenv NOPE }\n'
         'importas -u -sCd" \\t" S6_LOGGING_SCRIPT S6_LOGGING_SCRIPT\n'
         "printf [%s] -b -- ${S6_LOGGING_SCRIPT} ${1}\n", mode=["-S1"], args=["/var/log/x"]),
    Case("ovl-logutil-main-set", 'backtick -D "n20 s1000000 T" -n S6_LOGGING_SCRIPT { printf "n3  s5000\\tT\\n\\n" }\n'
         'importas -u -sCd" \\t" S6_LOGGING_SCRIPT S6_LOGGING_SCRIPT\n'
         "printf [%s] ${S6_LOGGING_SCRIPT} ${1}\n", mode=["-S1"], args=["/d"]),
    Case("ovl-syslogd-log-run", 'backtick -D "n20 s1000000" line { printenv NOPE }\nmultisubstitute\n{\n'
         "  importas -usC T line\n  define dir /var/log/syslogd\n}\nexec -c\n/usr/bin/printf [%s] -d3 --\n"
         " - +^auth\\\\. +^authpriv\\\\.  $T ${dir}/secure\n + -^auth\\\\.  $T ${dir}/everything\n"),
    Case("ovl-with-retries", 'elgetopt "n:t:"\nmultisubstitute\n{\n  importas -u -D 3 nretries ELGETOPT_n\n'
         "  importas -u -D 500 timeout ELGETOPT_t\n  elgetpositionals -P0\n}\nemptyenv -oP\n"
         'forbacktickx -x 0,1 -d"\\n" i { seq 0 ${nretries} }\n  importas -u i i\n'
         "  if { eltest ${i} -ne ${nretries} }\n  foreground\n  {\n    timeout 1 $@\n  }\n"
         "  importas -u ? ?\n  if -x 99 { eltest ${?} -eq 0 }\n",
         mode=[], args=["-n", "2", "sh", "-c", "echo attempt; exit 1"], as_file=True),
    Case("ovl-with-retries-ok", 'elgetopt "n:t:"\nmultisubstitute { importas -u -D 3 nretries ELGETOPT_n '
         "elgetpositionals -P0 }\nemptyenv -oP\n"
         'forbacktickx -x 0,1 -d"\\n" i { seq 0 ${nretries} } importas -u i i '
         "if { eltest ${i} -ne ${nretries} } foreground { $@ } importas -u ? ? if -x 99 { eltest ${?} -eq 0 }\n",
         mode=[], args=["true"], as_file=True),
    Case("ovl-logutil-newfifo-prologue", 'elgetopt "m:o:"\nmultisubstitute\n{\n  importas -u -D "0600" fmode ELGETOPT_m\n'
         '  importas -u -D "root" owner ELGETOPT_o\n  elgetpositionals -P0\n}\nemptyenv -oP\n'
         "if { eltest ${#} -ge 1 }\nif\n{\n  fdmove -c 1 2\n  echo \"logutil-newfifo: warning: deprecated\"\n}\n"
         "if { rm -rf ${1} }\nif { mkfifo -m ${fmode} -- ${1} }\nls -l ${1}\n",
         mode=[], args=["-m", "0640", "@TMP@/f"], as_file=True),
    Case("ovl-envuidgid-D", "s6-envuidgid -D 32761:32761: -- nosuchuser-xyz importas UID UID importas GID GID "
         "importas GIDLIST GIDLIST printf [%s] $UID $GID $GIDLIST"),
    Case("ovl-envuidgid-nobody", "s6-envuidgid -D 65534:65534 nobody envdump"),
    Case("ovl-applyuidgid-U-missing", "s6-applyuidgid -U true"),
]

EDGE = [
    Case("edge-backslash-newline", "printf [%s] a\\\nb \\\nc"),
    Case("edge-backslash-eof-word", "printf [%s] c\\"),
    Case("edge-backslash-eof-alone", "printf [%s] a \\"),
    Case("edge-quote-unterminated", 'printf [%s] "abc'),
    Case("edge-octal-zero", 'printf [%s] "\\00"'),
    Case("edge-octal-big", 'printf [%s] "\\0777"'),
    Case("edge-decimal-big", 'printf [%s] "\\256"'),
    Case("edge-hex-bad", 'printf [%s] "\\0xg"'),
    Case("edge-escapes", 'printf [%s] "\\a\\b\\v\\f\\r" "\\e" "\\0x411" "\\1234" "\\8" a"b c"d'),
    Case("edge-comment-midword", 'printf [%s] a#b "a"#b \\#c #gone\nkept'),
    Case("edge-open-brace-eof", "echo {"),
    Case("edge-braces-literal", "printf [%s] {} a{ }} {{"),
    Case("edge-cr-vt-ff", "printf [%s] a\r\nb\x0bc\x0cd"),
    Case("edge-subst-forms", "define F v printf [%s] $F-x $F_x ${F}x $F$F $F} ${F $$F ${F${F}}"),
    Case("edge-subst-backslashes", "define A val printf [%s] $A \\\\$A \\\\\\\\$A \\\\\\\\\\\\$A"),
    Case("edge-split-empty", 'define -s F "" printf [%s] x${F}y z'),
    Case("edge-split-space", 'define -s F " " printf [%s] x${F}y z'),
    Case("edge-split-delims", "define -sd, F a,,b, printf [%s] $F"),
    Case("edge-split-crunch", "define -sCd, F a,,b,, printf [%s] $F"),
    Case("edge-split-chomp-unterminated", 'define -sn F "a b" printf [%s] $F'),
    Case("edge-split-chomp", 'define -sn F "a b " printf [%s] $F'),
    Case("edge-netstrings", 'define -s -d "" F "1:a,2:bb,0:," printf [%s] $F'),
    Case("edge-netstrings-bad", 'define -s -d "" F "1:a,x" printf [%s] $F'),
    Case("edge-product", 'multisubstitute { define -s A "a b" define -s B "1 2 3" } printf [%s] ${A}x${B}'),
    Case("edge-serial-product", 'define -s B "1 2" define -s A "a b" printf [%s] ${A}x${B}'),
    Case("edge-block-subst-safe", "define FOO \"\" foreground { printf [%s] ${FOO} x } echo after"),
    Case("edge-multidefine", 'multidefine "a b c" { A "" C } printf [%s] $A $C'),
    Case("edge-multidefine-0", 'multidefine -0 "a" { A B } printf [%s] $A x${B}y'),
    Case("edge-multidefine-r", 'multidefine -r "a b c d" { A B } printf [%s] $A $B'),
    Case("edge-multidefine-empty", 'multidefine "a b" { } echo'),
    Case("edge-elglob", "elglob -s X @TMP@/g/* printf [%s] $X", files={"g/b": "", "g/a": "", "g/.h": ""}),
    Case("edge-elglob-nomatch", "elglob X @TMP@/nothing* printf [%s] $X"),
    Case("edge-elglob-0", "elglob -0 X @TMP@/nothing* printf [%s] x $X"),
    Case("edge-usage-if", "if -q { true }"),
    Case("edge-usage-importas", "importas"),
    Case("edge-usage-redirfd", "redirfd -w 1"),
    Case("edge-usage-exec", "exec"),
    Case("edge-usage-umask", "umask 9 true"),
    Case("edge-unterminated-block", "if"),
    Case("edge-strict-warn", "foreground echo a \"\" echo b", env={"EXECLINE_STRICT": "1"}),
    Case("edge-strict-fatal", "foreground echo a \"\" echo b", env={"EXECLINE_STRICT": "2"}),
    Case("edge-W-option", "printf [%s] ${1}", mode=["-W", "-S1"]),
    Case("edge-w-exports", "envdump", mode=["-w", "-P"]),
    Case("edge-q-unsets", "envdump", mode=["-q", "-P"], env={"EXECLINE_STRICT": "2"}),
    Case("edge-if-x-invalid", "if -x 300 { false } echo"),
    Case("edge-if-spawn-fail", "if { nosuch-xyz } echo"),
    Case("edge-if-exec-fail", "if { true } nosuch-xyz"),
    Case("edge-if-128", 'if { sh -c "exit 200" } true'),
    Case("edge-empty-blocks", "if { } foreground { } echo empty"),
    Case("edge-export-invalid", "export A=B x true"),
    Case("edge-cd", "cd / pwd"),
    Case("edge-cd-fail", "cd /nonexistent-xyz true"),
    Case("edge-umask", "umask 077 sh -c umask"),
    Case("edge-getcwd", "getcwd -E D printf [%s] $D"),
    Case("edge-piperw", "piperw 5 6 background { fdclose 5 fdmove 1 6 echo through } fdclose 6 fdmove 0 5 cat"),
    Case("edge-fdswap", "fdswap 1 2 sh -c \"echo to-fd1\""),
    Case("edge-fdswap-bad", "fdswap 0 9 true"),
    Case("edge-fdreserve", "fdreserve 2 importas a FD0 importas b FD1 printf [%s] $a $b"),
    Case("edge-fdblock-bad", "fdblock 9 true"),
    Case("edge-tryexec", "tryexec { nosuch-xyz } echo fallback"),
    Case("edge-tryexec-n", "tryexec -n { echo a } echo b"),
    Case("edge-forx", "forx X { a b c } importas X X echo $X"),
    Case("edge-forx-E", "forx -E X { a b } echo $X"),
    Case("edge-forx-x", 'forx -x 0,1 X { 1 2 3 } importas X X sh -c "echo $0; exit 1" $X'),
    Case("edge-forx-o", 'forx -o 0 X { 1 2 3 } importas X X sh -c "echo $0; exit $0" $X'),
    Case("edge-forx-p", 'forx -p -o 1,2 X { 1 2 } importas X X sh -c "exit $0" $X'),
    Case("edge-forx-spawnfail", "forx X { 1 } nosuch-xyz"),
    Case("edge-forbacktickx-lines", 'forbacktickx X { printf "a\\nb\\n\\nc" } importas X X echo [${X}]'),
    Case("edge-forbacktickx-C", 'forbacktickx -C X { printf "a\\nb\\n\\nc\\n" } importas X X echo [${X}]'),
    Case("edge-forbacktickx-N", 'forbacktickx -N X { printf "a\\nb" } importas X X echo [${X}]'),
    Case("edge-forbacktickx-none", 'forbacktickx -x 0 X { printf "a b c" } echo never'),
    Case("edge-forstdin", "forstdin -C X importas X X echo [${X}]", stdin=b"a\n\nb\n"),
    Case("edge-forstdin-empty", "forstdin X echo never", stdin=b""),
    Case("edge-loopwhilex", 'loopwhilex sh -c "exit 3"'),
    Case("edge-withstdinas", "withstdinas -E X printf [%s] $X", stdin=b"line one\n"),
    Case("edge-dollarat", "dollarat -d :", mode=[], args=["a", "b c"]),
    Case("edge-dollarat-netstring", 'dollarat -d ""', mode=[], args=["a", "b c"]),
    Case("edge-shift", 'shift importas -D U n "#" importas -D U x 1 importas -D U y 2 printf [%s] $n $x $y',
         mode=[], args=["a", "b"]),
    Case("edge-shift-n", 'shift -n 5 importas -D U n "#" printf [%s] $n', mode=[], args=["a", "b"]),
    Case("edge-elgetpositionals-P", "elgetpositionals -P 3 printf [%s] $# $0 $1 $2 $3 $@",
         mode=[], args=["a"], as_file=True),
    Case("edge-elgetpositionals-noframe", "elgetpositionals echo $#"),
    Case("edge-push-frames", "envdump", mode=[], args=["a"], env={"#": "5", "1": "x", "3:1": "z", "12": "q"}),
    Case("edge-p-overwrite", "envdump", mode=["-p"], args=["a"], env={"#": "5", "1": "x", "3": "y"}),
    Case("edge-eltest-parse", "eltest a = b -o"),
    Case("edge-eltest-paren", "eltest ( a"),
    Case("edge-eltest-rparen", "eltest 1 -eq 1 )"),
    Case("edge-eltest-empty", "eltest"),
    Case("edge-eltest-files", "eltest -d @TMP@ -a -f @TMP@/f -a ! -x @TMP@/f -a -s @TMP@/f", files={"f": "x"}),
    Case("edge-eltest-shortcircuit", "eltest 1 -eq 1 -o x -eq 1"),
    Case("edge-eltest-nt", "eltest @TMP@/f -nt @TMP@/nothing", files={"f": "x"}),
    Case("edge-eltest-badregex", "eltest abc =~ ["),
    Case("edge-wait-timeout-strict", "background { sleep 2 } wait -i -t 100 { } echo after"),
    Case("edge-wait-timeout-loose", "background { sleep 2 } wait -t 100 { } echo after"),
    Case("edge-wait-o-none", "wait -o { } importas -D unset ? ? echo $?"),
    Case("edge-wait-posix", 'background { sh -c "exit 4" } importas p ! wait $p'),
    Case("edge-trap-exit", 'trap { TERM { echo x } } sh -c "exit 3"'),
    Case("edge-trap-empty", "trap { } true"),
    Case("edge-trap-bad", "trap { FOO { echo } } true"),
    Case("edge-path-old-for-lookup", "export PATH @TMP@/p exec-me", files={"p/exec-me": "#!/bin/sh\necho hi\n"}),
    Case("edge-path-new-next", "export PATH @TMP@/p:/bin exec exec-me", files={"p/exec-me": "#!/bin/sh\necho hi\n"}),
    Case("edge-noexec-format", "@TMP@/ns.sh", files={"ns.sh": "echo no shebang\n"}),
    Case("edge-exec-dir", "@TMP@"),
    Case("edge-script-file-missing", "", mode=["-P", "/nonexistent-script"]),
    Case("edge-bad-option", "true", mode=["-Z"]),
    Case("edge-S-bad-number", "true", mode=["-Sx"]),
    Case("edge-last-mode-wins", "printf [%s] $1", mode=["-S1", "-P"], args=["x"]),
    Case("edge-lang-env", "envdump", env={"LANG": "C.UTF-8"}),
    Case("edge-lc-ctype-kept", "envdump", env={"LC_CTYPE": "C.UTF-8"}),
    Case("edge-envdir", "s6-envdir @TMP@/ed envdump", env={"B": "set"},
         files={"ed/A": "v1  \t\nline2\n", "ed/B": "", "ed/C": "x\0y\n", "ed/.h": "no", "ed/D=E": "no",
                "ed/F": "m\nl\n\n", "ed/G": "\n", "ed/H": "  "}),
    Case("edge-envdir-f", "s6-envdir -f @TMP@/ed envdump", files={"ed/A": "v1  \nl2\n", "ed/H": "  "}),
    Case("edge-envdir-fn", "s6-envdir -fn @TMP@/ed envdump", files={"ed/A": "v1  \nl2\n"}),
    Case("edge-envdir-n", "s6-envdir -n @TMP@/ed envdump", files={"ed/A": "v1  \t\nl2\n"}),
    Case("edge-envdir-c", "s6-envdir -c X @TMP@/ed envdump", files={"ed/C": "a\0b\n"}),
    Case("edge-envdir-missing", "s6-envdir @TMP@/nothing true"),
    Case("edge-envdir-I", "s6-envdir -I @TMP@/nothing echo ok"),
    Case("edge-envdir-notdir", "s6-envdir @TMP@/f true", files={"f": "x"}),
    Case("edge-envuidgid-table", "s6-envuidgid -D 3:4: -nB unexisting-xyz:daemon envdump"),
    Case("edge-envuidgid-B", "s6-envuidgid -B daemon: envdump"),
    Case("edge-envuidgid-n", "s6-envuidgid -n 123:45 envdump"),
    Case("edge-envuidgid-unknown", "s6-envuidgid nosuchuser-xyz true"),
    Case("edge-envuidgid-unknown-group", "s6-envuidgid -B nosuch-xyz:nosuch-xyz true"),
    Case("edge-envuidgid-g", "s6-envuidgid -g daemon envdump"),
    Case("edge-envuidgid-usage", "s6-envuidgid -D x nobody true"),
    Case("edge-applyuidgid-invalid", "s6-applyuidgid -u x true"),
    Case("edge-applyuidgid-Uz", "s6-applyuidgid -Uz envdump", env={"UID": "0", "GID": "0", "GIDLIST": ""}),
    Case("edge-setuidgid-unknown", "s6-setuidgid nosuchuser-xyz true"),
    Case("edge-setuidgid-badnum", "s6-setuidgid 12:ab true"),
    Case("edge-setuidgid-empty", 's6-setuidgid "" id -u'),
]

MORE = [
    Case("more-empty-program", '"" a'),
    Case("more-empty-program-subst", 'export X "" importas X X $X'),
    Case("more-empty-spawn", 'forx X { a } ""'),
    Case("more-empty-argv0", 'exec -a "" sh -c "echo [$0]"'),
    Case("more-empty-varname", 'export "" x foreground { env } true'),
    Case("more-empty-varname-exec", 'export "" x sh -c "env | grep -c ^="'),
    Case("more-background-empty", "background { } echo x"),
    Case("more-pipeline-empty", "pipeline { } echo x"),
    Case("more-backtick-empty", "backtick X { } echo x"),
    Case("more-fdmove-c-same", "fdmove -c 1 1 echo same"),
    Case("more-fdmove-same", "fdmove 1 1 echo same"),
    Case("more-redirfd-fifo-nb", "foreground { mkfifo @TMP@/fifo } redirfd -rnb 0 @TMP@/fifo echo opened"),
    Case("more-redirfd-fifo-w-nb", "foreground { mkfifo @TMP@/fifo } redirfd -wnb 1 @TMP@/fifo true"),
    Case("more-redirfd-u", "redirfd -u 3 uu.txt true"),
    Case("more-heredoc-d", "heredoc -d 0 abc cat"),
    Case("more-heredoc-big", "heredoc 0 \"" + "x" * 70000 + "\" wc -c"),
    Case("more-background-d", "background -d { echo dbl } sleep 0.3"),
    Case("more-pipeline-d", "pipeline -d { echo dbl } cat"),
    Case("more-define-N", 'define -N X "a\\n" printf [%s] $X'),
    Case("more-define-n", 'define -n X "a\\n\\n" printf [%s] $X'),
    Case("more-backtick-x", "export X old backtick -x X { false } envdump"),
    Case("more-backtick-I", 'backtick -I X { sh -c "printf partial; exit 3" } importas X X printf [%s] $X'),
    Case("more-backtick-nul", 'backtick X { printf "a\\0b" } echo never'),
    Case("more-withstdinas-N", "withstdinas -N X importas X X printf [%s] $X", stdin=b"a\n"),
    Case("more-withstdinas-nul", "withstdinas -D dflt X importas X X printf [%s] $X", stdin=b"a\0b"),
    Case("more-withstdinas-nul-i", "withstdinas -i X true", stdin=b"a\0b"),
    Case("more-withstdinas-nul-I", "export X old withstdinas -I X envdump", stdin=b"a\0b"),
    Case("more-withstdinas-nul-trunc", "withstdinas X importas X X printf [%s] $X", stdin=b"a\0b"),
    Case("more-frame-missing", "dollarat"),
    Case("more-frame-invalid", 'export "#" x dollarat'),
    Case("more-frame-hole", 'export "#" 2 export 0 a export 1 b elgetopt n true'),
    Case("more-shift-hole", 'export "#" 2 export 0 a export 1 b shift printf [%s] ${#}'),
    Case("more-getpid-E", "getpid -E X eltest $X -gt 1"),
    Case("more-loopwhilex-x", 'loopwhilex -x 0 sh -c "exit 0"'),
    Case("more-loopwhilex-o", 'loopwhilex -o 1 sh -c "exit 0"'),
    Case("more-forx-bad-codes", "forx -o x X { a } true"),
    Case("more-eltest-gt", "eltest b > a"),
    Case("more-eltest-ne", "eltest a != a"),
    Case("more-eltest-ints", "eltest 1 -le 2 -a 3 -ge 3 -a 2 -lt 1"),
    Case("more-ifelse-empty", "ifelse { } { echo a } echo b"),
    Case("more-foreground-empty", "foreground { } importas -D unset ? ? echo $?"),
    Case("more-emptyenv-o", "emptyenv -o envdump", env={"ELGETOPT_x": "1", "ELGETOPT_x:1": "0"}),
    Case("more-emptyenv-bad", "emptyenv -l envdump"),
    Case("more-importas-u", "importas -u X HOME2 envdump", env={"HOME2": "h"}),
    Case("more-importas-multiple-D", "importas -D a -D b X NOPE printf [%s] $X"),
    Case("more-importas-i-after-D", "importas -D a -i X NOPE printf [%s] $X"),
    Case("more-shift-b", "shift -b 1 printf [%s] ${#}", mode=["-s0"], args=[" a", "", "b"]),
    Case("more-elgetopt-D", 'elgetopt -D Q "n:v" envdump', mode=[], args=["-vn3", "a"], as_file=True),
    Case("more-elgetopt-dashdash", 'elgetopt "n:v" envdump', mode=[], args=["-v", "--", "-n"], as_file=True),
    Case("more-if-X-noneg", 'if -X { sh -c "kill $$" } echo x'),
    Case("more-ifelse-crash", 'ifelse { sh -c "kill $$" } { echo a } echo b'),
    Case("more-ifelse-X", 'ifelse -X { sh -c "kill $$" } { echo a } echo b'),
    Case("more-ifte-n", "ifte -n { echo then } { echo else } true"),
    Case("more-ifthenelse-spawnfail", "ifthenelse { true } { nosuch-xyz } { echo e } importas ? ? echo $?"),
    Case("more-ifthenelse-s-splice", "ifthenelse -s { true } { echo a b } { } echo c"),
    Case("more-redirfd-dir", "redirfd -w 1 @TMP@ echo"),
    Case("more-cd-then-relative", "cd sub cat f", files={"sub/f": "in sub\n"}),
    Case("more-multisubstitute-elglob", "multisubstitute { elglob -s G @TMP@/g/* define D x } printf [%s] $G $D",
         files={"g/1": "", "g/2": ""}),
    Case("more-multisubstitute-positionals", "multisubstitute { elgetpositionals define D x } printf [%s] $# $1 $D",
         mode=[], args=["p"], as_file=True),
    Case("more-multidefine-d", "multidefine -d : a:b:c { A B C } printf [%s] $C $B $A"),
    Case("more-exec-l-inprocess", "exec -l echo hi"),
]

ROOT_ONLY = [
    Case("root-setuidgid-daemon", "s6-setuidgid daemon id", env={"A": "1"}),
    Case("root-setuidgid-numeric", "s6-setuidgid 1234:5678 id"),
    Case("root-setuidgid-drop-then-fail", "s6-setuidgid daemon s6-setuidgid root id"),
    Case("root-applyuidgid-U", "s6-applyuidgid -U id", env={"UID": "1", "GID": "1", "GIDLIST": "1,2"}),
    Case("root-applyuidgid-g", "s6-applyuidgid -g 5 id"),
    Case("root-applyuidgid-G", "s6-applyuidgid -G 5,6 id"),
    Case("root-envuidgid-apply", "s6-envuidgid nobody s6-applyuidgid -U id"),
]

CORPUS = SEED + REFERENCE + S6OVERLAY + EDGE + MORE
