#!/usr/bin/env python3
"""A scripted fake of the Anthropic Messages API, for driving the real Claude Code CLI in tests.

Usage: server.py SCRIPT.json REQUEST_LOG.jsonl

Listens on 127.0.0.1 on an ephemeral port (loopback only, never another interface) and prints
`listening 127.0.0.1 PORT` on stdout once it accepts connections. It runs until its stdin
reaches end of file (the test closes it, or the test process dies), or until SIGTERM/SIGKILL;
stdin is a pipe from the test, so a crashed test (its end of the pipe closed) leaves nothing behind.

Every request is appended to REQUEST_LOG.jsonl as one JSON object
({"path", "conversation", "turn", "status", "body"}), so tests can assert what the CLI sent.

The script (JSON) says how the model answers. See README.md next to this file.
"""

import http.server
import json
import os
import re
import signal
import socketserver
import sys
import threading
import time
import uuid

SCRIPT_PATH, LOG_PATH = sys.argv[1], sys.argv[2]
with open(SCRIPT_PATH, encoding="utf-8") as f:
    SCRIPT = json.load(f)

LOCK = threading.Lock()
HITS = {}  # (conversation, turn) -> how many requests asked for it (error turns count down)


def exit_at_stdin_eof():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def prompt_text(body):
    """The text of the first user message: the prompt phase-golem gave the CLI."""
    for message in body.get("messages", []):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        return "\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
    return ""


def prompt_facts(prompt):
    """item_id, phase and result path, read from the prompt's `## Structured Output` section."""
    facts = {}
    m = re.search(r'"item_id":\s*"([^"]*)"', prompt)
    if m:
        facts["item_id"] = m.group(1)
    m = re.search(r'"phase":\s*"([^"]*)"', prompt)
    if m:
        facts["phase"] = m.group(1)
    m = re.search(r"## Structured Output.*?```\n([^\n]*)\n```", prompt, re.S)
    if m:
        facts["result_path"] = m.group(1)
    return facts


def conversation_turns(facts):
    """The scripted turns for this item and phase: the most specific key wins."""
    conversations = SCRIPT.get("conversations", {})
    item, phase = facts.get("item_id", "?"), facts.get("phase", "?")
    for key in (f"{item}/{phase}", f"*/{phase}", f"{item}/*", "*"):
        if key in conversations:
            return key, conversations[key]
    return None, None


def substitute(value, facts):
    """`{root}`, `{item_id}`, `{phase}` and `{result_path}` (absolute) in every string of value."""
    if isinstance(value, str):
        root = SCRIPT.get("root", "")
        result_path = facts.get("result_path", "")
        if result_path and not result_path.startswith("/") and root:
            result_path = os.path.normpath(os.path.join(root, result_path))
        return (value.replace("{root}", root).replace("{item_id}", facts.get("item_id", ""))
                .replace("{phase}", facts.get("phase", "")).replace("{result_path}", result_path))
    if isinstance(value, list):
        return [substitute(v, facts) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, facts) for k, v in value.items()}
    return value


def content_blocks(turn, facts):
    blocks = []
    if "thinking" in turn:
        blocks.append({"type": "thinking", "thinking": turn["thinking"]})
    if "text" in turn:
        blocks.append({"type": "text", "text": substitute(turn["text"], facts)})
    for use in turn.get("tool_uses", []):
        blocks.append({"type": "tool_use", "id": "toolu_" + uuid.uuid4().hex[:24],
                       "name": use["name"], "input": substitute(use.get("input", {}), facts)})
    if "write_result" in turn:
        result = {"item_id": facts.get("item_id", ""), "phase": facts.get("phase", "")}
        result.update(substitute(turn["write_result"], facts))
        blocks.append({"type": "tool_use", "id": "toolu_" + uuid.uuid4().hex[:24], "name": "Write",
                       "input": {"file_path": substitute("{result_path}", facts),
                                 "content": json.dumps(result, indent=2) + "\n"}})
    if not blocks:
        blocks.append({"type": "text", "text": "Done."})
    return blocks


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.answer_error(404, "not_found_error", "fake-anthropic-api: only POST /v1/messages is scripted", log=True)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"unparsed": raw.decode("utf-8", "replace")}
        self.body = body
        if not self.path.startswith("/v1/messages") or self.path.startswith("/v1/messages/"):
            self.answer_error(404, "not_found_error", f"fake-anthropic-api: {self.path} is not scripted")
            return
        facts = prompt_facts(prompt_text(body))
        key, turns = conversation_turns(facts)
        turn_index = sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")
        self.conversation, self.turn_index = key, turn_index
        if turns is None or turn_index >= len(turns):
            what = f"no turn {turn_index} scripted for {facts.get('item_id', '?')}/{facts.get('phase', '?')}"
            self.answer_error(500, "api_error", "fake-anthropic-api: " + what, retry=False)
            return
        turn = turns[turn_index]
        with LOCK:
            hits = HITS.get((key, turn_index), 0) + 1
            HITS[(key, turn_index)] = hits
        error = turn.get("error")
        # Logged on arrival, before any hold, so a test can see the request it is waiting on.
        if error and hits <= error.get("times", 1):
            self.record(error["status"])
            time.sleep(error.get("delay", 0))
            self.answer_error(error["status"], error.get("type", "api_error"), error.get("message", "scripted error"),
                              retry=error.get("retry", True), log=False)
            return
        self.record(200)
        if turn.get("delay"):
            time.sleep(turn["delay"])
        self.answer_stream(body, turn, facts)

    def record(self, status):
        entry = {"path": self.path, "conversation": getattr(self, "conversation", None),
                 "turn": getattr(self, "turn_index", None), "status": status,
                 "body": getattr(self, "body", None)}
        with LOCK, open(LOG_PATH, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")

    def answer_error(self, status, kind, message, retry=True, log=True):
        if log:
            self.record(status)
        payload = json.dumps({"type": "error", "error": {"type": kind, "message": message}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("request-id", "req_fake_" + uuid.uuid4().hex[:16])
        if not retry:
            self.send_header("x-should-retry", "false")
        self.end_headers()
        self.wfile.write(payload)

    def answer_stream(self, body, turn, facts):
        blocks = content_blocks(turn, facts)
        usage = {"input_tokens": 0, "output_tokens": 0, "cache_read_input_tokens": 0,
                 "cache_creation_input_tokens": 0}
        usage.update(turn.get("usage", {}))
        model = body.get("model", "claude-opus-5-5")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.send_header("request-id", "req_fake_" + uuid.uuid4().hex[:16])
        self.end_headers()
        self.close_connection = True

        def event(name, data):
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

        start_usage = dict(usage, output_tokens=1)
        event("message_start", {"type": "message_start", "message": {
            "id": "msg_fake_" + uuid.uuid4().hex[:20], "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": None, "stop_sequence": None, "usage": start_usage}})
        for index, block in enumerate(blocks):
            if block["type"] == "text":
                event("content_block_start", {"type": "content_block_start", "index": index,
                                              "content_block": {"type": "text", "text": ""}})
                event("content_block_delta", {"type": "content_block_delta", "index": index,
                                              "delta": {"type": "text_delta", "text": block["text"]}})
            elif block["type"] == "thinking":
                event("content_block_start", {"type": "content_block_start", "index": index,
                                              "content_block": {"type": "thinking", "thinking": "", "signature": ""}})
                event("content_block_delta", {"type": "content_block_delta", "index": index,
                                              "delta": {"type": "thinking_delta", "thinking": block["thinking"]}})
                event("content_block_delta", {"type": "content_block_delta", "index": index,
                                              "delta": {"type": "signature_delta", "signature": "fake"}})
            else:
                event("content_block_start", {"type": "content_block_start", "index": index,
                                              "content_block": {"type": "tool_use", "id": block["id"],
                                                                "name": block["name"], "input": {}}})
                event("content_block_delta", {"type": "content_block_delta", "index": index,
                                              "delta": {"type": "input_json_delta",
                                                        "partial_json": json.dumps(block["input"])}})
            event("content_block_stop", {"type": "content_block_stop", "index": index})
        stop_reason = "tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn"
        event("message_delta", {"type": "message_delta",
                                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                                "usage": {"output_tokens": usage["output_tokens"]}})
        event("message_stop", {"type": "message_stop"})


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True  # a held turn never keeps the process alive
    allow_reuse_address = True


def main():
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=exit_at_stdin_eof, daemon=True).start()
    print(f"listening 127.0.0.1 {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
