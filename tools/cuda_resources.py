#!/usr/bin/env python3
"""cuda_resources.py - what ptxas gives each of convt's CUDA kernels.

Compiles every optimized/cuda/*.cu the way the build does (nvcc -std=c++17
-O3 -DNDEBUG, one real architecture at a time, here to a cubin in a
temporary directory) with --resource-usage, reads ptxas's report per
function (registers, static shared memory, stack frame, spill stores and
loads, constant bank 0) and the threads per block each kernel declares
and the blocks per SM it asks its registers to allow (__launch_bounds__:
.maxntid and .minnctapersm of its PTX entry), and prints one Markdown
table per architecture:

    kernel | launch bounds | registers | static smem | stack | spills | cmem[0]
           | blocks/SM | warps/SM | limited by | smem left per block

The occupancy is the one that registers, threads and static shared memory
allow (the dynamic shared memory a launch asks for is problem-dependent:
tests/tools/cuda_on_paper.cpp takes it into account per problem); the
last column is how much dynamic shared memory a block may use without
lowering it.

    tools/cuda_resources.py [--arch 80 90] [--check] [--json] [--nvcc PATH]
                            [--sources FILE.cu...]

--check: exit status 1 when any function (kernel or called function)
spills or has a stack frame. --json: the parsed numbers instead of tables,
which cuda_on_paper reads for the registers of each kernel:

    tools/cuda_resources.py --arch 90 --json | build/tests/tools/cuda_on_paper --resources -

Exit codes: 0 success, 1 --check failed, 2 compilation or parsing failed
(one line on stderr, then the compiler's output).
"""
import argparse
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The build's flags for device code (cmake/cuda.cmake, a Release build).
FLAGS = ["-std=c++17", "-O3", "-DNDEBUG"]

# Per SM: 32-bit registers, threads, resident blocks, shared memory usable
# by blocks (bytes) and the most one block may have; per block the runtime
# reserves 1 KB. Registers are allocated per warp in units of 256.
ARCHS = {
    "80": {"gpu": "A100", "registers": 65536, "threads": 2048, "blocks": 32,
           "smem_sm": 164 * 1024, "smem_block": 163 * 1024},
    "90": {"gpu": "H100/H200", "registers": 65536, "threads": 2048, "blocks": 32,
           "smem_sm": 228 * 1024, "smem_block": 227 * 1024},
    "100": {"gpu": "B200", "registers": 65536, "threads": 2048, "blocks": 32,
            "smem_sm": 228 * 1024, "smem_block": 227 * 1024},
}
SMEM_RESERVED = 1024
SMEM_GRANULE = 128
REGISTER_GRANULE = 256
WARP = 32


class Failure(Exception):
    pass


def find_nvcc(given):
    for candidate in (given, os.environ.get("CUDACXX"), shutil.which("nvcc"), "/usr/local/cuda/bin/nvcc"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise Failure("no nvcc (give --nvcc, set CUDACXX or put nvcc on PATH)")


def demangle(names):
    """Mangled name -> readable kernel name (c++filt), such as
    run_steps<DirectKernel>: no return type, parameters or convt::cuda::."""
    out = {n: n for n in names}
    cxxfilt = shutil.which("c++filt")
    if not cxxfilt or not names:
        return out
    res = subprocess.run([cxxfilt], input="\n".join(names) + "\n", capture_output=True, text=True)
    if res.returncode != 0:
        return out
    for mangled, text in zip(names, res.stdout.splitlines()):
        out[mangled] = readable(text)
    return out


def readable(text):
    text = text.replace("convt::cuda::", "")
    if text.startswith("void "):
        text = text[5:]
    # Drop the parameter list: the last top-level parenthesised group.
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        c = text[i]
        if c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
            if depth == 0:
                return text[:i]
    return text


ENTRY = re.compile(r"Compiling entry function '([^']+)' for 'sm_(\w+)'")
PROPS = re.compile(r"Function properties for (\S+)")
FRAME = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
USED = re.compile(r"Used (\d+) registers")
SMEM = re.compile(r"(\d+) bytes smem")
CMEM = re.compile(r"(\d+) bytes cmem\[0\]")
LAUNCH_BOUNDS = re.compile(r"\.entry\s+(\S+)\s*\(.*?\)\s*((?:\.\w+[^\n{]*\n\s*)*)\{", re.S)


def parse_ptxas(text):
    """ptxas's report -> {mangled: {...}}, entries and called functions."""
    functions = {}
    current = None
    for line in text.splitlines():
        m = ENTRY.search(line)
        if m:
            current = functions.setdefault(m.group(1), {"entry": True})
            continue
        m = PROPS.search(line)
        if m:
            current = functions.setdefault(m.group(1), {"entry": False})
            continue
        m = FRAME.search(line)
        if m and current is not None:
            current["stack"], current["spill_stores"], current["spill_loads"] = map(int, m.groups())
            continue
        m = USED.search(line)
        if m and current is not None:
            current["registers"] = int(m.group(1))
            s = SMEM.search(line)
            current["smem"] = int(s.group(1)) if s else 0
            c = CMEM.search(line)
            current["cmem"] = int(c.group(1)) if c else None
    return functions


def parse_launch_bounds(ptx):
    """PTX -> {mangled entry: (threads per block, min blocks per SM)} from
    .maxntid (or .reqntid) and .minnctapersm; None where absent."""
    bounds = {}
    for m in LAUNCH_BOUNDS.finditer(ptx):
        d = re.search(r"\.(?:maxntid|reqntid)\s+(\d+)(?:\s*,\s*(\d+))?(?:\s*,\s*(\d+))?", m.group(2))
        threads = None
        if d:
            threads = 1
            for g in d.groups():
                if g:
                    threads *= int(g)
        b = re.search(r"\.minnctapersm\s+(\d+)", m.group(2))
        bounds[m.group(1)] = (threads, int(b.group(1)) if b else None)
    return bounds


def compile_one(nvcc, source, arch):
    with tempfile.TemporaryDirectory(prefix="convt_ptxas_") as tmp:
        cmd = [nvcc, *FLAGS, "-I" + REPO, "-cubin", f"-arch=sm_{arch}", "--resource-usage",
               "-keep", "--keep-dir", tmp, "-o", os.path.join(tmp, "out.cubin"), source]
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
        if res.returncode != 0:
            raise Failure(f"nvcc failed on {os.path.relpath(source, REPO)} for sm_{arch}\n{res.stdout}{res.stderr}")
        ptx = ""
        for path in glob.glob(os.path.join(tmp, "*.ptx")):
            with open(path) as f:
                ptx += f.read()
    functions = parse_ptxas(res.stdout + res.stderr)
    bounds = parse_launch_bounds(ptx)
    for name, f in functions.items():
        if "stack" not in f or (f["entry"] and "registers" not in f):
            raise Failure(f"ptxas's report for {name} (sm_{arch}) lacks the registers or the stack frame line")
        f.setdefault("registers", None)
        f.setdefault("smem", 0)
        f.setdefault("cmem", None)
        f["threads"], f["min_blocks"] = bounds.get(name, (None, None))
        f["source"] = os.path.relpath(source, REPO) if source.startswith(REPO + os.sep) else source
        f["arch"] = arch
    return functions


def occupancy(f, arch):
    """Blocks per SM from registers, threads, block count and static shared
    memory; the limiting resources; the dynamic shared memory a block may
    still use at that occupancy."""
    a = ARCHS[arch]
    threads = f["threads"]
    if not threads:
        return None
    warps = -(-threads // WARP)
    per_warp = -(-f["registers"] * WARP // REGISTER_GRANULE) * REGISTER_GRANULE
    limits = {
        "registers": (a["registers"] // per_warp) // warps if per_warp else a["blocks"],
        "threads": a["threads"] // threads,
        "blocks": a["blocks"],
    }
    static = f["smem"] + SMEM_RESERVED
    limits["shared"] = a["smem_sm"] // (-(-static // SMEM_GRANULE) * SMEM_GRANULE)
    blocks = min(limits.values())
    limited = [k for k, v in limits.items() if v == blocks]
    if blocks == 0:
        return {"blocks": 0, "warps": 0, "limited_by": limited, "dynamic_smem_left": 0}
    per_block = (a["smem_sm"] // blocks) // SMEM_GRANULE * SMEM_GRANULE
    left = min(per_block - SMEM_RESERVED, a["smem_block"]) - f["smem"]
    return {"blocks": blocks, "warps": blocks * warps, "limited_by": limited, "dynamic_smem_left": max(left, 0)}


def collect(nvcc, archs, sources):
    if not sources:
        raise Failure("no .cu file to compile")
    jobs = [(s, a) for a in archs for s in sources]
    results = {a: {} for a in archs}
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for (source, arch), functions in zip(jobs, pool.map(lambda j: compile_one(nvcc, *j), jobs)):
            for name, f in functions.items():
                results[arch].setdefault(name, f)
    names = demangle(sorted({n for a in archs for n in results[a]}))
    for arch in archs:
        for name, f in results[arch].items():
            f["name"] = names[name]
            f["mangled"] = name
            if f["entry"]:
                f["occupancy"] = occupancy(f, arch)
    return results


def table(arch, functions):
    a = ARCHS[arch]
    lines = [f"sm_{arch} ({a['gpu']}: {a['registers'] // 1024}K registers, {a['threads']} threads, "
             f"{a['blocks']} blocks, {a['smem_sm'] // 1024} KB shared per SM)", "",
             "| kernel | source | launch bounds | registers | static smem (B) | stack (B) | spill st/ld (B) "
             "| cmem[0] (B) | blocks/SM | warps/SM | limited by | dynamic smem left per block (B) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for f in sorted(functions.values(), key=lambda f: (not f["entry"], f["name"])):
        o = f.get("occupancy")
        occ = (f"{o['blocks']} | {o['warps']} / 64 | {', '.join(o['limited_by'])} | {o['dynamic_smem_left']}"
               if o else "- | - | - | -")
        cmem = "-" if f["cmem"] is None else str(f["cmem"])
        name = f["name"] if f["entry"] else f"{f['name']} (called)"
        bounds = "-" if not f["threads"] else str(f["threads"]) + (f", {f['min_blocks']}" if f["min_blocks"] else "")
        lines.append(f"| `{name}` | {f['source']} | {bounds} | {f['registers'] if f['registers'] is not None else '-'} | {f['smem']} "
                     f"| {f['stack']} | {f['spill_stores']}/{f['spill_loads']} | {cmem} | {occ} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", nargs="+", default=["80", "90"], choices=sorted(ARCHS))
    parser.add_argument("--nvcc")
    parser.add_argument("--sources", nargs="+", help="these .cu files instead of optimized/cuda/*.cu")
    parser.add_argument("--check", action="store_true", help="exit 1 on spills or a stack frame")
    parser.add_argument("--json", action="store_true", help="the parsed numbers as JSON")
    args = parser.parse_args()
    try:
        nvcc = find_nvcc(args.nvcc)
        sources = ([os.path.abspath(s) for s in args.sources] if args.sources
                   else sorted(glob.glob(os.path.join(REPO, "optimized", "cuda", "*.cu"))))
        results = collect(nvcc, args.arch, sources)
    except Failure as e:
        text = str(e)
        first, _, rest = text.partition("\n")
        print(f"cuda_resources.py: {first}", file=sys.stderr)
        if rest:
            print(rest, file=sys.stderr)
        return 2
    if not any(f["entry"] for fs in results.values() for f in fs.values()):
        print("cuda_resources.py: ptxas reported no kernel", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({f"sm_{a}": sorted(fs.values(), key=lambda f: f["name"]) for a, fs in results.items()},
                         indent=1))
    else:
        print("\n\n".join(table(a, results[a]) for a in args.arch))
    if args.check:
        bad = [f"{f['name']} (sm_{f['arch']}): {f['stack']} B stack frame, "
               f"{f['spill_stores']}/{f['spill_loads']} B spill stores/loads"
               for fs in results.values() for f in fs.values()
               if f["stack"] or f["spill_stores"] or f["spill_loads"]]
        for line in bad:
            print(f"cuda_resources.py: {line}", file=sys.stderr)
        if bad:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
