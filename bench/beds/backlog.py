#!/usr/bin/python3
"""Raise the accept backlog of every listening TCP socket of a running process (bed E).

  backlog.py PID BACKLOG

Bed E serves 64 addresses from one daemon per persona, so 64 "hosts" share one accept queue, and Samba
(listen backlog 50, compiled in) and impacket (socketserver's 5) drop SYNs under a scan's burst: each
drop costs the client a 1 s SYN retransmission, which 64 real hosts with a queue each would not impose.
This takes a duplicate of each listening socket (pidfd_getfd, Linux >= 5.6, root) and calls listen()
on it again, which only updates the queue limit of the shared socket (capped by net.core.somaxconn of
the namespace). Nothing else about the daemon changes. Prints one line per socket; exit 1 if none.
"""
import ctypes, os, socket, sys

SYS_PIDFD_GETFD = 438  # x86-64 and aarch64 (asm-generic) alike


def main():
    pid, backlog = int(sys.argv[1]), int(sys.argv[2])
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    done = 0
    try:
        for name in os.listdir("/proc/%d/fd" % pid):
            try:
                if not os.readlink("/proc/%d/fd/%s" % (pid, name)).startswith("socket:"):
                    continue
            except OSError:
                continue
            fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(name), 0)
            if fd < 0:
                sys.exit("backlog: pidfd_getfd(%d, %s): %s" % (pid, name, os.strerror(ctypes.get_errno())))
            s = socket.socket(fileno=fd)
            try:
                if s.type == socket.SOCK_STREAM and s.family in (socket.AF_INET, socket.AF_INET6) \
                        and s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                    s.listen(backlog)
                    print("backlog: pid %d fd %s %s -> %d" % (pid, name, s.getsockname()[:2], backlog))
                    done += 1
            finally:
                s.close()  # closes our duplicate only
    finally:
        os.close(pidfd)
    sys.exit(0 if done else 1)


if __name__ == "__main__":
    main()
