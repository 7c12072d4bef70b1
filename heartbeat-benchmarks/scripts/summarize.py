#!/usr/bin/env python3
"""Turns the JMH JSON of end-to-end.sh into the tables of BENCHMARKS.md (standard library only).

Throughput is clients / mean latency (sample-time mode); p50 and p99 come from JMH's percentiles; CPU per
operation from CpuProfiler. Usage: summarize.py RESULTS_DIR
"""
import json
import os
import re
import sys


def load(path):
    """A JMH JSON result, or its .gz (the committed copies are compressed)."""
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    if os.path.exists(path + ".gz"):
        import gzip
        with gzip.open(path + ".gz", "rt") as f:
            return json.load(f)
    return []


def key(r):
    name = r["benchmark"].rsplit(".", 1)[1]
    p = r.get("params", {})
    return name, p.get("store"), p.get("keys")


def index(runs):
    out = {}
    for r in runs:
        m = r["primaryMetric"]
        sec = r.get("secondaryMetrics", {})
        out[key(r)] = {
            "threads": r["threads"],
            "mean_us": m["score"],
            "p50_us": m["scorePercentiles"]["50.0"],
            "p99_us": m["scorePercentiles"]["99.0"],
            "rate": r["threads"] * 1e6 / m["score"],
            "cpu": {k.split(".")[1]: v["score"] for k, v in sec.items() if k.startswith("cpu.") and k.endswith("us/op")},
        }
    return out


def fmt_rate(x):
    return f"{x:,.0f}".replace(",", " ")


def fmt_ms(us):
    return f"{us / 1000:.1f}"


def main(d):
    runs = {}
    for store in ("postgresql", "h2"):
        for keys in ("1000", "1"):
            runs.update(index(load(os.path.join(d, f"e2e-{store}-{keys}.json"))))
    parts = index(load(os.path.join(d, "e2e-parts.json")))
    crypto = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in load(os.path.join(d, "crypto.json"))}

    def get(name, store, keys):
        return runs.get((name, store, keys))

    def rows(enroll, renew):
        """(store, keys, clients, enroll result, renew result) for every run of either benchmark, in table order."""
        for store in ("postgresql", "h2"):
            for keys in ("1", "1000"):
                for c in ("01", "08", "32"):
                    e, r = get(enroll + c, store, keys), get(renew + c, store, keys)
                    if e or r:
                        yield store, keys, int(c), e, r

    print("### End to end over HTTPS\n")
    print("| store | keys | clients | enroll/s | p50 ms | p99 ms | renew/s | p50 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    cell = lambda x: (fmt_rate(x["rate"]), fmt_ms(x["p50_us"]), fmt_ms(x["p99_us"])) if x else ("-", "-", "-")
    for store, keys, clients, e, r in rows("enroll", "renew"):
        print(f"| {store} | {keys} | {clients} | " + " | ".join(cell(e)) + " | " + " | ".join(cell(r)) + " |")

    print("\n### The plain-SQL ceiling, same database, same data, same run\n")
    print("| store | keys | clients | plain enroll/s | plain renew/s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for store, keys, clients, e, r in rows("plainEnroll", "plainRenew"):
        print(f"| {store} | {keys} | {clients} | {fmt_rate(e['rate']) if e else '-'} | {fmt_rate(r['rate']) if r else '-'} |")
    if crypto:
        c1, c2 = crypto.get("cryptoCeiling1Thread"), crypto.get("cryptoCeiling2Threads")
        print(f"\nCrypto ceiling (verify token, verify proof, sign credential; no I/O): {fmt_rate(c1)}/s on 1 thread,"
              f" {fmt_rate(c2)}/s on 2.")

    print("\n### Targets\n")
    print("| target | store | measured | ratio | met |")
    print("| --- | --- | --- | ---: | --- |")

    def row(label, store, a, b, need):
        if not a or not b:
            return
        ratio = a["rate"] / b["rate"]
        print(f"| {label} | {store} | {fmt_rate(a['rate'])}/s against {fmt_rate(b['rate'])}/s | {ratio:.2f} |"
              f" {'yes' if ratio >= need else 'no'} (≥ {need}) |")

    for store in ("postgresql", "h2"):
        for c in ("01", "08", "32"):
            row(f"enrollment, {int(c)} client(s), 1 000 keys, vs plain SQL", store, get("enroll" + c, store, "1000"),
                get("plainEnroll" + c, store, "1000"), 0.5)
        row("hot key: 32 clients on 1 key vs 1-client plain SQL", store, get("enroll32", store, "1"), get("plainEnroll01", store, "1"), 1.0)
        for c in ("01", "08", "32"):
            row(f"renewal, {int(c)} client(s), vs its plain SQL", store, get("renew" + c, store, "1000"), get("plainRenew" + c, store, "1000"),
                0.5)

    print("\n### CPU per operation (PostgreSQL, 1 000 keys): load generator, server JVM, database\n")
    print("| benchmark | clients | client µs/op | server µs/op | database µs/op |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in ("enroll", "plainEnroll", "renew", "plainRenew"):
        for c in ("01", "08", "32"):
            x = get(name + c, "postgresql", "1000")
            if x and x["cpu"]:
                print(f"| {name} | {int(c)} | {x['cpu'].get('client', 0):.0f} | {x['cpu'].get('server', 0):.0f} | {x['cpu'].get('db', 0):.0f} |")

    if parts:
        print("\n### The wire's share (PostgreSQL, 1 000 keys)\n")
        print("| benchmark | clients | ops/s | p50 ms | server µs/op | database µs/op |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for (name, store, keys), x in sorted(parts.items(), key=lambda kv: (re.sub(r"\d+$", "", kv[0][0]), kv[1]["threads"])):
            print(f"| {name} | {x['threads']} | {fmt_rate(x['rate'])} | {fmt_ms(x['p50_us'])} | {x['cpu'].get('server', 0):.0f} |"
                  f" {x['cpu'].get('db', 0):.0f} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "heartbeat-benchmarks/results")
