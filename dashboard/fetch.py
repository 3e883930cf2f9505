"""Fetch article pages from the web politely, safely, and once (an on-disk cache).

URLs come from users, so every address is checked before any connection: only http(s),
and never a loopback, private, link-local, multicast, reserved or cloud-metadata address,
after DNS resolution and again at every redirect (redirects are followed here, one hop at
a time, never by the HTTP library). The connection goes to the address that was checked,
so a name cannot resolve to a public address for the check and a private one for the
request. Bodies are read in chunks and dropped past a size limit. urllib3 (already
installed with trafilatura) does the HTTP; the checks are ours because no library makes
them.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import urllib3


def _version() -> str:
    try:
        return version("storyline")
    except PackageNotFoundError:
        return "dev"


USER_AGENT = f"Storyline/{_version()} (news timeline builder)"
TIMEOUT_S = 15.0
RETRIES = 2  # further tries after a timeout or a 5xx answer, with growing pauses
BACKOFF_S = 1.0
HOST_DELAY_S = 1.0  # pause between two requests to one host
MAX_REDIRECTS = 5
MAX_BYTES = 5_000_000
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
# Environment switches (documented in README "Input formats"): allow private addresses
# (local use, tests), and turn fetching off entirely (a hosted app).
ALLOW_PRIVATE_ENV = "STORYLINE_ALLOW_PRIVATE_URLS"
HOSTED_ENV = "STORYLINE_HOSTED"

_last_request: dict[str, float] = {}


class FetchError(Exception):
    """A URL that was not fetched, and why (``reason`` is a short cause for summaries)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Fetched:
    """A page on disk: where, from which URL (after redirects), and whether it was cached."""

    path: Path
    url: str
    final_url: str
    cached: bool


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def fetching_allowed() -> bool:
    """False in a hosted deployment (STORYLINE_HOSTED=1): users' URLs are never fetched."""
    return not _flag(HOSTED_ENV)


def check_address(address: str, *, allow_private: bool = False) -> None:
    """Refuse an IP address the fetcher must not reach (raises FetchError)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        raise FetchError(f"{ip} is a cloud metadata address", "refused address")
    if allow_private:
        return
    if (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        raise FetchError(f"{ip} is not a public address", "refused address")


def resolve(url: str, *, allow_private: bool = False) -> tuple[str, str, int, str]:
    """(scheme, host, port, checked address) for a URL; raises FetchError when refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs are fetched, not {parts.scheme!r}", "scheme")
    if not parts.hostname:
        raise FetchError("the URL has no host", "bad url")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {parts.hostname}: {exc}", "dns") from exc
    addresses = sorted({info[4][0] for info in infos})
    for address in addresses:  # every address the name has, not just the first
        check_address(address, allow_private=allow_private)
    return parts.scheme, parts.hostname, port, addresses[0]


def cache_paths(cache_dir: Path, url: str) -> tuple[Path, Path]:
    """The page file and its metadata file for a URL."""
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]
    return cache_dir / f"{key}.html", cache_dir / f"{key}.json"


def fetch(url: str, cache_dir: Path, *, allow_private: bool | None = None) -> Fetched:
    """The page at ``url``, from the cache or the web (raises FetchError with a reason)."""
    if not fetching_allowed():
        raise FetchError("fetching URLs is turned off in this deployment", "fetching off")
    page, meta = cache_paths(cache_dir, url)
    if page.exists() and meta.exists():
        info = json.loads(meta.read_text(encoding="utf-8"))
        return Fetched(page, url, info.get("final_url", url), cached=True)
    private = _flag(ALLOW_PRIVATE_ENV) if allow_private is None else allow_private
    body, final_url, status = _get(url, private)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = page.with_suffix(".part")
    tmp.write_bytes(body)
    tmp.replace(page)
    meta.write_text(
        json.dumps(
            {
                "url": url,
                "final_url": final_url,
                "status": status,
                "fetched_at": datetime.now(UTC).isoformat(),
            }
        ),
        encoding="utf-8",
    )
    return Fetched(page, url, final_url, cached=False)


def _get(url: str, allow_private: bool) -> tuple[bytes, str, int]:
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        response = _request(current, allow_private)
        if response.status in (301, 302, 303, 307, 308):
            location = response.headers.get("Location")
            response.release_conn()
            if not location:
                raise FetchError(f"{current}: redirect without a Location", "http error")
            current = urljoin(current, location)  # checked again by the next _request
            continue
        try:
            if response.status >= 400:
                raise FetchError(f"{current}: HTTP {response.status}", f"http {response.status}")
            return _read_limited(response, current), current, response.status
        finally:
            response.release_conn()
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects", "redirects")


def _request(url: str, allow_private: bool) -> urllib3.BaseHTTPResponse:
    scheme, host, port, address = resolve(url, allow_private=allow_private)
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {"User-Agent": USER_AGENT, "Host": parts.netloc, "Accept": "text/html,*/*"}
    timeout = urllib3.Timeout(connect=TIMEOUT_S, read=TIMEOUT_S)
    if scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=host,
            assert_hostname=host,
            timeout=timeout,
            retries=False,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    for attempt in range(RETRIES + 1):
        _polite_pause(host)
        try:
            response = pool.urlopen(
                "GET", path, headers=headers, redirect=False, preload_content=False
            )
        except urllib3.exceptions.TimeoutError as exc:
            if attempt == RETRIES:
                raise FetchError(f"{url}: timed out after {TIMEOUT_S:.0f} s", "timeout") from exc
        except urllib3.exceptions.HTTPError as exc:
            if attempt == RETRIES:
                raise FetchError(f"{url}: {exc}", "connection") from exc
        else:
            if response.status < 500 or attempt == RETRIES:
                return response
            response.release_conn()
        time.sleep(BACKOFF_S * (2**attempt))
    raise AssertionError("unreachable")


def _polite_pause(host: str) -> None:
    wait = _last_request.get(host, 0.0) + HOST_DELAY_S - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    _last_request[host] = time.monotonic()


def _read_limited(response: urllib3.BaseHTTPResponse, url: str) -> bytes:
    chunks, total = [], 0
    for chunk in response.stream(64 * 1024):
        total += len(chunk)
        if total > MAX_BYTES:
            raise FetchError(f"{url}: body over {MAX_BYTES:,} bytes; not read", "too large")
        chunks.append(chunk)
    return b"".join(chunks)


def url_list(path: Path) -> list[str]:
    """The URLs of a ``.urls`` file: one per line, blank lines and # comments skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
