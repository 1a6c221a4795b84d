#!/usr/bin/env python3
"""No include cycle inside a folder of format/, synth/, validate/ or plugin/.

Reads every #include "..." of the C sources and headers there (the quoted
ones: <...> names are the system's and Wireshark's) and fails, naming the
files and lines, on:

  - a file cycle: headers that include each other (a.h -> b.h -> a.h);
  - a module cycle: a module is a stem's .c and .h together (reassembly.c and
    reassembly.h), and module A needs module B when A's .c uses a function
    that B's .c defines, through a declaration in a header A includes. Two
    modules that need each other call each other in a circle. The header
    need not be B's own: validate/'s framer.c, reassembly.c and validation.c
    once called each other through one validation.h, and plugin/'s bodies.c
    and bodies_*.c through one bodies_decode.h (issue 10).

and on a shadowing header: a header of one folder named as one of the shared
libraries' headers (format/, synth/core/), which the folder's own files then
get in its place from #include "..." (validate/flow.h once shadowed
synth/core/flow.h).

Cycles are looked for inside each folder that holds C files (format,
synth/core, synth/gen, validate, plugin, and their bench/ folders): a quoted
name is that folder's file when the folder has it, as the compiler looks
first beside the including file; a name the folder does not have comes from
another folder (format/'s headers, the recorder core's, generated ones) and
cannot close a cycle inside it.

Usage: include_cycles.py [--source-dir DIR] [FOLDER...]   (default: the four)
Exit status 0 when there is no problem, 1 when there is one, 2 on bad usage.
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
DEFAULT_ROOTS = ["format", "synth", "validate", "plugin"]
SHARED = ["format", "synth/core"]  # the libraries whose headers other folders include


def folders(source_dir, roots):
    """Every folder under roots holding .c or .h files, relative to source_dir."""
    found = []
    for root in roots:
        top = os.path.join(source_dir, root)
        if not os.path.isdir(top):
            raise SystemExit("include_cycles: no folder %s" % top)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            if any(f.endswith((".c", ".h")) for f in filenames):
                found.append(os.path.relpath(dirpath, source_dir))
    return sorted(found)


IDENT = re.compile(r"\b[A-Za-z_]\w*\b")
COMMENT_OR_LITERAL = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
# A function definition: at the start of a line, not static, a name and its
# parameters, then the body's brace.
DEFINITION = re.compile(r"^(?!static\b|typedef\b|extern\b|struct\b|enum\b|union\b)[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)"
                        r"\s*\(([^;{}()]|\([^;{}()]*\))*\)\s*\{", re.M)


def strip(path):
    """path's text without comments and string or character literals (line breaks kept)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        source = f.read()
    return COMMENT_OR_LITERAL.sub(lambda m: "\n" * m.group(0).count("\n") if m.group(0)[0] == "/" else '""',
                                  source)


def definitions(source):
    """The functions a .c file defines with external linkage."""
    return [m.group(1) for m in DEFINITION.finditer(source)]


def includes_of(path):
    """(line number, quoted name) of each #include "..." in path."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                out.append((number, m.group(1)))
    return out


def strongly_connected(nodes, edges):
    """Tarjan's components of more than one node, or of one node with an edge to itself."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges.get(v, ()):
                result.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return result


def cycle_path(component, edges):
    """One closed walk through the first node of a component, within it."""
    start = component[0]
    members = set(component)
    # Breadth-first from start's successors back to start.
    previous = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(edges.get(v, ())):
                if w not in members:
                    continue
                if w == start:
                    path = [start]
                    while v != start:
                        path.append(v)
                        v = previous[v]
                    path.append(start)
                    return [path[0]] + list(reversed(path[1:-1])) + [start]
                if w not in seen:
                    seen.add(w)
                    previous[w] = v
                    nxt.append(w)
        frontier = nxt
    return component + [start]


def module_of(name):
    return os.path.splitext(name)[0]


def check_folder(source_dir, folder):
    """The cycles of one folder, as lines of text, and the number of files."""
    path = os.path.join(source_dir, folder)
    files = sorted(f for f in os.listdir(path) if f.endswith((".c", ".h")))
    present = set(files)
    file_edges, where = {}, {}
    for name in files:
        for line, included in includes_of(os.path.join(path, name)):
            if included not in present:  # another folder's, or generated
                continue
            file_edges.setdefault(name, set()).add(included)
            where.setdefault((name, included), line)
    problems = []
    for component in strongly_connected(files, file_edges):
        walk = cycle_path(component, file_edges)
        steps = ", ".join("%s:%d includes %s" % (a, where[(a, b)], b) for a, b in zip(walk, walk[1:]))
        problems.append("%s: file cycle %s (%s)" % (folder, " -> ".join(walk), steps))

    # Modules: a stem with a .c (reassembly.c with reassembly.h). Module A
    # needs module B when A's .c (or its own .h) uses a function that B's .c
    # defines, declared in a header that A's file includes (directly or
    # through other headers). Shared declaration headers (bodies_decode.h,
    # a private header) are followed to the .c that defines each function,
    # so a circle hidden behind one header is found too.
    text = {name: strip(os.path.join(path, name)) for name in files}
    modules = sorted({module_of(f) for f in files if f.endswith(".c")})
    defined = {}  # function -> the module whose .c defines it
    for name in files:
        if name.endswith(".c"):
            for fn in definitions(text[name]):
                defined.setdefault(fn, module_of(name))
    words = {name: set(IDENT.findall(text[name])) for name in files}

    def closure(name):
        """The folder's headers that name includes, directly or not."""
        seen, todo = set(), [name]
        while todo:
            for included in file_edges.get(todo.pop(), ()):
                if included not in seen:
                    seen.add(included)
                    todo.append(included)
        return seen

    module_edges, via = {}, {}
    for name in files:
        a = module_of(name)
        if a not in modules:
            continue
        visible = set()
        for header in closure(name):
            visible |= words[header]
        for fn in sorted(words[name] & visible):
            b = defined.get(fn)
            if b is not None and b != a:
                module_edges.setdefault(a, set()).add(b)
                via.setdefault((a, b), "%s uses %s() of %s.c" % (name, fn, b))
    for component in strongly_connected(modules, module_edges):
        walk = cycle_path(component, module_edges)
        steps = ", ".join(via[(a, b)] for a, b in zip(walk, walk[1:]))
        problems.append("%s: module cycle %s (%s)" % (folder, " -> ".join(walk), steps))
    return problems, len(files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("roots", nargs="*", default=DEFAULT_ROOTS)
    args = parser.parse_args()
    source_dir = os.path.abspath(args.source_dir)
    problems, total = [], 0
    checked = folders(source_dir, args.roots)
    for folder in checked:
        found, count = check_folder(source_dir, folder)
        problems += found
        total += count
    shared = {}
    for folder in SHARED:
        if os.path.isdir(os.path.join(source_dir, folder)):
            for name in sorted(os.listdir(os.path.join(source_dir, folder))):
                if name.endswith(".h"):
                    shared.setdefault(name, folder)
    for folder in checked:
        for name in sorted(os.listdir(os.path.join(source_dir, folder))):
            owner = shared.get(name)
            if name.endswith(".h") and owner is not None and owner != folder:
                problems.append("%s: %s shadows %s/%s for the folder's own #include \"%s\"" % (
                    folder, name, owner, name, name))
    for p in problems:
        print(p)
    print("include_cycles: %d files in %d folders (%s): %s" % (
        total, len(checked), ", ".join(checked), "%d problems" % len(problems) if problems else "no cycle, no shadowing header"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
