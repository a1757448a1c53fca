"""The State's company search API, called only where the installation allows outbound calls.

One client per process (kept on the app): a cache with expiry, a process-wide rate gate (the
API allows about 7 requests a second and answers 429 beyond), a timeout on every call. Any
failure is an outcome, never an exception: the profile form goes on with manual entry.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from flask import current_app

from ..domain.company_search import establishment_from_search
from ..domain.sirene import Establishment

Clock = Callable[[], float]

FOUND: Final = "found"
NOT_FOUND: Final = "not_found"
UNAVAILABLE: Final = "unavailable"  # timeout, refused connection, 5xx, unreadable answer
THROTTLED: Final = "throttled"  # the API said 429, or we are backing off from one
# Waiting longer than this for a slot under the rate limit is not worth it: manual entry.
MAX_WAIT_SECONDS: Final = 1.0
MAX_BACKOFF_SECONDS: Final = 60.0


@dataclass(frozen=True)
class SearchOutcome:
    status: str
    establishment: Establishment | None = None


class RateGate:
    """At most `rate` calls a second for the whole process, and none while backing off."""

    def __init__(self, rate: float, clock: Clock = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self._blocked_until = 0.0
        self._backoff = 0.0

    def reserve(self) -> float | None:
        """Take the next slot: the seconds to wait before calling, or None to not call."""
        with self._lock:
            now = self.clock()
            if now < self._blocked_until:
                return None
            slot = max(now, self._next_slot)
            wait = slot - now
            if wait > MAX_WAIT_SECONDS:
                return None
            self._next_slot = slot + self.interval
            return wait

    def throttled(self, retry_after: float | None) -> None:
        """A 429: stop calling for Retry-After seconds, else for a doubling delay."""
        with self._lock:
            self._backoff = min(max(self._backoff * 2, 1.0), MAX_BACKOFF_SECONDS)
            delay = retry_after if retry_after is not None else self._backoff
            self._blocked_until = self.clock() + min(delay, MAX_BACKOFF_SECONDS)

    def succeeded(self) -> None:
        with self._lock:
            self._backoff = 0.0


class ExpiringCache:
    """Answers by SIRET for `seconds`, at most `size` of them (the oldest go first)."""

    def __init__(self, seconds: float, size: int = 4096, clock: Clock = time.monotonic) -> None:
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self._items: OrderedDict[str, tuple[float, SearchOutcome]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> SearchOutcome | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] <= self.clock():
                del self._items[key]
                return None
            return item[1]

    def put(self, key: str, outcome: SearchOutcome) -> None:
        with self._lock:
            self._items[key] = (self.clock() + self.seconds, outcome)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class CompanySearch:
    """`GET <base_url>/search?q=<siret>` with the timeout, the cache and the rate gate."""

    def __init__(
        self,
        base_url: str,
        timeout: float,
        rate: float,
        cache_seconds: float,
        clock: Clock = time.monotonic,
    ) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise ValueError(f"COMPANY_SEARCH_URL doit commencer par https:// : {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.gate = RateGate(rate, clock)
        self.cache = ExpiringCache(cache_seconds, clock=clock)
        self.calls = 0  # requests actually sent, for the tests and the logs

    def find(self, siret: str) -> SearchOutcome:
        """The establishment with this SIRET, or why there is none."""
        cached = self.cache.get(siret)
        if cached is not None:
            return cached
        wait = self.gate.reserve()
        if wait is None:
            return SearchOutcome(THROTTLED)
        if wait > 0:
            time.sleep(wait)  # a few hundred milliseconds at most (MAX_WAIT_SECONDS)
        outcome = self._call(siret)
        if outcome.status in {FOUND, NOT_FOUND}:
            self.cache.put(siret, outcome)
        return outcome

    def _call(self, siret: str) -> SearchOutcome:
        url = f"{self.base_url}/search?{urlencode({'q': siret, 'per_page': 5})}"
        headers = {"Accept": "application/json", "User-Agent": "ASSETT"}
        request = Request(url, headers=headers)  # noqa: S310  (scheme checked in __init__)
        self.calls += 1
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310  (http(s) base URL from the config)
                payload: Any = json.loads(response.read(1_000_000))
        except HTTPError as error:
            if error.code == 429:
                self.gate.throttled(_seconds(error.headers.get("Retry-After")))
                return SearchOutcome(THROTTLED)
            return SearchOutcome(UNAVAILABLE)
        except (URLError, TimeoutError, OSError, ValueError):
            return SearchOutcome(UNAVAILABLE)
        self.gate.succeeded()
        establishment = establishment_from_search(payload, siret)
        return SearchOutcome(FOUND if establishment else NOT_FOUND, establishment)


def _seconds(header: str | None) -> float | None:
    try:
        return max(0.0, float(header)) if header else None
    except ValueError:
        return None  # an HTTP date: the doubling delay instead


_KEY: Final = "assett.company_search"


def enabled() -> bool:
    """Whether the installation allows calls to the company search API."""
    return bool(current_app.config.get("COMPANY_SEARCH_ENABLED"))


def client() -> CompanySearch:
    """The process's client, built from the configuration on first use."""
    found = current_app.extensions.get(_KEY)
    if found is None:
        config = current_app.config
        found = CompanySearch(
            base_url=str(config["COMPANY_SEARCH_URL"]),
            timeout=float(config["COMPANY_SEARCH_TIMEOUT"]),
            rate=float(config["COMPANY_SEARCH_RATE"]),
            cache_seconds=float(config["COMPANY_SEARCH_CACHE_SECONDS"]),
        )
        current_app.extensions[_KEY] = found
    return found
