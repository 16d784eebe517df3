"""Extract the plotted points of Figures 3-6 of arXiv:2007.14042v1 from the PDF's vector paths.

The paper's figures are MATLAB plots embedded as PDF form XObjects: every curve is one
stroked polyline whose vertices are the plotted points, each marker is a handful of short
strokes, and every tick label is a text object. This tool reads them with pypdf's
content-stream parser and a small graphics-state interpreter (q/Q/cm, path construction
and painting, colours, line style, text positioning), and writes what the notebooks need
so that they never need the PDF:

* ``notebooks/data/paper_figures/figure{3,4,5,6}.csv``: one row per plotted point,
  columns ``figure, panel, panel_caption, curve, curve_label, colour, marker, linestyle,
  point, x, y``;
* ``notebooks/data/paper_figures/provenance.json``: the PDF's sha256, the arXiv id and
  version, its creation date, pypdf's version, the extraction date (``--date``, recorded in
  the command so that the command reproduces the file), the exact command, and for every
  panel its axis calibration (tick positions, tick labels, the fitted map and its residual)
  and how each curve was identified.

The values are not converted: x and y are in the units of the plotted axes (Figures 3 and 6
as plotted, Figures 4-5 in bits, as the tests in ``tests/test_paper_figures.py`` establish).

Everything is determined from the PDF itself:

* **Panels and figures.** The page content places each form XObject with ``cm``/``Do``;
  the caption text drawn next after it ("(a) Variance a2 of U: 1") names the panel, and
  the first "Figure N:" caption after a run of panels names the figure.
* **Axes.** The axis frame and tick marks are the grey strokes of the form; x tick marks
  are the short vertical strokes standing on the bottom edge of the frame, y tick marks
  the short horizontal strokes on its left edge. Each tick label is a text object whose
  anchor (the translation of its ``cm``) coincides with its tick mark; its value is read
  from the text string. The page-to-data map of each axis is the least-squares affine fit
  of the tick values against the tick positions (a log scale would be detected by a bad
  fit and refused); its residual is stored.
* **Curves.** Every stroked path with at least two vertices that is drawn inside the axes
  before the legend box and is not a marker is a curve; its vertices are the plotted
  points, mapped to data coordinates.
* **Which curve is which.** The legend box is the white filled rectangle drawn over the
  axes after the curves; each legend entry is a short line sample, a marker and a label
  text. A curve is matched to the legend entry with the same style signature (stroke
  colour, line width, dash pattern and marker shape); when several entries share a
  signature (MATLAB's colour order has 7 colours), they are matched in drawing order,
  and the tool checks that the matching is the drawing order itself (curve k is legend
  entry k), which is how MATLAB builds a legend.

Usage::

    .venv/bin/python tools/extract_paper_figures.py PATH/TO/2007.14042v1.pdf [--out DIR] [--date YYYY-MM-DD]

Running it twice gives byte-identical files (no BLAS, no clock: the axis fits are plain
``math.fsum`` arithmetic and values are written with fixed decimals). pypdf is an optional tool dependency, pinned
in ``requirements-tools.txt`` (``.venv/bin/pip install -r requirements-tools.txt``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import os
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
from pypdf.generic import ContentStream

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "notebooks" / "data" / "paper_figures"
ARXIV_ID = "2007.14042"
ARXIV_VERSION = "v1"
FIGURES = (3, 4, 5, 6)

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def mat_mul(m1: Matrix, m2: Matrix) -> Matrix:
    """Return the PDF matrix product m1 x m2 (apply m1 first, then m2)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """Map the point (x, y) through the PDF matrix m."""
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


# --------------------------------------------------------------------------------------
# A small content-stream interpreter
# --------------------------------------------------------------------------------------


@dataclass
class Stroke:
    """A painted path, in the coordinates of the stream's outermost space.

    ``subpaths`` holds the vertices of each subpath (end points of line and curve
    segments; control points of Bezier curves are not kept, ``curved`` says whether any
    segment was a curve).
    """

    order: int
    op: str
    subpaths: list[list[tuple[float, float]]]
    curved: bool
    stroke_rgb: tuple[float, float, float]
    fill_rgb: tuple[float, float, float]
    width: float
    dash: str

    @property
    def points(self) -> list[tuple[float, float]]:
        """All vertices of all subpaths, in order."""
        return [p for sp in self.subpaths for p in sp]

    @property
    def extent(self) -> float:
        """Largest side of the bounding box."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return max(max(xs) - min(xs), max(ys) - min(ys)) if xs else 0.0

    @property
    def center(self) -> tuple[float, float]:
        """Centre of the bounding box."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)


@dataclass
class Text:
    """One text-showing operation: decoded string, the anchor (CTM origin) and the origin
    of the first glyph (CTM x text matrix), both in the outer space."""

    order: int
    text: str
    anchor: tuple[float, float]
    origin: tuple[float, float]
    font: str
    ctm: Matrix
    size: float = 0.0
    advance: float | None = None  # width of the string in the outer space, when the font gives widths
    kerned_text: str = ""  # the text with a space wherever a TJ array moves right by >= 0.2 em


@dataclass
class Placement:
    """A form XObject drawn by ``Do``: its name and its CTM at that moment."""

    order: int
    name: str
    ctm: Matrix


@dataclass
class Stream:
    """Everything drawn by one content stream, in drawing order."""

    strokes: list[Stroke] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)


def _num(x) -> float:
    return float(x)


def _to_unicode_map(font) -> dict[int, str] | None:
    """Parse the bfchar/bfrange entries of a font's ToUnicode CMap (2-byte codes)."""
    if "/ToUnicode" not in font:
        return None
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    table: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[int(src, 16)] = chr(int(dst, 16))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(int(dst, 16) + k)
    return table


def _cid_widths(font) -> dict[int, float] | None:
    """Glyph widths (1/1000 em) of a Type0 font's descendant, from its /W array."""
    if str(font.get("/Subtype")) != "/Type0":
        return None
    desc = font["/DescendantFonts"][0].get_object()
    default = float(desc.get("/DW", 1000))
    w = desc.get("/W", [])
    table: dict[int, float] = {}
    i = 0
    while i < len(w):
        first = int(w[i])
        nxt = w[i + 1]
        if isinstance(nxt, list) or hasattr(nxt, "__iter__") and not isinstance(nxt, (int, float)):
            for k, v in enumerate(nxt):
                table[first + k] = float(v)
            i += 2
        else:
            for code in range(first, int(nxt) + 1):
                table[code] = float(w[i + 2])
            i += 3
    table[-1] = default
    return table


def _decode(raw, cmap: dict[int, str] | None) -> str:
    """Decode a string operand: through the ToUnicode map for 2-byte CID fonts, else as
    Latin-1 bytes (Helvetica/WinAnsi and the digits/letters of the TeX text fonts)."""
    data = raw.original_bytes if hasattr(raw, "original_bytes") else bytes(str(raw), "latin-1")
    if cmap is not None:
        return "".join(cmap.get(int.from_bytes(data[i : i + 2], "big"), "?") for i in range(0, len(data) - 1, 2))
    return data.decode("latin-1")


def interpret(content, resources, reader: pypdf.PdfReader, ctm0: Matrix = IDENTITY) -> Stream:
    """Run a content stream and return its strokes, texts and form placements."""
    ops = ContentStream(content, reader).operations
    fonts = {}
    widths = {}
    if resources is not None and "/Font" in resources:
        for name, ref in resources["/Font"].items():
            fonts[name] = _to_unicode_map(ref.get_object())
            widths[name] = _cid_widths(ref.get_object())
    out = Stream()
    gs = {"ctm": ctm0, "srgb": (0.0, 0.0, 0.0), "frgb": (0.0, 0.0, 0.0), "w": 1.0, "dash": "[] 0"}
    stack: list[dict] = []
    path: list[list[tuple[float, float]]] = []
    curved = False
    tm: Matrix = IDENTITY
    tlm: Matrix = IDENTITY
    font = ""
    size = 0.0
    leading = 0.0
    order = 0

    def new_text(operand) -> None:
        nonlocal order
        parts = operand if isinstance(operand, list) else [operand]
        s, kerned = "", ""
        for o in parts:
            if isinstance(o, (int, float)) or hasattr(o, "as_numeric"):
                if float(o) <= -200:  # a move right of at least 0.2 em inside TJ: a word space
                    kerned += " "
            else:
                piece = _decode(o, fonts.get(font))
                s += piece
                kerned += piece
        full = mat_mul(tm, gs["ctm"])
        adv = None
        wt = widths.get(font)
        if wt is not None:  # advance = glyph widths minus TJ adjustments, in 1/1000 em
            units = 0.0
            for o in parts:
                if isinstance(o, (int, float)) or hasattr(o, "as_numeric"):
                    units -= float(o)
                else:
                    data = o.original_bytes if hasattr(o, "original_bytes") else b""
                    units += sum(wt.get(int.from_bytes(data[i : i + 2], "big"), wt[-1]) for i in range(0, len(data) - 1, 2))
            adv = units / 1000.0 * size * math.hypot(full[0], full[1])
        out.texts.append(Text(order, s, apply(gs["ctm"], 0.0, 0.0), apply(full, 0.0, 0.0), font, gs["ctm"],
                              size * math.hypot(full[2], full[3]), adv, kerned))
        order += 1

    for operands, opb in ops:
        op = opb.decode("latin-1") if isinstance(opb, bytes) else str(opb)
        if op == "q":
            stack.append(dict(gs))
        elif op == "Q":
            gs = stack.pop()
        elif op == "cm":
            gs["ctm"] = mat_mul(tuple(_num(v) for v in operands), gs["ctm"])
        elif op == "w":
            gs["w"] = _num(operands[0])
        elif op == "d":
            gs["dash"] = f"[{' '.join(f'{_num(v):g}' for v in operands[0])}] {_num(operands[1]):g}"
        elif op in ("RG", "rg", "G", "g", "K", "k"):
            vals = tuple(_num(v) for v in operands)
            if op in ("G", "g"):
                rgb = (vals[0],) * 3
            elif op in ("K", "k"):
                c, m_, y_, k_ = vals
                rgb = ((1 - c) * (1 - k_), (1 - m_) * (1 - k_), (1 - y_) * (1 - k_))
            else:
                rgb = vals
            gs["srgb" if op.isupper() else "frgb"] = rgb
        elif op == "m":
            path.append([apply(gs["ctm"], _num(operands[0]), _num(operands[1]))])
        elif op == "l":
            path[-1].append(apply(gs["ctm"], _num(operands[0]), _num(operands[1])))
        elif op in ("c", "v", "y"):
            path[-1].append(apply(gs["ctm"], _num(operands[-2]), _num(operands[-1])))
            curved = True
        elif op == "re":
            x, y, w, h = (_num(v) for v in operands)
            path.append([apply(gs["ctm"], x + dx, y + dy) for dx, dy in ((0, 0), (w, 0), (w, h), (0, h), (0, 0))])
        elif op == "h":
            if path and path[-1] and path[-1][0] != path[-1][-1]:
                path[-1].append(path[-1][0])
        elif op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*"):
            if op in ("s", "b", "b*"):
                for sp in path:
                    if sp and sp[0] != sp[-1]:
                        sp.append(sp[0])
            out.strokes.append(Stroke(order, op, path, curved, gs["srgb"], gs["frgb"], gs["w"], gs["dash"]))
            order += 1
            path, curved = [], False
        elif op == "n":
            path, curved = [], False
        elif op == "BT":
            tm = tlm = IDENTITY
        elif op == "Tf":
            font = str(operands[0])
            size = _num(operands[1])
        elif op == "Tm":
            tm = tlm = tuple(_num(v) for v in operands)
        elif op in ("Td", "TD"):
            tx, ty = _num(operands[0]), _num(operands[1])
            tlm = mat_mul((1, 0, 0, 1, tx, ty), tlm)
            tm = tlm
            if op == "TD":
                leading = -ty
        elif op == "TL":
            leading = _num(operands[0])
        elif op == "T*":
            tlm = mat_mul((1, 0, 0, 1, 0, -leading), tlm)
            tm = tlm
        elif op in ("Tj", "TJ"):
            new_text(operands[0])
        elif op in ("'", '"'):
            tlm = mat_mul((1, 0, 0, 1, 0, -leading), tlm)
            tm = tlm
            new_text(operands[-1])
        elif op == "Do":
            out.placements.append(Placement(order, str(operands[0]), gs["ctm"]))
            order += 1
    return out


# --------------------------------------------------------------------------------------
# Figure analysis
# --------------------------------------------------------------------------------------

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _close(a: float, b: float, tol: float = 1e-3) -> bool:
    return abs(a - b) <= tol


def _rgb_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{int(round(255 * c)):02x}" for c in rgb)


def _join_glyphs(texts: list[Text]) -> list[Text]:
    """Merge consecutive text operations that share one CTM (MATLAB writes legend labels
    glyph by glyph, each with its own text matrix) into one string, ordered by x."""
    merged: list[Text] = []
    group: list[Text] = []

    def flush() -> None:
        if group:
            g = sorted(group, key=lambda t: t.origin[0])
            s = g[0].text
            for prev, cur in zip(g, g[1:]):
                gap = cur.origin[0] - prev.origin[0] - (prev.advance or 0.0)
                if prev.advance is not None and gap > 0.2 * prev.size:  # a word space is >= 0.25 em
                    s += " "
                s += cur.text
            merged.append(Text(group[0].order, s, group[0].anchor, g[0].origin, group[0].font, group[0].ctm, g[0].size))

    for t in texts:
        if group and (t.ctm != group[-1].ctm or t.order != group[-1].order + 1):
            flush()
            group = []
        group.append(t)
    flush()
    return merged


def _marker_signature(parts: list[Stroke]) -> str:
    """Name the marker drawn by the small strokes ``parts`` (MATLAB marker vocabulary)."""
    if not parts:
        return "none"
    if any(p.curved for p in parts):
        return "o"
    kinds = []
    for p in parts:
        pts = p.points
        if len(pts) == 2:
            (x0, y0), (x1, y1) = pts
            if _close(y0, y1, 0.01):
                kinds.append("-")
            elif _close(x0, x1, 0.01):
                kinds.append("|")
            else:
                kinds.append("/" if (x1 - x0) * (y1 - y0) > 0 else "\\")
        else:
            kinds.append(f"poly{len(pts)}")
    kinds = sorted(kinds)
    table = {("-", "/", "\\", "|"): "*", ("-", "|"): "+", ("/", "\\"): "x"}
    key = tuple(kinds)
    if key in table:
        return table[key]
    if len(parts) == 1 and parts[0].points[0] == parts[0].points[-1]:
        n = len(parts[0].points) - 1
        xs = sorted({round(x, 2) for x, _ in parts[0].points})
        if n == 4:
            return "s" if len(xs) == 2 else "d"
        if n == 3:
            return "triangle"
        if n >= 8:
            c = parts[0].center
            r = [math.hypot(x - c[0], y - c[1]) for x, y in parts[0].points]
            if max(r) - min(r) < 0.25 * max(r):
                return "o"
    return "+".join(kinds)


@dataclass
class Axis:
    """Affine page-to-data map of one axis, fitted to its tick marks and labels."""

    ticks_page: list[float]
    ticks_value: list[float]
    labels: list[str]
    slope: float
    intercept: float
    max_residual: float
    exponent: int = 0  # labels are multiplied by 10**exponent (MATLAB's "x 10^k" above the axis)

    def to_data(self, p: float) -> float:
        """Map a page coordinate to the data coordinate."""
        return self.intercept + self.slope * p


def _fit_axis(ticks: list[tuple[float, float, str]], exponent: int) -> Axis:
    """Least-squares line value = intercept + slope * position through the labelled ticks.

    Plain Python sums in a fixed order (math.fsum), so the result does not depend on a BLAS."""
    if len(ticks) < 2:
        raise ValueError("an axis needs at least two labelled ticks")
    pos = [t[0] for t in ticks]
    val = [t[1] for t in ticks]
    n = len(ticks)
    mp, mv = math.fsum(pos) / n, math.fsum(val) / n
    slope = math.fsum((p - mp) * (v - mv) for p, v in zip(pos, val)) / math.fsum((p - mp) ** 2 for p in pos)
    intercept = mv - slope * mp
    resid = max(abs(intercept + slope * p - v) for p, v in zip(pos, val))
    if resid > 1e-4 * (max(val) - min(val)):
        raise ValueError(f"tick labels are not an affine function of tick positions (residual {resid:g}); log axis?")
    return Axis(pos, val, [t[2] for t in ticks], slope, intercept, resid, exponent)


@dataclass
class Curve:
    """One plotted polyline with its style and (after matching) its legend label."""

    index: int
    points_page: list[tuple[float, float]]
    colour: tuple[float, float, float]
    width: float
    dash: str
    marker: str
    label: str = ""
    legend_index: int = -1


def analyse_panel(stream: Stream) -> dict:
    """Find axes, calibrate them, extract curves and the legend, and match them."""
    strokes = [s for s in stream.strokes if s.op in ("S", "s")]
    fills = [s for s in stream.strokes if s.op in ("f", "F", "f*")]
    # the axes colour: that of the longest straight horizontal stroke (the frame's bottom edge)
    straight_h = [s for s in strokes if len(s.points) == 2 and _close(s.points[0][1], s.points[1][1], 1e-6)]
    axis_rgb = max(straight_h, key=lambda s: (s.extent, -s.order)).stroke_rgb

    def _is_grey_axis(s: Stroke) -> bool:
        return s.stroke_rgb == axis_rgb

    grey = [s for s in strokes if _is_grey_axis(s)]
    # the axes frame: 2-point strokes of that colour; the longest horizontal ones are the top/bottom
    horiz = [s for s in grey if len(s.points) == 2 and _close(s.points[0][1], s.points[1][1], 1e-6)]
    vert = [s for s in grey if len(s.points) == 2 and _close(s.points[0][0], s.points[1][0], 1e-6)]
    long_h = max(s.extent for s in horiz)
    long_v = max(s.extent for s in vert)
    frame_h = sorted({round(s.points[0][1], 6) for s in horiz if _close(s.extent, long_h, 1e-6)})
    frame_v = sorted({round(s.points[0][0], 6) for s in vert if _close(s.extent, long_v, 1e-6)})
    y_bottom, y_top = frame_h[0], frame_h[-1]
    x_left, x_right = frame_v[0], frame_v[-1]
    tick_len = 0.05 * min(long_h, long_v)
    xticks = sorted({round(s.points[0][0], 6) for s in vert if s.extent < tick_len
                     and any(_close(p[1], y_bottom, 1e-6) for p in s.points)})
    yticks = sorted({round(s.points[0][1], 6) for s in horiz if s.extent < tick_len
                     and any(_close(p[0], x_left, 1e-6) for p in s.points)})
    texts = _join_glyphs(stream.texts)
    numeric = [t for t in texts if NUMBER.match(t.text.strip())]
    # MATLAB's axis exponent: a multiplication sign, "10" and a raised number, drawn just above the
    # top-left corner (y axis) or below the bottom-right corner (x axis)
    exps = {"x": 0, "y": 0}
    for k, t in enumerate(texts):
        if t.text.strip() == "10" and k + 1 < len(texts) and NUMBER.match(texts[k + 1].text.strip()) \
                and texts[k + 1].anchor[1] > t.anchor[1] + 1.0 and texts[k + 1].order == t.order + 1:
            if t.anchor[1] > y_top and t.anchor[0] < (x_left + x_right) / 2:
                exps["y"] = int(texts[k + 1].text)
            elif t.anchor[1] < y_bottom and t.anchor[0] > (x_left + x_right) / 2:
                exps["x"] = int(texts[k + 1].text)
            else:
                raise ValueError("a power of ten that is not an axis exponent")
            numeric = [u for u in numeric if u.order not in (t.order, texts[k + 1].order)]
    xt, yt = [], []
    for t in numeric:
        ax_, ay_ = t.anchor
        if ay_ < y_bottom:
            hits = [p for p in xticks if _close(p, ax_, 0.01)]
            if hits:
                xt.append((hits[0], float(t.text) * 10.0 ** exps["x"], t.text.strip()))
        if ax_ < x_left:
            hits = [p for p in yticks if _close(p, ay_, 0.01)]
            if hits:
                yt.append((hits[0], float(t.text) * 10.0 ** exps["y"], t.text.strip()))
    xaxis, yaxis = _fit_axis(sorted(xt), exps["x"]), _fit_axis(sorted(yt), exps["y"])

    # the legend box: a white fill strictly inside the axes, drawn after the axes background
    inside = [f for f in fills if all(x_left - 1e-6 <= x <= x_right + 1e-6 and y_bottom - 1e-6 <= y <= y_top + 1e-6
                                      for x, y in f.points) and f.fill_rgb == (1.0, 1.0, 1.0)]
    legend_fill = [f for f in inside if f.extent < 0.9 * max(x_right - x_left, y_top - y_bottom)]
    if len(legend_fill) != 1:
        raise ValueError(f"expected one legend box, found {len(legend_fill)}")
    lg = legend_fill[0]
    lx = [p[0] for p in lg.points]
    ly = [p[1] for p in lg.points]
    lbox = (min(lx), max(lx), min(ly), max(ly))

    def in_box(pt, box) -> bool:
        return box[0] - 1e-6 <= pt[0] <= box[1] + 1e-6 and box[2] - 1e-6 <= pt[1] <= box[3] + 1e-6

    coloured = [s for s in strokes if not _is_grey_axis(s)]
    plot_part = [s for s in coloured if s.order < lg.order]
    legend_part = [s for s in coloured if s.order > lg.order and all(in_box(p, lbox) for p in s.points)]
    marker_size = 12.0  # page units of the form; markers here are <= 8, curve segments are longer or have > 2 vertices

    def group(part: list[Stroke]) -> list[tuple[Stroke, list[Stroke]]]:
        """Split into (line, [marker strokes following it with its colour])."""
        res: list[tuple[Stroke, list[Stroke]]] = []
        for s in part:
            is_marker = s.extent <= marker_size and bool(res) and res[-1][0].stroke_rgb == s.stroke_rgb
            if not is_marker:
                res.append((s, []))
            else:
                if not res or res[-1][0].stroke_rgb != s.stroke_rgb:
                    raise ValueError("a marker stroke does not follow a line of its colour")
                res[-1][1].append(s)
        return res

    curves: list[Curve] = []
    for k, (line, marks) in enumerate(group(plot_part)):
        pts = line.points
        # markers: one per vertex; the signature is taken from the strokes of the first vertex
        per_vertex = len(marks) // len(pts) if pts else 0
        if per_vertex * len(pts) != len(marks):
            raise ValueError(f"curve {k}: {len(marks)} marker strokes for {len(pts)} vertices")
        sig = _marker_signature(marks[:per_vertex])
        for j in range(len(pts)):
            sig_j = _marker_signature(marks[j * per_vertex:(j + 1) * per_vertex])
            if sig_j != sig:
                raise ValueError(f"curve {k}: marker {sig_j} at vertex {j} differs from {sig}")
            cx, cy = marks[j * per_vertex].center if per_vertex else pts[j]
            if per_vertex and (abs(cx - pts[j][0]) > 1.0 or abs(cy - pts[j][1]) > 1.0):
                raise ValueError(f"curve {k}: marker {j} is not on vertex {j}")
        curves.append(Curve(k, pts, line.stroke_rgb, line.width, line.dash, sig))

    legend_texts = [t for t in texts if t.order > lg.order and in_box(t.anchor, lbox)]
    entries = []
    for line, marks in group(legend_part):
        entries.append({"colour": line.stroke_rgb, "width": line.width, "dash": line.dash,
                        "marker": _marker_signature(marks), "y": line.points[0][1]})
    if len(entries) != len(legend_texts):
        raise ValueError(f"{len(entries)} legend samples but {len(legend_texts)} legend labels")
    # each label sits on the baseline row of its sample: pair them by vertical position
    for e in entries:
        lab = min(legend_texts, key=lambda t: abs(t.anchor[1] - e["y"]))
        if abs(lab.anchor[1] - e["y"]) > 2.0:
            raise ValueError("legend label not level with its sample")
        e["label"] = lab.text.strip()
    if len({e["label"] for e in entries}) != len(entries):
        raise ValueError("duplicate legend labels")
    if len(entries) != len(curves):
        raise ValueError(f"{len(curves)} curves but {len(entries)} legend entries")
    # match by style signature; ties resolved in drawing order
    used: set[int] = set()
    for c in curves:
        sig = (c.colour, c.width, c.dash, c.marker)
        cands = [i for i, e in enumerate(entries) if i not in used and (e["colour"], e["width"], e["dash"], e["marker"]) == sig]
        if not cands:
            raise ValueError(f"curve {c.index}: no legend entry with style {sig}")
        c.legend_index = cands[0]
        c.label = entries[cands[0]]["label"]
        used.add(cands[0])
    unique = sum(1 for c in curves if sum(1 for e in entries if (e["colour"], e["width"], e["dash"], e["marker"])
                                         == (c.colour, c.width, c.dash, c.marker)) == 1)
    in_order = all(c.legend_index == c.index for c in curves)
    if not in_order:
        raise ValueError("curves are not drawn in legend order")
    return {
        "xaxis": xaxis,
        "yaxis": yaxis,
        "frame": (x_left, x_right, y_bottom, y_top),
        "curves": curves,
        "legend_box": lbox,
        "unique_styles": unique,
        "axis_rgb": axis_rgb,
        "in_order": in_order,
    }


# --------------------------------------------------------------------------------------
# Pages, panels, captions
# --------------------------------------------------------------------------------------


@dataclass
class Panel:
    """A figure panel: page, XObject name, caption, figure number and its analysis."""

    page: int
    name: str
    letter: str
    caption: str
    figure: int = 0
    analysis: dict | None = None


CAPTION_LETTER = re.compile(r"^\s*\((?P<l>[a-z])\)\s*(?P<rest>.*)$", re.S)


def _clean_caption(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r" ([:,.)])", r"\1", s)


def find_panels(reader: pypdf.PdfReader) -> list[Panel]:
    """Locate every figure panel (a placed form XObject) and its caption and figure number."""
    panels: list[Panel] = []
    for pno, page in enumerate(reader.pages):
        res = page.get("/Resources")
        if res is None or "/XObject" not in res:
            continue
        st = interpret(page.get_contents(), res, reader)
        forms = [p for p in st.placements if res["/XObject"][p.name].get_object().get("/Subtype") == "/Form"]
        if not forms:
            continue
        pending: list[Panel] = []
        for i, pl in enumerate(forms):
            nxt = forms[i + 1].order if i + 1 < len(forms) else math.inf
            after = [t for t in st.texts if pl.order < t.order < nxt]
            s = ""
            for k, t in enumerate(after):
                if k and t.size < 0.8 * after[k - 1].size:
                    s += "^"  # a superscript (smaller font, e.g. the 2 of a^2)
                elif k:
                    s += " "
                s += t.kerned_text
            head = s.split("Figure")[0]
            m = CAPTION_LETTER.match(head)
            if m:
                pending.append(Panel(pno + 1, pl.name, m.group("l"), _clean_caption(head)))
            elif not head.strip() and "Figure" in s:
                pending.append(Panel(pno + 1, pl.name, "", ""))  # a single-panel figure
            else:
                raise ValueError(f"page {pno + 1}, {pl.name}: no panel caption after the figure")
            fm = re.search(r"Figure\s*(\d+)\s*:", s)
            if fm:
                for p in pending:
                    p.figure = int(fm.group(1))
                panels.extend(pending)
                pending = []
        if pending:
            raise ValueError(f"page {pno + 1}: panels without a figure caption")
    return panels


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


def _fmt_data(v: float, axis: Axis) -> str:
    """A data coordinate with a fixed number of decimals: 1e-9 of the axis's labelled span. Single-precision page
    coordinates resolve ~1e-7 of it, so the digits kept carry everything the PDF holds and nothing of the
    arithmetic's last bits."""
    span = max(axis.ticks_value) - min(axis.ticks_value)
    decimals = max(0, 9 - math.floor(math.log10(span)))
    out = f"{v:.{decimals}f}"
    return out[1:] if out.startswith("-") and float(out) == 0.0 else out


def _fmt(v: float) -> str:
    """Fixed, platform-independent formatting: 10 significant digits, no -0."""
    s = f"{v:.10g}"
    return "0" if s in ("-0", "0") else s


def extract(pdf: Path) -> tuple[dict[int, list[list[str]]], dict]:
    """Return the CSV rows per figure and the per-panel provenance."""
    reader = pypdf.PdfReader(str(pdf))
    panels = [p for p in find_panels(reader) if p.figure in FIGURES]
    rows: dict[int, list[list[str]]] = {f: [] for f in FIGURES}
    prov_panels = []
    for p in sorted(panels, key=lambda q: (q.figure, q.letter)):
        page = reader.pages[p.page - 1]
        form = page["/Resources"]["/XObject"][p.name].get_object()
        st = interpret(form, form.get("/Resources"), reader)
        a = analyse_panel(st)
        p.analysis = a
        xa, ya = a["xaxis"], a["yaxis"]
        for c in a["curves"]:
            for j, (px, py) in enumerate(c.points_page):
                rows[p.figure].append([str(p.figure), p.letter, p.caption, panel_value(p.caption), str(c.index), c.label,
                                       curve_value(c.label), _rgb_hex(c.colour), c.marker,
                                       "solid" if c.dash == "[] 0" else c.dash, str(j),
                                       _fmt_data(xa.to_data(px), xa), _fmt_data(ya.to_data(py), ya)])
        prov_panels.append({
            "figure": p.figure,
            "panel": p.letter,
            "caption": p.caption,
            "page": p.page,
            "xobject": p.name,
            "x_axis": {"tick_positions": [_fmt(v) for v in xa.ticks_page], "tick_labels": xa.labels, "label_exponent": xa.exponent,
                       "slope": _fmt(xa.slope), "intercept": _fmt(xa.intercept), "max_residual": _fmt(xa.max_residual)},
            "y_axis": {"tick_positions": [_fmt(v) for v in ya.ticks_page], "tick_labels": ya.labels, "label_exponent": ya.exponent,
                       "slope": _fmt(ya.slope), "intercept": _fmt(ya.intercept), "max_residual": _fmt(ya.max_residual)},
            "curves": [{"curve": c.index, "label": c.label, "colour": _rgb_hex(c.colour), "marker": c.marker,
                        "linestyle": "solid" if c.dash == "[] 0" else c.dash, "points": len(c.points_page)}
                       for c in a["curves"]],
            "curves_with_unique_style": a["unique_styles"],
            "curves_in_legend_order": a["in_order"],
            "axis_colour": _rgb_hex(a["axis_rgb"]),
        })
    return rows, {"panels": prov_panels}


HEADER = ["figure", "panel", "panel_caption", "panel_value", "curve", "curve_label", "curve_value", "colour", "marker",
          "linestyle", "point", "x", "y"]


def panel_value(caption: str) -> str:
    """The parameter that names a panel: the number ending its caption ("... of U: 0.75" -> "0.75"), or ""."""
    m = re.search(r":\s*(\d+(?:\.\d+)?)\s*$", caption)
    return m.group(1) if m else ""


def curve_value(label: str) -> str:
    """The parameter that names a curve: the number ending its legend label ("n/m=0.10" -> "0.10"); for a joint
    pmf label "a-b-c-d" the four numbers separated by spaces."""
    if re.fullmatch(r"\d*\.?\d+(-\d*\.?\d+){3}", label):
        return " ".join(label.split("-"))
    m = re.search(r"(\d+(?:\.\d+)?)\s*$", label)
    return m.group(1) if m else ""


def _pdf_date(reader: pypdf.PdfReader) -> str:
    """The PDF's /CreationDate (D:YYYYMMDDHHmmSS with Z or an offset) in ISO 8601, or "" if absent."""
    raw = str((reader.metadata or {}).get("/CreationDate", ""))
    m = re.match(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'?\d{2}'?)?", raw)
    if not m:
        return raw
    y, mo, d, hh, mm, ss, tz = m.groups()
    tz = "" if tz is None else ("Z" if tz == "Z" else f"{tz[:3]}:{tz[-3:-1] if tz.endswith(chr(39)) else tz[-2:]}")
    return f"{y}-{mo}-{d}T{hh}:{mm}:{ss}{tz}"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pdf", type=Path, help="path to arXiv:2007.14042v1 (PDF)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    ap.add_argument("--date", default=None,
                    help="extraction date to record (YYYY-MM-DD); given explicitly so that rerunning the recorded "
                         "command reproduces provenance.json byte for byte (default: the PDF's creation date)")
    args = ap.parse_args(argv)
    pdf_bytes = args.pdf.read_bytes()
    rows, prov = extract(args.pdf)
    args.out.mkdir(parents=True, exist_ok=True)
    for f, rr in rows.items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rr)
        (args.out / f"figure{f}.csv").write_text(buf.getvalue(), encoding="utf-8")
    reader = pypdf.PdfReader(str(args.pdf))
    try:
        out_rel = args.out.resolve().relative_to(ROOT)
    except ValueError:
        out_rel = args.out
    provenance = {
        "source": {
            "arxiv_id": ARXIV_ID,
            "arxiv_version": ARXIV_VERSION,
            "title": "Derivation of Information-Theoretically Optimal Adversarial Attacks with Applications to Robust Machine Learning",
            "authors": "J. Yi, R. Mudumbai, W. Xu",
            "pdf_sha256": hashlib.sha256(pdf_bytes).hexdigest(),
            "pdf_bytes": len(pdf_bytes),
            "pdf_pages": len(reader.pages),
            "pdf_creation_date": _pdf_date(reader),
        },
        "tool": {
            "script": "tools/extract_paper_figures.py",
            "library": "pypdf",
            "library_version": pypdf.__version__,
            "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        },
        "date": args.date or _pdf_date(reader),
        "date_note": "extraction date, passed on the command line so that the recorded command is byte-reproducible; "
                     "the data are a function of the PDF alone",
        "command": f".venv/bin/python tools/extract_paper_figures.py {shlex.quote(os.path.relpath(args.pdf.resolve(), ROOT))} "
                   f"--out {shlex.quote(str(out_rel))}" + (f" --date {shlex.quote(args.date)}" if args.date else ""),
        "units": "x and y are in the units of the plotted axes (as labelled in the PDF); no conversion",
        "files": {f"figure{f}.csv": {"rows": len(rr),
                                     "sha256": hashlib.sha256((args.out / f"figure{f}.csv").read_bytes()).hexdigest()}
                  for f, rr in rows.items()},
        "identification": (
            "Panels: the caption text drawn after each form XObject on the page, figure number from the next "
            "'Figure N:' caption. Axes: tick marks (grey strokes on the frame) paired with the numeric text drawn "
            "at the same position; affine least-squares fit per axis. Curves: stroked polylines inside the axes "
            "drawn before the legend box; labels from the legend entry with the same colour, line width, dash and "
            "marker, ties resolved in drawing order; every panel checked to be drawn in legend order."
        ),
        **prov,
    }
    (args.out / "provenance.json").write_text(json.dumps(provenance, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
