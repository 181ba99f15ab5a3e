#!/usr/bin/python3
"""A local receiver for the agent tests and the demo: an HTTP server (webhooks and Slack incoming
webhooks) and an SMTP sink (aiosmtpd), both on 127.0.0.1. Every request and message is appended,
as one JSON line with its arrival time, to --log.

HTTP behaviour is chosen by the path:
  /ok/...              200
  /flaky/N/...         500 for the first N requests of each Idempotency-Key, then 200
  /slowonce/MS/...     the first request of each Idempotency-Key waits MS ms, the others answer at once
  /slow/MS/...         waits MS ms, then 200
  /down/...            500, always
  /_requests           GET: every request so far, as a JSON array
"""
import argparse
import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

lock = threading.Lock()
records = []
seen = {}
log_file = None


def record(entry):
    with lock:
        records.append(entry)
        log_file.write(json.dumps(entry) + "\n")
        log_file.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"ok"):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_requests":
            with lock:
                body = json.dumps(records).encode()
            self.reply(200, body)
        else:
            self.reply(404, b"not found")

    def do_POST(self):
        arrived = time.time()
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode("utf-8", "replace")
        key = self.headers.get("Idempotency-Key", "")
        parts = self.path.strip("/").split("/")
        with lock:
            seen[(parts[0], key)] = seen.get((parts[0], key), 0) + 1
            nth = seen[(parts[0], key)]
        record({"kind": "http", "t": arrived, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        mode = parts[0]
        if mode == "ok":
            self.reply(200)
        elif mode == "flaky":
            self.reply(500 if nth <= int(parts[1]) else 200, b"flaky")
        elif mode == "slowonce":
            if nth == 1:
                time.sleep(int(parts[1]) / 1000)
            self.reply(200)
        elif mode == "slow":
            time.sleep(int(parts[1]) / 1000)
            self.reply(200)
        elif mode == "down":
            self.reply(500, b"down")
        else:
            self.reply(404, b"unknown path")


class Sink:
    async def handle_DATA(self, server, session, envelope):
        record({"kind": "smtp", "t": time.time(), "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "data": envelope.content.decode("utf-8", "replace")})
        return "250 OK"


def main():
    global log_file
    p = argparse.ArgumentParser()
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--smtp-port", type=int, required=True)
    p.add_argument("--log", required=True)
    a = p.parse_args()
    log_file = open(a.log, "a")
    smtp = Controller(Sink(), hostname="127.0.0.1", port=a.smtp_port)
    smtp.start()
    http = ThreadingHTTPServer(("127.0.0.1", a.http_port), Handler)
    http.daemon_threads = True
    print(f"receiver: http 127.0.0.1:{a.http_port}, smtp 127.0.0.1:{a.smtp_port}", flush=True)
    try:
        http.serve_forever()
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
