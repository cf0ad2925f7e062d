#!/usr/bin/env python3
"""Prints the Markdown tables of benches/README.md from criterion's results
(medians, target/criterion/**/new/estimates.json).

Run after the benches: python3 benches/report.py
"""
import json
import os

ROOT = os.path.join(os.path.dirname(__file__), "..", "target", "criterion")


def median(*parts):
    path = os.path.join(ROOT, *parts, "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except FileNotFoundError:
        return None


def fmt(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return "—"
    return f"{a / b:.1f}×"


SIZES = [1, 10, 100, 1000, 10000, 100000]

print("### Origin matching alone (`match/exact`)\n")
print("| origins | static hit | run-time hit | static near-miss | static miss | `HashSet<String>` hit | HashSet / static |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for n in SIZES:
    s = median("match_exact", "static_hit", str(n))
    r = median("match_exact", "runtime_hit", str(n))
    near = median("match_exact", "static_near_miss", str(n))
    miss = median("match_exact", "static_miss", str(n))
    h = median("match_exact", "std_hashset_hit", str(n))
    print(f"| {n:,} | {fmt(s)} | {fmt(r)} | {fmt(near)} | {fmt(miss)} | {fmt(h)} | {ratio(h, s)} |")

print("\n### Wildcards (`match/wildcard`, 100 exact origins + w wildcards)\n")
print("| wildcards | static depth 1 | run-time depth 1 | static depth 4 | static miss | `ends_with` scan, depth 1 | scan / static |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for w in [1, 10, 1000]:
    d1 = median("match_wildcard", "static_depth1", str(w))
    r1 = median("match_wildcard", "runtime_depth1", str(w))
    d4 = median("match_wildcard", "static_depth4", str(w))
    miss = median("match_wildcard", "static_miss", str(w))
    scan = median("match_wildcard", "ends_with_scan_depth1", str(w))
    print(f"| {w:,} | {fmt(d1)} | {fmt(r1)} | {fmt(d4)} | {fmt(miss)} | {fmt(scan)} | {ratio(scan, d1)} |")

print("\n### Whole GET evaluation (`evaluate/get`, static)\n")
print("| origins | " + " | ".join(f"{n:,}" for n in SIZES) + " |")
print("|---|" + "---:|" * len(SIZES))
print("| median | " + " | ".join(fmt(median("evaluate_get", "static_hit", str(n))) for n in SIZES) + " |")

for group, peer, peer_name, bare_key in [
    ("tower", "tower_http_list", "tower-http `CorsLayer` (list)", "bare"),
    ("actix", "actix_cors", "actix-cors", "bare"),
]:
    print(f"\n### Through {group} (`{group}`): median per request, and with the bare service subtracted\n")
    for kind in ["preflight", "get"]:
        bare = median(group, f"{kind}_{bare_key}", "0")
        print(f"**{kind}** (bare service: {fmt(bare)})\n")
        print(f"| origins | corsc | {peer_name} | corsc − bare | peer − bare | peer / corsc (bare subtracted) |")
        print("|---:|---:|---:|---:|---:|---:|")
        for n in [1, 10, 100, 1000, 10000, 100000]:
            ours = median(group, f"{kind}_corsc", str(n))
            theirs = median(group, f"{kind}_{peer}", str(n))
            if ours is None:
                continue
            o = None if bare is None else ours - bare
            t = None if bare is None or theirs is None else theirs - bare
            print(f"| {n:,} | {fmt(ours)} | {fmt(theirs)} | {fmt(o)} | {fmt(t)} | {ratio(t, o)} |")
        print()

bare = median("tower", "preflight_bare", "0")
print("### Wildcard preflight through tower: corsc vs tower-http `AllowOrigin::predicate` (`ends_with`)\n")
print("| wildcards | corsc | tower-http predicate | corsc − bare | peer − bare | ratio |")
print("|---:|---:|---:|---:|---:|---:|")
for w in [1, 10, 1000]:
    ours = median("tower", "wildcard_preflight_corsc", str(w))
    theirs = median("tower", "wildcard_preflight_tower_http_predicate", str(w))
    o = None if bare is None or ours is None else ours - bare
    t = None if bare is None or theirs is None else theirs - bare
    print(f"| {w:,} | {fmt(ours)} | {fmt(theirs)} | {fmt(o)} | {fmt(t)} | {ratio(t, o)} |")

print("\n### Hostile input sizes (`hostile`): time per request and per byte\n")
names = ["origin", "non_utf8_origin", "request_headers", "empty_entries", "repeated_lines"]
print("| bytes | Origin | per byte | non-UTF-8 Origin | per byte | Access-Control-Request-Headers `x-a,…` | per byte | only commas | per byte | `x-a` on size/4 header lines | per byte |")
print("|---:|" + "---:|" * 10)
for size in [1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20]:
    cells = []
    for name in names:
        t = median("hostile", name, str(size))
        cells += [fmt(t), "—" if t is None else f"{t / size * 1000:.2f} ps"]
    print(f"| {size:,} | " + " | ".join(cells) + " |")

print("\n### What bounds a preflight (`tower_floor`)\n")
print("| step | median |")
print("|---|---:|")
print(f"| core evaluation of the preflight, 100 origins (`HeaderMapView` + `Policy::evaluate`) | {fmt(median('tower_floor', 'evaluate_preflight_100'))} |")
print(f"| six preflight headers into a new `http::HeaderMap` (what any middleware writes) | {fmt(median('tower_floor', 'six_headers_into_a_header_map'))} |")

print("\n### What bounds a preflight through actix (`actix_floor`)\n")
print("| step | median |")
print("|---|---:|")
print(f"| core evaluation of the preflight, 100 origins (`ServiceRequest` view + `Policy::evaluate`) | {fmt(median('actix_floor', 'evaluate_preflight_100'))} |")
print(f"| a new 204 `HttpResponse` | {fmt(median('actix_floor', 'new_response'))} |")
print(f"| the same with the six preflight headers inserted | {fmt(median('actix_floor', 'six_headers_into_a_new_response'))} |")

print("\n### Strategies (`strategies`, for DESIGN.md)\n")
print("**Exact origins** — the lookup step alone, hit = last inserted\n")
print("| N | table, hit | direct comparison, hit | `HashSet`, hit | table, miss | direct, miss |")
print("|---:|---:|---:|---:|---:|---:|")
for n in [1, 2, 4, 8, 16, 100, 10000]:
    cells = [median("exact_strategy", f"{impl}_{label}", str(n))
             for impl, label in [("table", "hit"), ("direct", "hit"), ("hashset", "hit"), ("table", "miss"), ("direct", "miss")]]
    print(f"| {n:,} | " + " | ".join(fmt(c) for c in cells) + " |")
print("\n**Subdomain wildcards** — `allows_origin` on a wildcard-only policy vs an aho-corasick DFA\n")
print("| patterns | suffix scan, depth 1 | aho-corasick, depth 1 | suffix scan, depth 4 | aho-corasick, depth 4 | suffix scan, miss | aho-corasick, miss |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for n in [1, 10, 100, 1000, 10000]:
    cells = [median("wildcard_strategy", f"{impl}_{label}", str(n))
             for label in ["depth1", "depth4", "miss"] for impl in ["suffix_scan", "aho_corasick"]]
    print(f"| {n:,} | " + " | ".join(fmt(c) for c in cells) + " |")
