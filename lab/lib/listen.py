#!/usr/bin/python3
"""One small TCP listener process for many ports (standard library only).

  listen.py SPEC.json      SPEC: {"ports": [{"port": 22, "mode": "banner", "data": "SSH-2.0-...\\r\\n"}, ...]}

Modes: banner = send data on accept, then hold the connection; http = answer one request;
silent = accept and hold; close = accept and close at once. Held connections close after 10 s.
"""
import json, resource, selectors, socket, sys, time

HOLD_S, MAX_CONNS = 10.0, 4000


def http_reply(p, request):
    line = request.split(b"\r\n", 1)[0].split()
    ok = len(line) == 3 and line[2].startswith(b"HTTP/")
    title = p.get("title") or "perisai-lab"
    body = b"" if ok and line[0] == b"HEAD" else (
        "<!DOCTYPE html>\n<html><head><title>%s</title></head><body><h1>%s</h1></body></html>\n" % (title, title)
        if ok else "<html><body>400 Bad Request</body></html>\n").encode()
    head = "HTTP/1.1 %s\r\nServer: %s\r\nDate: %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (
        "200 OK" if ok else "400 Bad Request", p.get("server") or "nginx",
        time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()), len(body))
    return head.encode() + body


def main():
    spec = json.load(open(sys.argv[1]))
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sel, conns = selectors.DefaultSelector(), {}
    for p in spec["ports"]:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((spec.get("bind", "0.0.0.0"), p["port"]))
        s.listen(4096)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, ("L", p))

    def drop(c):
        sel.unregister(c)
        c.close()
        del conns[c]

    while True:
        now = time.monotonic()
        for key, _ in sel.select(1.0):
            kind, p = key.data
            if kind == "L":
                for _ in range(256):
                    try:
                        c, _ = key.fileobj.accept()
                    except OSError:
                        break
                    if p["mode"] == "close":
                        c.close()
                        continue
                    c.setblocking(False)
                    if p["mode"] == "banner":
                        try:
                            c.send(p["data"].encode("latin-1"))
                        except OSError:
                            c.close()
                            continue
                    conns[c] = [now + HOLD_S, b"", p]
                    sel.register(c, selectors.EVENT_READ, ("C", p))
                    if len(conns) > MAX_CONNS:
                        drop(min(conns, key=lambda k: conns[k][0]))
            elif key.fileobj in conns:
                c = key.fileobj
                try:
                    d = c.recv(4096)
                except OSError:
                    d = b""
                if not d:
                    drop(c)
                elif p["mode"] == "http":
                    conns[c][1] += d
                    buf = conns[c][1]
                    if b"\r\n\r\n" in buf or len(buf) > 8192:
                        try:
                            c.send(http_reply(p, buf))
                        except OSError:
                            pass
                        drop(c)
        for c in [c for c, v in conns.items() if v[0] < now]:
            if conns[c][2]["mode"] == "http":  # no complete request within HOLD_S: answer anyway
                try:
                    c.send(http_reply(conns[c][2], conns[c][1]))
                except OSError:
                    pass
            drop(c)


if __name__ == "__main__":
    main()
