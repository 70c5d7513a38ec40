"""The splitter against two models: the lines, and s6-log's 8191-byte reads."""
from hypothesis import given, settings
from hypothesis import strategies as st

from logd.reader import READ_WINDOW, Splitter


def model_lines(stream: bytes, limit: int) -> list[bytes]:
    out = []
    for line in stream.replace(b"\0", b"\n").split(b"\n")[:-1]:
        if limit and len(line) > limit:
            out += [line[i:i + limit] for i in range(0, len(line), limit)]
        else:
            out.append(line)
    return out


def model_windows(stream: bytes, limit: int) -> list[int]:
    """Line counts after each 8191-byte read of s6-log that completed lines."""
    counts, total, pending = [], 0, b""
    for k in range(0, len(stream), READ_WINDOW):
        sp = Splitter(limit)
        sp.pending = pending
        chunk = sp.feed(stream[k:k + READ_WINDOW])
        pending = sp.pending
        if chunk is not None:
            total += len(chunk.lines)
            counts.append(total)
    return counts


alphabet = st.sampled_from([b"a", b"b", b"\n", b"\0", b"x" * 30])


@settings(max_examples=300, deadline=None)
@given(st.lists(alphabet, max_size=200), st.sampled_from([0, 48, 50, 100]),
       st.lists(st.integers(1, 300), min_size=1, max_size=20))
def test_lines_do_not_depend_on_read_boundaries(parts, limit, sizes):
    stream = b"".join(parts) + b"\n"
    sp = Splitter(limit)
    got, pos, i = [], 0, 0
    while pos < len(stream):
        size = sizes[i % len(sizes)]
        i += 1
        chunk = sp.feed(stream[pos:pos + size])
        pos += size
        if chunk is not None:
            assert chunk.data == b"\n".join(chunk.lines) + b"\n"
            got += chunk.lines
    assert got == model_lines(stream, limit)
    assert sp.pending == b""


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20000), min_size=1, max_size=12), st.sampled_from([0, 8192, 100]))
def test_windows_match_s6_log_reads(lengths, limit):
    stream = b"".join(b"y" * n + b"\n" for n in lengths)
    chunk = Splitter(limit).feed(stream)
    counts = chunk.window_line_counts()
    assert counts == model_windows(stream, limit)
    offsets = chunk.windows()
    assert offsets[-1] == len(chunk.data)
    for off, count in zip(offsets, counts):
        assert chunk.data[:off].count(b"\n") == count


def test_exact_multiple_of_limit_gives_no_empty_piece():
    sp = Splitter(48)
    assert sp.feed(b"a" * 96) .lines == [b"a" * 48]
    assert sp.feed(b"\n").lines == [b"a" * 48]
    assert sp.pending == b""


def test_take_partial_completes_the_line():
    sp = Splitter(8192)
    assert sp.feed(b"one\ntwo") .lines == [b"one"]
    assert sp.take_partial().data == b"two\n"
    assert sp.take_partial() is None
