"""A small HTTP server on 127.0.0.1 that answers /search as Nominatim does.

Certain words in the query make it misbehave the ways the real service can:
``ratelimited`` (429), ``broken`` (500), ``garbage`` (malformed JSON), ``slow``
(answers after the client's timeout). Every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# query -> list of Nominatim-shaped results
PLACES = {
    "gandzasar monastery": [{
        "place_id": 1, "osm_type": "way", "osm_id": 101, "lat": "40.0521", "lon": "46.5428",
        "class": "historic", "type": "monastery", "addresstype": "historic", "place_rank": 30,
        "importance": 0.42, "name": "Gandzasar", "display_name": "Gandzasar, Kalbajar, Azerbaijan",
        "boundingbox": ["40.05", "40.06", "46.54", "46.55"],
    }],
    "hakari bridge": [{
        "place_id": 2, "osm_type": "way", "osm_id": 102, "lat": "39.6000", "lon": "46.5000",
        "class": "man_made", "type": "bridge", "addresstype": "man_made", "place_rank": 30,
        "importance": 0.3, "name": "Hakari Bridge", "display_name": "Hakari Bridge, Lachin, Azerbaijan",
        "boundingbox": ["39.5", "39.7", "46.4", "46.6"],
    }],
    # a province name (made up: the offline province index must not know it) for which
    # the service only knows a town: must not be taken
    "mount vardan province": [{
        "place_id": 3, "osm_type": "node", "osm_id": 103, "lat": "39.08", "lon": "46.65",
        "class": "place", "type": "town", "addresstype": "town", "place_rank": 16,
        "importance": 0.35, "name": "Mount Vardan", "display_name": "Mount Vardan, Azerbaijan",
        "boundingbox": ["39.0", "39.1", "46.6", "46.7"],
    }],
}


class FakeNominatim:
    def __init__(self, slow_seconds: float = 2.0):
        self.requests: list[dict] = []
        self.slow_seconds = slow_seconds
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                url = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                q = params.get("q", "").lower()
                fake.requests.append({"path": url.path, "q": q, "params": params, "t": time.monotonic(),
                                      "user_agent": self.headers.get("User-Agent")})
                if url.path != "/search":
                    return self._send(404, b"not found")
                if "ratelimited" in q:
                    return self._send(429, b"Too Many Requests", {"Retry-After": "1"})
                if "broken" in q:
                    return self._send(500, b"Internal Server Error")
                if "garbage" in q:
                    return self._send(200, b"[{not json", {"Content-Type": "application/json"})
                if "slow" in q:
                    time.sleep(fake.slow_seconds)
                body = json.dumps(PLACES.get(q, [])).encode()
                self._send(200, body, {"Content-Type": "application/json"})

            def _send(self, status, body, headers=None):
                try:
                    self.send_response(status)
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.domain = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def queries(self) -> list[str]:
        return [r["q"] for r in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
