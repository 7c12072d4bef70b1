#!/usr/bin/env python3
"""Aggregates a JFR recording's execution samples: the top frames (self) and the methods on the stack (inclusive),
as shares of the samples, optionally only of the samples whose stack has a frame matching FILTER (e.g. RenewalPipeline).

    jfr-top.py RECORDING.jfr [FILTER] [N]

Runs `jfr print --json --stack-depth 96 --events jdk.ExecutionSample` (jfr from the JDK that recorded it, or JFR)."""
import collections, json, os, subprocess, sys

rec = sys.argv[1]
flt = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
jfr = os.environ.get('JFR', 'jfr')
raw = subprocess.run([jfr, 'print', '--json', '--stack-depth', '96', '--events', 'jdk.ExecutionSample', rec],
                     check=True, capture_output=True, text=True).stdout
events = json.loads(raw)['recording']['events']

def name(f):
    m = f['method']
    return m['type']['name'].split('.')[-1] + '.' + m['name']

def pkg(f):
    return f['method']['type']['name']

selfc, incl, total = collections.Counter(), collections.Counter(), 0
all_samples = len(events)
for e in events:
    frames = (e['values'].get('stackTrace') or {}).get('frames') or []
    if not frames:
        continue
    names = [name(f) for f in frames]
    full = [pkg(f) + '.' + f['method']['name'] for f in frames]
    if flt and not any(flt in n for n in full):
        continue
    total += 1
    selfc[names[0]] += 1
    for n in set(names):
        incl[n] += 1
print(f'{total} samples' + (f' with {flt} on the stack, of {all_samples}' if flt else ''))
print(f'\ntop {top} frames (self):')
for n, c in selfc.most_common(top):
    print(f'  {100.0 * c / total:5.1f}%  {n}')
print(f'\ntop {top * 2} methods on the stack (inclusive):')
for n, c in incl.most_common(top * 2):
    print(f'  {100.0 * c / total:5.1f}%  {n}')
