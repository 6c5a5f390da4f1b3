from __future__ import annotations

from django.contrib.staticfiles.storage import StaticFilesStorage
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files kept outside every public URL; core's private_file view is the only way out."""

    def url(self, name):
        raise ValueError("私有文件没有公开地址，请使用 private_file_url()。")


class KeptAddressesMixin:
    """A static file's address worked out once per storage (a manifest lookup, a quote, a URL join:
    half a dozen per page for the stylesheets, scripts and the icon sprite). A storage is made anew
    when STATIC_URL or STORAGES change, and the manifest is read once per process anyway."""

    def url(self, name, *args):  # the manifest storage also takes ``force``
        kept = self.__dict__.setdefault("_kept_addresses", {})
        address = kept.get((name, *args))
        if address is None:
            address = kept[(name, *args)] = super().url(name, *args)
        return address


class StaticStorage(KeptAddressesMixin, StaticFilesStorage):
    """Development and tests: Django's plain static storage."""


class ManifestStaticStorage(KeptAddressesMixin, CompressedManifestStaticFilesStorage):
    """Production: whitenoise's compressed storage with hashed names from the manifest."""
