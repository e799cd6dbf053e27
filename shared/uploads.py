"""Checks for files schools attach to provincial submissions."""
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError

MAX_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".jpg", ".jpeg", ".png",
                    ".zip", ".rar", ".wps", ".et", ".mp4"}


def check_upload(upload) -> None:
    if upload is None:
        raise ValidationError({"file": "请选择要上传的文件（字段名 file）。"})
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": "文件不能超过 20 MB。"})
    if PurePosixPath(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise ValidationError({"file": "只能上传文档、表格、图片、压缩包或视频文件（" + "、".join(
            sorted(ALLOWED_SUFFIXES)) + "）。"})
