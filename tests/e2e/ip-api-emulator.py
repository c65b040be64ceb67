#!/usr/bin/env python3
"""A stand-in for ip-api.com on loopback for the scale-out script: answers /json/<ip> with
ip-api-shaped JSON and budget headers, and reports how many lookups it served at /__count."""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

count = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        global count
        path = self.path.split("?", 1)[0]
        if path == "/__count":
            with lock:
                body = str(count).encode()
            self._send(200, body, "text/plain")
            return
        if not path.startswith("/json/"):
            self._send(404, b"not found", "text/plain")
            return
        with lock:
            count += 1
        address = path[len("/json/"):] or "203.0.113.10"
        answer = {
            "status": "success", "country": "United States", "countryCode": "US", "region": "VA",
            "regionName": "Virginia", "city": "Ashburn", "zip": "20149", "lat": 39.03, "lon": -77.5,
            "timezone": "America/New_York", "offset": -18000, "isp": "Example ISP", "org": "Example",
            "as": "AS64500 Example", "asname": "EXAMPLE", "reverse": "", "mobile": False,
            "proxy": False, "hosting": False, "query": address,
        }
        self._send(200, json.dumps(answer).encode(), "application/json; charset=utf-8",
                   {"X-Rl": "44", "X-Ttl": "60"})

    def _send(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
