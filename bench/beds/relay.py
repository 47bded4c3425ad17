#!/usr/bin/python3
"""A ~50 ms round trip for kernels without sch_netem: two TUN devices joined by a delaying relay.

  relay.py TUN_SCAN TUN_TGT DELAY_MS JITTER_MS SEED READY_FILE

Every IP packet read from one TUN is written to the other DELAY_MS +- JITTER_MS later (uniform,
independently per packet and per direction, so the round trip is about 2 x DELAY_MS). Run it
inside the scanner's namespace; beds.sh moves TUN_TGT into the target namespace once READY_FILE
(holding this pid) exists. The TUN devices disappear when this process ends.
"""
import fcntl, heapq, itertools, os, random, select, struct, sys, time

TUNSETIFF, IFF_TUN, IFF_NO_PI, MAX_QUEUE = 0x400454CA, 0x0001, 0x1000, 200000


def tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    a_name, b_name, delay_ms, jitter_ms, seed, ready = sys.argv[1:7]
    a, b = tun(a_name), tun(b_name)
    other = {a: b, b: a}
    lo, hi = (float(delay_ms) - float(jitter_ms)) / 1000.0, (float(delay_ms) + float(jitter_ms)) / 1000.0
    rng, seq = random.Random(int(seed)), itertools.count()
    heap = []  # (due, seq, fd_to_write, packet)
    ep = select.epoll()
    ep.register(a, select.EPOLLIN)
    ep.register(b, select.EPOLLIN)
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.replace(ready + ".tmp", ready)
    while True:
        now = time.monotonic()
        while heap and heap[0][0] <= now:
            _, _, fd, pkt = heapq.heappop(heap)
            try:
                os.write(fd, pkt)
            except OSError:  # device down or queue full: the packet is lost
                pass
        timeout = max(0.0, heap[0][0] - time.monotonic()) if heap else -1
        for fd, _ in ep.poll(timeout):
            for _ in range(512):
                try:
                    pkt = os.read(fd, 65536)
                except OSError:
                    break
                if len(heap) < MAX_QUEUE:
                    heapq.heappush(heap, (time.monotonic() + rng.uniform(lo, hi), next(seq), other[fd], pkt))


if __name__ == "__main__":
    main()
