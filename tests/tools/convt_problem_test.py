#!/usr/bin/env python3
"""Tests of tools/convt_problem.py, the Python tools' copy of convt's problem
model:

  - its parser, defaults, canonical and short forms and errors on a few
    descriptors, and its suite reader on a few suites;
  - its validation against PyTorch's own verdicts in
    tests/golden/validation.json (accept with the same output shape, or
    refuse with the same message);
  - with the C++ side (tests/tools/print_descriptors, given as the first
    argument, and the configs directory as the second): every problem of
    every configs/*.json has the same canonical descriptor in Python as in
    convt's parser, the canonical and short forms parse back to it in both,
    and bad descriptors get the same messages.

    convt_problem_test.py [PRINT_DESCRIPTORS CONFIGS_DIR] [unittest options]

Without the two arguments the C++ comparison is skipped.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import convt_problem as cp  # noqa: E402

PRINT_DESCRIPTORS = None
CONFIGS = os.path.join(ROOT, "configs")
if __name__ == "__main__" and len(sys.argv) >= 3 and not sys.argv[1].startswith("-"):
    PRINT_DESCRIPTORS, CONFIGS = sys.argv[1], sys.argv[2]
    del sys.argv[1:3]

FULL = "mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4"

# Descriptors convt refuses, in every way it can (each must give the C++
# message word for word).
BAD = [
    "", "mb2xx3", "3ic", "ic8ih5oc12kh3-", "ic8ih5oc12kh3 ", "IC8ih5oc12kh3", "ic8ic9ih5oc12kh3",
    "ic8ih5oc12kh", "ic8ih5oc12kh3nobiasnobias", "ic8ih5oc12kh3nobias2", "ic8ih5oc12",
    "ih5oc12kh3", "ic8oc12kh3", "ic8ih5kh3", "ic1ih1oc1kh1sh9223372036854775808",
    "ic1ih1oc1kh1sh99999999999999999999999", "ic3ih3oc4kh3g2", "ic4ih3oc3kh3g2", "ic4ih3oc4kh3g0",
    "ic4ih3oc4kh3g8", "ic4ih3oc4kh0", "ic4ih3oc4kh3dh0", "ic4ih3oc4kh3dh1dw0", "ic4ih3oc4kh3oph1", "ic4ih3oc4kh3sh0",
    "ic4ih1oc4kh1ph1", "ic4ih0oc4kh3", "mb0ic4ih0oc4kh3oph1", "ic0ih3oc0kh3", "ic4ih3oc0kh3",
    "ic1ih4611686018427387904oc1kh1", "mb1099511627776ic1099511627776ih2oc1kh1",
    "ic1ih1oc4611686018427387904kh1", "nobias", "_", "ic8__ih5oc12kh3__x",
]
# Descriptors convt accepts, with odd spellings.
GOOD = [
    FULL, FULL + "nobias", "ic8ih5oc12kh3", "ic8_ih5_oc12_kh3_nobias", "nobias_ic8ih5oc12kh3",
    "kh3oc12ih5ic8", "ic008ih05oc12kh3", "mb0ic4ih0oc4kh3sh2", "ic4ih3oc4kh3sh2oph1",
    "ic4ih3oc4kh3dh3oph2", "ic4ih3oc8kh3g4", "ic4ih3iw1oc4kh3kw1", "mb0ic2ih1oc2kh1", "mb0ic4ih0oc4kh3",
]


def cpp_canonical(*args):
    """print_descriptors' lines for these arguments."""
    r = subprocess.run([PRINT_DESCRIPTORS, *args], capture_output=True, text=True)
    return r.returncode, r.stdout.splitlines()


def py_canonical(text):
    try:
        return cp.format_descriptor(cp.parse_problem(text))
    except cp.ProblemError as e:
        return "error: " + e.message


def suite_paths():
    return sorted(glob.glob(os.path.join(CONFIGS, "*.json")))


class Descriptors(unittest.TestCase):
    def test_defaults_and_canonical_form(self):
        p = cp.parse_problem("ic8ih5oc12kh3")
        self.assertEqual(p, cp.Problem(mb=1, ic=8, ih=5, iw=5, oc=12, kh=3, kw=3, sh=1, sw=1, ph=0, pw=0,
                                       oph=0, opw=0, dh=1, dw=1, g=1, bias=True))
        self.assertEqual(cp.format_descriptor(p), "mb1ic8ih5iw5oc12kh3kw3sh1sw1ph0pw0oph0opw0dh1dw1g1")
        self.assertEqual(cp.format_descriptor(cp.parse_problem("ic8_ih5_oc12_kh3_sh2_ph1_dh2_nobias")),
                         "mb1ic8ih5iw5oc12kh3kw3sh2sw2ph1pw1oph0opw0dh2dw2g1nobias")
        self.assertEqual(cp.format_descriptor(cp.parse_problem(FULL)), FULL)
        q = cp.parse_problem(FULL + "nobias")
        self.assertEqual((q.mb, q.ic, q.iw, q.kw, q.sw, q.pw, q.oph, q.opw, q.dw, q.g, q.bias),
                         (2, 8, 7, 2, 1, 0, 1, 0, 2, 4, False))
        self.assertEqual(q.output_shape(), (2, 12, 10, 9))
        self.assertEqual(q.weight_shape(), (8, 3, 3, 2))
        self.assertEqual(cp.short_descriptor(q), "mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dw2g4nobias")
        self.assertEqual(cp.short_descriptor(p), "ic8ih5oc12kh3")
        self.assertEqual(cp.problem(8, 5, 12, 3, sh=2, pw=1, bias=False),
                         cp.parse_problem("ic8ih5oc12kh3sh2ph0pw1nobias"))

    def test_round_trip(self):
        for text in GOOD:
            with self.subTest(text=text):
                p = cp.parse_problem(text)
                self.assertEqual(cp.parse_problem(cp.format_descriptor(p)), p)
                self.assertEqual(cp.parse_problem(cp.short_descriptor(p)), p)

    def test_errors(self):
        tokens = "(tokens: mb ic ih iw oc kh kw sh sw ph pw oph opw dh dw g nobias)"
        cases = {
            "mb2xx3": "bad descriptor 'mb2xx3' at position 4: unknown token 'xx' " + tokens,
            "ic8ih5oc12": "descriptor 'ic8ih5oc12': descriptor lacks 'kh' (ic, ih, oc and kh have no default)",
            "ih5oc12kh3": "descriptor 'ih5oc12kh3': descriptor lacks 'ic' (ic, ih, oc and kh have no default)",
            "": "bad descriptor '': it is empty (example: ic8ih5oc12kh3sh2)",
            "3ic": "bad descriptor '3ic' at position 1: a number without a token before it " + tokens,
            "ic8ic9": "bad descriptor 'ic8ic9' at position 4: repeated token 'ic'",
            "ic8ih5oc12kh": "bad descriptor 'ic8ih5oc12kh' at position 11: token 'kh' needs a non-negative "
                            "integer after it",
            "ic8-1": "bad descriptor 'ic8-1' at position 4: unexpected character '-' " + tokens,
            "ic3ih3oc4kh3g2": "descriptor 'ic3ih3oc4kh3g2': Given groups=2, expected weight to be divisible "
                              "by 2 at dimension 0, but got weight of size [3, 2, 3, 3] instead",
            "ic4ih3oc3kh3g2": "descriptor 'ic4ih3oc3kh3g2': oc=3 is not divisible by g=2: the weight "
                              "(ic, oc/g, kh, kw) has oc/g output channels per group",
            "ic4ih3oc4kh3dw0": "bad descriptor 'ic4ih3oc4kh3dw0' at position 13: dw0 is no dilation: convt's dw "
                               "is PyTorch's dilation (1 is dense); benchdnn counts from 0, so its dw0 is convt's "
                               "dw1 (--benchdnn FILE reads benchdnn's problem files)",
        }
        for text, message in cases.items():
            with self.subTest(text=text):
                with self.assertRaises(cp.ProblemError) as caught:
                    cp.parse_problem(text)
                self.assertEqual(caught.exception.message, message)
                self.assertIsInstance(caught.exception, ValueError)
        # Without validation only the syntax and the required tokens count.
        self.assertEqual(cp.parse_problem("ic3ih3oc4kh3g2", validate=False).g, 2)
        with self.assertRaises(cp.ProblemError):
            cp.parse_problem("ic3ih3oc4", validate=False)


class Suites(unittest.TestCase):
    def parse(self, problems, **top):
        doc = dict(name="t", problems=problems, **top)
        return cp.parse_suite(json.dumps(doc), "t.json")

    def error(self, problems, **top):
        with self.assertRaises(cp.ProblemError) as caught:
            self.parse(problems, **top)
        return caught.exception.message

    def test_entry_forms(self):
        s = self.parse(["ic8ih5oc12kh3sh2",
                        {"descriptor": "ic8ih5oc12kh3", "name": "a", "source": "s"},
                        {"mb": 2, "ic": 8, "ih": 5, "oc": 12, "kh": 3, "bias": False, "name": "b",
                         "data": ["exact", "special"], "seed": 7},
                        {"ic": 4, "ih": 3, "oc": 4, "kh": 3, "data": "normal"}])
        self.assertEqual(s.name, "t")
        self.assertEqual([cp.short_descriptor(e.problem) for e in s.entries],
                         ["ic8ih5oc12kh3sh2", "ic8ih5oc12kh3", "mb2ic8ih5oc12kh3nobias", "ic4ih3oc4kh3"])
        self.assertEqual([(e.name, e.source, e.data, e.seed, e.descriptor) for e in s.entries],
                         [("", "", [], None, "ic8ih5oc12kh3sh2"), ("a", "s", [], None, "ic8ih5oc12kh3"),
                          ("b", "", ["exact", "special"], 7, ""), ("", "", ["normal"], None, "")])

    def test_errors(self):
        self.assertEqual(self.error(["ic8ih5xx"]),
                         "t.json: problems[0]: bad descriptor 'ic8ih5xx' at position 7: unknown token 'xx' "
                         "(tokens: mb ic ih iw oc kh kw sh sw ph pw oph opw dh dw g nobias)")
        self.assertEqual(self.error([{"descriptor": "ic8ih5oc12kh3", "mb": 2}]),
                         't.json: problems[0]: "mb" cannot be combined with "descriptor"')
        self.assertEqual(self.error(["ic8ih5oc12kh3", {"ic": 8, "ih": 5, "oc": 12}]),
                         "t.json: problems[1]: descriptor lacks 'kh' (ic, ih, oc and kh have no default)")
        self.assertTrue(self.error([{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "xx": 1}]).startswith(
            't.json: problems[0]: unknown field "xx" (fields: mb ic ih'))
        self.assertEqual(self.error([{"ic": 8, "ih": 5, "oc": 12, "kh": 3.5}]),
                         't.json: problems[0]: "kh" must be an integer, not 3.5')
        self.assertEqual(self.error([{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "ph": -1}]),
                         "t.json: problems[0]: negative padding is not supported")
        self.assertEqual(self.error([{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "bias": 0}]),
                         't.json: problems[0]: "bias" must be true or false')
        self.assertEqual(self.error([{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "data": "odd"}]),
                         "t.json: problems[0]: \"data\": unknown data mode 'odd' (normal, exact or special)")
        self.assertEqual(self.error([{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "seed": -1}]),
                         't.json: problems[0]: "seed" must be a non-negative integer, not -1')
        self.assertEqual(self.error([3]), "t.json: problems[0]: expected a descriptor string or an object, not 3")
        self.assertEqual(self.error([], extra=1),
                         't.json: unknown key "extra" (expected name, description, problems)')
        with self.assertRaises(cp.ProblemError):
            cp.parse_suite("{", "t.json")
        with self.assertRaises(cp.ProblemError):
            cp.load_suite(os.path.join(tempfile.gettempdir(), "convt-no-such-suite.json"))

    def test_configs_load(self):
        for path in suite_paths():
            with self.subTest(path=path):
                self.assertTrue(cp.load_suite(path).entries)


def arguments(entry):
    return {k: entry[k] for k in ("input", "weight", "bias", "stride", "padding", "output_padding",
                                  "dilation", "groups")}


def normalized(message):
    """PyTorch prints the weight's size in the "divisible by" message with
    doubled brackets; convt prints it as in its other messages (as
    tests/golden/validation_test.cpp normalizes it)."""
    if "expected weight to be divisible by" not in message:
        return message
    return message.replace("[[", "[").replace("]]", "]")


class Validation(unittest.TestCase):
    """The Python validation against PyTorch 1.13's verdicts (as
    tests/golden/validation_test.cpp checks the C++ one)."""

    def test_agrees_with_pytorch(self):
        with open(os.path.join(ROOT, "tests", "golden", "validation.json")) as f:
            entries = json.load(f)["entries"]
        self.assertGreaterEqual(len(entries), 500)
        kinds = {}
        for e in entries:
            quirk = e.get("n0_quirk", False)
            verdict = e["torch_n1"] if quirk else e["torch"]
            kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
            with self.subTest(name=e["name"], kind=e["kind"]):
                try:
                    p = cp.problem_from_arguments(**arguments(e))
                except cp.ProblemError as error:
                    self.assertFalse(verdict["ok"], "PyTorch accepts, convt_problem refuses: " + error.message)
                    self.assertEqual(error.message, normalized(verdict["error"]))
                    continue
                self.assertTrue(verdict["ok"], "PyTorch refuses (%s), convt_problem accepts" % verdict.get("error"))
                shape = list(p.output_shape()[1:] if len(e["input"]) == 3 else p.output_shape())
                theirs = list(verdict["output"])
                if quirk:  # torch_n1 is the verdict for N = 1
                    theirs[0] = shape[0]
                self.assertEqual(shape, theirs)
        self.assertGreaterEqual(kinds.get("n0_quirk", 0), 3)

    def test_problem_validation(self):
        self.assertIsNone(cp.validation_error(cp.parse_problem(FULL)))
        self.assertEqual(cp.validation_error(cp.problem(4, 3, 4, 3, g=0)), "non-positive groups is not supported")
        self.assertIn("output padding must be smaller", cp.validation_error(cp.problem(4, 3, 4, 3, oph=1)))
        # Every rule applies for every batch size (the zero-size input only for N = 0).
        self.assertIn("output padding must be smaller", cp.validation_error(cp.problem(4, 3, 4, 3, mb=0, oph=1)))
        self.assertIsNone(cp.validation_error(cp.problem(4, 0, 4, 3, mb=0)))
        self.assertTrue(cp.validation_error(cp.problem(4, 0, 4, 3, mb=1)).startswith("Only zero batch"))
        with self.assertRaises(cp.ProblemError):
            cp.validate(cp.problem(4, 3, 4, 3, ph=5))


class AgainstCpp(unittest.TestCase):
    """tools/convt_problem.py against convt's C++ parser and suite loader."""

    @classmethod
    def setUpClass(cls):
        if not PRINT_DESCRIPTORS:
            raise unittest.SkipTest("needs print_descriptors (tests/tools) as the first argument")

    def test_every_suite_problem(self):
        paths = suite_paths()
        self.assertTrue(paths, "no suites in " + CONFIGS)
        total = 0
        for path in paths:
            with self.subTest(suite=os.path.basename(path)):
                rc, cpp = cpp_canonical("--suite", path)
                self.assertEqual(rc, 0, cpp)
                suite = cp.load_suite(path)
                py = [cp.format_descriptor(e.problem) for e in suite.entries]
                self.assertEqual(py, cpp)
                total += len(py)
                # The canonical and short forms parse back to the same problem in both.
                shorts = [cp.short_descriptor(e.problem) for e in suite.entries]
                rc, again = cpp_canonical(*py, *shorts)
                self.assertEqual(again, py + py)
                self.assertEqual([py_canonical(t) for t in py + shorts], py + py)
        self.assertGreater(total, 300)

    def test_descriptors_and_errors(self):
        texts = GOOD + BAD
        rc, cpp = cpp_canonical(*texts)
        self.assertEqual(len(cpp), len(texts), cpp)
        for text, theirs in zip(texts, cpp):
            with self.subTest(text=text):
                self.assertEqual(py_canonical(text), theirs)
        self.assertEqual(sum(line.startswith("error: ") for line in cpp), len(BAD))

    def test_suite_errors(self):
        with tempfile.TemporaryDirectory() as d:
            for n, problems in enumerate([
                    ["ic8ih5xx"], [{"descriptor": "ic8ih5oc12kh3", "mb": 2}], [{"ic": 8, "ih": 5, "oc": 12}],
                    [{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "ph": -1, "name": 3}],
                    [{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "ph": -1}], [{"ic": 8, "ih": 5, "oc": 12, "kh": 3.5}],
                    [{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "zz": 1, "aa": 2}], [3],
                    [{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "data": []}],
                    [{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "data": ["exact", 4]}],
                    [{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "seed": "x"}],
                    [{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "g": 3, "bias": False}],
                    ["ic8ih5oc12kh3", {"ic": 8, "ih": 5, "oc": 12, "kh": 3, "g": 8}]]):
                path = os.path.join(d, "s%d.json" % n)
                with open(path, "w") as f:
                    json.dump({"name": "s", "problems": problems}, f)
                with self.subTest(problems=problems):
                    rc, cpp = cpp_canonical("--suite", path)
                    self.assertEqual(rc, 1, cpp)
                    with self.assertRaises(cp.ProblemError) as caught:
                        cp.load_suite(path)
                    self.assertEqual(["error: " + caught.exception.message], cpp)


if __name__ == "__main__":
    unittest.main()
