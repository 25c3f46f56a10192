#!/usr/bin/env python3
"""cli_docs.py: the command line is written down once (cli/commands.c); this
holds everything else against it. It fails when

- an option a command parses (an option string or a getopt long option in
  its source files) is missing from `kwscope CMD --help`;
- a command, board subcommand or option in `kwscope --help` is missing from
  the README's "Command line" block or from kwscope.1's SYNOPSIS;
- `kwscope CMD --help` (and `kwscope board SUB --help`) does not exit 0.
"""
import os
import re
import subprocess
import sys

BIN = os.environ["KWSCOPE_BIN"]
SRC = os.environ["KWSCOPE_SOURCE_DIR"]
failures = []

# Source files per command: the dashboard's options are parsed in dash/.
SOURCES = {
    "": ["dash/dash_main.c"],
    "board": ["cli/cmd_board.c"],
}
IGNORED = {"--help", "-h"}
OPT = re.compile(r"(?<![\w-])(--?[a-z][a-z0-9-]*)")


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def kwscope(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30)


def entries(text):
    """(name, sub, options) per usage entry of `kwscope --help`."""
    out, cur = [], None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("usage: "):
            s = s[len("usage: "):]
        if s.startswith("kwscope --help"):
            break
        if s.startswith("kwscope"):
            words = s.split()
            name = words[1] if len(words) > 1 and re.fullmatch(r"[a-z]+", words[1]) else ""
            sub = None
            if name in ("board", "model") and len(words) > 2:
                sub = words[2]
            cur = [name, sub, set()]
            out.append(cur)
            s = s[len("kwscope"):]
        if cur is not None:
            cur[2].update(o for o in OPT.findall(s) if o not in IGNORED)
    return out


def blocks(lines, start):
    """Text blocks that open with a line starting with `start`, up to the next."""
    out, cur = [], None
    for line in lines:
        if line.lstrip().startswith(start) and not line.startswith(" " * 8):
            cur = [line]
            out.append(cur)
        elif cur is not None:
            cur.append(line)
    return ["\n".join(b) for b in out]


def readme_blocks():
    text = open(os.path.join(SRC, "README.md")).read()
    part = text.split("## Command line", 1)[1].split("```", 2)[1]
    return blocks(part.splitlines(), "kwscope")


def man_blocks():
    text = open(os.path.join(SRC, "kwscope.1")).read()
    syn = text.split(".SH SYNOPSIS", 1)[1].split(".SH ", 1)[0]
    syn = re.sub(r"\\f[BIRP]", "", syn).replace("\\-", "-")
    syn = syn.replace(".B kwscope", "kwscope")
    lines = [l for l in syn.splitlines() if l.strip() != ".br"]
    return blocks(lines, "kwscope")


def head(block):
    """The command words a documentation block opens with."""
    first = block.split("\n", 1)[0].split()
    words = [w for w in first[1:] if re.fullmatch(r"[a-z|]+", w)]
    return words


def matching(docs, name, sub):
    out = []
    for b in docs:
        h = head(b)
        if not name:
            if not h or h[0] not in NAMES:
                out.append(b)
        elif h and h[0] == name and (sub is None or any(sub in w.split("|") for w in h[1:])):
            out.append(b)
    return out


helptext = kwscope("--help")
check(helptext.returncode == 0, "kwscope --help exits 0")
table = entries(helptext.stdout)
NAMES = {e[0] for e in table if e[0]}
check(len(table) >= 10, "kwscope --help lists the commands (%d entries)" % len(table))

# 1. What each command parses is in its --help.
for name in sorted(NAMES | {""}):
    files = SOURCES.get(name, ["cli/cmd_%s.c" % name])
    if name == "board":
        files += ["cli/" + f for f in os.listdir(os.path.join(SRC, "cli")) if f.startswith("board_")]
    parsed = set()
    for f in files:
        src = open(os.path.join(SRC, f)).read()
        parsed.update(o for o in re.findall(r'"(--?[a-z][a-z0-9-]*)"', src))
        parsed.update("--" + o for o in re.findall(r'\{"([a-z][a-z0-9-]*)", *(?:no|required|optional)_argument', src))
    args = [name, "--help"] if name else ["--help"]
    h = kwscope(*args)
    check(h.returncode == 0, "kwscope %s --help exits 0" % name)
    documented = set(OPT.findall(h.stdout))
    for o in sorted(parsed - IGNORED - documented):
        check(False, "kwscope %s: %s is parsed (%s) but not in --help" % (name or "(dashboard)", o, ", ".join(files)))

for name, sub, _ in table:
    if sub:
        h = kwscope(name, sub, "--help")
        check(h.returncode == 0 and ("kwscope %s %s" % (name, sub)) in h.stdout,
              "kwscope %s %s --help prints its usage" % (name, sub))

# 2. README and man page name every command and option of --help.
for label, docs in (("README.md", readme_blocks()), ("kwscope.1", man_blocks())):
    for name, sub, opts in table:
        what = ("kwscope %s %s" % (name, sub or "")).strip() or "kwscope (dashboard)"
        found = matching(docs, name, sub)
        check(found, "%s: no synopsis for %s" % (label, what))
        if not found:
            continue
        have = set()
        for b in found:
            have.update(OPT.findall(b))
        for o in sorted(opts - have):
            check(False, "%s: %s lacks %s" % (label, what, o))

print("cli_docs: %d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
