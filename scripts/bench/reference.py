"""The original program's per-event work (px_stream.py's process_event, as
README "Performance" describes it), timed on the benchmark corpus: the yardstick for
pxstream's throughput.

    python3 scripts/bench/reference.py MESSAGES.jsonl WATCHED[,WATCHED...] [REPEATS]

MESSAGES.jsonl holds one JSON string (a log event's message) per line, as
scripts/bench/corpus.mjs writes it. The messages are loaded first and are
not timed: no base64, no gzip, no JSON envelope, no AWS call, no Slack post.
Only the per-event loop is timed: split the line on tabs, take the last field
as JSON and the second as the request id, keep it when it has Session and
Payload, and sum the amounts of CashOuts (Payload.body has transactionId),
all of them and those of watched accounts. The original's eventId filter is
left out (there is no stored id here) and so is its sort by timestamp.

Prints one JSON object: events, seconds (median of REPEATS passes),
eventsPerSecond and what it counted. Its counts differ from pxstream's on
purpose: the original did not read the Lambda JSON log format (the payload in
`message`) and did not reject non-integer amounts.
"""

import json
import statistics
import sys
import time


def process_event(message, watched):
    """One event, as the original did it. Returns (amount, is_watched) for a CashOut, else None."""
    parts = message.split("\t")
    request_id = parts[1] if len(parts) > 1 else None  # noqa: F841 - the original kept it for the report
    try:
        data = json.loads(parts[-1])
    except Exception:  # the original swallowed every error
        return None
    try:
        if "Session" in data and "Payload" in data:
            body = data["Payload"].get("body", {})
            if "transactionId" in body:
                amount = body.get("amount", 0)
                if not isinstance(amount, (int, float)):
                    return None  # the original would crash summing a string; the reference skips it
                account = data["Session"].get("accountName")
                return amount, account in watched
    except Exception:
        return None
    return None


def one_pass(messages, watched):
    total = 0
    watched_total = 0
    cashouts = 0
    watched_count = 0
    for message in messages:
        found = process_event(message, watched)
        if found is None:
            continue
        amount, is_watched = found
        cashouts += 1
        total += amount
        if is_watched:
            watched_count += 1
            watched_total += amount
    return cashouts, total, watched_count, watched_total


def main():
    path, watched_arg = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    watched = set(a for a in watched_arg.split(",") if a)
    with open(path, encoding="utf-8") as f:
        messages = [json.loads(line) for line in f if line.strip()]
    times = []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = one_pass(messages, watched)
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    cashouts, total, watched_count, watched_total = result
    print(
        json.dumps(
            {
                "events": len(messages),
                "seconds": seconds,
                "passes": times,
                "eventsPerSecond": len(messages) / seconds,
                "cashOuts": cashouts,
                "total": str(total),
                "watchedCount": watched_count,
                "watchedTotal": str(watched_total),
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
