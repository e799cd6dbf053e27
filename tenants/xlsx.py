"""Every .xlsx the platform writes or reads goes through here (the only module importing openpyxl;
tests/members/test_spreadsheet_safety.py checks that).

Writing: a text that starts with = + - @ (after any leading whitespace) is what Excel and WPS take
for a formula; a member called =HYPERLINK(...) must come out as that text, not as a live link.
So every text cell is written as a string with Excel's quote prefix, whatever it starts with.

Reading: an .xlsx is a zip; a few hundred KB can expand to gigabytes of XML that openpyxl would
hold in memory. The archive's directory is checked before openpyxl sees the file.
"""
from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

# What Excel, LibreOffice and WPS start evaluating on: = + - @ and the full-width forms WPS accepts.
_FORMULA_START = re.compile(r"^[\s\u3000]*[=+\-@＝＋－＠]")

# A roster of 50,000 members is about 15 MB of XML; nothing we read legitimately comes near these.
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
MAX_MEMBER_BYTES = 60 * 1024 * 1024
# Spreadsheet XML compresses about 5-20 times; repeated padding built to explode compresses ~1000.
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 2000


class UnsafeWorkbook(ValueError):
    """The file is not an .xlsx we are willing to open; the message is for the user."""


def looks_like_formula(text: str) -> bool:
    return bool(_FORMULA_START.match(text))


def text_cell(sheet, value):
    """A cell Excel shows as the text it is, never evaluates."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def row(sheet, values) -> list:
    return [text_cell(sheet, value) if isinstance(value, str) else value for value in values]


def append(sheet, values) -> None:
    """The one way rows go into a sheet we hand out (normal or write-only workbooks alike)."""
    sheet.append(row(sheet, values))


def new_workbook(*, write_only: bool = False) -> Workbook:
    return Workbook(write_only=write_only)


def to_bytes(book: Workbook) -> bytes:
    """Saves the workbook; any text cell set directly (not through append) is defused here too."""
    if not book.write_only:
        for sheet in book.worksheets:
            for cells in sheet.iter_rows():
                for cell in cells:
                    if isinstance(cell.value, str) and (cell.data_type == "f" or looks_like_formula(cell.value)):
                        cell.data_type = "s"
                        cell.quotePrefix = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check_archive(fileobj) -> None:
    """Refuses a zip whose members would expand past what any real workbook needs.

    Reads only the zip's central directory; the file position is restored for the reader."""
    start = fileobj.tell()
    try:
        try:
            archive = zipfile.ZipFile(fileobj)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise UnsafeWorkbook("文件不是有效的 .xlsx 表格。") from None
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnsafeWorkbook("表格文件结构异常（包含的部件过多），已拒绝。")
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > MAX_MEMBER_BYTES or total > MAX_EXPANDED_BYTES or (
                    member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO):
                raise UnsafeWorkbook("表格解压后过大或压缩比异常（疑似“压缩炸弹”），已拒绝。"
                                     "请删除多余内容后重新保存再上传。")
    finally:
        fileobj.seek(start)


def open_for_reading(fileobj) -> Workbook:
    """A read-only workbook of values, after the archive check; UnsafeWorkbook for anything else."""
    check_archive(fileobj)
    try:
        return load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises a dozen types for a damaged or foreign file
        raise UnsafeWorkbook("文件不是有效的 .xlsx 表格。") from None
