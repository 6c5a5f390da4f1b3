"""Run callables at the same moment in real threads, for the race tests (PostgreSQL)."""
from __future__ import annotations

import threading
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection


def race(targets: list[Callable[[], object]]) -> list[object]:
    """Start every target together (a barrier); return what each returned, or the refusal it raised.

    Each thread has its own database connection, closed when it ends. Anything other than a
    refusal (ValidationError, PermissionDenied) is a failure of the test and is not caught.
    """
    outcomes: list[object] = []
    barrier = threading.Barrier(len(targets))

    def run(target):
        try:
            barrier.wait()
            outcomes.append(target())
        except (ValidationError, PermissionDenied) as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
