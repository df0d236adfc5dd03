#!/usr/bin/env python3
"""Drives the Visage web page in a real headless Chromium over the DevTools protocol.

Usage: browser_check.py BASE_URL PHOTO NAME SCREENSHOT.png [CHROMIUM]

Opens BASE_URL, puts PHOTO into the page's file input (as a user choosing a file would), waits
for the face boxes, types NAME and presses the first face's "Enrol" button, waits for the person
to appear in the list and the face to be named, takes a screenshot, deletes the person with the
page's own button, and prints one JSON object with what the DOM showed at each step.
Standard library only (the WebSocket client is below). Exit status 1 on a timeout or error.
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class DevTools:
    """A minimal WebSocket (RFC 6455) client speaking the DevTools protocol."""

    def __init__(self, url):
        rest = url[len("ws://"):]
        hostport, path = rest.split("/", 1)
        host, port = hostport.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=120)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"WebSocket handshake refused: {head[:200]!r}")
        self.next_id = 0

    def _send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        header = bytearray([0x81])
        if len(data) < 126:
            header.append(0x80 | len(data))
        elif len(data) < 65536:
            header.append(0x80 | 126)
            header += struct.pack(">H", len(data))
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", len(data))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(bytes(header) + mask + masked)

    def _exact(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise RuntimeError("DevTools connection closed")
            out += chunk
        return out

    def _receive(self):
        message = b""
        while True:
            b1, b2 = self._exact(2)
            n = b2 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            mask = self._exact(4) if b2 & 0x80 else None
            payload = self._exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = b1 & 0x0F
            if opcode == 8:
                raise RuntimeError("DevTools closed the WebSocket")
            if opcode in (9, 10):
                continue
            message += payload
            if b1 & 0x80:
                return message.decode()

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self._send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            reply = json.loads(self._receive())
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, what, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.2)
        status = self.evaluate("document.querySelector('#status') && document.querySelector('#status').textContent")
        raise RuntimeError(f"timed out waiting for {what} (page status: {status!r})")


SNAPSHOT = """(() => ({
  labels: [...document.querySelectorAll('.face-box .face-label')].map(e => e.textContent),
  known: [...document.querySelectorAll('.face-box.known')].length,
  people: [...document.querySelectorAll('#people li .person-name')].map(e => e.textContent),
  status: document.querySelector('#status').textContent,
  boxVisible: (() => { const b = document.querySelector('.face-box'); if (!b) return false;
                       const r = b.getBoundingClientRect(); return r.width > 10 && r.height > 10; })()
}))()"""


def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    base, photo, name, screenshot = sys.argv[1:5]
    chromium = sys.argv[5] if len(sys.argv) > 5 else (shutil.which("chromium") or shutil.which("chromium-browser"))
    if not chromium:
        print("chromium not found: install it (scripts/setup.sh --for-tests installs Debian's chromium)", file=sys.stderr)
        return 1
    profile = tempfile.mkdtemp(prefix="visage-chromium-")
    browser = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1200,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 60
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.time() > deadline or browser.poll() is not None:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30))
        page = next(t for t in targets if t.get("type") == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        tools.call("Page.enable")
        tools.call("Runtime.enable")
        tools.call("Page.navigate", url=base)
        tools.wait_for("document.readyState === 'complete' && !!document.querySelector('#people') "
                       "&& document.querySelector('#people').dataset.loaded === 'true'", "the page to load")
        report = {"initial": tools.evaluate(SNAPSHOT)}

        root = tools.call("DOM.getDocument")["root"]["nodeId"]
        node = tools.call("DOM.querySelector", nodeId=root, selector="#file")["nodeId"]
        tools.call("DOM.setFileInputFiles", nodeId=node, files=[os.path.abspath(photo)])
        tools.wait_for("document.querySelectorAll('.face-box').length > 0 "
                       "&& document.querySelector('#photo').complete", "face boxes")
        report["opened"] = tools.evaluate(SNAPSHOT)

        tools.evaluate(f"document.querySelector('#enrol-name').value = {json.dumps(name)};"
                       "document.querySelector('.enrol-button[data-index=\"0\"]').click(); true")
        tools.wait_for(f"[...document.querySelectorAll('.face-box .face-label')].some(e => e.textContent === {json.dumps(name)})",
                       "the enrolled face to be named")
        report["enrolled"] = tools.evaluate(SNAPSHOT)
        shot = tools.call("Page.captureScreenshot", format="png")["data"]
        with open(screenshot, "wb") as f:
            f.write(base64.b64decode(shot))

        tools.evaluate("document.querySelector('#people li .delete-button').click(); true")
        tools.wait_for("document.querySelectorAll('#people li').length === 0 "
                       "&& document.querySelectorAll('.face-label').length > 0 "
                       "&& [...document.querySelectorAll('.face-label')].every(e => e.textContent === 'unknown')",
                       "the person to be deleted")
        report["deleted"] = tools.evaluate(SNAPSHOT)
        print(json.dumps(report))
        return 0
    except Exception as error:  # report and fail
        print(f"browser check failed: {error}", file=sys.stderr)
        return 1
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
