r"""The budget's multiplier: search over the slope s of the Lagrangian (private module).

Every solve at a slope :math:`s` gives a certified bound
:math:`\text{value}(s) - sB` (weak duality at the requested budget) and a
primal point; :func:`_slope_search` path-follows in :math:`\log s` to a
bracket of the budget, then Newton / regula falsi inside it, locates ties
between supports (linear pieces of the value curve) and mixes the best
points on both sides of the budget (the feasible set is convex and
:math:`I` is convex in the channel). When the cost is below the budget and
the Newton step points far down, the budget may not bind (an amplitude
limit): the zero-information linear program is tried, then one solve at the
tiny slope ``s_flat`` (a point within budget there is certified to within
``s_flat * B``). Before all this, the oracle's bordered Newton method (slope
inside the Newton system, :mod:`mi_lib._budget_newton`) is tried from a
given start without any solve, then once from the first solve; a certified
result ends the search. Used by the informed solver.
"""

from __future__ import annotations

import math

import numpy as np

from ._mixing import _Eval


_BUDGET_MAXITER = 40
"""Newton steps allowed to the bordered method (slope inside the Newton system) before the search takes over."""

_DIRECT_MAXITER = 16
"""Newton steps allowed to the bordered method from the start without a solve (:meth:`_SlopeSearch.direct`):
its last point is assessed even when the fixed-slope test was not met (a run that stalls near rounding, as
informed_3letter B=0.05 did at log max D = 1.4e-12 with the test at 1e-12, would otherwise run to 40 steps
and be thrown away although its gap, 2e-12, certifies)."""

_DIRECT_TOL = 0.1
"""The start without a solve asks the bordered method for this fraction of tol (its fixed-slope test is then
1e-3 tol): with 1 %, the binary Hamming problem at eps = 0.01 certifies at 2.4e-12 from this start where
the search's answer is exact to rounding (the search can mix points on both sides of the budget; this
start has one point)."""

_BUDGET_MIN = 1e-9
"""No bordered attempt when the reduced budget (costs at unit scale) is below this: a budget within
rounding of the cheapest cost, where the slope is huge and the search's tie handling is cheaper."""


_ZERO_WEIGHTS = (0.1, 0.01)
"""Weights of a solve's own atoms next to the zero-information atoms in the bordered method's start (the
solve below the budget whose support cannot reach it): informed_3letter B=0.2 / 0.3 29 / 22 Newton steps
(5 slopes) -> 16 / 14 (2 slopes); with 1 % only 21 / 18, with 50 % B=0.3 has no root."""


_FLAT_BELOW = 0.1
"""The tiny-slope step is tried at once when a solve's cost is below this fraction of the budget and the
Newton step points far down (the budget probably does not bind; one solve settles it)."""


def _union(a, b):
    """The atoms of two mixtures (each at half its weight; atoms of both kept once)."""
    seen = set(zip(a.y.tolist(), map(tuple, a.sel.tolist())))
    new = np.array([(y, tuple(t)) not in seen for y, t in zip(b.y.tolist(), b.sel.tolist())], dtype=bool)
    half = math.log(0.5)
    return type(a)(np.concatenate([a.y, b.y[new]]), np.vstack([a.sel, b.sel[new]]),
                   np.concatenate([a.lw + half, b.lw[new] + half]))


_EARLY_FLOOR = 1e-2
"""A first solve below the budget whose information is below this (nats) asks for the zero-information
floor at once (it was asked for later, after the path had come down: #78 3x4x15, 36 -> 15 Newton steps;
the suite makes the same 28 LP calls, 24 of which return the answer)."""


class _Done(Exception):
    """Early exit of the search with its result (X, mi, lb, s)."""

    def __init__(self, out: tuple):
        super().__init__()
        self.out = out


def _slope_search(oracle, Bt: float, tol: float, slack: float, s0: float, zero_exit=None, floor_hook=None,
                  s_flat: float | None = None, start=None):
    """Find the slope whose optimal cost meets the budget ``Bt`` and a certified near-optimal point.

    Every full solve gives the certified bound value(s) - s Bt (weak duality
    at the requested budget); every point met is a primal candidate; the
    answer is the best single point within budget or the best mixture of one
    point above and one below it (the feasible set is convex and I is
    convex). Slopes: path-following to a bracket by Newton steps in log s on
    log cost, with the derivative of the cost along the solution path, at
    most a factor 4 or 16 in s per solve; inside the bracket, Newton from the
    end nearer the budget when it stays on that end's smooth piece, else
    regula falsi (Illinois) in log s with a bisection fallback. Where the
    optimal cost jumps (two supports tie at one slope: a linear piece of the
    curve), the tie is located by Newton's method on the difference of the
    two restricted optima and both are kept for mixing.

    With ``start`` (a mixture), the bordered method is first run from it at
    ``s0``, before any solve; a certified result ends the search, anything else
    is discarded (its Newton steps counted).

    Returns (X, mi, lb, s, iterations, evaluations).
    """
    search = _SlopeSearch(oracle, Bt, tol, slack, zero_exit, floor_hook, s_flat)
    try:
        if start is not None:
            search.direct(start, s0)
        search.bracket(s0)
        search.refine()
        out = search.assess()
        out = (out[1], out[0], out[2], out[3])
    except _Done as done:
        out = done.out
    return out + (search.iters, len(search.cache))


class _SlopeSearch:
    """State of one slope search: the solves met (``cache``) and the primal candidates (``pool``)."""

    def __init__(self, oracle, Bt, tol, slack, zero_exit, floor_hook, s_flat):
        self.oracle, self.Bt, self.tol, self.slack = oracle, Bt, tol, slack
        self.zero_exit, self.floor_hook, self.s_flat = zero_exit, floor_hook, s_flat
        self.budget_tried = False
        self.cache: list[_Eval] = []
        self.pool: list[tuple] = []
        self.iters = 0

    def solve(self, s: float, **kw) -> _Eval:
        """A full solve at s, warm-started from the nearest slope met (in log s)."""
        if "warm" not in kw and self.cache:
            kw["warm"] = min(self.cache, key=lambda r: abs(math.log(r.s) - math.log(s)) if r.s > 0 else math.inf)
        r = self.oracle.solve(s, **kw)
        self.iters += r.iterations
        self.cache.append(r)
        self.pool.append((r.cost, r.mi, r.X))
        return r

    def try_budget(self, r: _Eval, below: _Eval | None = None) -> None:
        """The bordered Newton method from the solve r (slope and weights at once); done if it certifies.

        Tried from the first solve, or from the first later one whose support
        can meet the budget (a support of zero-cost atoms only cannot); from
        its own support, or if that has no slope meeting the budget, with every
        letter's cheapest output added (:meth:`with_cheapest`). Its
        converged result is a full solve at its slope (a bound and a point
        just within budget); if it does not certify the gap, or fails, the
        search goes on with that solve in its cache. With ``below`` (a solve
        under the budget while r is above it) the run starts from the union of
        both supports at below's slope.
        """
        if self.budget_tried or not hasattr(self.oracle, "at_budget") or self.Bt < _BUDGET_MIN:
            return
        if below is not None:  # r above the budget, ``below`` under it: start from both supports, at below's slope
            rb, ran = self.oracle.at_budget(_union(r.state[0], below.state[0]), below.s, self.tol, self.slack,
                                            _BUDGET_MAXITER)
            if rb is not None or ran:
                self._budget_done(rb, ran)
                return
        rb, ran = self.oracle.at_budget(r.state[0], r.s, self.tol, self.slack, _BUDGET_MAXITER)
        if not ran and r.cost < self.Bt and r.mi > _EARLY_FLOOR and hasattr(self.oracle, "with_zero"):
            # r's support cannot reach up to the budget: add the atoms of a zero-information channel (which
            # costs more than the budget), r's weight first 10 % (closer to r), then 1 % (more reach); not
            # when r's information is small: the zero-information floor is asked for next, and where it
            # is the optimum the bordered run fails after 40 steps (random #140: 3.0 -> 4.0 ms)
            for frac in _ZERO_WEIGHTS:
                mix = self.oracle.with_zero(r, frac)
                if mix is None:
                    break
                rb, ran = self.oracle.at_budget(mix, r.s, self.tol, self.slack, _BUDGET_MAXITER)
                if ran:
                    break
        if not ran:  # r's support cannot meet the budget: add every letter's cheapest output
            rb, ran = self.oracle.at_budget(self.oracle.with_cheapest(r), r.s, self.tol, self.slack, _BUDGET_MAXITER)
        self._budget_done(rb, ran)

    def direct(self, mix, s: float) -> None:
        """The bordered method from ``mix`` at s before any solve: done if certified, else forgotten."""
        if not hasattr(self.oracle, "at_budget") or self.Bt < _BUDGET_MIN:
            return
        rb, _ = self.oracle.at_budget(mix, s, _DIRECT_TOL * self.tol, self.slack, _DIRECT_MAXITER, partial=True)
        if rb is None:
            return
        self._keep(rb)
        self.cache.pop()
        self.pool.pop()

    def _budget_done(self, rb, ran: bool) -> None:
        """Record a bordered run (tried once it ran); done if its solve certifies."""
        self.budget_tried = ran
        if rb is not None:
            self._keep(rb)

    def _keep(self, rb) -> None:
        """Count a bordered run's steps and add its solve to the pool; done if the pool then certifies."""
        self.iters += rb.iterations
        self.cache.append(rb)
        self.pool.append((rb.cost, rb.mi, rb.X))
        mi, X, lb, sb = self.assess()
        if mi - lb <= self.tol:
            raise _Done((X, mi, lb, sb))

    def check_zero(self, r: _Eval) -> None:
        if self.zero_exit is not None and self.zero_exit(r):
            raise _Done((r.X, r.mi, 0.0, 0.0))

    def check_floor(self, r: _Eval) -> None:
        """The zero-information floor (``floor_hook``), unless a bound met is already positive.

        A certified bound ``value(s) - s B > 0`` means ``I*(B) > 0``: no channel
        within budget has zero information, so the linear program is not run.
        """
        if any(q.value - q.s * self.Bt > 0.0 for q in self.cache):
            return
        if self.floor_hook is not None:
            out = self.floor_hook(r)
            if out is not None:
                raise _Done(out)

    def assess(self):
        """(mi, X, lb, s): the best point within budget (or mixture across it) and the best bound met."""
        Bt, eps = self.Bt, self.slack
        lb, sb = max((r.value - r.s * Bt, r.s) for r in self.cache)
        best = (math.inf, None)
        for cst, mi, X in self.pool:
            if cst <= Bt + eps and mi < best[0]:
                best = (mi, X)
        above = [t for t in self.pool if t[0] > Bt + eps]
        below = [t for t in self.pool if t[0] <= Bt]
        if above and below:
            mixed = self._best_mixture(above, below)
            if mixed is not None and mixed[0] < best[0]:
                best = mixed
        return best[0], best[1], lb, sb

    def _best_mixture(self, above, below):
        """The best mixture at the budget of one point above it and one below (pulled inside if rounding exceeds it)."""
        Bt, eps = self.Bt, self.slack
        ca = np.array([t[0] for t in above])[:, None]
        ma = np.array([t[1] for t in above])[:, None]
        cb = np.array([t[0] for t in below])[None, :]
        mb = np.array([t[1] for t in below])[None, :]
        th = (Bt - cb) / (ca - cb)
        val = th * ma + (1.0 - th) * mb
        i, j = np.unravel_index(int(np.argmin(val)), val.shape)
        a, b = above[i], below[j]
        t = (Bt - b[0]) / (a[0] - b[0])
        for _ in range(4):
            Xm = t * a[2] + (1.0 - t) * b[2]
            mi, cst = self.oracle.measure(Xm)
            if cst <= Bt + eps:
                return mi, Xm
            t = max(t * (1.0 - 1e-13) - 1e-16, 0.0)
        return None

    def newton_log_step(self, r: _Eval) -> float:
        """Newton step in log s on log cost (the cost falls roughly like a power of s); nan if unusable."""
        dc = self.oracle.dcost(r) if hasattr(self.oracle, "dcost") else math.nan
        if not (math.isfinite(dc) and dc < 0.0 and r.cost > 0.0):
            return math.nan
        return (math.log(self.Bt) - math.log(r.cost)) * r.cost / dc

    # ---- phase 1: path-following to a bracket of the budget

    def bracket(self, s: float) -> None:
        """Newton steps on log cost until solves on both sides of the budget are met.

        A warm start from a nearby slope costs a few Newton steps, from a
        distant one more than a cold start: at most a factor 4 (16 while warm
        starts stay cheap) in s per solve.
        """
        Bt = self.Bt
        r = self.solve(s)
        self.check_zero(r)
        self.try_budget(r)
        if r.cost < Bt and r.mi <= _EARLY_FLOOR:
            self.check_floor(r)
        for _ in range(2000):
            up = r.cost > Bt
            if any((q.cost <= Bt) if up else (q.cost >= Bt) for q in self.cache):
                return
            if r.cost == Bt or not 1e-300 < s < 1e300:
                return
            big = math.log(4.0) if r.iterations > 4 else math.log(16.0)
            u = self.newton_log_step(r)
            far_down = not up and not (math.isfinite(u) and u > -3.0 * big)
            if far_down and self.s_flat is not None and self.s_flat < s and (
                    self._stuck(r) or r.cost < _FLAT_BELOW * Bt):
                self.try_flat(r)
                continue
            if not up and math.isfinite(u) and u < -3.0 * big and sum(q.cost < Bt for q in self.cache) >= 3:
                # far below the budget even after the step, for the third time: zero information may be in
                # reach (earlier, the LP often finds a zero-information channel that does not fit, while the
                # next solve's positive bound would have ruled that out for free)
                self.check_floor(r)
            mag = min(max(1.1 * abs(u), math.log(1.02)), big) if math.isfinite(u) else big
            s *= math.exp(mag if up else -mag)
            r = self.solve(s)
            self.try_budget(r)
            if not up:
                self.check_zero(r)
                if r.cost < Bt and (len(self.cache) >= 4 or r.mi <= 1e-4):
                    self.check_floor(r)

    def _stuck(self, r: _Eval) -> bool:
        """The cost barely responds to the slope: d log cost / d log s below 0.02 in size.

        From the derivative along the path when it is defined, else from the
        secant to the previous solve (a cost that saturates slowly, rather
        than not at all, is followed by the capped steps instead).
        """
        dc = self.oracle.dcost(r) if hasattr(self.oracle, "dcost") else math.nan
        if math.isfinite(dc) and r.cost > 0.0 and abs(dc) >= 0.02 * r.cost:
            return False
        prev = [q for q in self.cache[:-1] if q.s > 0 and q.cost > 0]
        if r.cost > 0.0 and prev and r.s > 0:
            q = prev[-1]
            if q.s != r.s and abs(math.log(r.cost / q.cost) / math.log(r.s / q.s)) >= 0.02:
                return False
        return True

    def try_flat(self, r: _Eval) -> None:
        """The budget may not bind: the zero-information LP, then one solve at the tiny slope ``s_flat``.

        A solution within budget at ``s_flat`` is certified to within
        ``s_flat * Bt``; one above the budget brackets it.
        """
        self.check_floor(r)
        s_flat, self.s_flat = self.s_flat, None
        rf = self.solve(s_flat)
        self.check_zero(rf)
        if rf.cost <= self.Bt + self.slack:
            mi, X, lb, sb = self.assess()
            if mi - lb <= self.tol:
                raise _Done((X, mi, lb, sb))
        else:
            self.try_budget(rf, below=r)

    # ---- phase 2: inside the bracket

    def refine(self) -> None:
        """Newton / regula falsi (Illinois) in log s inside the bracket, locating ties of supports."""
        Bt, cache = self.Bt, self.cache
        side = 0
        Fscale = [1.0, 1.0]  # Illinois factors for the lo and hi ends
        jumpy = False
        tried: set = set()
        hist: list[float] = []
        for _ in range(100):
            mi, X, lb, sb = self.assess()
            if mi - lb <= self.tol:
                return
            above = [q for q in cache if q.cost >= Bt]
            below = [q for q in cache if q.cost <= Bt]
            if not above or not below:  # the path ran out of slopes on one side (tail rows that cannot follow)
                return
            lo = max(above, key=lambda q: q.s)
            hi = min(below, key=lambda q: q.s)
            tl, th_ = math.log(lo.s), math.log(hi.s)
            width = th_ - tl
            if width <= 1e-15 * max(1.0, abs(tl)):
                return
            t, u, newton = self._newton_inside(lo, hi, hist)
            pair = (id(lo), id(hi))
            if not newton and lo.key != hi.key and (jumpy or width < 0.01) and width < 0.05 and pair not in tried:
                # two supports meet in a narrow bracket: look for the slope where they tie
                tried.add(pair)
                jumpy = False
                got = self.kink_slope(lo, hi)
                if got is not None and lo.s < got[0] < hi.s:
                    self.solve(got[0], mix0=got[1].state[0])  # optimal at the tie: a warm start at the optimum
                    side = 0
                    continue
            if newton:
                pred = 0.0
            else:
                t = self._secant(lo, hi, Fscale, hist)
                pred = (lo.cost - Bt) + (hi.cost - lo.cost) * (t - tl) / width
            r = self.solve(math.exp(t))
            jumpy = abs(r.cost - Bt - pred) > 0.25 * (lo.cost - hi.cost)
            if r.cost >= Bt:
                Fscale = [1.0, Fscale[1] * (0.5 if side == -1 else 1.0)]
                side = -1
            else:
                Fscale = [Fscale[0] * (0.5 if side == 1 else 1.0), 1.0]
                side = 1

    def _newton_inside(self, lo: _Eval, hi: _Eval, hist: list):
        """Newton from the end nearer the budget, if trustworthy: (log s, step, usable).

        Usable on one smooth piece (the same support at both ends), or when
        the step is short next to the bracket (the root then lies on that
        end's own piece; across changes of support the local derivative
        misleads and the secant is better); never at a slope met before.
        """
        Bt = self.Bt
        tl, th_ = math.log(lo.s), math.log(hi.s)
        width = th_ - tl
        near = lo if lo.cost - Bt <= Bt - hi.cost else hi
        u = self.newton_log_step(near)
        t = math.log(near.s) + u if math.isfinite(u) else math.nan
        hist.append(min(lo.cost - Bt, Bt - hi.cost))
        stalled = len(hist) >= 4 and hist[-1] > 0.5 * hist[-4]
        newton = (not stalled and tl < t < th_ and (lo.key == hi.key or abs(u) < 0.25 * width)
                  and min(abs(t - math.log(q.s)) for q in self.cache if q.s > 0) > 1e-12 * max(width, 1e-300))
        return t, u, newton

    def _secant(self, lo: _Eval, hi: _Eval, Fscale: list, hist: list) -> float:
        """Regula falsi (Illinois-weighted) in log s, or bisection when it stalls or leaves the margin."""
        Bt = self.Bt
        tl, th_ = math.log(lo.s), math.log(hi.s)
        margin = 1e-3 * (th_ - tl)
        stalled = len(hist) >= 4 and hist[-1] > 0.5 * hist[-4]
        Flo, Fhi = (lo.cost - Bt) * Fscale[0], (hi.cost - Bt) * Fscale[1]
        t = (tl * Fhi - th_ * Flo) / (Fhi - Flo) if Flo != Fhi else math.nan
        if stalled or not (tl + margin < t < th_ - margin):
            t = 0.5 * (tl + th_)
            hist.clear()
        return t

    def kink_slope(self, lo: _Eval, hi: _Eval):
        """Slope where the supports of lo and hi tie: Newton on H_lo(s) - H_hi(s) (derivative cost_lo - cost_hi)."""
        Bt, oracle = self.Bt, self.oracle
        dl, dh = lo.value - lo.s * Bt, hi.value - hi.s * Bt
        if not lo.cost > hi.cost:
            return None
        s = (dh - dl + (lo.cost - Bt) * lo.s - (hi.cost - Bt) * hi.s) / (lo.cost - hi.cost)
        if not lo.s < s < hi.s:
            s = math.sqrt(lo.s * hi.s) if lo.s > 0 else 0.5 * hi.s
        ra, rb = lo, hi
        for _ in range(8):
            ra = oracle.restricted(s, ra)
            rb = oracle.restricted(s, rb)
            self.iters += ra.iterations + rb.iterations
            der = ra.cost - rb.cost
            if not der > 0:
                return None
            step = -(ra.H - rb.H) / der
            s_new = s + step
            if not lo.s <= s_new <= hi.s:
                return None
            s = s_new
            # quadratic convergence: after a relative step of 1e-7 the slope is accurate to rounding
            if abs(step) <= 1e-7 * s or abs(ra.H - rb.H) <= 1e-15 * (1.0 + abs(ra.H)):
                break
        for r in (ra, rb):  # both tie at s: each is a primal candidate (mixed in assess)
            mi, cst = oracle.measure(r.X)
            self.pool.append((cst, mi, r.X))
        return s, ra, rb
