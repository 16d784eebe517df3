r"""The budget's multiplier: search over the slope s of the Lagrangian (private module).

Every solve at a slope :math:`s` gives a certified bound
:math:`\text{value}(s) - sB` (weak duality at the requested budget) and a
primal point; :func:`_slope_search` path-follows in :math:`\log s` to a
bracket of the budget, then Newton / regula falsi inside it, locates ties
between supports (linear pieces of the value curve) and mixes the best
points on both sides of the budget (the feasible set is convex and
:math:`I` is convex in the channel). Used by the informed solver.
"""

from __future__ import annotations

import math

import numpy as np

from ._mixing import _Eval


def _slope_search(oracle, Bt: float, tol: float, slack: float, s0: float, zero_exit=None, floor_hook=None,
                  s_flat: float | None = None):
    """Find the slope whose optimal cost meets the budget ``Bt`` and a certified near-optimal point.

    Every full solve gives the certified bound value(s) - s Bt (weak duality
    at the requested budget); every point met is a primal candidate; the
    answer is the best single point within budget or the best mixture of one
    point above and one below it (the feasible set is convex and I is
    convex). Slopes: path-following to a bracket by Newton steps in log s on
    log cost, with the derivative of the cost along the solution path, at
    most a factor 2 in s per solve while warm starts are expensive; inside
    the bracket, Newton from the end nearer the budget when it stays on that
    end's smooth piece, else regula falsi (Illinois) in log s with a
    bisection fallback. Where the optimal cost jumps (two supports tie at one
    slope: a linear piece of the curve), the tie is located by Newton's
    method on the difference of the two restricted optima and both are kept
    for mixing.

    Returns (X, mi, lb, s, iterations, evaluations).
    """
    cache: list[_Eval] = []
    pool: list[tuple] = []
    iters = [0]

    def solve(s: float, **kw) -> _Eval:
        if "warm" not in kw and cache:
            kw["warm"] = min(cache, key=lambda r: abs(math.log(r.s) - math.log(s)) if r.s > 0 else math.inf)
        r = oracle.solve(s, **kw)
        iters[0] += r.iterations
        cache.append(r)
        pool.append((r.cost, r.mi, r.X))
        return r

    def assess():
        lb, sb = max((r.value - r.s * Bt, r.s) for r in cache)
        eps = slack
        best = (math.inf, None)
        for cst, mi, X in pool:
            if cst <= Bt + eps and mi < best[0]:
                best = (mi, X)
        above = [t for t in pool if t[0] > Bt + eps]
        below = [t for t in pool if t[0] <= Bt]
        if above and below:
            ca = np.array([t[0] for t in above])[:, None]
            ma = np.array([t[1] for t in above])[:, None]
            cb = np.array([t[0] for t in below])[None, :]
            mb = np.array([t[1] for t in below])[None, :]
            th = (Bt - cb) / (ca - cb)
            val = th * ma + (1.0 - th) * mb
            i, j = np.unravel_index(int(np.argmin(val)), val.shape)
            if float(val[i, j]) < best[0]:
                a, b = above[i], below[j]
                t = (Bt - b[0]) / (a[0] - b[0])
                for _ in range(4):
                    Xm = t * a[2] + (1.0 - t) * b[2]
                    mi, cst = oracle.measure(Xm)
                    if cst <= Bt + eps:
                        break
                    t = max(t * (1.0 - 1e-13) - 1e-16, 0.0)
                if cst <= Bt + eps and mi < best[0]:
                    best = (mi, Xm)
        return best[0], best[1], lb, sb

    def kink_slope(lo: _Eval, hi: _Eval):
        """Slope where the supports of lo and hi tie: Newton on H_lo(s) - H_hi(s) (derivative cost_lo - cost_hi)."""
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
            iters[0] += ra.iterations + rb.iterations
            der = ra.cost - rb.cost
            if not der > 0:
                return None
            step = -(ra.H - rb.H) / der
            s_new = s + step
            if not lo.s <= s_new <= hi.s:
                return None
            s = s_new
            if abs(step) <= 1e-7 * s or abs(ra.H - rb.H) <= 1e-15 * (1.0 + abs(ra.H)):
                break
        for r in (ra, rb):  # both tie at s: each is a primal candidate (mixed in assess)
            mi, cst = oracle.measure(r.X)
            pool.append((cst, mi, r.X))
        return s, ra, rb

    def newton_log_step(r: _Eval) -> float:
        """Newton step in log s on log cost (the cost falls roughly like a power of s); nan if unusable."""
        dc = oracle.dcost(r) if hasattr(oracle, "dcost") else math.nan
        if not (math.isfinite(dc) and dc < 0.0 and r.cost > 0.0):
            return math.nan
        return (math.log(Bt) - math.log(r.cost)) * r.cost / dc

    # path-following to a bracket: Newton steps on log cost, at most a factor 2 in s per solve (a warm
    # start from a nearby slope costs a few Newton steps; from a distant one it costs more than a cold start)
    s = s0
    r = solve(s)
    if zero_exit is not None and zero_exit(r):
        return r.X, r.mi, 0.0, 0.0, iters[0], len(cache)
    for _ in range(2000):
        up = r.cost > Bt
        if (up and any(q.cost <= Bt for q in cache)) or (not up and any(q.cost >= Bt for q in cache)):
            break
        if r.cost == Bt or not 1e-300 < s < 1e300:
            break
        # the step may grow while warm starts stay cheap (the solution moving smoothly)
        big = math.log(4.0) if r.iterations > 4 else math.log(16.0)
        u = newton_log_step(r)
        if not up and s_flat is not None and s_flat < s and not (math.isfinite(u) and u > -3.0 * big):
            # the budget may not bind (an amplitude limit): at the slope s_flat a solution within budget
            # is certified to within s_flat * Bt; one above it brackets the budget
            if floor_hook is not None:  # the zero-information point first (a linear program)
                out = floor_hook(r)
                if out is not None:
                    return out + (iters[0], len(cache))
            s_flat, rf = None, solve(s_flat)
            if zero_exit is not None and zero_exit(rf):
                return rf.X, rf.mi, 0.0, 0.0, iters[0], len(cache)
            if rf.cost <= Bt + slack:
                mi, X, lb, sb = assess()
                if mi - lb <= tol:
                    return X, mi, lb, sb, iters[0], len(cache)
            continue
        if not up and floor_hook is not None and math.isfinite(u) and u < -3.0 * big:
            # far below the budget even after the step: the zero-information point may be within reach
            out = floor_hook(r)
            if out is not None:
                return out + (iters[0], len(cache))
        mag = min(max(1.1 * abs(u), math.log(1.02)), big) if math.isfinite(u) else big
        s *= math.exp(mag if up else -mag)
        r = solve(s)
        if not up:
            if zero_exit is not None and zero_exit(r):
                return r.X, r.mi, 0.0, 0.0, iters[0], len(cache)
            if floor_hook is not None and r.cost < Bt and (len(cache) >= 4 or r.mi <= 1e-4):
                out = floor_hook(r)
                if out is not None:
                    return out + (iters[0], len(cache))

    side = 0
    Fscale = [1.0, 1.0]  # Illinois factors for the lo and hi ends
    jumpy = False
    tried: set = set()
    hist: list[float] = []
    for _ in range(100):
        mi, X, lb, sb = assess()
        if mi - lb <= tol:
            break
        lo = max((q for q in cache if q.cost >= Bt), key=lambda q: q.s)
        hi = min((q for q in cache if q.cost <= Bt), key=lambda q: q.s)
        tl, th_ = math.log(lo.s), math.log(hi.s)
        width = th_ - tl
        if width <= 1e-15 * max(1.0, abs(tl)):
            break
        # Newton from the end nearer the budget: on one smooth piece (the same support at both ends), or
        # when its step is short next to the bracket (the root then lies on that end's own piece; across
        # changes of support the local derivative misleads and the secant is better). No margin for it
        # (near the root its point is close to an end), but never a slope met before.
        near = lo if lo.cost - Bt <= Bt - hi.cost else hi
        u = newton_log_step(near)
        t = math.log(near.s) + u if math.isfinite(u) else math.nan
        hist.append(min(lo.cost - Bt, Bt - hi.cost))
        stalled = len(hist) >= 4 and hist[-1] > 0.5 * hist[-4]
        newton = (not stalled and tl < t < th_ and (lo.key == hi.key or abs(u) < 0.25 * width)
                  and min(abs(t - math.log(q.s)) for q in cache if q.s > 0) > 1e-12 * max(width, 1e-300))
        pair = (id(lo), id(hi))
        if not newton and lo.key != hi.key and (jumpy or width < 0.01) and width < 0.05 and pair not in tried:
            # two supports meet in a narrow bracket: look for the slope where they tie
            tried.add(pair)
            jumpy = False
            got = kink_slope(lo, hi)
            if got is not None and lo.s < got[0] < hi.s:
                sk, ra, rb = got
                solve(sk, mix0=ra.state[0])  # ra is optimal at the tie: a warm start at the optimum
                side = 0
                continue
        margin = 1e-3 * width
        if not newton:
            Flo, Fhi = (lo.cost - Bt) * Fscale[0], (hi.cost - Bt) * Fscale[1]
            t = (tl * Fhi - th_ * Flo) / (Fhi - Flo) if Flo != Fhi else math.nan
            if stalled or not (tl + margin < t < th_ - margin):
                t = 0.5 * (tl + th_)
                hist.clear()
        if newton:
            pred = 0.0
        else:
            pred = (lo.cost - Bt) + (hi.cost - lo.cost) * (t - tl) / width
        r = solve(math.exp(t))
        jumpy = abs(r.cost - Bt - pred) > 0.25 * (lo.cost - hi.cost)
        if r.cost >= Bt:
            Fscale = [1.0, Fscale[1] * (0.5 if side == -1 else 1.0)]
            side = -1
        else:
            Fscale = [Fscale[0] * (0.5 if side == 1 else 1.0), 1.0]
            side = 1
    mi, X, lb, sb = assess()
    return X, mi, lb, sb, iters[0], len(cache)
