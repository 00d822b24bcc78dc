"""Mirroring events to the ingest API from a background thread that never blocks the agent.

``submit()`` only puts events on a bounded queue (``put_nowait``): when the queue is full the event
is dropped, counted in ``stats.dropped_queue_full`` and logged (at most one warning per 10 s, with
the running count), because an agent must never wait for its observer. The thread batches up to
``mirror_batch_size`` events or ``mirror_flush_interval_ms``, POSTs them to ``/v1/events`` and
retries connect errors, 5xx and 429 with backoff, honouring Retry-After. A batch refused as invalid
(400 INGEST_INVALID_EVENT names ``events[i]``) is resent without the named events, which are counted
in ``stats.rejected_invalid`` and logged with ingest's reason; nothing is dropped silently.
"""

from __future__ import annotations

import json
import logging
import queue
import re
import threading
import time
from typing import Callable, Iterable

import httpx

from .retry import RETRYABLE_ERRORS, Backoff, is_retryable, retry_after_s
from .types import AgentEvent, MirrorStats

log = logging.getLogger("warden_client.mirror")

# Ingest's own error message (trusted text from our server, not agent content), e.g.
# "events[3].kind: must be one of ...".
_EVENT_INDEX = re.compile(r"events\[(\d+)\]")
_WARN_INTERVAL_S = 10.0


class Mirror:
    def __init__(
        self,
        *,
        ingest_url: str,
        api_key: str,
        queue_size: int,
        batch_size: int,
        flush_interval_ms: int,
        max_attempts: int,
        backoff: Backoff,
        timeout: httpx.Timeout,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.stats = MirrorStats()
        self._queue: queue.Queue[AgentEvent] = queue.Queue(maxsize=queue_size)
        self._batch_size = batch_size
        self._interval_s = flush_interval_ms / 1000.0
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=ingest_url,
            headers={"authorization": f"Bearer {api_key}", "content-type": "application/json"},
            timeout=timeout,
            transport=transport,
        )
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._stopping = threading.Event()
        self._last_warning = 0.0
        self._thread = threading.Thread(target=self._run, name="warden-mirror", daemon=True)
        self._thread.start()

    def submit(self, events: Iterable[AgentEvent]) -> int:
        """Queues events without blocking; returns how many were accepted (the rest were dropped)."""
        accepted = 0
        for event in events:
            if self._stopping.is_set():
                self._dropped(1, "the client is closed")
                continue
            try:
                with self._lock:
                    self._queue.put_nowait(event)
                    self._in_flight += 1
                accepted += 1
            except queue.Full:
                self._dropped(1, "the mirror queue is full")
        with self._lock:
            self.stats.enqueued += accepted
        return accepted

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Waits until everything queued so far was sent or given up; False on timeout."""
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while self._in_flight > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self, timeout_s: float = 10.0) -> None:
        """Sends what is queued (up to ``timeout_s``), then stops the thread."""
        self.flush(timeout_s)
        self._stopping.set()
        self._thread.join(timeout_s)
        self._http.close()
        left = self._queue.qsize()
        if left:
            with self._lock:
                self.stats.failed += left
            log.warning("warden mirror closed with %d events not sent (ingest did not take them within %.1fs)", left, timeout_s)

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    def _dropped(self, n: int, why: str) -> None:
        with self._lock:
            self.stats.dropped_queue_full += n
            total = self.stats.dropped_queue_full
            now = time.monotonic()
            warn = now - self._last_warning >= _WARN_INTERVAL_S
            if warn:
                self._last_warning = now
        if warn:
            log.warning("warden mirror dropped events: %s (dropped so far: %d)", why, total)

    def _done(self, n: int) -> None:
        with self._idle:
            self._in_flight -= n
            if self._in_flight <= 0:
                self._idle.notify_all()

    def _run(self) -> None:
        while not self._stopping.is_set():
            batch = self._collect()
            if not batch:
                continue
            try:
                self._send(batch)
            except Exception:  # the thread must survive any bug in one batch; it is counted
                with self._lock:
                    self.stats.failed += len(batch)
                log.exception("warden mirror: batch of %d events failed unexpectedly", len(batch))
            finally:
                self._done(len(batch))

    def _collect(self) -> list[AgentEvent]:
        try:
            first = self._queue.get(timeout=self._interval_s)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self._interval_s
        while len(batch) < self._batch_size:
            left = deadline - time.monotonic()
            try:
                batch.append(self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _send(self, batch: list[AgentEvent]) -> None:
        attempt = 0
        while batch:
            attempt += 1
            try:
                response = self._http.post("/v1/events", content=json.dumps(batch))
            except RETRYABLE_ERRORS as err:
                if not self._wait_before_retry(attempt, None, f"{type(err).__name__}: {err}", len(batch)):
                    return
                continue
            if response.status_code == 202:
                with self._lock:
                    self.stats.sent += len(batch)
                    self.stats.batches += 1
                return
            if is_retryable(response):
                if not self._wait_before_retry(attempt, retry_after_s(response), _describe(response), len(batch)):
                    return
                continue
            batch = self._without_invalid(batch, response)

    def _wait_before_retry(self, attempt: int, retry_after: float | None, why: str, n: int) -> bool:
        if attempt >= self._max_attempts or self._stopping.is_set():
            with self._lock:
                self.stats.failed += n
            log.warning("warden mirror gave up a batch of %d events after %d attempts: %s", n, attempt, why)
            return False
        delay = retry_after if retry_after is not None else self._backoff.delay_s(attempt - 1)
        log.debug("warden mirror retrying in %.2fs: %s", delay, why)
        self._sleep(delay)
        return True

    def _without_invalid(self, batch: list[AgentEvent], response: httpx.Response) -> list[AgentEvent]:
        """A 4xx: with named invalid events, the rest go again; otherwise the batch is refused whole."""
        why = _describe(response)
        bad = {int(i) for i in _EVENT_INDEX.findall(why)} if response.status_code == 400 else set()
        bad = {i for i in bad if i < len(batch)}
        if not bad:
            with self._lock:
                self.stats.rejected_invalid += len(batch)
            log.error("warden mirror: ingest refused a batch of %d events: %s", len(batch), why)
            return []
        with self._lock:
            self.stats.rejected_invalid += len(bad)
        log.error("warden mirror: ingest refused %d invalid events, resending the other %d: %s", len(bad), len(batch) - len(bad), why)
        return [e for i, e in enumerate(batch) if i not in bad]


def _describe(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return f"HTTP {response.status_code} {body.get('code', '')}: {body.get('message', '')}"
    return f"HTTP {response.status_code}"
