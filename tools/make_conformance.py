#!/usr/bin/env python3
"""Generates configs/conformance.json, convt's default conformance suite.

    python3 tools/make_conformance.py            # writes configs/conformance.json
    python3 tools/make_conformance.py --stdout   # prints it instead
    /usr/bin/python3 tools/make_conformance.py --check
        # also checks every problem with real PyTorch (F.conv_transpose2d on
        # zeros; an mb0 problem is checked with mb1, since convt applies every
        # rule for every batch size) and with `build/convt run --problem`
        # (exit 0, and its canonical descriptor must match ours)

The output is deterministic: no clock, no unseeded randomness, no dict-order
dependence. Every problem is named with a category prefix:

    sweep_   one parameter away from a small base problem
    pair_    pairwise combinations (a greedy covering array, fixed seed)
    all_     everything non-default at once
    corner_  corner cases (empty batch, 1x1 output, holes, ...)
    pt_      PyTorch's own test configurations for this operator
    odd_     sizes that are not multiples of vector widths / channel blocks
    net_     real decoder layers of named networks

Size budget: the suite runs in CI through the double-precision oracle about
18 times per problem, so each problem stays under 8M MACs and the suite under
300M MACs, where MACs = mb*ic*ih*iw*(oc/g)*kh*kw. Real layers keep their
channels, kernel, stride, padding and output_padding; only batch and spatial
size are reduced, and `source` says so.
"""

import argparse
import dataclasses
import itertools
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convt_problem import (format_descriptor, output_extent, problem,  # noqa: E402  (tools/convt_problem.py)
                           short_descriptor, validation_error)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(ROOT, "configs", "conformance.json")

MAX_PROBLEM_MACS = 8_000_000
MAX_SUITE_MACS = 300_000_000
MIN_INFORMATIVE = 0.02   # share of output elements that must depend on x and w

NN = "PyTorch 1.13 common_nn.py new_module_tests"
OPINFO = ("PyTorch 1.13 common_methods_invocations.py sample_inputs_conv_transpose2d "
          "(OpInfo nn.functional.conv_transpose2d)")
TC = "PyTorch test/nn/test_convolution.py"


# --------------------------------------------------------------------------
# Problems (convt_problem.problem(ic, ih, oc, kh, **fields): the descriptor's
# fields and defaults; validation_error(p): PyTorch's rules as convt applies
# them, for every batch size)


def reached(i, s, p, d, k, op):
    """How many of the output positions along one axis some input pixel reaches."""
    n = output_extent(i, s, p, d, k, op)
    return len({a * s - p + b * d for a in range(i) for b in range(k)} & set(range(n)))


def informative_fraction(p):
    """The share of output elements that depend on x and w at all (not bias only)."""
    oh, ow = p.output_hw()
    rh = reached(p.ih, p.sh, p.ph, p.dh, p.kh, p.oph)
    rw = reached(p.iw, p.sw, p.pw, p.dw, p.kw, p.opw)
    return rh * rw / float(oh * ow)


def macs(p):
    return p.mb * p.ic * p.ih * p.iw * (p.oc // p.g) * p.kh * p.kw


class Suite:
    def __init__(self):
        self.entries = []      # [problem, name, source]
        self.by_canon = {}     # canonical -> entry
        self.names = set()
        self.merged = []       # (name kept, name dropped)

    def add(self, name, p, source):
        err = validation_error(p)
        if err:
            raise ValueError("%s (%s) is illegal: %s" % (name, format_descriptor(p), err))
        if informative_fraction(p) < MIN_INFORMATIVE:
            # `convt check` mistrusts a case where under 1% of the output
            # depends on x and w: it would not see a bug.
            raise ValueError("%s: only %.1f%% of its output depends on x and w"
                             % (name, 100 * informative_fraction(p)))
        if macs(p) > MAX_PROBLEM_MACS:
            raise ValueError("%s has %d MACs, over the %d limit" % (name, macs(p), MAX_PROBLEM_MACS))
        if name in self.names:
            raise ValueError("duplicate name " + name)
        key = format_descriptor(p)
        if key in self.by_canon:
            # The same problem from another origin: keep one, cite both.
            entry = self.by_canon[key]
            entry[2] += "; also: " + source
            self.merged.append((entry[1], name))
            return
        self.names.add(name)
        entry = [p, name, source]
        self.entries.append(entry)
        self.by_canon[key] = entry


# --------------------------------------------------------------------------
# Categories


def add_sweep(S):
    src = "parameter sweep: one parameter changed from the base ic3ih6oc4kh3"
    base = dict(ic=3, ih=6, oc=4, kh=3)

    def sw(name, what, **over):
        args = dict(base)
        args.update(over)
        S.add("sweep_" + name, problem(**args), src + " (" + what + ")")

    sw("base", "the base itself")
    # stride 1..4, square and not
    for s in (2, 3, 4):
        sw("s%d" % s, "stride %d" % s, sh=s)
    for a, b in ((1, 2), (2, 1), (3, 2), (1, 4), (4, 3)):
        sw("s%dx%d" % (a, b), "stride (%d, %d)" % (a, b), sh=a, sw=b)
    # padding, up to and beyond the kernel's reach (reach = dil*(k-1) = 2)
    for p in (1, 2):
        sw("p%d" % p, "padding %d" % p, ph=p)
    sw("p3_beyond_reach", "padding 3 > the kernel's reach 2, output 2x2", ph=3)
    for a, b in ((1, 0), (0, 2), (3, 1), (2, 3)):
        sw("p%dx%d" % (a, b), "padding (%d, %d)" % (a, b), ph=a, pw=b)
    # output_padding (needs stride or dilation > 1), up to its limit
    sw("op1_s2", "output_padding 1 at its limit, stride 2", sh=2, oph=1)
    sw("op1_s3", "output_padding 1, stride 3", sh=3, oph=1)
    sw("op2_s3", "output_padding 2 at its limit, stride 3", sh=3, oph=2)
    sw("op3_s4", "output_padding 3 at its limit, stride 4", sh=4, oph=3)
    sw("op0x3_s4", "output_padding (0, 3), stride 4", sh=4, oph=0, opw=3)
    sw("op1x2_s2x3", "output_padding (1, 2) at its limit, stride (2, 3)", sh=2, sw=3, oph=1, opw=2)
    sw("op1_d2", "output_padding 1 >= stride 1 but < dilation 2", dh=2, oph=1)
    sw("op2_d3", "output_padding 2 >= stride 1 but < dilation 3", dh=3, oph=2)
    sw("op2_s2_d3", "output_padding 2 >= stride 2 but < dilation 3", sh=2, dh=3, oph=2)
    sw("op2x1_d3x2", "output_padding (2, 1) >= stride 1 but < dilation (3, 2)", dh=3, dw=2, oph=2, opw=1)
    # dilation 1..3, square and not
    for d in (2, 3):
        sw("d%d" % d, "dilation %d" % d, dh=d)
    for a, b in ((1, 2), (2, 1), (3, 1), (2, 3), (1, 3)):
        sw("d%dx%d" % (a, b), "dilation (%d, %d)" % (a, b), dh=a, dw=b)
    # groups
    sw("g3_depthwise", "depthwise: g = ic = oc = 3", g=3, oc=3)
    sw("g3_mult2", "channel multiplier 2: oc = 2*ic, g = ic", g=3, oc=6)
    sw("g3_mult3", "channel multiplier 3: oc = 3*ic, g = ic", g=3, oc=9)
    sw("g2", "groups 2: ic 4, oc 6", ic=4, oc=6, g=2)
    sw("g2_shrink", "groups 2: ic 6, oc 4", ic=6, oc=4, g=2)
    sw("g4_oc_per_group1", "groups 4: ic 8, oc 4 (one output channel per group)", ic=8, oc=4, g=4)
    sw("g3_6to6", "groups 3: ic 6, oc 6", ic=6, oc=6, g=3)
    # bias
    sw("nobias", "no bias", bias=False)
    # kernels, square and not
    for k in (1, 2, 4, 5, 7):
        sw("k%d" % k, "kernel %d" % k, kh=k)
    for a, b in ((1, 3), (3, 1), (2, 5), (5, 2), (4, 3)):
        sw("k%dx%d" % (a, b), "kernel (%d, %d)" % (a, b), kh=a, kw=b)
    # inputs, square and not, 1xW and Hx1
    for i in (1, 2, 9):
        sw("i%d" % i, "input %dx%d" % (i, i), ih=i)
    for a, b in ((3, 9), (9, 4), (7, 6)):
        sw("i%dx%d" % (a, b), "input %dx%d" % (a, b), ih=a, iw=b)
    sw("i1x17", "1xW input 1x17", ih=1, iw=17)
    sw("i17x1", "Hx1 input 17x1", ih=17, iw=1)
    sw("i1x17_k1x5", "1xW input 1x17 with a 1x5 kernel", ih=1, iw=17, kh=1, kw=5)
    sw("i17x1_k5x1", "Hx1 input 17x1 with a 5x1 kernel", ih=17, iw=1, kh=5, kw=1)
    # batch
    for mb in (0, 2, 3):
        sw("mb%d" % mb, "batch %d" % mb, mb=mb)
    # channels
    sw("ic1", "one input channel", ic=1)
    sw("oc1", "one output channel", oc=1)
    sw("ic1_oc1", "one channel in and out", ic=1, oc=1)
    sw("ic9_oc7", "ic 9, oc 7", ic=9, oc=7)


# Pairwise combinations: a greedy (AETG-style) covering array over semantic
# levels, resolved into legal problems. A pair counts as covered only when the
# resolved problem really has both levels (a padding that had to shrink to
# keep the output non-empty covers nothing).
PAIR_FACTORS = [
    ("mb", [1, 2, 3]),
    ("ch", ["g1", "g2", "dw", "mult"]),
    ("in", [(5, 5), (1, 9), (9, 1), (6, 4), (3, 7)]),
    ("k", [(1, 1), (2, 2), (3, 3), (3, 1), (2, 5), (4, 4)]),
    ("s", [(1, 1), (2, 2), (3, 3), (2, 1), (1, 3)]),
    ("d", [(1, 1), (2, 2), (3, 1), (1, 2)]),
    ("p", ["0", "1", "reach", "beyond", "1x0"]),
    ("op", ["0", "1", "max"]),
    ("bias", [True, False]),
]
CHANNELS = {"g1": (3, 5, 1), "g2": (4, 6, 2), "dw": (5, 5, 5), "mult": (3, 6, 3)}


def resolve(levels):
    """Semantic levels -> (problem, set of factors whose level was achieved)."""
    ic, oc, g = CHANNELS[levels["ch"]]
    achieved = set(levels)
    vals = {}
    for axis in (0, 1):
        i, k, s, d = levels["in"][axis], levels["k"][axis], levels["s"][axis], levels["d"][axis]
        reach = d * (k - 1)
        pl = levels["p"]
        p = {"0": 0, "1": 1, "reach": reach, "beyond": reach + 1, "1x0": 1 - axis}[pl]
        if pl == "reach" and reach == 0:
            achieved.discard("p")
        ol = levels["op"]
        limit = max(s, d) - 1
        op = {"0": 0, "1": 1, "max": limit}[ol]
        if (ol == "1" and limit < 1) or (ol == "max" and limit < 2):
            achieved.discard("op")
            op = min(op, limit)
        while p > 0 and output_extent(i, s, p, d, k, op) < 1:
            p -= 1
            achieved.discard("p")
        vals[axis] = (i, k, s, d, p, op)
    (ih, kh, sh, dh, ph, oph), (iw, kw, sw, dw, pw, opw) = vals[0], vals[1]
    p = problem(ic, ih, oc, kh, mb=levels["mb"], iw=iw, kw=kw, sh=sh, sw=sw, ph=ph, pw=pw,
                oph=oph, opw=opw, dh=dh, dw=dw, g=g, bias=levels["bias"])
    return p, achieved


def pairs_of(levels, achieved):
    names = [f for f, _ in PAIR_FACTORS if f in achieved]
    return {(a, repr(levels[a]), b, repr(levels[b])) for a, b in itertools.combinations(names, 2)}


def add_pairwise(S):
    rng = random.Random(20240601)
    uncovered = []
    for (fa, la), (fb, lb) in itertools.combinations(PAIR_FACTORS, 2):
        for a in la:
            for b in lb:
                uncovered.append((fa, repr(a), fb, repr(b)))
    uncovered_set = set(uncovered)
    rows = []
    infeasible = []
    while uncovered_set:
        target = next(t for t in uncovered if t in uncovered_set)
        fa, ra, fb, rb = target

        def candidate(levels):
            """The target's levels set in `levels`: (problem, levels, pairs it
            newly covers), or None for an illegal or uninformative problem."""
            levels[fa] = next(x for x in dict(PAIR_FACTORS)[fa] if repr(x) == ra)
            levels[fb] = next(x for x in dict(PAIR_FACTORS)[fb] if repr(x) == rb)
            p, achieved = resolve(levels)
            if validation_error(p) or informative_fraction(p) < MIN_INFORMATIVE:
                return None
            return p, levels, pairs_of(levels, achieved) & uncovered_set

        best = None
        for _ in range(300):
            c = candidate({f: rng.choice(ls) for f, ls in PAIR_FACTORS})
            if c and (best is None or len(c[2]) > len(best[2])):
                best = c
        if best is None or target not in best[2]:
            # Rare pairs: search every problem that has them, in a fixed order.
            others = [(f, ls) for f, ls in PAIR_FACTORS if f not in (fa, fb)]
            for combo in itertools.product(*[ls for _, ls in others]):
                c = candidate(dict(zip([f for f, _ in others], combo)))
                if c and target in c[2] and (best is None or target not in best[2] or len(c[2]) > len(best[2])):
                    best = c
        if best is None or target not in best[2]:
            uncovered_set.discard(target)   # no legal problem has this pair
            infeasible.append(target)
            continue
        uncovered_set -= best[2]
        rows.append(best)
    for n, (p, levels, _) in enumerate(rows, 1):
        what = ", ".join("%s=%s" % (f, levels[f]) for f, _ in PAIR_FACTORS)
        S.add("pair_%02d" % n, p,
              "pairwise combination, greedy covering array over mb, channels/groups, input, "
              "kernel, stride, dilation, padding, output_padding, bias (seed 20240601): " + what)
    return len(rows), infeasible


def add_all_nondefault(S):
    src = "everything non-default at once"
    a = S.add
    a("all_1", problem(6, 5, 9, 3, mb=2, iw=7, kw=2, sh=2, sw=3, ph=1, pw=2, oph=1, opw=2,
                       dh=2, dw=1, g=3, bias=False), src)
    a("all_2", problem(4, 7, 6, 2, mb=3, iw=3, kw=4, sh=3, sw=2, ph=2, pw=1, oph=2, opw=1,
                       dh=3, dw=2, g=2), src + ", with bias")
    a("all_3", problem(8, 4, 8, 4, mb=2, iw=9, kw=3, sh=2, sw=1, ph=3, pw=1, oph=1, opw=1,
                       dh=2, dw=3, g=8, bias=False), src + ", depthwise, output_padding >= stride 1 in width")
    a("all_4", problem(5, 9, 10, 5, mb=2, iw=6, kw=2, sh=4, sw=2, ph=4, pw=3, oph=3, opw=2,
                       dh=2, dw=3, g=5), src + ", channel multiplier 2, padding beyond reach in width")
    a("all_5", problem(9, 3, 15, 3, mb=3, iw=5, kw=5, sh=3, sw=4, ph=2, pw=5, oph=2, opw=3,
                       dh=3, dw=2, g=3, bias=False), src + ", odd channels")
    a("all_6", problem(6, 2, 4, 7, mb=2, iw=11, kw=1, sh=2, sw=3, ph=5, pw=1, oph=1, opw=2,
                       dh=2, dw=3, g=2), src + ", kernel taller than the input")
    a("all_7", problem(12, 6, 8, 1, mb=2, iw=5, kw=3, sh=3, sw=2, ph=1, pw=2, oph=2, opw=1,
                       dh=2, dw=3, g=4, bias=False), src + ", 1xK kernel")
    a("all_8", problem(16, 3, 32, 2, mb=2, iw=4, kw=3, sh=5, sw=2, ph=1, pw=3, oph=4, opw=2,
                       dh=3, dw=3, g=16), src + ", stride 5 > kernel reach (holes), multiplier 2")


def add_corners(S):
    a = S.add
    c = "corner case: "
    # empty batch
    a("corner_mb0", problem(3, 5, 4, 3, mb=0), c + "N = 0")
    a("corner_mb0_strided", problem(4, 4, 6, 3, mb=0, sh=2, ph=1, oph=1, g=2),
      c + "N = 0 with stride, padding, output_padding and groups")
    a("corner_mb0_depthwise", problem(8, 3, 8, 4, mb=0, iw=5, sh=2, dh=2, g=8, bias=False),
      c + "N = 0, depthwise, dilated, no bias")
    a("corner_mb0_1x1", problem(2, 1, 3, 1, mb=0), c + "N = 0 with 1x1 input, kernel and output")
    # batches > 1
    a("corner_mb4", problem(3, 4, 5, 3, mb=4, sh=2), c + "N = 4")
    a("corner_mb7", problem(2, 3, 3, 2, mb=7, iw=5, sh=3, bias=False), c + "N = 7 (odd)")
    a("corner_mb16_tiny", problem(1, 2, 1, 2, mb=16, sh=2), c + "N = 16, one channel each side")
    # kernel larger than the input
    a("corner_k5_on_2x2", problem(3, 2, 4, 5), c + "kernel 5x5 larger than the 2x2 input")
    a("corner_k4x7_on_1x2", problem(2, 1, 3, 4, iw=2, kw=7, sh=2), c + "kernel 4x7 larger than the 1x2 input")
    a("corner_k7_on_3x3_s2", problem(2, 3, 2, 7, sh=2, ph=2), c + "kernel 7 larger than the input, stride 2, padding 2")
    a("corner_k11_on_1x1", problem(2, 1, 2, 11), c + "kernel 11x11 on a 1x1 input: the output is the kernel")
    # output exactly 1x1
    a("corner_out1x1_all_ones", problem(3, 1, 2, 1), c + "1x1 input, 1x1 kernel: output exactly 1x1")
    a("corner_out1x1_pad", problem(3, 3, 4, 3, ph=2), c + "3x3 input, kernel 3, padding 2: output exactly 1x1")
    a("corner_out1x1_strided", problem(2, 2, 3, 3, sh=2, ph=2), c + "stride 2, padding 2 cuts a 5x5 full output to exactly 1x1")
    a("corner_out1x1_dilated", problem(2, 3, 2, 2, dh=2, ph=2, bias=False), c + "dilation 2, padding 2: output exactly 1x1")
    a("corner_out1x1_op", problem(2, 2, 2, 2, sh=2, ph=2, oph=1), c + "output_padding 1 makes the output exactly 1x1")
    a("corner_out_one_row", problem(3, 1, 2, 3, iw=5, ph=1, pw=0), c + "output exactly 1 row (1x7)")
    # 1x1 kernel
    a("corner_k1", problem(5, 4, 3, 1, mb=2), c + "1x1 kernel (a per-pixel matmul)")
    a("corner_k1_s2_holes", problem(3, 4, 4, 1, sh=2), c + "1x1 kernel, stride 2: every other output row/column is bias only")
    a("corner_k1_s3_op2", problem(2, 3, 3, 1, sh=3, oph=2), c + "1x1 kernel, stride 3, output_padding 2: bias-only holes and bias-only border")
    a("corner_k1_d3", problem(4, 5, 2, 1, dh=3, bias=False), c + "1x1 kernel with dilation 3 (dilation has no effect)")
    a("corner_k1_p1", problem(3, 5, 3, 1, ph=1), c + "1x1 kernel with padding 1: the border is cropped")
    # padding beyond the kernel's reach
    a("corner_pad_beyond_s1", problem(2, 6, 3, 3, ph=3), c + "padding 3 > reach 2 at stride 1 (output 2x2)")
    a("corner_pad_beyond_s2", problem(2, 5, 3, 3, sh=2, ph=4), c + "padding 4 > reach 2 at stride 2 (output 3x3)")
    a("corner_pad_beyond_d2", problem(2, 6, 2, 2, dh=2, ph=3), c + "padding 3 > reach 2 with dilation 2")
    a("corner_pad_beyond_w", problem(3, 4, 2, 2, iw=8, ph=0, pw=3), c + "padding 3 > reach 1 in width only")
    a("corner_pad_eats_all_but_1", problem(1, 4, 1, 3, sh=3, ph=6, oph=1), c + "padding 6 leaves a single output pixel of the full 13x13")
    # stride larger than the kernel (holes that are bias only)
    a("corner_holes_k2_s3", problem(3, 4, 4, 2, sh=3), c + "stride 3 > kernel 2: one bias-only row/column in three")
    a("corner_holes_k1_s4", problem(2, 3, 2, 1, sh=4), c + "stride 4 > kernel 1: three bias-only rows/columns in four")
    a("corner_holes_k3_s5", problem(3, 3, 5, 3, sh=5), c + "stride 5 > kernel 3: bias-only gaps")
    a("corner_holes_k2x1_s3x4", problem(2, 3, 3, 2, iw=4, kw=1, sh=3, sw=4), c + "stride (3, 4) > kernel (2, 1)")
    a("corner_holes_dilated", problem(2, 4, 3, 2, dh=3, sh=7), c + "stride 7 > dilated kernel reach 4: gaps inside and between")
    # large stride with output_padding
    a("corner_s5_op4", problem(2, 3, 3, 2, sh=5, oph=4), c + "stride 5, output_padding 4 (its limit)")
    a("corner_s8_op7", problem(3, 2, 2, 3, sh=8, oph=7), c + "stride 8, output_padding 7 (its limit)")
    a("corner_s7x6_op6x5", problem(2, 3, 2, 3, iw=2, sh=7, sw=6, oph=6, opw=5), c + "stride (7, 6), output_padding (6, 5)")
    a("corner_s16_op15", problem(1, 2, 2, 3, sh=16, oph=15), c + "stride 16, output_padding 15 (its limit), kernel 3: 97% of the output is bias only")
    # output_padding >= stride but < dilation
    a("corner_op_ge_s_lt_d", problem(2, 4, 3, 2, dh=3, oph=2), c + "output_padding 2 >= stride 1 but < dilation 3")
    a("corner_op_ge_s_lt_d_s2", problem(3, 3, 2, 3, sh=2, dh=4, oph=3, bias=False), c + "output_padding 3 >= stride 2 but < dilation 4")
    a("corner_op_ge_s_lt_d_nsq", problem(2, 3, 2, 2, iw=4, sh=1, sw=2, dh=4, dw=3, oph=3, opw=2), c + "output_padding (3, 2) >= stride (1, 2) but < dilation (4, 3)")
    # tiny and degenerate shapes
    a("corner_all_ones", problem(1, 1, 1, 1), c + "every size 1")
    a("corner_1x1_input_k3_s2", problem(4, 1, 3, 3, mb=2, sh=2), c + "1x1 input (batch 2): each output element is one kernel tap per input channel")
    a("corner_1xw_kernel_1xk", problem(2, 1, 2, 1, iw=17, kw=5, sw=2, pw=2), c + "1xW input and 1xK kernel")
    a("corner_hx1_kernel_kx1", problem(2, 17, 2, 5, iw=1, kw=1, sh=2, sw=1, ph=2, pw=0), c + "Hx1 input and Kx1 kernel")
    a("corner_1xw_kernel_kx1", problem(2, 1, 3, 4, iw=9, kw=1, sh=2), c + "1xW input, Kx1 kernel: height comes from the kernel only")
    a("corner_wide_kernel", problem(2, 3, 2, 1, iw=3, kw=13), c + "1x13 kernel on a 3x3 input")
    a("corner_g_oc_per_group1", problem(6, 4, 2, 3, g=2), c + "groups 2, one input-channel block of 3 to one output channel each")
    a("corner_many_groups_small", problem(16, 3, 16, 2, g=16, sh=2, bias=False), c + "16 groups of one channel, no bias")
    a("corner_ic1_oc16", problem(1, 5, 16, 3, sh=2), c + "one input channel fanned out to 16")
    a("corner_ic16_oc1", problem(16, 5, 1, 3, sh=2), c + "16 input channels reduced to one")


def add_pytorch(S):
    a = S.add
    # ---- common_nn.py new_module_tests (torch 1.13, local install)
    a("pt_nn_s3x2_p1_op1", problem(3, 7, 4, 3, iw=6, sh=3, sw=2, ph=1, oph=1),
      NN + ": ConvTranspose2d(3, 4, 3, (3, 2), 1, (1, 1)), input_size (1, 3, 7, 6)")
    a("pt_nn_dilated", problem(3, 6, 4, 3, iw=7, sh=2, sw=3, ph=1, oph=1, dh=2, bias=False),
      NN + " desc='dilated': ConvTranspose2d(3, 4, 3, (2, 3), 1, (1, 1), 1, False, (2, 2)), input_size (1, 3, 6, 7)")
    a("pt_nn_no_bias", problem(3, 6, 4, 3, iw=7, sh=2, sw=3, ph=1, oph=1, bias=False),
      NN + " desc='no_bias': ConvTranspose2d(3, 4, 3, (2, 3), 1, (1, 1), 1, False), input_size (1, 3, 6, 7)")
    a("pt_nn_groups", problem(2, 4, 4, 2, iw=5, kw=3, g=2),
      NN + " ConvTranspose2d_groups: ConvTranspose2d(2, 4, (2, 3), groups=2), input_size (1, 2, 4, 5)")
    # ---- OpInfo sample inputs (batched; the unbatched samples of batch-1 cases are the same problem)
    a("pt_opinfo_1", problem(3, 4, 3, 3, sh=2, ph=2, oph=1),
      OPINFO + " case 1: input (1, 3, 4, 4), weight (3, 3, 3, 3), bias (3,), stride (2, 2), padding 2, output_padding (1, 1), groups 1 (batched and unbatched)")
    a("pt_opinfo_2", problem(2, 4, 4, 4, mb=2, kw=5, sh=3, sw=2, ph=1, pw=2, oph=2, opw=3, dh=4, g=2),
      OPINFO + " case 2: input (2, 2, 4, 4), weight (2, 2, 4, 5), bias (4,), stride (3, 2), padding (1, 2), output_padding (2, 3), groups 2, dilation (4, 4): output_padding 3 >= stride 2 but < dilation 4")
    a("pt_opinfo_2_unbatched", problem(2, 4, 4, 4, kw=5, sh=3, sw=2, ph=1, pw=2, oph=2, opw=3, dh=4, g=2),
      OPINFO + " case 2, unbatched sample: input (2, 4, 4) as batch 1")
    a("pt_opinfo_3", problem(1, 4, 1, 4, iw=5, kw=3, sh=2, ph=1, oph=1, dh=2, dw=3),
      OPINFO + " case 3: input (1, 1, 4, 5), weight (1, 1, 4, 3), bias (1,), stride 2, padding 1, output_padding 1, groups 1, dilation (2, 3)")
    a("pt_opinfo_4", problem(1, 4, 2, 3, iw=3, kw=4, sh=2, ph=1, oph=1, bias=False),
      OPINFO + " case 4: input (1, 1, 4, 3), weight (1, 2, 3, 4), no bias, stride 2, padding 1, output_padding 1")
    a("pt_opinfo_5", problem(8, 4, 4, 3, mb=2, g=4, bias=False),
      OPINFO + " case 5: input (2, 8, 4, 4), weight (8, 1, 3, 3), no bias, groups 4")
    a("pt_opinfo_5_unbatched", problem(8, 4, 4, 3, g=4, bias=False),
      OPINFO + " case 5, unbatched sample: input (8, 4, 4) as batch 1")
    a("pt_opinfo_6", problem(4, 5, 8, 3, bias=False),
      OPINFO + " case 6: input (1, 4, 5, 5), weight (4, 8, 3, 3), no bias, defaults")
    # ---- other test lists in the local install
    a("pt_moduleinfo", problem(4, 3, 5, 3, mb=2, iw=4),
      "PyTorch 1.13 common_modules.py module_inputs_torch_nn_ConvNd (ModuleInfo ConvTranspose2d, transposed=True, N=2): ConvTranspose2d(4, 5, 3) on input (2, 4, 3, 4)")
    a("pt_moduleinfo_no_batch_dim", problem(4, 3, 5, 3, iw=4),
      "PyTorch 1.13 common_modules.py module_inputs_torch_nn_ConvNd desc='no_batch_dim': ConvTranspose2d(4, 5, 3) on input (4, 3, 4) as batch 1")
    a("pt_jit_functional", problem(5, 5, 5, 5, mb=5, bias=False),
      "PyTorch 1.13 jit_metaprogramming_utils.py nn_functional_tests: ('conv_transpose2d', (S, S, S, S), ((S, S, S, S),)), S = 5")
    a("pt_autocast", problem(8, 8, 8, 8, mb=8, bias=False),
      "PyTorch 1.13 autocast_test_lists.py: ('conv_transpose2d', conv_args_fp32[1]): input and weight both (8, 8, 8, 8)")
    a("pt_quantization_model", problem(3, 5, 5, 3, bias=False),
      "PyTorch 1.13 common_quantization.py ConvTransposeModel / AnnotatedConvTransposeModel: ConvTranspose2d(3, 5, 3, bias=False) on (1, 3, 5, 5)")
    # ---- test/nn/test_convolution.py
    for s, p, d in ((2, 0, 1), (1, 1, 1), (2, 1, 1), (1, 0, 2)):
        a("pt_tc_thnn_s%d_p%d_d%d" % (s, p, d), problem(2, 4, 2, 1, sh=s, ph=p, dh=d),
          TC + " test_thnn_conv_strided_padded_dilated: conv_transpose2d, input (1, 2, 4, 4), weight (2, 2, 1, 1), bias (2,), stride %d, padding %d, dilation %d" % (s, p, d))
    for oh, ow in ((18, 18), (20, 20), (19, 20), (20, 18)):
        a("pt_tc_output_size_%dx%d" % (oh, ow), problem(3, 6, 4, 3, mb=2, sh=3, oph=oh - 18, opw=ow - 18),
          TC + " test_ConvTranspose2d_output_size: ConvTranspose2d(3, 4, 3, 3, 0, 2) on (2, 3, 6, 6), output_size (%d, %d) = output_padding (%d, %d)" % (oh, ow, oh - 18, ow - 18))
    # test_ConvTranspose2d_output_size_downsample_upsample: b=2, c=3, hid_c=2; Conv2d(3, 2, k, s, p, d)
    # then ConvTranspose2d(2, 3, k, s, p, d) with output_size = the input's size.
    for h, w, k, d, s, p in ((13, 16, 4, 3, 3, 2), (14, 16, 2, 4, 2, 1), (19, 13, 3, 2, 3, 0), (20, 15, 4, 1, 3, 2)):
        ch = (h + 2 * p - d * (k - 1) - 1) // s + 1
        cw = (w + 2 * p - d * (k - 1) - 1) // s + 1
        oph = h - output_extent(ch, s, p, d, k, 0)
        opw = w - output_extent(cw, s, p, d, k, 0)
        a("pt_tc_down_up_%dx%d_k%d_d%d_s%d_p%d" % (h, w, k, d, s, p),
          problem(2, ch, 3, k, mb=2, iw=cw, sh=s, ph=p, dh=d, oph=oph, opw=opw),
          TC + " test_ConvTranspose2d_output_size_downsample_upsample: h=%d, w=%d, k=%d, d=%d, s=%d, p=%d: ConvTranspose2d(2, 3, %d, %d, %d, dilation=%d) on the Conv2d output (2, 2, %d, %d) with output_size (%d, %d) = output_padding (%d, %d)"
          % (h, w, k, d, s, p, k, s, p, d, ch, cw, h, w, oph, opw))
    a("pt_tc_half_cublas_gemm", problem(1, 16, 1, 3, sh=2, ph=1, oph=1),
      TC + " test_ConvTranspose2d_half_cublas_gemm: ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1) on (1, 1, 16, 16)")
    for n, (ic, oc, i) in enumerate(((128, 64, 6), (64, 32, 12), (32, 3, 24)), 1):
        a("pt_tc_large_output_padding_%d" % n, problem(ic, i, oc, 3, sh=2, ph=1, oph=1),
          TC + " test_ConvTranspose2d_large_output_padding: net%d = ConvTranspose2d(%d, %d, kernel_size=3, stride=2, padding=1, output_padding=1) on (1, %d, %d, %d)" % (n, ic, oc, ic, i, i))
    a("pt_tc_output_size_no_batch_dim", problem(1, 15, 1, 16, iw=13, sh=16, ph=7, oph=14, opw=6, bias=False),
      TC + " test_conv_transpose_with_output_size_and_no_batch_dim (N=2): ConvTranspose2d(1, 1, kernel_size=16, stride=16, padding=7, bias=False) on (1, 15, 13), output_size (1, 240, 200) = output_padding (14, 6)")
    for s, d, bias in ((1, 1, True), (2, 1, False), (1, 2, False), (2, 2, True)):
        a("pt_tc_conv_backend_s%d_d%d%s" % (s, d, "" if bias else "_nobias"),
          problem(6, 7, 12, 3, mb=2, iw=8, sh=s, dh=d, g=3, bias=bias),
          TC + " test_conv_backend slow2d%s_transposed (also cudnn2d_transposed / miopen2d_transposed): input (2, 6, 7, 8), C_out 12, groups 3, kernel 3, strided=%s, dilated=%s, has_bias=%s"
          % ("_dilated" if d == 2 else "", s == 2, d == 2, bias))
    a("pt_tc_group_convtranspose_empty", problem(4, 4, 4, 3, mb=0, sh=2, ph=1, g=4),
      TC + " test_group_convTranspose_empty: ConvTranspose2d(4, 4, stride=2, kernel_size=3, padding=1, groups=4) on (0, 4, 4, 4)")
    a("pt_tc_convtranspose_empty", problem(4, 4, 4, 3, mb=0, sh=2, ph=1),
      TC + " test_convTranspose_empty: ConvTranspose2d(4, 4, stride=2, kernel_size=3, padding=1) on (0, 4, 4, 4)")
    a("pt_tc_noncontig_weights", problem(3, 5, 3, 3, bias=False),
      TC + " test_conv_noncontig_weights (dim 2, grouped=False): conv_transpose2d(x (1, 3, 5, 5), w (3, 3, 3, 3))")
    a("pt_tc_noncontig_weights_grouped", problem(3, 5, 3, 3, g=3, bias=False),
      TC + " test_conv_noncontig_weights (dim 2, grouped=True): conv_transpose2d(x (1, 3, 5, 5), w (3, 1, 3, 3), groups=3)")
    a("pt_tc_contig_wrong_stride", problem(16, 5, 1, 1, bias=False),
      TC + " test_contig_wrong_stride_cudnn: F.conv_transpose2d(x (1, 16, 5, 5), weight (16, 1, 1, 1))")
    a("pt_tc_size_1_kernel", problem(3, 5, 3, 1, mb=2),
      TC + " test_ConvTranspose2d_size_1_kernel: ConvTranspose2d(3, 3, kernel_size=1) on (2, 3, 5, 5)")
    for mb, c, i, oc, k, g in ((2, 8, 4, 4, 3, 1), (2, 8, 4, 8, 3, 8), (1, 16, 56, 16, 1, 1), (1, 16, 56, 32, 1, 16)):
        a("pt_tc_thnn_nhwc_%d_%d_k%d_g%d" % (c, oc, k, g), problem(c, i, oc, k, mb=mb, g=g),
          TC + " test_conv_thnn_nhwc (slow_conv_transpose2d): ConvTranspose2d(%d, %d, %d, groups=%d) on (%d, %d, %d, %d)" % (c, oc, k, g, mb, c, i, i))
    a("pt_tc_convert_weight_memory_format", problem(8, 4, 4, 3, mb=2),
      TC + " test_convert_conv2d_weight_memory_format: ConvTranspose2d(8, 4, 3) on (2, 8, 4, 4)")
    for n, c, h, w, k, f in ((4, 2, 8, 8, 4, 2), (4, 1, 8, 8, 4, 2), (1, 1, 8, 8, 4, 2), (4, 2, 2, 8, 4, 1),
                             (4, 2, 1, 8, 4, 1), (4, 2, 8, 8, 4, 1), (4, 1, 8, 8, 4, 1)):
        a("pt_tc_mismatch_memfmt_n%d_c%d_%dx%d_k%d" % (n, c, h, w, f), problem(c, h, k, f, mb=n, iw=w),
          TC + " test_conv_cudnn_mismatch_memory_format: ConvTranspose2d(%d, %d, %d) on (%d, %d, %d, %d)" % (c, k, f, n, c, h, w))
    a("pt_tc_transposed_large_scaled", problem(1, 32, 1, 1, mb=4, iw=64, bias=False),
      TC + " test_conv_transposed_large: ConvTranspose2d(1, 1, 1, 1, bias=False), at (4, 1, 32, 64) instead of (4096, 1, 512, 1024)")


def add_odd_sizes(S):
    src = "sizes off vector widths / channel blocks: "

    def o(name, p, what):
        oh, ow = p.output_hw()
        S.add("odd_" + name, p, src + "%s (input %dx%d, output %dx%d, ic %d, oc %d)"
              % (what, p.ih, p.iw, oh, ow, p.ic, p.oc))

    # channel counts on both sides of 8/16/32, with input and output widths 7..33
    o("c1_33_w17", problem(1, 3, 33, 3, iw=17, sh=1, ph=1), "1 -> 33 channels, width 17 in and out")
    o("c33_1_w31", problem(33, 2, 1, 3, iw=16, sh=2, ph=1), "33 -> 1 channels, output width 31")
    o("c3_31_w9", problem(3, 5, 31, 3, iw=9, ph=1), "3 -> 31 channels, width 9")
    o("c31_3_w33", problem(31, 3, 3, 3, iw=17, sh=2, ph=1), "31 -> 3 channels, output width 33")
    o("c5_17_w15", problem(5, 4, 17, 3, iw=8, sh=2, ph=1), "5 -> 17 channels, output width 15")
    o("c17_5_w7", problem(17, 7, 5, 3, ph=1), "17 -> 5 channels, width 7")
    o("c7_15_w17", problem(7, 4, 15, 3, iw=8, sh=2, ph=0), "7 -> 15 channels, output width 17")
    o("c15_7_w33", problem(15, 2, 7, 3, iw=33, ph=1), "15 -> 7 channels, width 33")
    o("c9_9_w31", problem(9, 3, 9, 3, iw=15, sh=2, ph=0), "9 -> 9 channels, output width 31")
    o("c7_9_w9", problem(7, 9, 9, 1), "7 -> 9 channels, 1x1 kernel, width 9")
    o("c9_7_w15", problem(9, 5, 7, 3, iw=15, ph=1, bias=False), "9 -> 7 channels, width 15, no bias")
    o("c15_17_w17", problem(15, 3, 17, 3, iw=9, sh=2, ph=1), "15 -> 17 channels, output width 17")
    o("c17_15_w9", problem(17, 3, 15, 3, iw=3, sh=3, ph=0), "17 -> 15 channels, stride 3, output width 9")
    o("c31_33_w7", problem(31, 3, 33, 3, iw=4, sh=2, ph=1), "31 -> 33 channels, output width 7")
    o("c33_31_w15", problem(33, 3, 31, 3, iw=5, sh=3, ph=0), "33 -> 31 channels, stride 3, output width 15")
    o("c33_33_w33", problem(33, 2, 33, 3, iw=11, sh=3, ph=0), "33 -> 33 channels, stride 3, output width 33")
    o("c16_17_w31", problem(16, 2, 17, 2, iw=15, sh=2, ph=0, oph=1), "16 -> 17 channels, output width 31")
    o("c32_31_w17", problem(32, 2, 31, 3, iw=17, ph=1), "32 -> 31 channels, width 17")
    o("c8_9_w33", problem(8, 4, 9, 4, iw=15, sh=2, ph=0, oph=1, opw=1, bias=False), "8 -> 9 channels, output width 33")
    o("c1_1_w31", problem(1, 31, 1, 3, iw=31, ph=1), "1 -> 1 channel, 31x31")
    o("c3_5_w7_k7", problem(3, 7, 5, 7, iw=1), "3 -> 5 channels, 7x1 input, 7x7 kernel: output 13x7")
    o("c5_3_w9_k5x3", problem(5, 9, 3, 5, iw=9, kw=3, sh=2, sw=1, ph=2, pw=1), "5 -> 3 channels, kernel 5x3, output width 9")
    # odd batches
    o("mb3_c7_9_w17", problem(7, 5, 9, 3, mb=3, iw=17, ph=1), "batch 3, 7 -> 9 channels, width 17")
    o("mb5_c9_15_w15", problem(9, 3, 15, 2, mb=5, iw=7, sh=2, ph=0, oph=1), "batch 5, 9 -> 15 channels, output width 15")
    # groups with odd channel counts
    o("g3_c9_15_w17", problem(9, 4, 15, 3, iw=9, sh=2, ph=1, g=3), "groups 3: 9 -> 15 channels (3 -> 5 per group)")
    o("g3_c15_33_w31", problem(15, 3, 33, 2, iw=15, sh=2, oph=1, g=3), "groups 3: 15 -> 33 channels (5 -> 11 per group)")
    o("g5_c15_5_w9", problem(15, 5, 5, 3, iw=9, ph=1, g=5, bias=False), "groups 5: 15 -> 5 channels (3 -> 1 per group)")
    o("g5_c5_15_w33", problem(5, 3, 15, 3, iw=11, sh=3, ph=0, g=5), "groups 5, channel multiplier 3: 5 -> 15")
    o("dw7_w15", problem(7, 8, 7, 3, iw=8, sh=2, ph=1, g=7), "depthwise 7 channels, output width 15")
    o("dw9_w9", problem(9, 9, 9, 3, ph=1, g=9), "depthwise 9 channels, width 9")
    o("dw15_w33", problem(15, 4, 15, 4, iw=16, sh=2, ph=1, oph=1, opw=1, g=15), "depthwise 15 channels, output width 33")
    o("dw17_w17", problem(17, 5, 17, 4, iw=8, sh=2, ph=1, opw=1, g=17), "depthwise 17 channels, output width 17")
    o("dw31_w7", problem(31, 4, 31, 3, iw=4, sh=2, ph=1, g=31, bias=False), "depthwise 31 channels, output width 7")
    o("dw33_w33", problem(33, 3, 33, 3, iw=33, ph=1, g=33), "depthwise 33 channels, width 33")
    o("dw33_mult2_w15", problem(33, 3, 66, 3, iw=8, sh=2, ph=1, g=33), "33 channels, multiplier 2 (g = 33), output width 15")


def add_networks(S):
    def n(name, p, src):
        S.add("net_" + name, p, src)

    dc = "DCGAN generator (PyTorch examples dcgan/main.py, nz=100, ngf=64, nc=3, bias=False): "
    n("dcgan_g1", problem(100, 1, 512, 4, mb=4, bias=False),
      dc + "main[0] ConvTranspose2d(100, 512, 4, 1, 0) on the 1x1 latent, batch 4 instead of 64")
    n("dcgan_g2", problem(512, 2, 256, 4, iw=1, sh=2, ph=1, bias=False),
      dc + "main[3] ConvTranspose2d(512, 256, 4, 2, 1), at 2x1 instead of 4x4, batch 1")
    n("dcgan_g3", problem(256, 3, 128, 4, sh=2, ph=1, bias=False),
      dc + "main[6] ConvTranspose2d(256, 128, 4, 2, 1), at 3x3 instead of 8x8, batch 1")
    n("dcgan_g4", problem(128, 7, 64, 4, iw=5, sh=2, ph=1, bias=False),
      dc + "main[9] ConvTranspose2d(128, 64, 4, 2, 1), at 7x5 instead of 16x16, batch 1")
    n("dcgan_g5", problem(64, 32, 3, 4, sh=2, ph=1, bias=False),
      dc + "main[12] ConvTranspose2d(64, 3, 4, 2, 1), at the real 32x32, batch 1")

    un = "U-Net (Ronneberger et al. 2015; milesial/Pytorch-UNet Up(bilinear=False): ConvTranspose2d(c, c // 2, kernel_size=2, stride=2)): "
    n("unet_up1", problem(1024, 2, 512, 2, iw=1, sh=2), un + "up1 1024 -> 512, at 2x1 instead of 28x28, batch 1")
    n("unet_up2", problem(512, 3, 256, 2, sh=2), un + "up2 512 -> 256, at 3x3 instead of 52x52, batch 1")
    n("unet_up3", problem(256, 5, 128, 2, sh=2), un + "up3 256 -> 128, at 5x5 instead of 100x100, batch 1")
    n("unet_up4", problem(128, 11, 64, 2, sh=2), un + "up4 128 -> 64, at 11x11 instead of 196x196, batch 1")

    fcn = "FCN-8s (Long et al. 2015; wkentaro/pytorch-fcn FCN8s, n_class=21, bias=False, padding 0): "
    n("fcn8s_upscore2", problem(21, 16, 21, 4, sh=2, bias=False),
      fcn + "upscore2 ConvTranspose2d(21, 21, 4, stride=2) on the 16x16 score map of a 500x500 image, batch 1")
    n("fcn8s_upscore_pool4", problem(21, 17, 21, 4, sh=2, bias=False),
      fcn + "upscore_pool4 ConvTranspose2d(21, 21, 4, stride=2), at 17x17 instead of 34x34 (500x500 image), batch 1")
    n("fcn8s_upscore8", problem(21, 7, 21, 16, sh=8, bias=False),
      fcn + "upscore8 ConvTranspose2d(21, 21, 16, stride=8), at 7x7 instead of 70x70 (500x500 image), batch 1")
    n("fcn8s_upscore8_depthwise", problem(21, 8, 21, 16, sh=8, ph=4, g=21, bias=False),
      "FCN-8s-style x8 bilinear-initialised upsampling as a depthwise layer (groups=21, padding 4; the frozen-bilinear variant of upscore8), at 8x8")

    n("maskrcnn_mask_head", problem(256, 5, 256, 2, sh=2),
      "Mask R-CNN mask head (He et al. 2017; torchvision MaskRCNNPredictor conv5_mask: ConvTranspose2d(256, 256, 2, 2, 0)), one RoI at 5x5 instead of 14x14")

    p2p = "pix2pix UnetGenerator unet_256 (junyanz/pytorch-CycleGAN-and-pix2pix, ngf=64, BatchNorm so bias=False): "
    n("pix2pix_innermost", problem(512, 1, 512, 4, sh=2, ph=1, bias=False),
      p2p + "innermost upconv ConvTranspose2d(512, 512, 4, 2, 1) at its real 1x1, batch 1")
    n("pix2pix_up_256_64", problem(256, 4, 64, 4, sh=2, ph=1, bias=False),
      p2p + "upconv ConvTranspose2d(256, 64, 4, 2, 1), at 4x4 instead of 64x64, batch 1")
    n("pix2pix_outermost", problem(128, 24, 3, 4, sh=2, ph=1),
      "pix2pix UnetGenerator unet_256 outermost upconv ConvTranspose2d(128, 3, 4, 2, 1) (bias on), at 24x24 instead of 128x128, batch 1")
    n("simple_baselines_deconv", problem(256, 3, 256, 4, iw=2, sh=2, ph=1, bias=False),
      "Simple Baselines pose estimation (Xiao et al. 2018) deconv head: ConvTranspose2d(256, 256, 4, stride=2, padding=1, output_padding=0, bias=False), at 3x2 instead of 16x12, batch 1")

    cg = "CycleGAN ResnetGenerator (junyanz/pytorch-CycleGAN-and-pix2pix, ngf=64, InstanceNorm so bias=True): "
    n("cyclegan_up1", problem(256, 4, 128, 3, sh=2, ph=1, oph=1),
      cg + "ConvTranspose2d(256, 128, 3, stride=2, padding=1, output_padding=1), at 4x4 instead of 64x64, batch 1")
    n("cyclegan_up2", problem(128, 8, 64, 3, sh=2, ph=1, oph=1),
      cg + "ConvTranspose2d(128, 64, 3, stride=2, padding=1, output_padding=1), at 8x8 instead of 128x128, batch 1")

    ln = "LinkNet (Chaurasia & Culurciello 2017, ResNet-18 encoder) "
    n("linknet_decoder4", problem(128, 4, 128, 3, iw=8, sh=2, ph=1, oph=1),
      ln + "decoder4 full-conv ConvTranspose2d(128, 128, 3, 2, 1, 1), at 4x8 instead of 8x16 (256x512 input), batch 1")
    n("linknet_decoder3", problem(64, 8, 64, 3, iw=16, sh=2, ph=1, oph=1),
      ln + "decoder3 full-conv ConvTranspose2d(64, 64, 3, 2, 1, 1), at 8x16 instead of 16x32, batch 1")
    n("linknet_decoder2", problem(32, 16, 32, 3, sh=2, ph=1, oph=1),
      ln + "decoder2 full-conv ConvTranspose2d(32, 32, 3, 2, 1, 1), at 16x16 instead of 32x64, batch 1")
    n("linknet_decoder1", problem(16, 32, 16, 3, ph=1),
      ln + "decoder1 full-conv ConvTranspose2d(16, 16, 3, 1, 1, 0) (stride 1), at 32x32 instead of 64x128, batch 1")
    n("linknet_final_deconv1", problem(64, 16, 32, 3, sh=2, ph=1, oph=1),
      ln + "final tp_conv1 ConvTranspose2d(64, 32, 3, 2, 1, 1), at 16x16 instead of 64x128, batch 1")
    n("linknet_final_deconv2", problem(32, 32, 11, 2, sh=2),
      ln + "final tp_conv2 ConvTranspose2d(32, n_classes=11, 2, 2, 0) (CamVid), at 32x32 instead of 128x256, batch 1")

    es = "ESPNet (Mehta et al. 2018, Cityscapes classes=20): "
    n("espnet_up_l3", problem(20, 16, 20, 2, iw=32, sh=2, bias=False),
      es + "up_l3 ConvTranspose2d(20, 20, 2, stride=2, padding=0, output_padding=0, bias=False), at 16x32 instead of 64x128, batch 1")
    n("espnet_classifier", problem(20, 24, 20, 2, iw=40, sh=2, bias=False),
      es + "classifier ConvTranspose2d(20, 20, 2, stride=2, padding=0, output_padding=0, bias=False), at 24x40 instead of 256x512, batch 1")

    fs = "FSRCNN (Dong et al. 2016; yjn870/FSRCNN-pytorch last_part: ConvTranspose2d(d=56, 1, 9, stride=scale, padding=4, output_padding=scale-1)): "
    n("fsrcnn_x2", problem(56, 24, 1, 9, sh=2, ph=4, oph=1), fs + "x2, on a 24x24 LR patch, batch 1")
    n("fsrcnn_x3", problem(56, 33, 1, 9, sh=3, ph=4, oph=2), fs + "x3 (k9 s3 p4 op2), on a 33x33 LR patch, batch 1")
    n("fsrcnn_x4", problem(56, 17, 1, 9, sh=4, ph=4, oph=3), fs + "x4, on a 17x17 LR patch, batch 1")

    mg = "MelGAN generator (Kumar et al. 2019; descriptinc/melgan-neurips, ngf=32, ratios [8, 8, 2, 2]) as a 1xW problem: "
    n("melgan_up1", problem(512, 1, 256, 1, iw=3, kw=16, sh=1, sw=8, ph=0, pw=4),
      mg + "WNConvTranspose1d(512, 256, kernel_size=16, stride=8, padding=4) = kh1 kw16 sh1 sw8 pw4, on 3 mel frames instead of 32 (8192-sample training segments)")
    n("melgan_up2", problem(256, 1, 128, 1, iw=11, kw=16, sh=1, sw=8, ph=0, pw=4),
      mg + "WNConvTranspose1d(256, 128, kernel_size=16, stride=8, padding=4), at width 11 instead of 256")
    n("melgan_up3", problem(128, 1, 64, 1, iw=125, kw=4, sh=1, sw=2, ph=0, pw=1),
      mg + "WNConvTranspose1d(128, 64, kernel_size=4, stride=2, padding=1), at width 125 instead of 2048")
    n("melgan_up4", problem(64, 1, 32, 1, iw=251, kw=4, sh=1, sw=2, ph=0, pw=1),
      mg + "WNConvTranspose1d(64, 32, kernel_size=4, stride=2, padding=1), at width 251 instead of 4096")
    n("waveglow_upsample", problem(80, 1, 80, 1, iw=1, kw=1024, sh=1, sw=256),
      "WaveGlow (Prenger et al. 2019; NVIDIA/waveglow glow.py) upsample ConvTranspose1d(80, 80, 1024, stride=256) as kh1 kw1024 sw256, on 1 mel frame instead of ~63 (16000-sample training segments)")
    n("sudormrf_decoder", problem(1024, 1, 2, 1, iw=150, kw=21, sh=1, sw=10, ph=0, pw=10, oph=0, opw=9, g=2),
      "SuDoRM-RF (Tzinis et al. 2020) decoder ConvTranspose1d(enc_num_basis*num_sources=1024, num_sources=2, 21, stride=10, padding=10, output_padding=9, groups=2) as a grouped 1xW problem, at width 150 instead of thousands of encoder frames")

    ct = "CenterNet DLA-34 (Zhou et al. 2019; xingyizhou/CenterNet pose_dla_dcn.py IDAUp: ConvTranspose2d(o, o, f*2, stride=f, padding=f//2, output_padding=0, groups=o, bias=False), bilinear-initialised depthwise upsampling): "
    n("centernet_idaup_256_f2", problem(256, 16, 256, 4, sh=2, ph=1, g=256, bias=False),
      ct + "o=256, f=2, on the 16x16 map of a 512x512 image, batch 1")
    n("centernet_idaup_128_f4", problem(128, 16, 128, 8, sh=4, ph=2, g=128, bias=False),
      ct + "o=128, f=4, on the 16x16 map of a 512x512 image, batch 1")
    n("centernet_idaup_64_f8", problem(64, 8, 64, 16, sh=8, ph=4, g=64, bias=False),
      ct + "o=64, f=8, at 8x8 instead of 16x16, batch 1")
    n("centernet_idaup_64_f2", problem(64, 32, 64, 4, sh=2, ph=1, g=64, bias=False),
      ct + "o=64, f=2, at 32x32 instead of 64x64, batch 1")

    lf = "LiteFlowNet (Hui et al. 2018; sniklaus/pytorch-liteflownet Matching): "
    n("liteflownet_upflow", problem(2, 24, 2, 4, iw=32, sh=2, ph=1, g=2, bias=False),
      lf + "netUpflow ConvTranspose2d(2, 2, 4, stride=2, padding=1, bias=False, groups=2) on a 24x32 flow field, batch 1")
    n("liteflownet_upcorr", problem(49, 24, 49, 4, iw=32, sh=2, ph=1, g=49, bias=False),
      lf + "netUpcorr ConvTranspose2d(49, 49, 4, stride=2, padding=1, bias=False, groups=49) on a 24x32 cost volume, batch 1")

    # Grouped (not depthwise) variants of real layers: the channel counts,
    # kernel, stride, padding and output_padding of the named layer, with
    # groups added.
    n("linknet_decoder3_g4_variant", problem(64, 8, 64, 3, sh=2, ph=1, oph=1, g=4),
      "grouped variant (groups=4) of " + ln + "decoder3 ConvTranspose2d(64, 64, 3, 2, 1, 1), at 8x8")
    n("cyclegan_up2_g8_variant", problem(128, 8, 64, 3, iw=6, sh=2, ph=1, oph=1, g=8),
      "grouped variant (groups=8) of CycleGAN ResnetGenerator ConvTranspose2d(128, 64, 3, 2, 1, 1), at 8x6")
    n("dcgan_g4_g2_variant", problem(128, 6, 64, 4, sh=2, ph=1, g=2, bias=False),
      "grouped variant (groups=2) of DCGAN generator ConvTranspose2d(128, 64, 4, 2, 1, bias=False), at 6x6")


def build():
    S = Suite()
    add_pytorch(S)      # first: a PyTorch test keeps its name when another category repeats it
    add_networks(S)
    add_corners(S)
    add_sweep(S)
    add_all_nondefault(S)
    add_odd_sizes(S)
    stats = add_pairwise(S)
    return S, stats


def render(S):
    lines = ['{"name": "conformance",',
             ' "description": ' + json.dumps(
                 "convt's default conformance suite, generated by tools/make_conformance.py: "
                 "every parameter alone (sweep_), pairwise and all-at-once combinations (pair_, all_), "
                 "corner cases (corner_), PyTorch's own test configurations (pt_), sizes off vector "
                 "widths and channel blocks (odd_), and real decoder layers of named networks at "
                 "reduced batch and spatial size (net_). Each problem stays under 8M MACs and the "
                 "suite under 300M.") + ",",
             ' "problems": [']
    for i, (p, name, source) in enumerate(S.entries):
        item = json.dumps({"descriptor": short_descriptor(p), "name": name, "source": source})
        lines.append("  " + item + ("," if i + 1 < len(S.entries) else ""))
    lines.append(" ]}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# --check


def check(S, convt):
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        sys.exit("--check needs PyTorch: run it with /usr/bin/python3")
    failures = 0
    canon_seen = {}
    for p, name, _ in S.entries:
        q = dataclasses.replace(p, mb=max(1, p.mb))   # convt applies every rule for every N
        x = torch.zeros(q.input_shape(), dtype=torch.float64)
        w = torch.zeros(q.weight_shape(), dtype=torch.float64)
        b = torch.zeros(q.oc, dtype=torch.float64) if q.bias else None
        try:
            y = F.conv_transpose2d(x, w, b, **q.torch_kwargs())
            if tuple(y.shape[2:]) != q.output_hw():
                print("%s: PyTorch output %s, expected %s" % (name, tuple(y.shape), q.output_hw()))
                failures += 1
        except Exception as e:  # noqa: BLE001
            print("%s: PyTorch refuses it: %s" % (name, e))
            failures += 1
        if p.mb == 0:   # and the empty batch itself
            try:
                F.conv_transpose2d(torch.zeros(0, q.ic, q.ih, q.iw), w.float(),
                                   None if b is None else b.float(), **q.torch_kwargs())
            except Exception as e:  # noqa: BLE001
                print("%s: PyTorch refuses the empty batch: %s" % (name, e))
                failures += 1
        r = subprocess.run([convt, "run", "--problem", short_descriptor(p)],
                           capture_output=True, text=True)
        first = r.stdout.splitlines()[0].split() if r.stdout else []
        if r.returncode != 0:
            print("%s: convt exit %d: %s" % (name, r.returncode, (r.stderr or r.stdout).strip()))
            failures += 1
        elif len(first) != 2 or first[0] != "problem" or first[1] != format_descriptor(p):
            print("%s: convt's canonical form %r differs from %r" % (name, first, format_descriptor(p)))
            failures += 1
        elif first[1] in canon_seen:
            print("%s: same problem as %s" % (name, canon_seen[first[1]]))
            failures += 1
        else:
            canon_seen[first[1]] = name
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stdout", action="store_true", help="print the suite instead of writing it")
    ap.add_argument("--check", action="store_true",
                    help="check every problem with PyTorch and build/convt (needs torch)")
    ap.add_argument("--convt", default=os.path.join(ROOT, "build", "convt"))
    args = ap.parse_args()

    S, (pair_rows, infeasible) = build()
    total = sum(macs(p) for p, _, _ in S.entries)
    if total > MAX_SUITE_MACS:
        sys.exit("the suite has %d MACs, over the %d budget" % (total, MAX_SUITE_MACS))
    text = render(S)
    if args.stdout:
        sys.stdout.write(text)
    else:
        with open(OUT_PATH, "w") as f:
            f.write(text)

    counts = {}
    for _, name, _ in S.entries:
        counts[name.split("_")[0]] = counts.get(name.split("_")[0], 0) + 1
    largest = max(S.entries, key=lambda e: macs(e[0]))
    info = sys.stderr if args.stdout else sys.stdout
    print("%d problems: %s" % (len(S.entries), ", ".join("%s %d" % kv for kv in sorted(counts.items()))), file=info)
    print("pairwise: %d rows; level pairs no legal, informative problem has: %s"
          % (pair_rows, "; ".join("%s=%s with %s=%s" % t for t in infeasible)), file=info)
    for kept, dropped in S.merged:
        print("merged duplicate %s into %s" % (dropped, kept), file=info)
    print("total MACs %d; largest %s with %d MACs" % (total, largest[1], macs(largest[0])), file=info)
    if args.check:
        failures = check(S, args.convt)
        print("check: %s" % ("all %d problems legal for PyTorch and convt, no duplicates" % len(S.entries)
                             if failures == 0 else "%d FAILURES" % failures), file=info)
        sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
