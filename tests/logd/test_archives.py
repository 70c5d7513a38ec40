from logd.archives import is_archive, prune_victims

L = "@400000006b0ad02d364b2c6c"


def test_archive_names():
    assert is_archive(L + ".s") and is_archive(L + ".u")
    assert is_archive(L.upper().replace("@", "@") + ".s")
    for bad in (L + ".x", L + "0.s", L[:-1] + ".s", "current", L.replace("6c", "zz") + ".s"):
        assert not is_archive(bad)


def test_prune_by_count_oldest_first_uppercase_first():
    names = [("@400000006b0ad02d364b2c6%d.s" % i, 10) for i in range(5)]
    names.append(("@400000006B0AD02D364B2C6F.s", 10))
    victims = prune_victims(names, 3, 0)
    assert victims == ["@400000006B0AD02D364B2C6F.s", names[0][0], names[1][0]]


def test_prune_by_total_size_and_n0():
    names = [("@400000006b0ad02d364b2c6%d.u" % i, 4000) for i in range(4)]
    assert prune_victims(names, 10, 9000) == [names[0][0], names[1][0]]
    assert prune_victims(names, 0, 0) == [n for n, _ in names]
    assert prune_victims(names, 10, 100) == [n for n, _ in names]
    assert prune_victims(names, 10, 0) == []
