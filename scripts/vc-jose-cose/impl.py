"""The project as an implementation of the W3C vc-jose-cose test suite's command-line interface.

    impl.py --tests DIR issue|verify --input /tests/input/F --key /tests/input/K \
            --feature credential_jose|presentation_jose|credential_cose|presentation_cose \
            [--sd PATHS] --output /tests/output/N.json

writes ``{"result": "success"|"failure"|"error", "data": "..."}`` as the suite expects
(tests/test-util.js). ``/tests`` is mapped to DIR. ``issue`` is ``passport sign --format …
--key K``; ``verify`` is ``passport verify --format … --key K`` (the key file is the only trusted
key). SD-JWT features are not implemented: the project declares them unsupported, so the suite
skips them. Run by scripts/w3c-suites.sh through the ``docker`` stand-in beside this file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

FORMATS = {"credential_jose": "vc+jwt", "presentation_jose": "vp+jwt",
           "credential_cose": "vc+cose", "presentation_cose": "vp+cose"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tests", type=Path, required=True)
    parser.add_argument("function", choices=("issue", "verify"))
    parser.add_argument("--input", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--feature", required=True)
    parser.add_argument("--sd")
    parser.add_argument("--output", required=True)
    args = parser.parse_args(argv)

    def local(path: str) -> str:
        return str(args.tests / path.removeprefix("/tests/")) if path.startswith("/tests/") \
            else path

    from passport_cli.main import main as passport

    result: dict = {"result": "error", "data": ""}
    secure_as = FORMATS.get(args.feature)
    if secure_as is None:
        result = {"result": "indeterminate", "data": f"{args.feature} is not supported"}
    elif args.function == "issue":
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "secured.txt"
            errors = io.StringIO()
            with contextlib.redirect_stderr(errors):
                code = passport(["sign", local(args.input), "--format", secure_as,
                                 "--key", local(args.key), "-o", str(out)])
            if code == 0:
                result = {"result": "success", "data": out.read_text(encoding="utf-8").strip()}
            else:
                result = {"result": "failure" if code == 1 else "error",
                          "data": errors.getvalue().strip()}
    else:
        report = io.StringIO()
        with contextlib.redirect_stdout(report):
            code = passport(["verify", local(args.input), "--format", secure_as,
                             "--key", local(args.key)])
        result = {"result": {0: "success", 1: "failure"}.get(code, "error"),
                  "data": report.getvalue().strip()}
    Path(local(args.output)).write_text(json.dumps(result), encoding="utf-8")
    print(f"{args.function} {args.feature} {Path(args.input).name}: {result['result']}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
