#!/usr/bin/python3
"""Golden data for convt: what PyTorch itself says about conv_transpose2d.

Writes, next to this script:

  cases/<name>/x.npy, w.npy, [b.npy], y.npy, [y64.npy]
      Small conv_transpose2d problems with PyTorch's float32 output y (and,
      for the real-valued cases, y64: PyTorch's output for the same float32
      inputs cast to float64). Every case exists twice:
        <config>_exact   x, w, bias are small integers in [-3, 3] stored as
                         float32; every partial sum is an exact integer, so
                         convt's oracle rounded to float32 must equal y bit
                         for bit (golden_test.cpp).
        <config>_normal  x, w, bias drawn from torch.randn; y is compared
                         with the oracle under the rigorous bound of
                         harness/bound.h, y64 under a double-precision one.
  cases.json
      The index: each case's name, what it covers, its parameters, data
      kind, bias, unbatched-ness and the torch version that produced it.
  validation.json
      PyTorch's verdict (accept with an output shape, or refuse with the
      first line of its message) on several hundred argument sets, decided
      by really calling F.conv_transpose2d on zero tensors of those shapes
      (validation_test.cpp compares convt's problem_from_arguments with it).

Needs Debian's python3-torch (torch 1.13) and python3-numpy, i.e. the system
interpreter. Regenerate (from the repository root) with

    /usr/bin/python3 tests/golden/generate.py

The output is deterministic: fixed seeds, one intra-op thread (so PyTorch's
float32 summation order does not depend on the machine's core count), and
the cases/ directory is rebuilt from scratch. Rerunning with the same torch
gives byte-identical files.
"""

import json
import os
import random
import shutil
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import convt_problem  # noqa: E402  (tools/convt_problem.py: convt's rules in Python)

CASES_DIR = os.path.join(HERE, "cases")
TORCH_VERSION = torch.__version__

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def pair(v):
    return [v, v] if isinstance(v, int) else list(v)


# ---------------------------------------------------------------------------
# Golden cases
# ---------------------------------------------------------------------------

# n: batch (None = unbatched 3-D input); c_in, h, w: input; c_out; k: kernel;
# adjust: edits x and w in place after they are drawn.
CONFIGS = [
    dict(name="basic", covers="plain 3x3 kernel, defaults, bias",
         n=1, c_in=2, h=4, w=5, c_out=3, k=(3, 3)),
    dict(name="stride_nonsquare", covers="stride (2,3), non-square kernel and input",
         n=1, c_in=2, h=3, w=4, c_out=3, k=(3, 2), stride=(2, 3)),
    dict(name="padding_nonsquare", covers="padding (1,2)",
         n=1, c_in=2, h=5, w=6, c_out=2, k=(3, 4), padding=(1, 2)),
    dict(name="output_padding_stride", covers="output_padding (2,1) < stride (3,2)",
         n=2, c_in=2, h=3, w=4, c_out=3, k=(3, 3), stride=(3, 2), output_padding=(2, 1)),
    dict(name="output_padding_dilation",
         covers="output_padding (2,1) >= stride (1,1) but < dilation (3,2)",
         n=1, c_in=2, h=4, w=3, c_out=2, k=(2, 3), dilation=(3, 2), output_padding=(2, 1)),
    dict(name="output_padding_mixed",
         covers="output_padding (2,1): h below dilation only (stride 1, dil 3), w below stride only (stride 2, dil 1)",
         n=1, c_in=3, h=3, w=4, c_out=2, k=(2, 2), stride=(1, 2), dilation=(3, 1),
         output_padding=(2, 1), padding=(1, 0)),
    dict(name="dilation_nonsquare", covers="dilation (2,3)",
         n=1, c_in=2, h=4, w=3, c_out=3, k=(3, 2), dilation=(2, 3)),
    dict(name="groups2", covers="groups 2, 2 in and 3 out channels per group",
         n=1, c_in=4, h=3, w=5, c_out=6, k=(2, 3), groups=2),
    dict(name="depthwise", covers="depthwise: groups = C_in = C_out = 3",
         n=2, c_in=3, h=4, w=3, c_out=3, k=(3, 2), groups=3, stride=(2, 1)),
    dict(name="depthwise_multiplier", covers="groups 3, channel multiplier 2 (C_out = 2*C_in)",
         n=1, c_in=3, h=3, w=4, c_out=6, k=(2, 2), groups=3, padding=(0, 1)),
    dict(name="groups_reduce", covers="groups 2, 3 in and 1 out channel per group",
         n=1, c_in=6, h=3, w=3, c_out=2, k=(3, 3), groups=2, stride=(2, 2)),
    dict(name="groups4_many_channels", covers="groups 4, 16 in / 12 out channels, longer sums",
         n=1, c_in=16, h=5, w=3, c_out=12, k=(3, 3), groups=4, padding=(1, 1)),
    dict(name="no_bias", covers="no bias, stride (2,1)",
         n=1, c_in=2, h=3, w=4, c_out=3, k=(3, 3), stride=(2, 1), bias=False),
    dict(name="all_nonsquare",
         covers="every pair parameter with different h and w, groups 2",
         n=2, c_in=4, h=3, w=5, c_out=2, k=(2, 3), stride=(2, 3), padding=(1, 2),
         output_padding=(1, 2), dilation=(2, 1), groups=2),
    dict(name="kernel_larger_than_input", covers="kernel (5,4) larger than input (2,3)",
         n=1, c_in=2, h=2, w=3, c_out=2, k=(5, 4)),
    dict(name="output_1x1", covers="output exactly 1x1 (padding eats everything else)",
         n=1, c_in=3, h=2, w=3, c_out=2, k=(2, 3), padding=(1, 2)),
    dict(name="padding_beyond_reach",
         covers="padding (4,3) beyond the kernel's reach, output still legal",
         n=1, c_in=2, h=6, w=5, c_out=2, k=(2, 3), stride=(2, 3), padding=(4, 3)),
    dict(name="batch0", covers="N = 0: empty input and output",
         n=0, c_in=2, h=3, w=4, c_out=3, k=(2, 3), stride=(2, 1)),
    dict(name="batch3", covers="N = 3", n=3, c_in=2, h=3, w=3, c_out=2, k=(2, 2),
         stride=(1, 2)),
    dict(name="unbatched", covers="unbatched 3-D input (C, H, W)",
         n=None, c_in=2, h=3, w=4, c_out=3, k=(3, 2), stride=(2, 1), padding=(0, 1)),
    dict(name="unbatched_groups_no_bias", covers="unbatched 3-D input, groups 2, no bias",
         n=None, c_in=4, h=2, w=5, c_out=4, k=(2, 2), groups=2, dilation=(1, 2), bias=False),
    dict(name="row_1xw", covers="1xW input and 1xK kernel",
         n=1, c_in=2, h=1, w=7, c_out=2, k=(1, 3), stride=(1, 2)),
    dict(name="row_input_2d_kernel", covers="1xW input with a 2x3 kernel and stride",
         n=2, c_in=1, h=1, w=6, c_out=3, k=(2, 3), stride=(2, 2), output_padding=(1, 0)),
    dict(name="column_hx1", covers="Hx1 input and Kx1 kernel",
         n=1, c_in=2, h=6, w=1, c_out=2, k=(3, 1), dilation=(2, 1)),
    dict(name="odd_sizes", covers="sizes that are not multiples of 8 (C_in 9, C_out 7, 7x10)",
         n=1, c_in=9, h=7, w=10, c_out=7, k=(3, 3), stride=(1, 1), padding=(1, 1)),
    dict(name="kernel1x1_holes", covers="1x1 kernel, stride (2,3): outputs no tap reaches",
         n=1, c_in=2, h=3, w=3, c_out=2, k=(1, 1), stride=(2, 3)),
    dict(name="zero_terms_no_bias",
         covers="1x1 kernel, C_in 1, no bias: outputs whose only term is 0*w (sign of zero)",
         n=1, c_in=1, h=4, w=5, c_out=4, k=(1, 1), stride=(2, 1), bias=False,
         adjust=lambda x, w: (x.view(-1)[::3].zero_(), w[:, ::2].abs_().neg_())),
    dict(name="stride_beyond_kernel",
         covers="stride (4,3) larger than kernel (2,2), output_padding (3,1)",
         n=1, c_in=2, h=2, w=3, c_out=2, k=(2, 2), stride=(4, 3), output_padding=(3, 1)),
    dict(name="dilation_padding_output_padding",
         covers="dilation (3,2), padding (2,1), output_padding (1,1), stride (2,2)",
         n=1, c_in=3, h=3, w=4, c_out=2, k=(3, 2), stride=(2, 2), padding=(2, 1),
         output_padding=(1, 1), dilation=(3, 2)),
]


def case_seed(name):
    return zlib.crc32(name.encode())


def make_tensor(shape, kind, gen):
    if kind == "exact":
        return torch.randint(-3, 4, shape, generator=gen).to(torch.float32)
    return torch.randn(shape, generator=gen, dtype=torch.float32)


def conv(x, w, b, cfg):
    return F.conv_transpose2d(x, w, b, stride=cfg["stride"], padding=cfg["padding"],
                              output_padding=cfg["output_padding"], groups=cfg["groups"],
                              dilation=cfg["dilation"])


def save(path, tensor):
    a = np.ascontiguousarray(tensor.numpy())
    assert a.dtype in (np.float32, np.float64)
    np.save(path, a.astype(a.dtype.newbyteorder("<")), allow_pickle=False)


def write_cases():
    if os.path.isdir(CASES_DIR):
        shutil.rmtree(CASES_DIR)
    os.makedirs(CASES_DIR)
    index = []
    for raw in CONFIGS:
        cfg = dict(stride=1, padding=0, output_padding=0, dilation=1, groups=1, bias=True)
        cfg.update(raw)
        for key in ("stride", "padding", "output_padding", "dilation"):
            cfg[key] = pair(cfg[key])
        for kind in ("exact", "normal"):
            name = f"{cfg['name']}_{kind}"
            gen = torch.Generator().manual_seed(case_seed(name))
            unbatched = cfg["n"] is None
            x_shape = ((cfg["c_in"], cfg["h"], cfg["w"]) if unbatched
                       else (cfg["n"], cfg["c_in"], cfg["h"], cfg["w"]))
            assert cfg["c_out"] % cfg["groups"] == 0
            w_shape = (cfg["c_in"], cfg["c_out"] // cfg["groups"], cfg["k"][0], cfg["k"][1])
            x = make_tensor(x_shape, kind, gen)
            w = make_tensor(w_shape, kind, gen)
            b = make_tensor((cfg["c_out"],), kind, gen) if cfg["bias"] else None
            if "adjust" in cfg:  # make a corner certain rather than likely
                cfg["adjust"](x, w)
            y = conv(x, w, b, cfg)
            y64 = conv(x.double(), w.double(), None if b is None else b.double(), cfg)
            if kind == "exact":
                # Sanity: with integer data float32 and float64 agree exactly.
                assert torch.equal(y.double(), y64), name
            if cfg["n"] != 0:
                assert bool((y != 0).any()), f"{name}: trivial output"
            d = os.path.join(CASES_DIR, name)
            os.makedirs(d)
            save(os.path.join(d, "x.npy"), x)
            save(os.path.join(d, "w.npy"), w)
            if b is not None:
                save(os.path.join(d, "b.npy"), b)
            save(os.path.join(d, "y.npy"), y)
            if kind == "normal":
                save(os.path.join(d, "y64.npy"), y64)
            index.append(dict(
                name=name, covers=cfg["covers"], data=kind, bias=cfg["bias"],
                unbatched=unbatched, input=list(x_shape), weight=list(w_shape),
                output=list(y.shape), stride=cfg["stride"], padding=cfg["padding"],
                output_padding=cfg["output_padding"], dilation=cfg["dilation"],
                groups=cfg["groups"],
                negative_zeros_in_y=int(torch.signbit(y).logical_and(y == 0).sum()),
                torch_version=TORCH_VERSION))
    doc = dict(
        generator="tests/golden/generate.py (run with /usr/bin/python3, Debian python3-torch)",
        torch_version=TORCH_VERSION, numpy_version=np.__version__, cases=index)
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return index


# ---------------------------------------------------------------------------
# Validation verdicts
# ---------------------------------------------------------------------------

def torch_verdict(a):
    x = torch.zeros(a["input"])
    w = torch.zeros(a["weight"])
    b = None if a["bias"] is None else torch.zeros(a["bias"])
    try:
        y = F.conv_transpose2d(x, w, b, stride=a["stride"], padding=a["padding"],
                               output_padding=a["output_padding"], groups=a["groups"],
                               dilation=a["dilation"])
    except Exception as e:  # noqa: BLE001 -- every refusal is data here
        return {"ok": False, "error": str(e).splitlines()[0],
                "exception": type(e).__name__}
    return {"ok": True, "output": list(y.shape)}


def kernel_level_rules_pass(a):
    """The checks PyTorch 1.13 skips for an empty batch (its
    slow_conv_transpose2d_shape_check); used only to filter, never to decide
    a recorded verdict."""
    x = a["input"] if len(a["input"]) == 4 else [1] + a["input"]
    return convt_problem.shape_check_error(x, a["weight"], a["stride"], a["padding"],
                                           a["output_padding"], a["dilation"], a["groups"]) is None


def same_verdict(v0, v1):
    if v0["ok"] != v1["ok"]:
        return False
    if not v0["ok"]:
        return v0["error"] == v1["error"]
    return v0["output"][1:] == v1["output"][1:]


def args(input, weight, bias, stride=(1, 1), padding=(0, 0), output_padding=(0, 0),
         dilation=(1, 1), groups=1):
    return dict(input=list(input), weight=list(weight),
                bias=None if bias is None else list(bias), stride=list(stride),
                padding=list(padding), output_padding=list(output_padding),
                dilation=list(dilation), groups=groups)


BASE = args([2, 4, 5, 6], [4, 3, 3, 2], [6], stride=(2, 3), padding=(1, 0),
            output_padding=(1, 2), dilation=(1, 2), groups=2)


def mod(**changes):
    def apply(a):
        a = json.loads(json.dumps(a))
        for key, value in changes.items():
            if isinstance(value, dict):  # {index: value} for one element
                for i, v in value.items():
                    a[key][i] = v
            else:
                a[key] = value
        return a
    apply.touches = {(k, i) for k, v in changes.items()
                     for i in (v.keys() if isinstance(v, dict) else ["*"])}
    return apply


# One modification of BASE per validation rule (each breaks exactly that rule).
SINGLE_RULES = [
    ("groups_zero", mod(groups=0)),
    ("groups_negative", mod(groups=-1)),
    ("padding_h_negative", mod(padding={0: -1})),
    ("padding_w_negative", mod(padding={1: -2})),
    ("output_padding_h_negative", mod(output_padding={0: -1})),
    ("output_padding_w_negative", mod(output_padding={1: -1})),
    ("stride_h_zero", mod(stride={0: 0})),
    ("stride_w_zero", mod(stride={1: 0})),
    ("stride_h_negative", mod(stride={0: -2})),
    ("weight0_less_than_groups", mod(groups=5)),
    ("weight0_not_divisible_by_groups", mod(groups=3)),
    ("input_channels_mismatch", mod(input={1: 3})),
    ("bias_too_short", mod(bias=[5])),
    ("bias_too_long", mod(bias=[7])),
    ("bias_empty", mod(bias=[0])),
    ("bias_rank2", mod(bias=[1, 6])),
    ("bias_rank0", mod(bias=[])),
    ("input_h_zero_n_positive", mod(input={2: 0})),
    ("input_w_zero_n_positive", mod(input={3: 0})),
    ("kernel_h_zero", mod(weight={2: 0})),
    ("kernel_w_zero", mod(weight={3: 0})),
    ("dilation_h_zero", mod(dilation={0: 0})),
    ("dilation_w_zero", mod(dilation={1: 0})),
    ("dilation_h_negative", mod(dilation={0: -1})),
    ("output_padding_h_not_below_stride_or_dilation", mod(output_padding={0: 2})),
    ("output_padding_w_not_below_stride_or_dilation", mod(output_padding={1: 3})),
    ("c_out_per_group_zero", mod(weight={1: 0}, bias=[0])),
    ("c_out_per_group_zero_no_bias", mod(weight={1: 0}, bias=None)),
    ("output_h_too_small", mod(padding={0: 6})),
    ("output_w_too_small", mod(padding={1: 11})),
    ("input_2d", mod(input=[4, 5])),
    ("input_5d", mod(input=[1, 2, 4, 5, 6])),
    ("input_1d", mod(input=[4])),
]

# Representatives for pairs (one per rule; order of checks between rules).
PAIR_RULES = ["groups_zero", "padding_h_negative", "output_padding_w_negative",
              "stride_w_zero", "weight0_less_than_groups", "weight0_not_divisible_by_groups",
              "input_channels_mismatch", "bias_too_short", "bias_rank2",
              "input_h_zero_n_positive", "kernel_w_zero", "dilation_h_zero",
              "output_padding_h_not_below_stride_or_dilation", "c_out_per_group_zero",
              "output_w_too_small", "input_2d", "input_5d"]

# Legal corner cases (and a few unbatched or mixed ones).
CORNERS = [
    ("base", BASE),
    ("unbatched", mod(input=[4, 5, 6])(BASE)),
    ("unbatched_channel_mismatch", mod(input=[3, 5, 6])(BASE)),
    ("unbatched_zero_h", mod(input=[4, 0, 6])(BASE)),
    ("output_padding_below_dilation_only",
     args([1, 2, 3, 4], [2, 2, 2, 2], None, output_padding=(2, 1), dilation=(3, 2))),
    ("output_padding_below_stride_only_h",
     args([1, 2, 3, 4], [2, 2, 2, 2], [2], stride=(3, 1), output_padding=(2, 0))),
    ("output_padding_equal_dilation_below_stride",
     args([1, 2, 3, 4], [2, 2, 2, 2], [2], stride=(3, 3), output_padding=(2, 2),
          dilation=(2, 2))),
    ("output_padding_equal_stride_below_dilation",
     args([1, 2, 3, 4], [2, 2, 2, 2], [2], stride=(2, 2), output_padding=(2, 2),
          dilation=(3, 3))),
    ("output_padding_equal_both",
     args([1, 2, 3, 4], [2, 2, 2, 2], [2], stride=(2, 1), output_padding=(2, 0),
          dilation=(2, 1))),
    ("kernel_larger_than_input", args([1, 4, 2, 2], [4, 3, 5, 6], [6], groups=2)),
    ("output_exactly_1x1", args([1, 4, 2, 3], [4, 3, 2, 3], [6], padding=(1, 2), groups=2)),
    ("output_exactly_1_h", args([1, 4, 2, 3], [4, 3, 2, 3], [6], padding=(1, 0), groups=2)),
    ("output_zero_h", args([1, 4, 2, 3], [4, 3, 2, 3], [6], padding=(2, 0), groups=2)),
    ("output_zero_w", args([1, 4, 2, 3], [4, 3, 2, 3], [6], padding=(0, 3), groups=2)),
    ("padding_beyond_reach", args([1, 2, 6, 5], [2, 2, 2, 3], [2], stride=(2, 3),
                                  padding=(4, 3))),
    ("batch0_legal", mod(input={0: 0})(BASE)),
    ("batch0_zero_h", args([0, 2, 0, 3], [2, 3, 2, 2], None)),
    ("batch0_zero_w", args([0, 2, 4, 0], [2, 3, 3, 2], [3], dilation=(1, 2))),
    ("batch0_zero_hw", args([0, 2, 0, 0], [2, 3, 2, 2], [3])),
    ("depthwise", args([1, 3, 4, 4], [3, 1, 3, 3], [3], groups=3)),
    ("depthwise_multiplier", args([1, 3, 4, 4], [3, 2, 3, 3], [6], groups=3)),
    ("groups_equal_weight0", args([1, 4, 3, 3], [4, 1, 1, 1], None, groups=4)),
    ("kernel_1x1", args([1, 1, 1, 1], [1, 1, 1, 1], [1])),
    ("big_dilation", args([1, 1, 2, 2], [1, 1, 2, 2], None, dilation=(7, 5))),
    ("weight0_multiple_groups_3", args([1, 6, 2, 2], [6, 2, 2, 2], [6], groups=3)),
    ("batch2_channel_mismatch", args([2, 5, 3, 3], [4, 1, 2, 2], None)),
]

# N = 0 with an illegal kernel-level parameter: PyTorch 1.13 skips those
# checks for an empty batch; convt deliberately follows the N = 1 verdict.
QUIRKS = [
    ("batch0_output_padding_too_large", mod(input={0: 0}, output_padding={0: 2})(BASE)),
    ("batch0_dilation_zero", mod(input={0: 0}, dilation={1: 0})(BASE)),
    ("batch0_output_h_zero", mod(input={0: 0}, padding={0: 6})(BASE)),
    ("batch0_output_w_negative", mod(input={0: 0}, padding={1: 11})(BASE)),
    ("batch0_kernel_zero", mod(input={0: 0}, weight={2: 0})(BASE)),
    ("batch0_c_out_zero", mod(input={0: 0}, weight={1: 0}, bias=None)(BASE)),
]


def random_args(rng):
    def maybe_bad(good, bad, p=0.1):
        return rng.choice(bad) if rng.random() < p else good

    groups = maybe_bad(rng.choice([1, 1, 1, 2, 3]), [0, -1, 4], 0.06)
    g_for_shape = groups if groups > 0 else 1
    cig = rng.randint(1, 3)
    c_in = g_for_shape * cig
    w0 = maybe_bad(c_in, [c_in + 1, max(c_in - 1, 0), 0], 0.06)
    cog = maybe_bad(rng.randint(1, 3), [0], 0.05)
    kh = maybe_bad(rng.randint(1, 4), [0], 0.04)
    kw = maybe_bad(rng.randint(1, 4), [0], 0.04)
    weight = [w0, cog, kh, kw]
    h = maybe_bad(rng.randint(1, 5), [0], 0.05)
    w = maybe_bad(rng.randint(1, 5), [0], 0.05)
    n = rng.choice([0, 1, 1, 1, 2, 2, 3])
    ch = maybe_bad(c_in, [c_in + 1, c_in * 2], 0.05)
    rank = rng.random()
    if rank < 0.1:
        inp = [ch, h, w]
    elif rank < 0.13:
        inp = rng.choice([[ch, h], [1, ch, h, w, 1], [ch]])
    else:
        inp = [n, ch, h, w]
    c_out = cog * g_for_shape
    bias = rng.choice([None, [c_out], [c_out], maybe_bad([c_out], [[c_out + 1], [1, c_out], []],
                                                         0.25)])
    stride = [maybe_bad(rng.randint(1, 3), [0, -1], 0.04) for _ in range(2)]
    dilation = [maybe_bad(rng.randint(1, 3), [0, -1], 0.04) for _ in range(2)]
    padding = [maybe_bad(rng.randint(0, 3), [-1, 4, 5], 0.08) for _ in range(2)]
    # Mostly below max(stride, dilation); sometimes not, sometimes negative.
    output_padding = [maybe_bad(rng.randint(0, max(s, d, 1) - 1), [rng.randint(0, 3), -1], 0.12)
                      for s, d in zip(stride, dilation)]
    return args(inp, weight, bias, stride=stride, padding=padding,
                output_padding=output_padding, dilation=dilation, groups=groups)


def with_batch_one(a):
    b = json.loads(json.dumps(a))
    b["input"][0] = 1
    return b


def classify(a):
    """(entry, reason): entry is the JSON record, or None with why it was
    skipped."""
    if len(a["weight"]) != 4:
        return None, "weight not 4-D"
    v = torch_verdict(a)
    entry = dict(a)
    entry["torch"] = {k: v[k] for k in v if k != "exception"}
    batched_empty = len(a["input"]) == 4 and a["input"][0] == 0
    if not batched_empty:
        if not v["ok"] and v["exception"] != "RuntimeError":
            return None, "torch raised " + v["exception"]
        return entry, None
    v1 = torch_verdict(with_batch_one(a))
    if same_verdict(v, v1):
        return entry, None
    if not v1["ok"] and v1["error"].startswith("Only zero batch or zero channel inputs"):
        # A zero-size spatial input, legal only because N = 0; keep it when
        # every other rule holds as well (then convt accepts it too).
        if v["ok"] and kernel_level_rules_pass(a):
            return entry, None
        return None, "N = 0, zero-size input and an illegal kernel-level parameter"
    entry["n0_quirk"] = True
    entry["torch_n1"] = {k: v1[k] for k in v1 if k != "exception"}
    if "exception" in v:
        entry["torch"]["exception"] = v["exception"]
    return entry, "quirk"


def write_validation():
    entries, seen, skipped = [], set(), {}

    def add(kind, name, a, allow_quirk=False):
        key = json.dumps(a, sort_keys=True)
        if key in seen:
            skipped["duplicate"] = skipped.get("duplicate", 0) + 1
            return
        seen.add(key)
        entry, why = classify(a)
        if why == "quirk" and not allow_quirk:
            skipped["N = 0 quirk (random)"] = skipped.get("N = 0 quirk (random)", 0) + 1
            return
        if entry is None:
            skipped[why] = skipped.get(why, 0) + 1
            return
        if why != "quirk" and allow_quirk:
            raise SystemExit(f"{name}: expected an N = 0 quirk, torch says {entry['torch']}")
        record = {"kind": "n0_quirk" if why == "quirk" else kind, "name": name}
        record.update(entry)
        entries.append(record)

    for name, f in SINGLE_RULES:
        add("single_rule", name, f(BASE))
    for name, a in CORNERS:
        add("corner", name, a)
    rules = dict(SINGLE_RULES)
    for i, first in enumerate(PAIR_RULES):
        for second in PAIR_RULES[i + 1:]:
            f, g = rules[first], rules[second]
            if f.touches & g.touches or any(k == kk and "*" in (i1, i2)
                                            for k, i1 in f.touches for kk, i2 in g.touches):
                continue
            add("pair", f"{first}+{second}", g(f(BASE)))
    for name, a in QUIRKS:
        add("n0_quirk", name, a, allow_quirk=True)
    rng = random.Random(20240601)
    for i in range(400):
        add("random", f"random_{i}", random_args(rng))

    counts = {}
    for e in entries:
        counts[e["kind"]] = counts.get(e["kind"], 0) + 1
    accepted = sum(1 for e in entries if e["kind"] != "n0_quirk" and e["torch"]["ok"])
    doc = dict(
        generator="tests/golden/generate.py (run with /usr/bin/python3, Debian python3-torch)",
        torch_version=TORCH_VERSION,
        note=("torch: F.conv_transpose2d's verdict on zero tensors of these shapes. "
              "n0_quirk entries: N = 0 with a parameter PyTorch refuses for N = 1; "
              "PyTorch 1.13 skips its kernel-level checks for an empty batch, convt "
              "deliberately applies them for every N and follows torch_n1."),
        counts=counts, skipped=skipped, entries=entries)
    # One entry per line, so that a regeneration diffs readably.
    body = json.dumps({k: v for k, v in doc.items() if k != "entries"}, indent=1)
    lines = ",\n".join("  " + json.dumps(e) for e in entries)
    with open(os.path.join(HERE, "validation.json"), "w") as f:
        f.write(body[:-2] + ',\n "entries": [\n' + lines + "\n ]\n}\n")
    return entries, counts, accepted, skipped


def main():
    index = write_cases()
    exact = sum(1 for c in index if c["data"] == "exact")
    print(f"cases: {len(index)} ({exact} exact, {len(index) - exact} normal)")
    neg = [(c["name"], c["negative_zeros_in_y"]) for c in index if c["negative_zeros_in_y"]]
    if neg:
        print("cases whose torch output holds -0.0:", neg)
    entries, counts, accepted, skipped = write_validation()
    print(f"validation entries: {len(entries)} {counts}; accepted (non-quirk): {accepted}; "
          f"skipped: {skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
