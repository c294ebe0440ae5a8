#!/usr/bin/env python3
"""A scripted stand-in for the OpenAI Responses API, for driving the real `codex` CLI in tests.

Listens on 127.0.0.1 only (an ephemeral port, printed as `PORT <n>` on stdout once it accepts
connections) and answers each `POST /v1/responses` with the next turn of the matching
conversation of a script, as a server-sent-event stream. See README.md next to this file.

Python 3 standard library only. Exits when its stdin reaches end of file, so a test process
that dies cannot leave it running.
"""

import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_USAGE = {"input": 1000, "cached": 0, "output": 100, "reasoning": 0}


def load_script(path):
    if not path:
        return {"conversations": []}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def user_text(body):
    """The text of every user message in the request: the prompt and codex's own context."""
    texts = []
    for item in body.get("input", []):
        if item.get("type", "message") != "message" or item.get("role") != "user":
            continue
        content = item.get("content")
        if isinstance(content, str):
            texts.append(content)
            continue
        for part in content or []:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
    return "\n".join(texts)


def turn_index(body):
    """How many model turns came before this request: one per tool output codex sends back."""
    return sum(1 for item in body.get("input", []) if item.get("type") == "function_call_output")


def choose_turn(script, body):
    text = user_text(body)
    for conversation in script.get("conversations", []):
        needles = conversation.get("match", [])
        if isinstance(needles, str):
            needles = [needles]
        if all(needle in text for needle in needles):
            turns = conversation.get("turns", [])
            index = turn_index(body)
            if index < len(turns):
                return turns[index]
            return {"say": "(fake API: the script has no more turns)"}
    return script.get("default", {"say": "(fake API: no conversation of the script matches)"})


def usage_object(turn):
    usage = dict(DEFAULT_USAGE)
    usage.update(turn.get("usage", {}))
    return {
        "input_tokens": usage["input"],
        "input_tokens_details": {"cached_tokens": usage["cached"]},
        "output_tokens": usage["output"],
        "output_tokens_details": {"reasoning_tokens": usage["reasoning"]},
        "total_tokens": usage["input"] + usage["output"],
    }


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-responses-api/1"
    counter = 0
    lock = threading.Lock()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self):
        self.record({"method": "GET", "path": self.path})
        self.send_error_json(404, "not found")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw.decode("utf-8")) if raw else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = {"undecodable": raw[:200].decode("latin-1")}
        with Handler.lock:
            Handler.counter += 1
            number = Handler.counter
        self.record({"method": "POST", "path": self.path, "number": number,
                     "authorization": self.headers.get("Authorization", ""),
                     "content_encoding": self.headers.get("Content-Encoding", ""),
                     "body": body})
        if not self.path.rstrip("/").endswith("/responses"):
            self.send_error_json(404, "not found")
            return
        turn = choose_turn(self.server.script, body)
        status = turn.get("status", 200)
        if status != 200:
            self.send_error_json(status, turn.get("error", "scripted error"))
            return
        self.send_stream(turn, number)

    def record(self, entry):
        path = self.server.record_path
        if not path:
            return
        with Handler.lock, open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    def send_error_json(self, status, message):
        payload = json.dumps({"error": {"message": message, "type": "fake_error", "code": str(status)}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def send_stream(self, turn, number):
        response_id = f"resp_{number}"
        items = []
        if "say" in turn:
            items.append({"type": "message", "role": "assistant", "id": f"msg_{number}", "status": "completed",
                          "content": [{"type": "output_text", "text": turn["say"], "annotations": []}]})
        if "exec" in turn:
            arguments = json.dumps({"cmd": turn["exec"]})
            items.append({"type": "function_call", "id": f"fc_{number}", "call_id": f"call_{number}",
                          "name": "exec_command", "arguments": arguments, "status": "completed"})
        events = [("response.created", {"type": "response.created",
                                        "response": {"id": response_id, "object": "response", "status": "in_progress"}})]
        for index, item in enumerate(items):
            events.append(("response.output_item.added",
                           {"type": "response.output_item.added", "output_index": index, "item": item}))
            events.append(("response.output_item.done",
                           {"type": "response.output_item.done", "output_index": index, "item": item}))
        events.append(("response.completed", {"type": "response.completed",
                                              "response": {"id": response_id, "object": "response", "status": "completed",
                                                           "output": items, "usage": usage_object(turn)}}))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        for name, data in events:
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()


def watch_stdin():
    """Ends the process once stdin closes: the test that started it is gone or done with it."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--script", help="the JSON script of conversations")
    parser.add_argument("--record", help="append every request here, one JSON object per line")
    arguments = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.script = load_script(arguments.script)
    server.record_path = arguments.record
    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
