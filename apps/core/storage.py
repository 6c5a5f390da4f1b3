from __future__ import annotations

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files kept outside every public URL; core's private_file view is the only way out."""

    def url(self, name):
        raise ValueError("私有文件没有公开地址，请使用 private_file_url()。")
