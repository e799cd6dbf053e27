"""The soak run's verdicts (bench/soak.py), on made-up observations: a lost, duplicated or wrongly
stored write and a growing process are each caught; a clean run passes. No server is started."""
from bench.soak import MiB, Sample, Write, check_writes, memory_verdicts, percentile


def test_every_kind_of_write_discrepancy_is_caught_and_a_clean_record_passes():
    writes = [
        Write("member", "guilin", "m1", "ok"),
        Write("member", "guilin", "m2", "ok"),  # lost
        Write("suggestion", "huzhou", "s1", "ok", status="answered"),  # stored in another state
        Write("proposal", "hnit", "p1", "ok"),  # stored twice
        Write("member", "sxdtu", "m3", "refused", expect_refused=True),  # refused, yet stored
        Write("registration", "guilin", "a1/member1", "ok"),
        Write("registration", "guilin", "a1/member1", "refused", expect_refused=True),  # the duplicate: fine
        Write("ledger", "guilin", "l1", "unknown"),  # no answer, stored once: fine
        Write("suggestion", "guilin", "s2", "ok", expect_refused=True),  # must have been refused
    ]
    found = {("member", "guilin", "m1"): (1, ""), ("suggestion", "huzhou", "s1"): (1, "acknowledged"),
             ("proposal", "hnit", "p1"): (2, "draft"), ("member", "sxdtu", "m3"): (1, ""),
             ("registration", "guilin", "a1/member1"): (1, "confirmed"), ("ledger", "guilin", "l1"): (1, "pending"),
             ("suggestion", "guilin", "s2"): (1, "submitted"),
             ("activity", "hnit", "x9"): (1, "open")}  # a row the client never wrote
    counts, problems = check_writes(writes, found)
    assert counts[("member", "ok")] == 2 and counts[("registration", "refused")] == 1
    text = "\n".join(problems)
    assert "member guilin m2: the client saw it succeed, the database has 0" in text
    assert "suggestion huzhou s1: last step seen 'answered', database 'acknowledged'" in text
    assert "proposal hnit p1: the client saw it succeed, the database has 2" in text
    assert "member sxdtu m3: the client saw it refused, the database has 1" in text
    assert "suggestion guilin s2: a write that must be refused succeeded" in text
    assert "activity hnit x9: 1 row(s) the client never wrote" in text
    assert len(problems) == 6

    clean = [writes[0], *writes[5:8]]
    assert check_writes(clean, {key: found[key] for key in found if key[2] in ("m1", "a1/member1", "l1")})[1] == []


def test_memory_is_flat_within_the_threshold_and_growth_beyond_it_is_not():
    def run(growth_per_sample):
        return [Sample(at=t * 30.0, load=1.0, memory={
            "gunicorn worker 1": (int((230 + growth_per_sample * t) * MiB), int((200 + growth_per_sample * t) * MiB),
                                  1),
            # file-backed pages mapped in and out: RSS moves, private memory does not — flat
            "celery beat": (int((180 + t) * MiB), 150 * MiB, 1),
            "postgres backends (sum)": (4 * 50 * MiB, 4 * int((10 + growth_per_sample * t) * MiB), 4)})
            for t in range(60)]

    flat = {row[0]: row[5] for row in memory_verdicts(run(0.1), warmup=300, flat_mib=10, flat_percent=5)}
    assert flat == {"gunicorn worker 1": True, "celery beat": True, "postgres backends (sum)": True}
    growing = memory_verdicts(run(0.5), warmup=300, flat_mib=10, flat_percent=5)
    assert {row[0]: row[5] for row in growing} == {"gunicorn worker 1": False, "celery beat": True,
                                                   "postgres backends (sum)": False}
    assert round(growing[0][4]) == 60  # MiB per hour: 0.5 MiB every 30 s


def test_percentiles():
    values = [i / 1000 for i in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 99), percentile([], 95)) == (0.05, 0.099, 0.0)
