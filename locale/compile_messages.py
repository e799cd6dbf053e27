"""Compile locale/*/LC_MESSAGES/*.po into .mo without GNU gettext.

`manage.py compilemessages` needs the msgfmt program, which a fresh machine (and CI) may lack; the
catalogues here are small, so this stands in for it. The .mo files are committed, and a test checks
that they are what this script makes of the .po files.

    .venv/bin/python locale/compile_messages.py
"""
from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent


def parse_po(text: str) -> dict[str, str]:
    """{key: translation} as GNU .mo files store them: ``ctxt\\x04id`` for a context, ``id\\0plural``
    and NUL-joined forms for plurals. Fuzzy and untranslated entries are left out, as msgfmt does."""
    messages = {}
    for block in text.split("\n\n"):
        entry, key, fuzzy = {}, None, False
        for line in block.strip().splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith('"'):
                entry[key] += ast.literal_eval(line)
                continue
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
        if "msgid" not in entry:
            continue
        forms = [entry[k] for k in sorted(k for k in entry if k.startswith("msgstr"))]
        if fuzzy and entry["msgid"] or not all(forms):
            continue
        source = entry["msgid"]
        if "msgid_plural" in entry:
            source += "\0" + entry["msgid_plural"]
        if "msgctxt" in entry:
            source = entry["msgctxt"] + "\x04" + source
        messages[source] = "\0".join(forms)
    return messages


def mo_bytes(messages: dict[str, str]) -> bytes:
    keys = sorted(messages)
    ids = [k.encode() for k in keys]
    strs = [messages[k].encode() for k in keys]
    header_size = 7 * 4
    ids_table, strs_table = header_size, header_size + 8 * len(keys)
    data_start = strs_table + 8 * len(keys)
    offsets, data = [], b""
    for blob in ids + strs:
        offsets.append((len(blob), data_start + len(data)))
        data += blob + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), ids_table, strs_table, 0, 0)
    tables = b"".join(struct.pack("<2I", length, offset) for length, offset in offsets)
    return header + tables + data


def compile_all() -> list[Path]:
    written = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(mo_bytes(parse_po(po.read_text(encoding="utf-8"))))
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all():
        sys.stdout.write(f"{path.relative_to(LOCALE_DIR.parent)}\n")
