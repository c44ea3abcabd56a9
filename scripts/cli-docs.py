#!/usr/bin/env python3
"""Writes the command-line reference from `reprise --help` so it never drifts from the binary.

    scripts/cli-docs.py [--check] [REPRISE]

Regenerates docs/cli.md (every subcommand's help, verbatim) and the command table between the
`<!-- commands -->` markers of README.md. With --check nothing is written: the exit status is 1 and the
stale file is named when either differs from what the binary prints (the test suite runs this).
REPRISE defaults to .build/debug/reprise.
"""
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- commands -->", "<!-- /commands -->"


def run(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True,
                          env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"}).stdout


def commands(binary):
    """(path, abstract) of every visible subcommand, depth first, in the order the binary lists them."""
    found = []

    def walk(command, path):
        for sub in command.get("subcommands", []):
            if not sub.get("shouldDisplay", True) or sub["commandName"] == "help":
                continue
            found.append((path + [sub["commandName"]], sub.get("abstract", "")))
            walk(sub, path + [sub["commandName"]])

    walk(json.loads(run(binary, "--experimental-dump-help"))["command"], [])
    return found


def anchor(path):
    return "reprise-" + "-".join(path)


def cli_markdown(binary):
    out = ["# Command-line reference", "",
           "Generated from `reprise --help` by `scripts/cli-docs.py` (`make docs`); edit the help in",
           "`Sources/reprise/Commands/`, not this file. The tests fail when the two differ.", "",
           "Exit statuses are shared by every subcommand (see the README's exit status table); shell",
           "completion is described at the end.", ""]
    for path, abstract in commands(binary):
        out += [f"## reprise {' '.join(path)}", "", "```text", run(binary, *path, "--help").rstrip("\n"), "```", ""]
    out += ["## Shell completion", "",
            "`reprise --generate-completion-script bash|zsh|fish` prints a completion script:", "",
            "```sh",
            "reprise --generate-completion-script bash > /etc/bash_completion.d/reprise   # or ~/.local/share/bash-completion/completions/reprise",
            "reprise --generate-completion-script zsh > \"${fpath[1]}/_reprise\"",
            "reprise --generate-completion-script fish > ~/.config/fish/completions/reprise.fish",
            "```", ""]
    return "\n".join(out)


def readme_table(binary):
    rows = ["| command | what it does |", "|---|---|"]
    for path, abstract in commands(binary):
        name = " ".join(path)
        rows.append(f"| [`reprise {name}`](docs/cli.md#{anchor(path)}) | {abstract} |")
    return "\n".join(rows)


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    check = "--check" in sys.argv[1:]
    binary = args[0] if args else str(ROOT / ".build/debug/reprise")
    cli = ROOT / "docs/cli.md"
    readme = ROOT / "README.md"
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        sys.exit(f"README.md: the {BEGIN} ... {END} markers are missing")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    wanted = {cli: cli_markdown(binary), readme: head + BEGIN + "\n" + readme_table(binary) + "\n" + END + tail}
    stale = [path for path, content in wanted.items() if not path.exists() or path.read_text() != content]
    if check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} differs from `reprise --help`; run `make docs`", file=sys.stderr)
        sys.exit(1 if stale else 0)
    for path in stale:
        path.write_text(wanted[path])
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
