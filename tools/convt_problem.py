"""convt_problem.py - convt's problem model for the Python tools.

The one Python copy of what reference/descriptor.cpp, reference/problem.cpp
and harness/suite.cpp define (standard library only; tests/tools/
convt_problem_test.py checks it against the C++ parser on every suite in
configs/ and against PyTorch's verdicts in tests/golden/validation.json):

  Problem                 one call of conv_transpose2d, with the descriptor's
                          field names (mb ic ih iw oc kh kw sh sw ph pw oph opw
                          dh dw g) and bias
  problem(ic, ih, oc, kh, **fields)
                          a Problem with the descriptor's defaults
  parse_descriptor(text)  the token syntax -> Descriptor (the tokens given)
  problem_from_descriptor(d)
                          applies the defaults (mb1, iw=ih, kw=kh, sh1, sw=sh,
                          ph0, pw=ph, oph0, opw=oph, dh1, dw=dh, g1, bias on)
  parse_problem(text)     both, then validate() (as convt::parse_problem)
  format_descriptor(p)    the canonical form: every field, then "nobias"
  short_descriptor(p)     the shortest form: tokens equal to their default
                          left out
  output_extent(...)      PyTorch's output size along one axis
  problem_from_arguments(input, weight, bias, stride, ...)
                          PyTorch's validation of conv_transpose2d (torch 1.13,
                          CPU) in PyTorch's order and words, then convt's size
                          limits; raises ProblemError
  shape_check_error(...)  the kernel-level part of it
                          (slow_conv_transpose2d_shape_check), or None
  validation_error(p) / validate(p)
                          what convt refuses a Problem for (None / raises)
  load_suite(path) / parse_suite(text, file)
                          a suite file of configs/ -> Suite

Every refusal is a ProblemError (a ValueError) whose message is the C++
one, word for word (but for what Python's json module says of malformed
JSON, and the OS's words for an unreadable file).

Descriptor example: mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4, with
"nobias" for no bias and "_" allowed between tokens. Dilation is PyTorch's
(1 is dense).
"""

import dataclasses
import json
from typing import List, Optional

FIELDS = ("mb", "ic", "ih", "iw", "oc", "kh", "kw", "sh", "sw", "ph", "pw",
          "oph", "opw", "dh", "dw", "g")
REQUIRED = ("ic", "ih", "oc", "kh")
# Fields whose default is another field's value, and the constant defaults.
PAIRED = {"iw": "ih", "kw": "kh", "sw": "sh", "pw": "ph", "opw": "oph", "dw": "dh"}
DEFAULTS = {"mb": 1, "sh": 1, "ph": 0, "oph": 0, "dh": 1, "g": 1}
ANNOTATIONS = ("name", "source", "data", "seed")
DATA_MODES = ("normal", "exact", "special")

INT64_MAX = 2**63 - 1
# The largest tensor convt will index (elements, as doubles, addressable with
# a signed 64-bit byte offset), and the bound on every coordinate.
MAX_ELEMENTS = INT64_MAX // 8
MAX_COORDINATE = 2**62


class ProblemError(ValueError):
    """A refusal: a bad descriptor, a bad suite, or a problem PyTorch refuses."""

    @property
    def message(self):
        return self.args[0]


@dataclasses.dataclass(frozen=True)
class Problem:
    mb: int = 1
    ic: int = 1
    ih: int = 1
    iw: int = 1
    oc: int = 1
    kh: int = 1
    kw: int = 1
    sh: int = 1
    sw: int = 1
    ph: int = 0
    pw: int = 0
    oph: int = 0
    opw: int = 0
    dh: int = 1
    dw: int = 1
    g: int = 1
    bias: bool = True

    def h_out(self):
        return output_extent(self.ih, self.sh, self.ph, self.dh, self.kh, self.oph)

    def w_out(self):
        return output_extent(self.iw, self.sw, self.pw, self.dw, self.kw, self.opw)

    def output_hw(self):
        return self.h_out(), self.w_out()

    def input_shape(self):
        return (self.mb, self.ic, self.ih, self.iw)

    def weight_shape(self):
        return (self.ic, self.oc // self.g, self.kh, self.kw)

    def output_shape(self):
        return (self.mb, self.oc, self.h_out(), self.w_out())

    def torch_kwargs(self):
        """The keyword arguments of F.conv_transpose2d besides x, w and b."""
        return dict(stride=(self.sh, self.sw), padding=(self.ph, self.pw),
                    output_padding=(self.oph, self.opw), groups=self.g,
                    dilation=(self.dh, self.dw))

    def values(self):
        """The fields' values in descriptor order."""
        return tuple(getattr(self, f) for f in FIELDS)


@dataclasses.dataclass
class Descriptor:
    """What a descriptor said: the tokens it gave, nothing more."""
    fields: dict = dataclasses.field(default_factory=dict)
    nobias: bool = False


# --------------------------------------------------------------------------
# Descriptors (reference/descriptor.cpp)


def _known_tokens():
    return " ".join(FIELDS) + " nobias"


def _descriptor_error(text, position, what):
    return ProblemError("bad descriptor '%s' at position %d: %s" % (text, position + 1, what))


def _is_lower(c):
    return "a" <= c <= "z"


def _is_digit(c):
    return "0" <= c <= "9"


def parse_descriptor(text):
    """The token syntax -> Descriptor; a ProblemError names the offending token
    and its position."""
    if not text:
        raise ProblemError("bad descriptor '': it is empty (example: ic8ih5oc12kh3sh2)")
    d = Descriptor()
    i = 0
    while i < len(text):
        if text[i] == "_":
            i += 1
            continue
        start = i
        if not _is_lower(text[i]):
            what = ("a number without a token before it" if _is_digit(text[i])
                    else "unexpected character '%s'" % text[i])
            raise _descriptor_error(text, i, what + " (tokens: " + _known_tokens() + ")")
        if text.startswith("nobias", i):
            if d.nobias:
                raise _descriptor_error(text, i, "repeated token 'nobias'")
            d.nobias = True
            i += 6
            continue
        while i < len(text) and _is_lower(text[i]):
            i += 1
        name = text[start:i]
        if name not in FIELDS:
            raise _descriptor_error(text, start, "unknown token '%s' (tokens: %s)" % (name, _known_tokens()))
        if name in d.fields:
            raise _descriptor_error(text, start, "repeated token '%s'" % name)
        digits = i
        value = 0
        while i < len(text) and _is_digit(text[i]):
            digit = ord(text[i]) - ord("0")
            if value > (INT64_MAX - digit) // 10:
                while i < len(text) and _is_digit(text[i]):
                    i += 1
                raise _descriptor_error(text, start, "the number %s of '%s' does not fit a 64-bit integer"
                                        % (text[digits:i], name))
            value = value * 10 + digit
            i += 1
        if i == digits:
            raise _descriptor_error(text, start, "token '%s' needs a non-negative integer after it" % name)
        if name in ("dh", "dw") and value == 0:
            raise _descriptor_error(text, start, "%s0 is no dilation: convt's %s is PyTorch's dilation (1 is dense); "
                                    "benchdnn counts from 0, so its %s0 is convt's %s1 (--benchdnn FILE reads "
                                    "benchdnn's problem files)" % (name, name, name, name))
        d.fields[name] = value
    return d


def problem_from_descriptor(d):
    """Applies the defaults; refuses a descriptor without ic, ih, oc or kh. The
    result is not yet validated (see validate())."""
    for f in REQUIRED:
        if f not in d.fields:
            raise ProblemError("descriptor lacks '%s' (ic, ih, oc and kh have no default)" % f)
    values = {}
    for f in FIELDS:  # in order, so that a paired field's partner is known
        values[f] = d.fields.get(f, values[PAIRED[f]] if f in PAIRED else DEFAULTS.get(f))
    return Problem(bias=not d.nobias, **values)


def problem(ic, ih, oc, kh, **fields):
    """A Problem from keyword fields, with the descriptor's defaults (iw=ih,
    kw=kh, ...; bias=True). Not validated."""
    bias = fields.pop("bias", True)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError("unknown field %s" % sorted(unknown)[0])
    given = dict(ic=ic, ih=ih, oc=oc, kh=kh)
    given.update((f, v) for f, v in fields.items() if v is not None)
    return problem_from_descriptor(Descriptor(given, not bias))


def parse_problem(text, validate=True):
    """parse_descriptor + problem_from_descriptor (+ validate, unless told not
    to), with convt::parse_problem's messages."""
    d = parse_descriptor(text)
    try:
        p = problem_from_descriptor(d)
        if validate:
            _validate(p)
    except ProblemError as e:
        raise ProblemError("descriptor '%s': %s" % (text, e.message)) from None
    return p


def format_descriptor(p):
    """The canonical form: every field in order, then "nobias" if the problem
    has no bias. parse_problem(format_descriptor(p)) == p."""
    return "".join("%s%d" % (f, v) for f, v in zip(FIELDS, p.values())) + ("" if p.bias else "nobias")


def short_descriptor(p):
    """The descriptor with every token that equals its default left out."""
    out = []
    for f in FIELDS:
        v = getattr(p, f)
        if f in REQUIRED or v != (getattr(p, PAIRED[f]) if f in PAIRED else DEFAULTS[f]):
            out.append("%s%d" % (f, v))
    if not p.bias:
        out.append("nobias")
    return "".join(out)


# --------------------------------------------------------------------------
# PyTorch's rules (reference/problem.cpp)


def output_extent(i, s, p, d, k, op):
    """PyTorch's output size along one axis: (i - 1)*s - 2*p + d*(k - 1) + op + 1."""
    return (i - 1) * s - 2 * p + d * (k - 1) + op + 1


def format_shape(dims):
    """"[2, 3, 4, 5]", as PyTorch prints sizes."""
    return "[" + ", ".join(str(d) for d in dims) + "]"


def _product(dims):
    total = 1
    for d in dims:
        total *= d
        if total > MAX_ELEMENTS:
            return MAX_ELEMENTS + 1
    return total


def _too_large(what, dims):
    if _product(dims) <= MAX_ELEMENTS:
        return None
    return ("problem too large: the %s tensor %s has more elements than 64-bit indexing can "
            "address (at most %d)" % (what, format_shape(dims), MAX_ELEMENTS))


def shape_check_error(input, weight, stride, padding, output_padding, dilation, groups=1):
    """The kernel-level checks (PyTorch's slow_conv_transpose2d_shape_check,
    which PyTorch 1.13 skips for an empty batch), in its order: kernel size,
    dilation, output_padding, an empty weight, the output size. `input` and
    `weight` are 4-D with non-negative sizes, weight[0] divisible by groups.
    The first refusal's message, or None."""
    kh, kw = weight[2], weight[3]
    (sh, sw), (dh, dw), (oph, opw) = stride, dilation, output_padding
    if kh <= 0 or kw <= 0:
        return ("kernel size should be greater than zero, but got kernel_height: %d kernel_width: %d"
                % (kh, kw))
    if dh <= 0 or dw <= 0:
        return ("dilation should be greater than zero, but got dilation_height: %d, dilation_width: %d"
                % (dh, dw))
    if not (opw < sw or opw < dw) or not (oph < sh or oph < dh):
        return ("output padding must be smaller than either stride or dilation, but got "
                "output_padding_height: %d output_padding_width: %d stride_height: %d stride_width: %d "
                "dilation_height: %d dilation_width: %d" % (oph, opw, sh, sw, dh, dw))
    if weight[1] == 0:  # PyTorch checks one group's slice of the weight
        return ("non-empty 2D or 4D weight tensor expected, but got: "
                + format_shape([weight[0] // groups, weight[1], kh, kw]))
    h_out = output_extent(input[2], sh, padding[0], dh, kh, oph)
    w_out = output_extent(input[3], sw, padding[1], dw, kw, opw)
    if h_out < 1 or w_out < 1:
        return ("Given input size per channel: (%d x %d). Calculated output size per channel: (%d x %d). "
                "Output size is too small" % (input[2], input[3], h_out, w_out))
    return None


def problem_from_arguments(input, weight, bias=None, stride=(1, 1), padding=(0, 0),
                           output_padding=(0, 0), dilation=(1, 1), groups=1):
    """PyTorch's validation of conv_transpose2d (torch 1.13, CPU: _convolution's
    argument checks, then slow_conv_transpose2d_shape_check, applied for
    every batch size), then convt's size limits. Returns the Problem (mb 1 for
    an unbatched 3-D input); raises ProblemError with PyTorch's words."""
    input, weight = list(input), list(weight)
    bias = None if bias is None else list(bias)
    stride, padding, output_padding, dilation = (tuple(x) for x in (stride, padding, output_padding, dilation))

    def fail(message):
        raise ProblemError(message)

    transposed_weight = "Given transposed=1, weight of size %s, " % format_shape(weight)
    if len(input) not in (3, 4):
        fail("Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: "
             + format_shape(input))
    if len(input) == 3:  # PyTorch unsqueezes an unbatched input before checking it
        input = [1] + input
    if groups <= 0:
        fail("non-positive groups is not supported")
    if min(padding) < 0:
        fail("negative padding is not supported")
    if min(output_padding) < 0:
        fail("negative output_padding is not supported")
    if min(stride) <= 0:
        fail("non-positive stride is not supported")
    if len(weight) != 4:
        fail("weight must be 4-dimensional (C_in, C_out/groups, kH, kW), but got weight of size "
             + format_shape(weight))
    if any(d < 0 for d in weight):
        fail("weight has a negative size: " + format_shape(weight))
    if any(d < 0 for d in input):
        fail("input has a negative size: " + format_shape(input))
    if weight[0] < groups:
        fail("Given groups=%d, expected weight to be at least %d at dimension 0, but got weight of size %s "
             "instead" % (groups, groups, format_shape(weight)))
    if weight[0] % groups != 0:
        fail("Given groups=%d, expected weight to be divisible by %d at dimension 0, but got weight of size "
             "%s instead" % (groups, groups, format_shape(weight)))
    if input[1] != weight[0]:
        fail(transposed_weight + "expected input%s to have %d channels, but got %d channels instead"
             % (format_shape(input), weight[0], input[1]))
    c_out = weight[1] * groups
    if bias is not None and (len(bias) != 1 or bias[0] != c_out):
        fail(transposed_weight + "expected bias to be 1-dimensional with %d elements, but got bias of size "
             "%s instead" % (c_out, format_shape(bias)))
    if input[0] != 0 and (input[2] == 0 or input[3] == 0):
        fail("Only zero batch or zero channel inputs are supported, but got input shape: " + format_shape(input))

    error = shape_check_error(input, weight, stride, padding, output_padding, dilation, groups)
    if error is not None:
        fail(error)

    # convt's own limits: every size and coordinate fits 64-bit arithmetic.
    for i, axis in enumerate(("height", "width")):
        reach = ((input[2 + i] - 1) * stride[i] + dilation[i] * (weight[2 + i] - 1)
                 + output_padding[i] + 1)
        if reach >= MAX_COORDINATE or padding[i] >= MAX_COORDINATE:
            fail("problem too large: along the %s, (input - 1)*stride + dilation*(kernel - 1) + "
                 "output_padding + 1 = %d and padding = %d must stay below 2^62" % (axis, reach, padding[i]))
    if c_out >= MAX_COORDINATE:
        fail("problem too large: %d output channels" % c_out)

    p = Problem(mb=input[0], ic=input[1], ih=input[2], iw=input[3], oc=c_out, kh=weight[2], kw=weight[3],
                sh=stride[0], sw=stride[1], ph=padding[0], pw=padding[1], oph=output_padding[0],
                opw=output_padding[1], dh=dilation[0], dw=dilation[1], g=groups, bias=bias is not None)
    for what, dims in (("input", p.input_shape()), ("weight", p.weight_shape()),
                       ("output", p.output_shape())):
        error = _too_large(what, dims)
        if error:
            fail(error)
    return p


def arguments_of(p):
    """The tensor shapes and parameters a Problem stands for (4-D input), as
    keyword arguments of problem_from_arguments. Requires g > 0 and oc
    divisible by g."""
    return dict(input=list(p.input_shape()), weight=list(p.weight_shape()),
                bias=[p.oc] if p.bias else None, stride=[p.sh, p.sw], padding=[p.ph, p.pw],
                output_padding=[p.oph, p.opw], dilation=[p.dh, p.dw], groups=p.g)


def validation_error(p):
    """What convt refuses the Problem for (PyTorch's rules, and oc divisible
    by g), or None."""
    if p.g <= 0:
        return "non-positive groups is not supported"
    if p.oc % p.g != 0:
        return ("oc=%d is not divisible by g=%d: the weight (ic, oc/g, kh, kw) has oc/g output channels "
                "per group" % (p.oc, p.g))
    try:
        problem_from_arguments(**arguments_of(p))
    except ProblemError as e:
        return e.message
    return None


def validate(p):
    """Raises ProblemError with validation_error(p), if any."""
    error = validation_error(p)
    if error is not None:
        raise ProblemError(error)


_validate = validate  # for the functions whose `validate` is a flag


# --------------------------------------------------------------------------
# Suites (harness/suite.cpp)


@dataclasses.dataclass
class SuiteEntry:
    problem: Problem
    name: str = ""      # optional
    source: str = ""    # optional: the network or test it comes from
    data: List[str] = dataclasses.field(default_factory=list)  # optional: only these data modes
    seed: Optional[int] = None  # optional: this seed
    descriptor: str = ""  # the descriptor as the suite wrote it, if it wrote one


@dataclasses.dataclass
class Suite:
    name: str = ""
    entries: List[SuiteEntry] = dataclasses.field(default_factory=list)

    def problems(self):
        return [e.problem for e in self.entries]


def _dump(value):
    return json.dumps(value, separators=(",", ":"))


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _problem_from_object(item, where, validate):
    # (nlohmann::json iterates an object's keys in sorted order)
    if "descriptor" in item:
        for key in sorted(item):
            if key != "descriptor" and key not in ANNOTATIONS:
                raise ProblemError('%s: "%s" cannot be combined with "descriptor"' % (where, key))
        if not isinstance(item["descriptor"], str):
            raise ProblemError('%s: "descriptor" must be a string' % where)
        return parse_problem(item["descriptor"], validate)
    d = Descriptor()
    for key in sorted(item):
        value = item[key]
        if key in ANNOTATIONS:
            continue
        if key == "bias":
            if not isinstance(value, bool):
                raise ProblemError('%s: "bias" must be true or false' % where)
            d.nobias = not value
            continue
        if key not in FIELDS:
            raise ProblemError('%s: unknown field "%s" (fields: %s bias name source data seed descriptor)'
                               % (where, key, " ".join(FIELDS)))
        # Negative values are let through to validation, which refuses them
        # in PyTorch's words.
        if not _is_int(value) or value < -2**63:
            raise ProblemError('%s: "%s" must be an integer, not %s' % (where, key, _dump(value)))
        if value > INT64_MAX:
            raise ProblemError('%s: "%s" is %s, beyond 64-bit integers' % (where, key, _dump(value)))
        d.fields[key] = value
    p = problem_from_descriptor(d)
    if validate:
        _validate(p)
    return p


def _read_data_and_seed(item, where, entry):
    if "data" in item:
        modes = item["data"] if isinstance(item["data"], list) else [item["data"]]
        if not modes:
            raise ProblemError('%s: "data" is an empty list (name at least one data mode)' % where)
        for mode in modes:
            if not isinstance(mode, str):
                raise ProblemError('%s: "data": not a string: %s' % (where, _dump(mode)))
            if mode not in DATA_MODES:
                raise ProblemError("%s: \"data\": unknown data mode '%s' (normal, exact or special)"
                                   % (where, mode))
            entry.data.append(mode)
    if "seed" in item:
        seed = item["seed"]
        if not _is_int(seed) or seed < 0 or seed >= 2**64:
            raise ProblemError('%s: "seed" must be a non-negative integer, not %s' % (where, _dump(seed)))
        entry.seed = seed


def parse_suite(text, file, validate=True):
    """A suite (configs/*.json) -> Suite, as convt::parse_suite reads it: each
    problem a descriptor string, an object with the descriptor's field names
    and "bias", or {"descriptor": ...}; objects may carry name, source, data
    and seed. `file` is how errors refer to the text. With validate=False,
    problems PyTorch would refuse are let through (the syntax is still
    checked)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise ProblemError("%s:line %d, column %d: %s" % (file, e.lineno, e.colno, e.msg)) from None
    if not isinstance(document, dict):
        raise ProblemError('%s: expected a JSON object {"name": ..., "problems": [...]}' % file)
    suite = Suite()
    if "name" in document:
        if not isinstance(document["name"], str):
            raise ProblemError('%s: "name" must be a string' % file)
        suite.name = document["name"]
    for key in sorted(document):
        if key not in ("name", "problems", "description"):
            raise ProblemError('%s: unknown key "%s" (expected name, description, problems)' % (file, key))
    if not isinstance(document.get("problems"), list):
        raise ProblemError('%s: expected "problems": an array of descriptors or objects' % file)
    for i, item in enumerate(document["problems"]):
        where = "%s: problems[%d]" % (file, i)
        entry = SuiteEntry(problem=None)
        problem_error = None
        try:
            if isinstance(item, str):
                entry.problem = parse_problem(item, validate)
                entry.descriptor = item
            elif isinstance(item, dict):
                if isinstance(item.get("descriptor"), str):
                    entry.descriptor = item["descriptor"]
                try:
                    entry.problem = _problem_from_object(item, where, validate)
                except ProblemError as e:
                    problem_error = e  # reported after the annotations' errors, as convt does
                for key in ("name", "source"):
                    if key in item:
                        if not isinstance(item[key], str):
                            raise ProblemError('%s: "%s" must be a string' % (where, key))
                        setattr(entry, key, item[key])
                _read_data_and_seed(item, where, entry)
            else:
                raise ProblemError("%s: expected a descriptor string or an object, not %s" % (where, _dump(item)))
            if problem_error is not None:
                raise problem_error
        except ProblemError as e:
            raise ProblemError(e.message if e.message.startswith(where) else where + ": " + e.message) from None
        suite.entries.append(entry)
    return suite


def load_suite(path, validate=True):
    """parse_suite of a file; an unreadable file is a ProblemError too."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        raise ProblemError("%s: %s" % (path, e.strerror or e)) from None
    return parse_suite(text, path, validate)
