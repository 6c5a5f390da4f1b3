"""The environment every benchmark runs in: production settings (DEBUG off, no query log), with
throwaway secrets so that settings load. Imported by each ``bench/*_bench.py`` before Django starts.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(*, allowed_hosts: str = "testserver,localhost,127.0.0.1") -> None:
    """Put the project on the path and fill in what production requires but a benchmark does not own."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    defaults = {
        "DJANGO_SETTINGS_MODULE": "jiaozuo_union.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefghij",
        "ALLOWED_HOSTS": allowed_hosts,
        "FORCE_HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "PII_HASH_KEY": "bench-pii-hash-key-not-for-production-0123456789abcdef",
        "FIELD_ENCRYPTION_KEY": "dGVzdC1maWVsZC1lbmNyeXB0aW9uLWtleS0wMTIzNDU=",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
