"""Checks for files schools attach to provincial submissions."""
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError

MAX_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".jpg", ".jpeg", ".png",
                    ".zip", ".rar", ".wps", ".et", ".mp4"}


OLE = b"\xd0\xcf\x11\xe0"  # .doc/.xls/.ppt and WPS files
ZIP = b"PK"  # .docx/.xlsx/.pptx and .zip
SIGNATURES = {
    ".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".doc": (OLE,), ".xls": (OLE,), ".ppt": (OLE,), ".wps": (OLE, ZIP), ".et": (OLE, ZIP),
    ".docx": (ZIP,), ".xlsx": (ZIP,), ".pptx": (ZIP,), ".zip": (ZIP,), ".rar": (b"Rar!",),
}
EXECUTABLE = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")


def check_upload(upload) -> None:
    """Extension allowlist, size limit, and the first bytes must match what the name claims."""
    if upload is None:
        raise ValidationError({"file": "请选择要上传的文件（字段名 file）。"})
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": "文件不能超过 20 MB。"})
    suffix = PurePosixPath(upload.name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError({"file": "只能上传文档、表格、图片、压缩包或视频文件（" + "、".join(
            sorted(ALLOWED_SUFFIXES)) + "）。"})
    head = upload.read(2048)
    upload.seek(0)
    expected = SIGNATURES.get(suffix)
    if head.startswith(EXECUTABLE) or (expected and not head.startswith(expected)) or (
            suffix == ".txt" and b"\x00" in head) or (suffix == ".mp4" and head[4:8] != b"ftyp"):
        raise ValidationError({"file": f"文件内容与扩展名 {suffix} 不符。"})
