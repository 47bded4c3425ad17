#!/usr/bin/python3
"""A slow, lossy Ethernet wire between two TAP devices, for kernels without sch_netem.

  wire.py SCANNER_TAP HOST_TAP DELAY_MS LOSS_PCT SEED READY_FILE

Frames the host sends are delayed DELAY_MS (so the round trip grows by DELAY_MS, as with
'netem delay' on the host's egress); frames are lost with LOSS_PCT % in each direction.
The TAP devices exist only while this process runs; perisai-lab moves HOST_TAP into the host's
namespace after READY_FILE appears.
"""
import collections, fcntl, os, random, select, struct, sys, time

TUNSETIFF, IFF_TAP, IFF_NO_PI, MAX_QUEUE = 0x400454CA, 0x0002, 0x1000, 20000


def tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", name.encode(), IFF_TAP | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd


def main():
    a_name, b_name, delay_ms, loss_pct, seed, ready = sys.argv[1:7]
    a, b = tap(a_name), tap(b_name)
    delay = {a: 0.0, b: float(delay_ms) / 1000.0}  # keyed by the device a frame was read from
    loss, rng = float(loss_pct) / 100.0, random.Random(int(seed))
    other = {a: b, b: a}
    queue = {a: collections.deque(), b: collections.deque()}  # keyed by the device to write to
    with open(ready, "w") as f:
        f.write("%d\n" % os.getpid())
    while True:
        now, timeout = time.monotonic(), None
        for fd, q in queue.items():
            while q and q[0][0] <= now:
                try:
                    os.write(fd, q.popleft()[1])
                except OSError:  # device queue full or link down: the frame is lost
                    pass
            if q:
                timeout = q[0][0] - now if timeout is None else min(timeout, q[0][0] - now)
        readable, _, _ = select.select([a, b], [], [], timeout)
        for fd in readable:
            for _ in range(256):
                try:
                    frame = os.read(fd, 65536)
                except BlockingIOError:
                    break
                except OSError:
                    break
                if loss and rng.random() < loss:
                    continue
                q = queue[other[fd]]
                if len(q) < MAX_QUEUE:
                    q.append((time.monotonic() + delay[fd], frame))


if __name__ == "__main__":
    main()
