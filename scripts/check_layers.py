#!/usr/bin/env python3
"""Checks that the library keeps its layers (src/README.md).

    scripts/check_layers.py [--build DIR] [--max-lines N] [--list N]

The layers and what each may use are read from the lsc_layer(...) lines of
CMakeLists.txt (one source of truth with the build). Checks, each failing
the run (exit 1) with one line per finding:

  include    a file in src/<layer>/ includes a private header of a layer it
             may not use (only downward, by the DEPS closure);
  circle     a circle among the modules (x.c + x.h) drawn from #include lines;
  call       (with --build) an object of one layer calls or reads a symbol
             defined in a layer it may not use (nm: undefined -> defining);
  namespace  (with --build) a global symbol of libleadscore.a without the
             lsc_ prefix;
  length     a function longer than --max-lines lines (default 150).

--list N also prints the N longest functions (information, not a failure).
Exit 0 when all hold, 1 on any finding, 2 on a usage error.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_layers():
    text = open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8").read()
    deps = {}
    for m in re.finditer(r"^lsc_layer\((\w+)(?:\s+DEPS\s+([^)]*))?\)", text, re.M):
        deps[m.group(1)] = (m.group(2) or "").split()
    closure = {}

    def below(name, seen=()):
        if name in closure:
            return closure[name]
        if name in seen:
            raise SystemExit(f"check_layers: CMakeLists.txt: layer circle through {name}")
        out = set()
        for d in deps.get(name, []):
            if d not in deps:
                raise SystemExit(f"check_layers: CMakeLists.txt: layer {name} uses unknown {d}")
            out |= {d} | below(d, seen + (name,))
        closure[name] = out
        return out

    for name in deps:
        below(name)
    return deps, closure


def src_files():
    files = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "src", "*", "*.[ch]"))):
        layer = os.path.basename(os.path.dirname(path))
        files[path] = layer
    return files


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def check_includes(files, closure, findings):
    header_layer = {}
    for path, layer in files.items():
        if path.endswith(".h"):
            base = os.path.basename(path)
            if base in header_layer:
                findings.append(f"include: two private headers named {base}")
            header_layer[base] = layer
    edges = {}
    for path, layer in files.items():
        mod = (layer, os.path.splitext(os.path.basename(path))[0])
        text = open(path, encoding="utf-8").read()
        for inc in INCLUDE.findall(text):
            if inc.startswith("leadscore"):
                continue
            target = header_layer.get(os.path.basename(inc))
            rel = os.path.relpath(path, ROOT)
            if target is None:
                findings.append(f"include: {rel}: \"{inc}\" is no header in src/")
                continue
            if target != layer and target not in closure.get(layer, set()):
                findings.append(f"include: {rel}: \"{inc}\" is in src/{target}/, "
                                f"which src/{layer}/ may not use")
            tmod = (target, os.path.splitext(os.path.basename(inc))[0])
            if tmod != mod:
                edges.setdefault(mod, set()).add(tmod)
    return edges


def check_circles(edges, findings):
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(edges.get(m, ())):
            if state.get(t) == 1:
                cyc = stack[stack.index(t):] + [t]
                findings.append("circle: " + " -> ".join(f"{a}/{b}" for a, b in cyc))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)


def check_calls(build, closure, findings):
    defined, undefined = {}, []
    for layer in closure:
        objs = glob.glob(os.path.join(build, "CMakeFiles", f"lsc_{layer}.dir", "**", "*.o"),
                         recursive=True)
        if not objs:
            findings.append(f"call: no objects for layer {layer} under {build} (build first)")
            continue
        out = subprocess.run(["nm", "-A"] + objs, capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            head, _, rest = line.partition(":")
            f = rest.split()
            if len(f) == 2 and f[0] == "U":
                undefined.append((layer, os.path.basename(head), f[1]))
            elif len(f) == 3 and f[1] in "TDRBC":
                defined[f[2]] = (layer, os.path.basename(head))
    for layer, obj, sym in undefined:
        if sym in defined:
            tl, tobj = defined[sym]
            if tl != layer and tl not in closure[layer]:
                findings.append(f"call: src/{layer}/{obj.replace('.c.o', '.c')} uses {sym} "
                                f"from src/{tl}/{tobj.replace('.c.o', '.c')}")


def check_namespace(build, findings):
    lib = os.path.join(build, "lib", "libleadscore.a")
    if not os.path.exists(lib):
        findings.append(f"namespace: {lib} not found (build first)")
        return
    out = subprocess.run(["nm", "-g", "--defined-only", lib], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        f = line.split()
        # __odr_asan.NAME: AddressSanitizer's marker for a global variable NAME
        name = f[2].removeprefix("__odr_asan.") if len(f) == 3 else ""
        if len(f) == 3 and not name.startswith("lsc_"):
            findings.append(f"namespace: global symbol {f[2]} lacks the lsc_ prefix")


FUNC_START = re.compile(r"^[A-Za-z_][\w \*]*?\b(\w+)\s*\([^;]*$")


def function_lengths(files):
    """(lines, name, path) for every function definition: a line at column 0
    that opens a parameter list, a '{' alone at column 0, and the '}' at
    column 0 that closes it (the house style, .clang-format)."""
    out = []
    for path in files:
        if not path.endswith(".c"):
            continue
        lines = open(path, encoding="utf-8").read().split("\n")
        name, start = None, None
        for i, line in enumerate(lines):
            if start is None:
                m = FUNC_START.match(line)
                if m and not line.startswith(("typedef", "#")):
                    name, sig = m.group(1), i
                elif line == "{" and name is not None:
                    start = sig
                elif line and not line[0].isspace() and not line.startswith(("{", "/", "*")):
                    name = None
            elif line == "}":
                out.append((i - start + 1, name, os.path.relpath(path, ROOT), start + 1))
                name, start = None, None
    return sorted(out, reverse=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", help="build folder: also check calls and the namespace")
    ap.add_argument("--max-lines", type=int, default=150)
    ap.add_argument("--list", type=int, default=0)
    ap.add_argument("--known", help="file of findings still to be fixed (one per line, as "
                    "printed; a length finding without its line number and size): they are "
                    "reported but do not fail the run; new ones do")
    a = ap.parse_args()
    deps, closure = read_layers()
    files = src_files()
    stray = [p for p in glob.glob(os.path.join(ROOT, "src", "*.[ch]"))]
    findings = [f"include: {os.path.relpath(p, ROOT)} sits outside the layer folders"
                for p in stray]
    for layer in sorted(set(files.values()) - set(deps)):
        findings.append(f"include: src/{layer}/ is no layer in CMakeLists.txt")
    edges = check_includes(files, closure, findings)
    check_circles(edges, findings)
    if a.build:
        check_calls(a.build, closure, findings)
        check_namespace(a.build, findings)
    lengths = function_lengths(files)
    for n, name, path, line in lengths:
        if n > a.max_lines:
            findings.append(f"length: {path}:{line}: {name} is {n} lines (limit {a.max_lines})")
    for n, name, path, line in lengths[: a.list]:
        print(f"{n:5d}  {name}  {path}:{line}")
    known = read_known(a.known) if a.known else set()
    new = [f for f in findings if key(f) not in known]
    for f in findings:
        print(("known: " if key(f) in known else "") + f)
    for k in sorted(known - {key(f) for f in findings}):
        print(f"fixed: {k} (remove it from {os.path.relpath(a.known, ROOT)})")
    kinds = sorted({f.split(":")[0] for f in new})
    print(f"check_layers: {len(deps)} layers, {len(files)} files, {len(lengths)} functions; "
          + (f"{len(new)} new findings ({', '.join(kinds)})" if new else "no new findings")
          + (f", {len(findings) - len(new)} known" if known else ""))
    return 1 if new else 0


def key(finding):
    """A finding as --known lists it: a length without line number and size."""
    m = re.match(r"length: (\S+?):\d+: (\S+) is \d+ lines", finding)
    return f"length: {m.group(1)}: {m.group(2)}" if m else finding


def read_known(path):
    with open(path, encoding="utf-8") as f:
        return {key(line.strip()) for line in f if line.strip() and not line.startswith("#")}


if __name__ == "__main__":
    sys.exit(main())
