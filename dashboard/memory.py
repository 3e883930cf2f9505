"""Giving the memory a build's stage has freed back to the operating system.

glibc's malloc keeps what a process frees for its own later use: a clustering stage that
lets go of tens of MB of NumPy buffers and small objects leaves them mapped, and the next
stage's large arrays (mapped afresh, or grown in place by remapping) do not reuse them, so
each stage's peak sat on the garbage of the one before (100,000 articles: 34-50 MB after
each of clustering's stages). ``malloc_trim(0)`` returns the free pages; Dask's distributed
documents the same call for its workers ("Memory not released back to the OS").

Written by hand: a ctypes call, which no library wraps. With another C library (musl,
macOS) there is nothing to call and nothing is done.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # the C library the process runs on
    except (OSError, AttributeError):
        return None


def can_release() -> bool:
    """Whether this process's C library can give freed memory back (glibc)."""
    return _malloc_trim() is not None


def release_free_memory() -> None:
    """Give the pages malloc holds free back to the system (glibc; elsewhere nothing)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
