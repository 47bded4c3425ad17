#!/usr/bin/python3
"""Bench listener: listen on every [ip, port] of SPEC.json, accept and close at once.

  listen.py SPEC.json READY_FILE

Writes its pid to READY_FILE once every socket is listening.
"""
import json, os, resource, selectors, socket, sys


def main():
    spec, ready = sys.argv[1], sys.argv[2]
    with open(spec) as f:
        pairs = json.load(f)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sel = selectors.DefaultSelector()
    for ip, port in pairs:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((ip, port))
        s.listen(4096)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.replace(ready + ".tmp", ready)
    while True:
        for key, _ in sel.select():
            for _ in range(256):
                try:
                    c, _ = key.fileobj.accept()
                except OSError:
                    break
                c.close()


if __name__ == "__main__":
    main()
