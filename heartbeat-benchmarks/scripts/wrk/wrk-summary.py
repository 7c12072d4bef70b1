#!/usr/bin/env python3
"""Prints the markdown tables of BENCHMARKS.md from a wrk-bench.sh results directory: per scenario and build, the
mean over rounds of requests/s, server CPU per request and (where measured) transaction ids and WAL fsyncs per
request, and each build's rate as a multiple of every other's. A round whose bodies ran out (resent > 0: a resent
request is answered more cheaply, so it overstates the rate) is marked * and left out of the means and ratios; so is
a round with refused requests (non200 > 0: every body is valid, so a refusal means the run went wrong), marked !."""
import csv, json, os, statistics, sys
from collections import defaultdict

out = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(out, 'results.tsv')), delimiter='\t'))
by = defaultdict(lambda: defaultdict(list))
order = []
for r in rows:
    b = r['build']
    if b not in order:
        order.append(b)
    by[r['scenario']][b].append(r)

def resent(r):
    v = r.get('resent') or ''
    return int(v) if v.isdigit() else 0

def non200(r):
    v = r.get('non200') or ''
    return int(v) if v.isdigit() else 0

def valid(rs):
    """The rounds whose bodies did not run out and whose requests were all answered 200."""
    return [r for r in rs if resent(r) == 0 and non200(r) == 0]

def mean(rs, k):
    ok = valid(rs)
    return statistics.mean(float(r[k]) for r in ok) if ok else float('nan')

def num(x, places, suffix=''):
    return '-' if x != x else f'{x:.{places}f}{suffix}'

refused = []
failed = []

def db(rs, k):
    """Mean of a database column (xids_per_req, wal_syncs_per_req), or '-' where the run had none."""
    vals = [float(r[k]) for r in valid(rs) if r.get(k) not in (None, '', '-')]
    return f'{statistics.mean(vals):.2f}' if vals else '-'

print('| scenario | build | rounds | req/s (each round) | mean req/s | server CPU ms/req (mean) | database CPU ms/req | non-200 | resent | xids/req | fsyncs/req |')
print('| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for s, builds in by.items():
    for b in order:
        if b not in builds:
            continue
        rs = builds[b]
        refused += [f"{s} {b} round {r['round']} ({resent(r)} resent)" for r in rs if resent(r) > 0]
        failed += [f"{s} {b} round {r['round']} ({non200(r)} of {r['requests']} refused)" for r in rs if non200(r) > 0]
        print(f"| {s} | {b} | {len(valid(rs))} | {', '.join(str(round(float(r['rate']))) + ('*' if resent(r) else '') + ('!' if non200(r) else '') for r in rs)} | {num(mean(rs, 'rate'), 0)} | "
              f"{num(mean(rs, 'server_cpu_ms'), 2)} | {db(rs, 'db_cpu_ms')} | {sum(int(r['non200']) if r['non200'].isdigit() else 0 for r in rs)} | "
              f"{sum(int(r['resent']) for r in rs if (r.get('resent') or '').isdigit()) if any((r.get('resent') or '').isdigit() for r in rs) else '-'} | "
              f"{db(rs, 'xids_per_req')} | {db(rs, 'wal_syncs_per_req')} |")
print()
if refused:
    print('\* **Bodies ran out** (left out of the means and ratios): ' + '; '.join(refused) + '.\n')
if failed:
    print('! **Requests refused** (left out of the means and ratios; see wrk.err): ' + '; '.join(failed) + '.\n')
names = [b for b in order if not b.endswith('-rsa')]
if len(names) > 1:
    last = names[-1]
    print(f'| scenario | {last} req/s ÷ ' + ' | '.join(names[:-1]) + ' | CPU/req ratio ' + ' | '.join(names[:-1]) + ' |')
    print('| --- |' + ' ---: |' * (2 * (len(names) - 1)))
    for s, builds in by.items():
        if last not in builds or any(n not in builds for n in names[:-1]):
            continue
        rate = [mean(builds[last], 'rate') / mean(builds[n], 'rate') for n in names[:-1]]
        cpu = [mean(builds[last], 'server_cpu_ms') / mean(builds[n], 'server_cpu_ms') for n in names[:-1]]
        print(f"| {s} | " + ' | '.join(num(x, 2, '×') for x in rate) + ' | ' + ' | '.join(num(x, 2) for x in cpu) + ' |')
    print()
for name in ('plain-sql.json', 'crypto.json', 'renewal.json'):
    p = os.path.join(out, name)
    if os.path.exists(p) and os.path.getsize(p) > 0:
        for b in json.load(open(p)):
            m = b['primaryMetric']
            print(f"- {b['benchmark'].split('.')[-1]} ({b.get('threads')} threads): {m['score']:.1f} {m['scoreUnit']}")
for f in ('uptime-start.txt', 'uptime-end.txt'):
    p = os.path.join(out, f)
    if os.path.exists(p):
        print(f"- {f[:-4]}: {open(p).read().strip()}")
