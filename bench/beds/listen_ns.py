#!/usr/bin/python3
"""Bench listener for bed F: one process serving listeners in many network namespaces (no fork, no thread).

  listen_ns.py SPEC.json READY_FILE

SPEC.json: [[netns, ip, port, mode, text], ...]. Each socket is created inside /run/netns/<netns> (setns(2)
for the socket() call only; a socket stays in the namespace it was created in), then one asyncio loop
serves them all. Modes, as the services of the lab's bulk hosts (lab/lib/listen.py):
  close   accept and close at once
  hold    accept and stay silent until the client closes (10 s at most)
  greet   send `text` + CRLF at once, then hold
  http    wait for a request, answer `HTTP/1.0 200 OK` with `Server: <text>`, close
Writes its pid to READY_FILE once every socket listens. Standard library only; root (setns).
"""
import asyncio, ctypes, json, os, resource, socket, sys

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def make_sockets(spec):
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    by_ns = {}
    for ns, ip, port, mode, text in spec:
        by_ns.setdefault(ns, []).append((ip, port, mode, text))
    out = []
    try:
        for ns, items in by_ns.items():
            fd = os.open("/run/netns/" + ns, os.O_RDONLY)
            try:
                setns(fd)
                for ip, port, mode, text in items:
                    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind((ip, port))
                    s.listen(4096)
                    s.setblocking(False)
                    out.append((s, mode, text))
            finally:
                os.close(fd)
    finally:
        setns(home)
        os.close(home)
    return out


def handler(mode, text):
    async def serve(reader, writer):
        try:
            if mode == "greet":
                writer.write((text + "\r\n").encode("latin-1"))
                await writer.drain()
            if mode == "http":
                await asyncio.wait_for(reader.read(4096), 10)
                body = b"<html><body>perisai-bench</body></html>\n"
                writer.write(("HTTP/1.0 200 OK\r\nServer: %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                              % (text, len(body))).encode("latin-1") + body)
                await writer.drain()
            elif mode in ("hold", "greet"):
                await asyncio.wait_for(reader.read(65536), 10)
        except (asyncio.TimeoutError, OSError):
            pass
        finally:
            writer.close()
    return serve


async def main():
    spec_path, ready = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    servers = []
    for s, mode, text in make_sockets(spec):
        if mode == "close":
            loop = asyncio.get_running_loop()
            loop.add_reader(s.fileno(), accept_close, s)
            servers.append(s)
        else:
            servers.append(await asyncio.start_server(handler(mode, text), sock=s, backlog=4096))
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.replace(ready + ".tmp", ready)
    await asyncio.Event().wait()


def accept_close(s):
    for _ in range(256):
        try:
            c, _ = s.accept()
        except OSError:
            return
        c.close()


if __name__ == "__main__":
    asyncio.run(main())
