#!/usr/bin/env python3
"""Validates recordings line by line against docs/recording-format.schema.json (needs `jsonschema`).

Usage: validate-recording.py FILE...   Prints FILE:LINE: problem for each invalid line; exits 1 if any.
An incomplete last line (no newline) is reported as a warning, as Reprise's reader does.
"""
import json
import os
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "recording-format.schema.json")


def main():
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failed = False
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        incomplete = not data.endswith(b"\n")
        if not incomplete:
            lines = lines[:-1]
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except ValueError as error:
                if incomplete and number == len(lines):
                    print(f"{path}:{number}: warning: incomplete last line ignored")
                    continue
                print(f"{path}:{number}: not JSON: {error}")
                failed = True
                continue
            if number == 1 and value.get("type") != "header":
                print(f"{path}:{number}: the first line must be the header")
                failed = True
            errors = sorted(validator.iter_errors(value), key=lambda e: e.path)
            if errors:
                best = jsonschema.exceptions.best_match(errors)
                print(f"{path}:{number}: {best.message} (at {'/'.join(map(str, best.absolute_path)) or 'the line'})")
                failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
