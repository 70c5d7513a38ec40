"""tests/e2e/readme.py: finding the README's marked examples and reading them."""
from __future__ import annotations

import os
import stat

import pytest

from tests.e2e import readme

DOC = """\
# Title

<!-- example: /etc/services.d/myapp/run -->
```sh
#!/bin/sh
exec 2>&1

exec mydaemon
```

```sh
unmarked
```

<!--example:  a transcript  -->
````
docker-host $ docker run --rm demo /bin/sh -c 'exit 3'
```
still inside the four-backtick fence
````
<!-- example: /etc/s6-overlay/s6-rc.d/myapp/type -->
~~~
longrun
~~~
"""


def test_blocks_by_name_exact_text_in_order():
    b = readme.blocks(DOC)
    assert list(b) == ["/etc/services.d/myapp/run", "a transcript",
                       "/etc/s6-overlay/s6-rc.d/myapp/type"]
    assert b["/etc/services.d/myapp/run"] == "#!/bin/sh\nexec 2>&1\n\nexec mydaemon\n"
    assert b["a transcript"] == ("docker-host $ docker run --rm demo /bin/sh -c 'exit 3'\n"
                                 "```\nstill inside the four-backtick fence\n")
    assert b["/etc/s6-overlay/s6-rc.d/myapp/type"] == "longrun\n"


def test_empty_block_is_empty_text():
    assert readme.blocks("<!-- example: e -->\n```\n```\n") == {"e": ""}


@pytest.mark.parametrize("text,words", [
    ("<!-- example: x -->\n\n```\na\n```\n", "not a fence"),
    ("<!-- example: x -->\n", "not a fence"),
    ("<!-- example: x -->\n```\na\n", "never closed"),
    ("<!-- example: x -->\n```\na\n```\n<!-- example: x -->\n```\nb\n```\n", "twice"),
])
def test_broken_markers_are_errors(text, words):
    with pytest.raises(readme.ReadmeError, match=words):
        readme.blocks(text)


def test_mode_follows_the_shebang():
    assert readme.mode("#!/bin/sh\n") == 0o755
    assert readme.mode("longrun\n") == 0o644
    assert readme.mode("if { mkdir -p /x }\n") == 0o644


def test_place_writes_under_root_with_mode(tmp_path):
    run = readme.place(str(tmp_path), "/etc/services.d/a/run", "#!/bin/sh\n")
    typ = readme.place(str(tmp_path), "/etc/s6-overlay/s6-rc.d/a/type", "oneshot\n")
    assert run == os.path.join(str(tmp_path), "etc/services.d/a/run")
    assert stat.S_IMODE(os.stat(run).st_mode) == 0o755
    assert stat.S_IMODE(os.stat(typ).st_mode) == 0o644
    with open(typ) as f:
        assert f.read() == "oneshot\n"


def test_image_path_drops_the_variant_note():
    assert readme.image_path("/etc/services.d/a/finish (exit code)") == "/etc/services.d/a/finish"
    assert readme.image_path("/etc/x (y)/run") == "/etc/x (y)/run"
    with pytest.raises(readme.ReadmeError):
        readme.image_path("CMD transcript")


def test_under_picks_files_of_one_story():
    found = {"/etc/services.d/a/run": "r", "/etc/services.d/a/finish (x)": "f",
             "/etc/services.d/ab/run": "o", "notes": "n"}
    assert readme.under(found, "/etc/services.d/a/") == {"/etc/services.d/a/run": "r"}


def test_paths_skip_blank_lines():
    assert readme.paths("/a/b\n\n  /c \n") == ["/a/b", "/c"]


def test_transcript_splits_commands_and_output():
    steps = readme.transcript("banner\ndocker-host $ docker run x\nline 1\nline $ 2\n"
                              "docker-host $ echo $?\n3\n")
    assert steps == [("", ["banner"]), ("docker run x", ["line 1", "line $ 2"]),
                     ("echo $?", ["3"])]


def test_dockerfile_joins_continuations_and_drops_comments():
    text = ("# comment\nFROM debian\n\nRUN tar -C / -Jxpf /tmp/a.tar.xz \\\n"
            " && tar -C / -Jxpf /tmp/b.tar.xz; true\ncmd [\"nginx\", \"-g\", \"daemon off;\"]\n")
    instrs = readme.dockerfile(text)
    assert [i for i, _ in instrs] == ["FROM", "RUN", "CMD"]
    assert readme.tarballs(instrs) == ["a.tar.xz", "b.tar.xz"]
    assert readme.exec_form(instrs[2][1]) == ["nginx", "-g", "daemon off;"]
    assert readme.exec_form("nginx -g 'daemon off;'") == ["/bin/sh", "-c", "nginx -g 'daemon off;'"]
    with pytest.raises(readme.ReadmeError):
        readme.dockerfile("RUN a \\\n")
    with pytest.raises(readme.ReadmeError):
        readme.exec_form('["a", 1]')


def test_the_repository_readme_parses():
    """Every marker in README.md is followed by a closed block (names unique), and the
    examples the end-to-end tests use are all there, each non-empty."""
    blocks = readme.load()
    needed = {"verify", "quick start Dockerfile", "CMD transcript",
              "/etc/services.d/myapp/run", "/etc/services.d/myapp/log/run",
              "/etc/s6-overlay/s6-rc.d/myapp-log-prepare/up",
              "/etc/s6-overlay/s6-rc.d/myapp-log/run",
              "/etc/services.d/myapp/finish (exit code)",
              "/etc/services.d/myapp/finish (halt on failure)"}
    assert needed <= set(blocks), needed - set(blocks)
    assert all(str(blocks[name]).strip() for name in needed)
