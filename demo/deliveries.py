#!/usr/bin/python3
"""Prints what the demo's local receiver got: the count per kind, then one Slack message, one
e-mail and one webhook body in full."""
import json
import sys

recs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
slack = [r for r in recs if r["kind"] == "http" and "/slack/" in r["path"]]
hooks = [r for r in recs if r["kind"] == "http" and "/crm/" in r["path"]]
mails = [r for r in recs if r["kind"] == "smtp"]
print(f"{len(recs)} messages received: {len(slack)} Slack, {len(mails)} e-mail, {len(hooks)} webhook")
if slack:
    r = slack[0]
    print(f"\n-- Slack, POST {r['path']}\n{json.loads(r['body'])['text']}")
queue = [r for r in slack if "/partner-desk" in r["path"]]
if queue:
    print(f"-- Slack, POST {queue[0]['path']} (a queued lead)\n{json.loads(queue[0]['body'])['text']}")
if mails:
    m = mails[0]
    print(f"-- e-mail to {', '.join(m['rcpt_tos'])}\n" + m["data"].replace("\r\n", "\n"))
if hooks:
    h = hooks[0]
    print(f"-- webhook, POST {h['path']}")
    for k in ("idempotency-key", "x-leadroute-signature", "x-leadroute-event"):
        print(f"{k}: {h['headers'].get(k)}")
    print(json.dumps(json.loads(h["body"]), indent=2, sort_keys=True))
