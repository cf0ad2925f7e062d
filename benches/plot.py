#!/usr/bin/env python3
"""Draws benches/match-vs-origins.svg from criterion's results (medians).

Left: origin matching alone against the allow-list size (corsc static and
run-time-built, std HashSet<String>). Right: a whole preflight through the
tower adapter and through tower-http's CorsLayer (AllowOrigin::list), bare
inner service subtracted. Log-log axes. Standard library only.

Run after `cargo bench -p cors-benches --bench matching --bench tower`:
    python3 benches/plot.py
"""
import html
import json
import math
import os

ROOT = os.path.join(os.path.dirname(__file__), "..", "target", "criterion")
OUT = os.path.join(os.path.dirname(__file__), "match-vs-origins.svg")


def median(*parts):
    path = os.path.join(ROOT, *parts, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"]


def series(group, bench, sizes):
    points = []
    for n in sizes:
        try:
            points.append((n, median(group, bench, str(n))))
        except FileNotFoundError:
            pass
    return points


SIZES = [1, 10, 100, 1000, 10000, 100000]
left = [
    ("corsc, static (cors_policy!)", "#1f77b4", series("match_exact", "static_hit", SIZES)),
    ("corsc, run-time built", "#2ca02c", series("match_exact", "runtime_hit", SIZES)),
    ("std HashSet<String>", "#7f7f7f", series("match_exact", "std_hashset_hit", SIZES)),
]
try:
    bare = median("tower", "preflight_bare", "0")
except FileNotFoundError:
    bare = 0.0
right = [
    ("corsc tower adapter", "#1f77b4",
     [(n, max(t - bare, 0.1)) for n, t in series("tower", "preflight_corsc", SIZES)]),
    ("tower-http CorsLayer (list)", "#d62728",
     [(n, max(t - bare, 0.1)) for n, t in series("tower", "preflight_tower_http_list", SIZES)]),
]

W, H = 1060, 440
PANEL_W, PANEL_H = 400, 300
MARGIN_L, MARGIN_T = 80, 60


def panel(x0, title, ylabel, lines):
    out = []
    points = [p for _, _, pts in lines for p in pts]
    if not points:
        return out
    xs = [math.log10(n) for n, _ in points]
    ys = [math.log10(t) for _, t in points]
    xmin, xmax = 0, max(5, math.ceil(max(xs)))
    ymin, ymax = math.floor(min(ys)), math.ceil(max(ys))
    if ymin == ymax:
        ymax += 1

    def px(n):
        return x0 + (math.log10(n) - xmin) / (xmax - xmin) * PANEL_W

    def py(t):
        return MARGIN_T + PANEL_H - (math.log10(t) - ymin) / (ymax - ymin) * PANEL_H

    out.append(f'<text x="{x0 + PANEL_W / 2}" y="{MARGIN_T - 25}" text-anchor="middle" font-size="15" font-weight="bold">{html.escape(title)}</text>')
    out.append(f'<rect x="{x0}" y="{MARGIN_T}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#333"/>')
    for e in range(xmin, xmax + 1):
        x = px(10 ** e)
        out.append(f'<line x1="{x}" y1="{MARGIN_T}" x2="{x}" y2="{MARGIN_T + PANEL_H}" stroke="#ddd"/>')
        out.append(f'<text x="{x}" y="{MARGIN_T + PANEL_H + 18}" text-anchor="middle" font-size="12">{10 ** e:,}</text>')
    for e in range(ymin, ymax + 1):
        y = py(10 ** e)
        label = f"{10 ** e:g} ns" if e < 3 else (f"{10 ** (e - 3):g} µs" if e < 6 else f"{10 ** (e - 6):g} ms")
        out.append(f'<line x1="{x0}" y1="{y}" x2="{x0 + PANEL_W}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 - 6}" y="{y + 4}" text-anchor="end" font-size="12">{label}</text>')
    out.append(f'<text x="{x0 + PANEL_W / 2}" y="{MARGIN_T + PANEL_H + 40}" text-anchor="middle" font-size="13">allowed origins</text>')
    out.append(f'<text transform="translate({x0 - 62},{MARGIN_T + PANEL_H / 2}) rotate(-90)" text-anchor="middle" font-size="13">{ylabel}</text>')
    for i, (name, colour, pts) in enumerate(lines):
        if not pts:
            continue
        path = " ".join(f"{px(n):.1f},{py(t):.1f}" for n, t in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for n, t in pts:
            out.append(f'<circle cx="{px(n):.1f}" cy="{py(t):.1f}" r="3.5" fill="{colour}"/>')
        ly = MARGIN_T + 14 + i * 18
        out.append(f'<line x1="{x0 + 10}" y1="{ly - 4}" x2="{x0 + 30}" y2="{ly - 4}" stroke="{colour}" stroke-width="2.5"/>')
        out.append(f'<text x="{x0 + 36}" y="{ly}" font-size="12">{html.escape(name)}</text>')
    return out


parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif">',
         f'<rect width="{W}" height="{H}" fill="white"/>']
parts += panel(MARGIN_L, "Origin match (hit), median", "time per match", left)
parts += panel(MARGIN_L + PANEL_W + 110, "Preflight through tower, median, inner service subtracted", "time per request", right)
parts.append("</svg>")
with open(OUT, "w") as f:
    f.write("\n".join(parts) + "\n")
print(f"wrote {OUT}")
