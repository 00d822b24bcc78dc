"""When to retry a request, and how long to wait before the next attempt."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Callable

import httpx

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(max, base * 2**n)).

    Full jitter spreads the retries of many agents that failed together, so a recovering service
    is not hit by a synchronized wave. ``rng`` is injectable so tests can pin it.
    """

    base_ms: int
    max_ms: int
    rng: Callable[[], float] = random.random

    def delay_s(self, attempt: int) -> float:
        cap = min(self.max_ms, self.base_ms * (1 << min(attempt, 30)))
        jitter: float = self.rng()
        return (cap * jitter) / 1000.0


def retry_after_s(response: httpx.Response, now: Callable[[], float] = time.time) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


def is_retryable(response: httpx.Response) -> bool:
    return response.status_code in RETRYABLE_STATUS


#: Transport failures worth another attempt: the request may not have reached warden, or warden
#: did not answer in time. Both endpoints are idempotent per event_id, so a repeat is safe.
RETRYABLE_ERRORS: tuple[type[Exception], ...] = (httpx.TransportError,)
