#!/usr/bin/python3
"""Assertions on what the receiver got (its JSON-lines log), for test/agent/run.sh. Each command
prints nothing and exits 0 when the check holds, or prints why and exits 1."""
import hashlib
import hmac
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def fail(msg):
    print(msg)
    sys.exit(1)


def http(recs, prefix):
    return [r for r in recs if r["kind"] == "http" and r["path"].startswith(prefix)]


def cmd_webhook(log, prefix, notification_id, secret, email, company):
    reqs = [r for r in http(load(log), prefix) if r["headers"].get("idempotency-key") == notification_id]
    if not reqs:
        fail(f"no request to {prefix} with Idempotency-Key {notification_id}")
    r = reqs[-1]
    want = "sha256=" + hmac.new(secret.encode(), r["body"].encode(), hashlib.sha256).hexdigest()
    if r["headers"].get("x-leadroute-signature") != want:
        fail(f"signature {r['headers'].get('x-leadroute-signature')} != HMAC-SHA256 of the body {want}")
    body = json.loads(r["body"])
    if body.get("notification_id") != int(notification_id):
        fail(f"body notification_id {body.get('notification_id')}")
    if body.get("lead", {}).get("email") != email or body.get("lead", {}).get("company") != company:
        fail(f"lead in body: {body.get('lead')}")
    if not body.get("why") or "event" not in body or "sla_due_at" not in body:
        fail(f"body lacks why/event/sla_due_at: {body}")
    if not r["headers"].get("content-type", "").startswith("application/json"):
        fail(f"content-type {r['headers'].get('content-type')}")


def cmd_bad_signature(log, prefix, notification_id):
    """A wrong secret must not verify: the check above could fail."""
    r = [r for r in http(load(log), prefix) if r["headers"].get("idempotency-key") == notification_id][-1]
    wrong = "sha256=" + hmac.new(b"not-the-secret", r["body"].encode(), hashlib.sha256).hexdigest()
    if r["headers"].get("x-leadroute-signature") == wrong:
        fail("the signature verifies with a wrong secret")


def cmd_slack(log, prefix, notification_id, *needles):
    reqs = [r for r in http(load(log), prefix) if r["headers"].get("idempotency-key") == notification_id]
    if not reqs:
        fail(f"no Slack request to {prefix} for notification {notification_id}")
    body = json.loads(reqs[-1]["body"])
    text = body.get("text", "")
    for n in needles:
        if n not in text:
            fail(f"Slack text lacks {n!r}: {text!r}")


def cmd_email(log, rcpt, *needles):
    mails = [r for r in load(log) if r["kind"] == "smtp" and rcpt in r["rcpt_tos"]]
    if not mails:
        fail(f"no e-mail to {rcpt}")
    data = mails[-1]["data"]
    for n in needles:
        if n not in data:
            fail(f"e-mail lacks {n!r}: {data!r}")


def cmd_attempts(log, prefix, notification_id, count, base_s):
    """count requests with this key; the gap before attempt k+1 is at least half of base*2^(k-1)."""
    reqs = sorted((r for r in http(load(log), prefix) if r["headers"].get("idempotency-key") == notification_id),
                  key=lambda r: r["t"])
    if len(reqs) != int(count):
        fail(f"{len(reqs)} requests for notification {notification_id}, expected {count}")
    for k in range(1, len(reqs)):
        gap = reqs[k]["t"] - reqs[k - 1]["t"]
        least = float(base_s) * 2 ** (k - 1) / 2 * 0.9
        if gap < least:
            fail(f"retry {k} came after {gap:.3f} s, less than the backoff's minimum {least:.3f} s")
    attempts = [r["headers"].get("x-leadroute-attempt") for r in reqs]
    if attempts != [str(i) for i in range(1, len(reqs) + 1)]:
        fail(f"X-Leadroute-Attempt headers {attempts}")


def cmd_keys(log, prefix, ids_file, mode):
    """Every id of ids_file arrived (by Idempotency-Key); mode once: each exactly once."""
    ids = {line.strip() for line in open(ids_file) if line.strip()}
    keys = [r["headers"].get("idempotency-key") for r in http(load(log), prefix)]
    got = set(keys)
    missing = ids - got
    if missing:
        fail(f"{len(missing)} of {len(ids)} notifications never arrived, e.g. {sorted(missing)[:5]}")
    extra = got - ids
    if extra:
        fail(f"requests with keys that are no notification of this test: {sorted(extra)[:5]}")
    dups = len(keys) - len(got)
    if mode == "once" and dups:
        fail(f"{dups} duplicate requests")
    print(f"{len(ids)} notifications, {dups} duplicates")


def main():
    cmd, *args = sys.argv[1:]
    globals()["cmd_" + cmd](*args)


if __name__ == "__main__":
    main()
