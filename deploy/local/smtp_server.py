#!/usr/bin/python3
"""Kudos local SMTP server: a real SMTP endpoint for tests and a browsable mail catcher for people.

One asyncio process serves both:
  * SMTP (Debian's aiosmtpd) that records every accepted message and can inject faults per recipient;
  * HTTP: a JSON API for tests (list, long-poll wait, clear, faults) and HTML pages for people.

Run with Debian's interpreter (it has aiosmtpd):
    /usr/bin/python3 deploy/local/smtp_server.py --smtp-port 0 --http-port 0 --quiet
On start it prints exactly one line to stdout, `READY smtp=<port> http=<port>`, and flushes.

HTTP API
  GET    /api/messages                                  all messages (JSON array, oldest first)
  GET    /api/messages/{id}                             one message
  GET    /api/messages/wait?count=N&timeoutMs=T[&to=a]  long-poll: answers once >= N messages (to `a`)
                                                        exist, or at the timeout with what there is
  DELETE /api/messages                                  clear messages
  GET    /api/faults                                    list active faults
  POST   /api/faults                                    add a fault (see Fault below)
  DELETE /api/faults                                    clear faults
  GET    /health                                        "ok" ("ok ID" with --instance-id ID)
Pages: GET / (newest first), GET /messages/{id}, GET /messages/{id}.eml

Faults (JSON body of POST /api/faults), matched case-insensitively on the recipient ("*" = any):
  {"recipient": "a@b.c", "stage": "rcpt"|"data", "code": 451, "message": "4.3.0 try later", "times": 2}
      that stage answers `code message` for that recipient for the next `times` attempts (null = always)
  {"recipient": "a@b.c", "action": "drop", "times": 1}
      after the message data is received, close the connection abruptly without any reply
  {"recipient": "a@b.c", "action": "stall", "seconds": 30, "times": 1}
      hold the DATA reply that long, then accept (the message is recorded only if the client is still
      connected when the reply is finally sent, so a client that gave up does not leave a record)
Action faults always apply at the end of DATA, whatever `stage` says.
"""

from __future__ import annotations

import argparse
import asyncio
import email.parser
import email.policy
import html
import json
import logging
import os
import re
import signal
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.smtp import SMTP

log = logging.getLogger("kudos.smtp")

_HEADER_PARSER = email.parser.BytesHeaderParser(policy=email.policy.default)
_FULL_PARSER = email.parser.BytesParser(policy=email.policy.default)


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Message:
    id: int
    received_at: str
    mail_from: str
    rcpt_tos: list[str]
    subject: str | None
    message_id: str | None
    raw: bytes

    @staticmethod
    def create(id_: int, received_at: str, mail_from: str, rcpt_tos: list[str], raw: bytes) -> "Message":
        subject = message_id = None
        try:
            headers = _HEADER_PARSER.parsebytes(raw)
            if headers["Subject"] is not None:
                subject = str(headers["Subject"])
            if headers["Message-ID"] is not None:
                # Same convention as MimeKit's MimeMessage.MessageId: no angle brackets.
                message_id = str(headers["Message-ID"]).strip().strip("<>")
        except Exception:  # a malformed message is still recorded, just without parsed headers
            log.exception("could not parse headers of message %d", id_)
        return Message(id_, received_at, mail_from, list(rcpt_tos), subject, message_id, raw)

    def raw_text(self) -> str:
        return self.raw.decode("utf-8", errors="replace")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "receivedAt": self.received_at,
            "mailFrom": self.mail_from,
            "rcptTos": self.rcpt_tos,
            "subject": self.subject,
            "messageId": self.message_id,
            "raw": self.raw_text(),
        }

    def is_to(self, address: str) -> bool:
        address = address.strip().lower()
        return any(r.lower() == address for r in self.rcpt_tos)


@dataclass
class Fault:
    recipient: str
    stage: str = "rcpt"
    code: int | None = None
    message: str | None = None
    times: int | None = None
    action: str | None = None
    seconds: float | None = None
    hits: int = field(default=0)

    @staticmethod
    def from_json(body: Any) -> "Fault":
        if not isinstance(body, dict):
            raise ValueError("a fault is a JSON object")
        recipient = body.get("recipient")
        if not isinstance(recipient, str) or not recipient.strip():
            raise ValueError("'recipient' is required")
        action = body.get("action")
        if action is not None and action not in ("drop", "stall"):
            raise ValueError("'action' must be 'drop' or 'stall'")
        stage = "data" if action else (body.get("stage") or "rcpt")
        if stage not in ("rcpt", "data"):
            raise ValueError("'stage' must be 'rcpt' or 'data'")
        code = body.get("code")
        if action is None:
            if not isinstance(code, int) or not 400 <= code <= 599:
                raise ValueError("'code' (400-599) is required unless 'action' is given")
        seconds = body.get("seconds")
        if action == "stall" and (not isinstance(seconds, (int, float)) or seconds < 0):
            raise ValueError("'seconds' (>= 0) is required for 'stall'")
        times = body.get("times")
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError("'times' must be a positive integer or null")
        return Fault(recipient.strip().lower(), stage, code, body.get("message"), times, action, seconds)

    def matches(self, stage: str, recipients: list[str]) -> bool:
        if self.stage != stage:
            return False
        return self.recipient == "*" or any(r.lower() == self.recipient for r in recipients)

    def reply(self) -> str:
        text = self.message or ("4.3.0 injected fault" if (self.code or 0) < 500 else "5.0.0 injected fault")
        return f"{self.code} {text}"

    def to_json(self) -> dict[str, Any]:
        return {
            "recipient": self.recipient, "stage": self.stage, "code": self.code, "message": self.message,
            "times": self.times, "action": self.action, "seconds": self.seconds, "hits": self.hits,
        }


class Store:
    def __init__(self, data_dir: str | None) -> None:
        self.messages: list[Message] = []
        self.faults: list[Fault] = []
        self._next_id = 1
        self._changed = asyncio.Condition()
        self._data_dir = data_dir
        if data_dir:
            os.makedirs(data_dir, exist_ok=True)
            self._load()

    # --- messages ---------------------------------------------------------------------------
    def _load(self) -> None:
        assert self._data_dir
        for name in sorted(os.listdir(self._data_dir)):
            if not name.endswith(".json"):
                continue
            base = os.path.join(self._data_dir, name[:-5])
            try:
                with open(base + ".json", encoding="utf-8") as f:
                    meta = json.load(f)
                with open(base + ".eml", "rb") as f:
                    raw = f.read()
                self.messages.append(Message.create(
                    int(meta["id"]), meta["receivedAt"], meta["mailFrom"], meta["rcptTos"], raw))
            except (OSError, ValueError, KeyError):
                log.exception("skipping unreadable stored message %s", base)
        self.messages.sort(key=lambda m: m.id)
        if self.messages:
            self._next_id = self.messages[-1].id + 1

    async def add(self, mail_from: str, rcpt_tos: list[str], raw: bytes, received_at: str) -> Message:
        message = Message.create(self._next_id, received_at, mail_from, rcpt_tos, raw)
        self._next_id += 1
        self.messages.append(message)
        if self._data_dir:
            base = os.path.join(self._data_dir, f"{message.id:08d}")
            with open(base + ".eml", "wb") as f:
                f.write(raw)
            with open(base + ".json", "w", encoding="utf-8") as f:
                meta = message.to_json()
                del meta["raw"]
                json.dump(meta, f)
        async with self._changed:
            self._changed.notify_all()
        return message

    def get(self, id_: int) -> Message | None:
        return next((m for m in self.messages if m.id == id_), None)

    def matching(self, to: str | None) -> list[Message]:
        return [m for m in self.messages if to is None or m.is_to(to)]

    async def wait(self, count: int, timeout: float, to: str | None) -> list[Message]:
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(self.matching(to)) >= count), timeout)
            except asyncio.TimeoutError:
                pass
        return self.matching(to)

    def clear_messages(self) -> None:
        if self._data_dir:
            for name in os.listdir(self._data_dir):
                if name.endswith((".eml", ".json")):
                    os.remove(os.path.join(self._data_dir, name))
        self.messages.clear()

    # --- faults -----------------------------------------------------------------------------
    def take_fault(self, stage: str, recipients: list[str]) -> Fault | None:
        """Returns the first active fault for that stage and recipients, consuming one of its `times`."""
        for fault in self.faults:
            if fault.matches(stage, recipients):
                fault.hits += 1
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None


class Handler:
    """aiosmtpd hooks: record accepted messages, inject configured faults."""

    def __init__(self, store: Store, quiet: bool) -> None:
        self._store = store
        self._quiet = quiet

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        fault = self._store.take_fault("rcpt", [address])
        if fault is not None:
            return fault.reply()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        # The "SMTP server accepted" instant: the terminating dot has just been read.
        received_at = utc_now_iso()
        fault = self._store.take_fault("data", envelope.rcpt_tos)
        if fault is not None:
            if fault.action == "drop":
                server.transport.abort()
                # connection_lost() cancels this coroutine; nothing is ever replied.
                await asyncio.Event().wait()
            elif fault.action == "stall":
                await asyncio.sleep(fault.seconds or 0)
                if server.transport is None or server.transport.is_closing():
                    return "421 4.4.2 client went away"
                received_at = utc_now_iso()
            else:
                return fault.reply()
        raw = envelope.original_content or b""
        message = await self._store.add(envelope.mail_from or "", list(envelope.rcpt_tos), raw, received_at)
        if not self._quiet:
            log.info("#%d %s -> %s: %s", message.id, message.mail_from, ", ".join(message.rcpt_tos),
                     message.subject)
        return f"250 OK queued as {message.id}"


# --- HTTP ------------------------------------------------------------------------------------

class HttpError(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            413: "Payload Too Large", 500: "Internal Server Error"}

_CSS = """body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd}
th{background:#f4f4f4}tr:hover td{background:#fafafa}pre{white-space:pre-wrap;background:#f7f7f7;padding:1rem}
iframe{width:100%;height:32rem;border:1px solid #ccc}dt{font-weight:600}dd{margin:0 0 .4rem 1rem}
.muted{color:#777}"""


def _page(title: str, body: str) -> bytes:
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body>{body}</body></html>").encode("utf-8")


class HttpApp:
    def __init__(self, store: Store, instance_id: str | None = None) -> None:
        self._store = store
        self._health = f"ok {instance_id}".encode() if instance_id else b"ok"

    async def handle(self, method: str, target: str, body: bytes) -> tuple[int, str, bytes]:
        url = urlsplit(target)
        path = url.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        store = self._store

        if path == "/health":
            return 200, "text/plain; charset=utf-8", self._health
        if path == "/api/messages":
            if method == "GET":
                return self._json([m.to_json() for m in store.messages])
            if method == "DELETE":
                store.clear_messages()
                return 204, "", b""
            raise HttpError(405, "GET or DELETE")
        if path == "/api/messages/wait":
            self._require(method, "GET")
            try:
                count = int(query.get("count", "1"))
                timeout_ms = int(query.get("timeoutMs", "10000"))
            except ValueError:
                raise HttpError(400, "count and timeoutMs must be integers")
            to = query.get("to") or None
            messages = await store.wait(count, max(0, timeout_ms) / 1000.0, to)
            return self._json([m.to_json() for m in messages])
        if m := re.fullmatch(r"/api/messages/(\d+)", path):
            self._require(method, "GET")
            return self._json(self._message(m.group(1)).to_json())
        if path == "/api/faults":
            if method == "GET":
                return self._json([f.to_json() for f in store.faults])
            if method == "DELETE":
                store.faults.clear()
                return 204, "", b""
            if method == "POST":
                try:
                    fault = Fault.from_json(json.loads(body or b"null"))
                except ValueError as e:
                    raise HttpError(400, str(e))
                store.faults.append(fault)
                return self._json(fault.to_json())
            raise HttpError(405, "GET, POST or DELETE")
        if path == "/":
            self._require(method, "GET")
            return 200, "text/html; charset=utf-8", self._index()
        if m := re.fullmatch(r"/messages/(\d+)\.eml", path):
            self._require(method, "GET")
            return 200, "message/rfc822", self._message(m.group(1)).raw
        if m := re.fullmatch(r"/messages/(\d+)", path):
            self._require(method, "GET")
            return 200, "text/html; charset=utf-8", self._detail(self._message(m.group(1)))
        raise HttpError(404, "not found")

    @staticmethod
    def _require(method: str, allowed: str) -> None:
        if method != allowed:
            raise HttpError(405, allowed)

    @staticmethod
    def _json(value: Any) -> tuple[int, str, bytes]:
        return 200, "application/json; charset=utf-8", json.dumps(value).encode("utf-8")

    def _message(self, id_text: str) -> Message:
        message = self._store.get(int(id_text))
        if message is None:
            raise HttpError(404, f"no message {id_text}")
        return message

    def _index(self) -> bytes:
        rows = "".join(
            f"<tr><td>{html.escape(m.received_at)}</td><td>{html.escape(m.mail_from)}</td>"
            f"<td>{html.escape(', '.join(m.rcpt_tos))}</td>"
            f"<td><a href=\"/messages/{m.id}\">{html.escape(m.subject or '(no subject)')}</a></td></tr>"
            for m in reversed(self._store.messages))
        if not rows:
            rows = "<tr><td colspan=\"4\" class=\"muted\">No messages yet.</td></tr>"
        return _page("Kudos mail catcher", (
            f"<h1>Kudos mail catcher</h1><p class=\"muted\">{len(self._store.messages)} message(s), newest "
            "first. Reload to refresh.</p><table><thead><tr><th>Received (UTC)</th><th>From</th><th>To</th>"
            f"<th>Subject</th></tr></thead><tbody>{rows}</tbody></table>"))

    @staticmethod
    def _detail(message: Message) -> bytes:
        headers = text = html_part = None
        try:
            parsed = _FULL_PARSER.parsebytes(message.raw)
            headers = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>"
                              for k, v in parsed.items())
            plain = parsed.get_body(preferencelist=("plain",))
            text = plain.get_content() if plain is not None else None
            rich = parsed.get_body(preferencelist=("html",))
            html_part = rich.get_content() if rich is not None else None
        except Exception as e:  # show what we can of a malformed message
            text = f"(could not parse message: {e})"
        parts = [f"<p><a href=\"/\">&larr; all messages</a> &middot; "
                 f"<a href=\"/messages/{message.id}.eml\">raw .eml</a></p>",
                 f"<h1>{html.escape(message.subject or '(no subject)')}</h1>",
                 f"<dl><dt>Received (UTC)</dt><dd>{html.escape(message.received_at)}</dd>"
                 f"<dt>Envelope from</dt><dd>{html.escape(message.mail_from)}</dd>"
                 f"<dt>Envelope to</dt><dd>{html.escape(', '.join(message.rcpt_tos))}</dd></dl>"]
        if html_part is not None:
            # sandbox="" : no scripts, no forms, no same-origin access; srcdoc is an escaped attribute.
            parts.append(f"<h2>HTML</h2><iframe sandbox=\"\" referrerpolicy=\"no-referrer\" "
                         f"srcdoc=\"{html.escape(html_part, quote=True)}\"></iframe>")
        if text is not None:
            parts.append(f"<h2>Text</h2><pre>{html.escape(text)}</pre>")
        if headers is not None:
            parts.append(f"<h2>Headers</h2><dl>{headers}</dl>")
        return _page(message.subject or f"message {message.id}", "".join(parts))


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readline()
    length = int(headers.get("content-length", "0") or "0")
    if length > 16 * 1024 * 1024:
        raise HttpError(413, "body too large")
    return await reader.readexactly(length) if length else b""


async def serve_http(app: HttpApp, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A small HTTP/1.1 server with keep-alive: enough for tests' HttpClient and a browser."""
    try:
        while True:
            request_line = await reader.readline()
            if not request_line:
                return
            parts = request_line.decode("latin-1").split()
            if len(parts) != 3:
                return
            method, target, version = parts
            headers: dict[str, str] = {}
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            try:
                body = await _read_body(reader, headers)
                status, content_type, payload = await app.handle(method.upper(), target, body)
            except HttpError as e:
                status, content_type, payload = e.status, "text/plain; charset=utf-8", e.text.encode("utf-8")
            except Exception as e:  # a bug here must not kill the server
                log.exception("HTTP %s %s failed", method, target)
                status, content_type, payload = 500, "text/plain; charset=utf-8", str(e).encode("utf-8")
            keep_alive = (version == "HTTP/1.1" and headers.get("connection", "").lower() != "close")
            head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}",
                    f"Content-Length: {len(payload)}",
                    "Cache-Control: no-store",
                    "X-Content-Type-Options: nosniff",
                    f"Connection: {'keep-alive' if keep_alive else 'close'}"]
            if content_type:
                head.append(f"Content-Type: {content_type}")
            if content_type.startswith("text/html"):
                head.append("Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
                            "img-src data:; frame-src 'self'")
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (payload if method != "HEAD" else b""))
            await writer.drain()
            if not keep_alive:
                return
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
        return
    finally:
        writer.close()


# --- main ------------------------------------------------------------------------------------

async def main(args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    store = Store(args.data_dir)
    handler = Handler(store, args.quiet)

    def smtp_factory() -> SMTP:
        # hostname given explicitly: the default does a DNS lookup per connection.
        return SMTP(handler, hostname="kudos-mail-catcher", enable_SMTPUTF8=True, loop=loop)

    smtp_server = await loop.create_server(smtp_factory, host=args.host, port=args.smtp_port)
    app = HttpApp(store, args.instance_id)
    http_server = await asyncio.start_server(lambda r, w: serve_http(app, r, w), host=args.host,
                                             port=args.http_port)
    smtp_port = smtp_server.sockets[0].getsockname()[1]
    http_port = http_server.sockets[0].getsockname()[1]

    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if args.exit_on_stdin_eof:
        # The parent holds our stdin open; when it dies (even by SIGKILL) we see EOF and exit.
        stdin_reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin_reader), sys.stdin)

        async def watch_stdin() -> None:
            while await stdin_reader.read(4096):
                pass
            stop.set()
        loop.create_task(watch_stdin())

    print(f"READY smtp={smtp_port} http={http_port}", flush=True)
    if not args.quiet:
        log.info("SMTP on %s:%d, mail catcher on http://%s:%d/", args.host, smtp_port, args.host, http_port)
    await stop.wait()
    smtp_server.close()
    http_server.close()


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Kudos SMTP test server and mail catcher")
    p.add_argument("--smtp-port", type=int, default=2525, help="SMTP port (0 = pick a free one)")
    p.add_argument("--http-port", type=int, default=8025, help="HTTP port (0 = pick a free one)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--data-dir", default=None, help="persist messages as .eml files here and reload them")
    p.add_argument("--quiet", action="store_true", help="log only warnings and errors")
    p.add_argument("--instance-id", default=None,
                   help="answer /health with 'ok ID' (lets a starter tell its own server from another one)")
    p.add_argument("--exit-on-stdin-eof", action="store_true",
                   help="exit when stdin closes (used by tests so an orphaned server never lingers)")
    return p.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args(sys.argv[1:])
    logging.basicConfig(level=logging.WARNING if arguments.quiet else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    # aiosmtpd logs every connection at INFO: far too chatty at hundreds of messages per second.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    try:
        asyncio.run(main(arguments))
    except KeyboardInterrupt:
        pass
