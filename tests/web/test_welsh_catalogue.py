"""Every text the wallet and verifier pages mark for translation has a Welsh translation, and
every catalogue course has a Welsh name (docs/welsh.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "passport_web" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"


def test_every_marked_text_is_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "N_", "-k", "flash", "--no-location",
                    "-o", str(pot), str(ROOT)], check=True, capture_output=True, cwd=ROOT)
    with pot.open("rb") as handle:
        wanted = {message.id if isinstance(message.id, str) else message.id[0]
                  for message in read_po(handle) if message.id}
    with PO.open("rb") as handle:
        translated = {(message.id if isinstance(message.id, str) else message.id[0]):
                      message.string for message in read_po(handle, locale="cy") if message.id}
    assert len(wanted) > 300
    def done(string) -> bool:  # every plural form filled in, for a message with plurals
        return bool(string) and all(string) if isinstance(string, tuple) else bool(string)

    missing = sorted(text for text in wanted if not done(translated.get(text)))
    assert missing == []


def test_every_course_has_a_welsh_name():
    from schemas.welsh import missing_keys, welsh_title

    assert missing_keys() == []
    assert welsh_title("Fire safety") == "Diogelwch tân"
    assert welsh_title("Not a course") is None


def test_catalogue_compiles_when_missing_or_older(tmp_path):
    import os
    import shutil

    from babel.messages.mofile import read_mo

    from passport_web.i18n import compile_catalogues

    folder = tmp_path / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PO, folder / "messages.po")
    assert compile_catalogues(tmp_path) == tmp_path
    mo = folder / "messages.mo"
    with mo.open("rb") as handle:
        assert read_mo(handle).get("Skip to main content").string == "Neidio i'r prif gynnwys"
    os.utime(mo, (1, 1))  # older than the .po: compiled again
    compile_catalogues(tmp_path)
    assert mo.stat().st_mtime > 1
