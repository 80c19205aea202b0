"""A bounded load generator for `make bench`: keep-alive HTTP to a server on 127.0.0.1 only.

Each connection is a thread that sends its next request as soon as the previous one is
answered (no think time: the hardest reading of "N concurrent users"), cycling over its paths,
until a fixed deadline; it records every latency and every error with its time. It never
sends traffic anywhere but 127.0.0.1, and it stops by itself.
"""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"  # the only host this generator talks to
LONGEST_RUN = 15 * 60  # seconds; a run asked to last longer is refused
REQUEST_TIMEOUT = 10.0  # seconds; a request taking longer counts as an error


@dataclass
class Run:
    """What a run observed: (start offset, latency in seconds) of each answered request and
    (start offset, what went wrong) of each failed one."""

    seconds: float
    answered: list[tuple[float, float]] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)

    @property
    def requests_per_second(self) -> float:
        return len(self.answered) / self.seconds if self.seconds else 0.0

    def quantile_ms(self, q: float) -> float:
        """The q-quantile (0 < q < 1) of the latencies, in milliseconds."""
        latencies = sorted(latency for _t, latency in self.answered)
        if not latencies:
            return float("nan")
        if len(latencies) == 1:
            return latencies[0] * 1000
        cuts = statistics.quantiles(latencies, n=1000, method="inclusive")
        return cuts[round(q * 1000) - 1] * 1000

    def first_success_after(self, moment: float) -> float | None:
        """Start offset of the first answered request that started at or after `moment`."""
        return min((t for t, _latency in self.answered if t >= moment), default=None)


def run(
    port: int,
    paths: list[str],
    *,
    connections: int,
    seconds: float,
    headers: dict | None = None,
    on_start=None,
) -> Run:
    """Load `paths` on 127.0.0.1:`port` from `connections` threads for `seconds`.

    `on_start(started)`, if given, runs in its own thread once the load has started (e.g. to
    restart the database mid-run); `started` is the run's time origin (time.monotonic()).
    """
    if not 0 < seconds <= LONGEST_RUN:
        raise ValueError(f"a run lasts between 0 and {LONGEST_RUN} seconds")
    result = Run(seconds=seconds)
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + seconds

    def user(offset: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        answered, errors = [], []
        turn = offset
        while (now := time.monotonic()) < deadline:
            path = paths[turn % len(paths)]
            turn += 1
            try:
                connection.request("GET", path, headers=headers or {})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                errors.append((now - started, f"{path}: {type(error).__name__}"))
                connection.close()
                time.sleep(0.01)  # a refused connection answers at once; do not spin
                continue
            if response.status == 200:
                answered.append((now - started, time.monotonic() - now))
            else:
                errors.append((now - started, f"{path}: HTTP {response.status}"))
        connection.close()
        with lock:
            result.answered.extend(answered)
            result.errors.extend(errors)

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    if on_start is not None:
        threading.Thread(target=on_start, args=(started,), daemon=True).start()
    for thread in threads:
        thread.join(seconds + 2 * REQUEST_TIMEOUT)
    return result


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    """One request to 127.0.0.1: (status, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
