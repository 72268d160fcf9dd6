#!/usr/bin/env python3
"""A digital-card receiver for tests (services.md section 7): verifies each delivery's
HMAC-SHA256 signature, answers 503 to the first N requests (and to every request while the file
LOG_FILE.down exists), then records each delivery ID once and acknowledges repeats without
recording them again. While LOG_FILE.hold exists, it holds its answer after recording (a sender
killed then has delivered without seeing the acknowledgement).

Usage: card_receiver.py LOG_FILE FAIL_FIRST   (secret in the CARD_SECRET environment variable)
Prints its port on stdout, then serves on 127.0.0.1 until stdin closes or SIGTERM.
Each request appends one JSON line to LOG_FILE:
  {"outcome": "failed"|"recorded"|"duplicate"|"bad_signature", "delivery_id": ..., "completion_id": ...}
"""
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["CARD_SECRET"].encode()
LOG = sys.argv[1]
FAIL_FIRST = int(sys.argv[2])
lock = threading.Lock()
state = {"requests": 0, "seen": set()}


def log(entry):
    with open(LOG, "a") as f:
        f.write(json.dumps(entry) + "\n")
        f.flush()
        os.fsync(f.fileno())


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        delivery = self.headers.get("Kandas-Delivery-Id", "")
        timestamp = self.headers.get("Kandas-Timestamp", "")
        signature = self.headers.get("Kandas-Signature", "")
        expected = "v1=" + hmac.new(SECRET, f"{timestamp}.{delivery}.".encode() + body, hashlib.sha256).hexdigest()
        with lock:
            state["requests"] += 1
            entry = {"delivery_id": delivery}
            try:
                record = json.loads(body)
                entry["completion_id"] = record["completion"]["id"]
                entry["body_delivery_id"] = record["delivery_id"]
            except Exception:
                record = None
            if not hmac.compare_digest(expected, signature) or record is None:
                entry["outcome"], status = "bad_signature", 401
            elif state["requests"] <= FAIL_FIRST or os.path.exists(LOG + ".down"):
                entry["outcome"], status = "failed", 503
            elif delivery in state["seen"]:
                entry["outcome"], status = "duplicate", 200
            else:
                state["seen"].add(delivery)
                entry["outcome"], status = "recorded", 200
            log(entry)
        while entry["outcome"] == "recorded" and os.path.exists(LOG + ".hold"):
            time.sleep(0.05)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()
