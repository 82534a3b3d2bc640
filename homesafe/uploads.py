"""Uploads are counted as they stream in, never read whole before their size is known.

SizeLimitedUploadHandler comes first in FILE_UPLOAD_HANDLERS (settings): it counts each file's
bytes as the request body arrives and, past HOMESAFE_MAX_UPLOAD_MB, passes nothing more on to
Django's own handlers (memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, then a temporary file), so the
rest of the body is read and dropped. The file then arrives as an OversizeUpload (empty, with
the size that was sent), which forms refuse naming the limit (upload_check_size).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

FILE_TOO_BIG = "The file must be smaller than {limit} MB."


def upload_limit_bytes() -> int:
    return settings.HOMESAFE_MAX_UPLOAD_MB * 1024 * 1024


def file_too_big_message() -> str:
    return FILE_TOO_BIG.format(limit=settings.HOMESAFE_MAX_UPLOAD_MB)


class OversizeUpload(UploadedFile):
    """A file that was bigger than the limit: its name and the bytes received, no content."""

    def __init__(self, *, name: str, size: int, content_type: str):
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)


def upload_check_size(upload: UploadedFile) -> UploadedFile:
    """For a form's clean_<file>: the upload, or a ValidationError naming the limit."""
    if isinstance(upload, OversizeUpload) or upload.size > upload_limit_bytes():
        raise ValidationError(file_too_big_message(), code="file_too_big")
    return upload


class SizeLimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.too_big = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > upload_limit_bytes():
            self.too_big = True
            return None  # the later handlers keep nothing more of this file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.too_big:
            return None  # the later handlers give the file
        return OversizeUpload(
            name=self.file_name, size=self.received, content_type=self.content_type or ""
        )
