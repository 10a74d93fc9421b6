"""Recording a benchmark's figures: replace its own section of benchmarks/README.md (from its
``## `` heading to the next one), leaving every other section as it is."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_section(heading: str, text: str) -> None:
    text = text.rstrip("\n") + "\n\n"
    current = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n\n"
    start = current.find(heading)
    if start == -1:
        current = current.rstrip("\n") + "\n\n" + text
    else:
        end = current.find("\n## ", start + len(heading))
        current = current[:start] + text + (current[end + 1:] if end != -1 else "")
    README.write_text(current, encoding="utf-8")
