from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
    return response


def download(files, file_id) -> FileResponse:
    """One file of ``files`` (an object's attachments, already limited to what the user may see)."""
    attached = files.filter(pk=file_id).first()
    if attached is None:
        raise Http404
    return FileResponse(attached.file.open("rb"), as_attachment=True, filename=attached.name)


UPLOAD_REQUEST = {"multipart/form-data": {"type": "object", "properties": {
    "file": {"type": "string", "format": "binary"}}}}
