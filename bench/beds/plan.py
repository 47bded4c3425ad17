#!/usr/bin/python3
"""Seeded layout of the benchmark beds A-D and their ground truth (standard library only).

  plan.py STATE_DIR SEED

Writes into STATE_DIR:
  truth.json        every bed's targets, ports, namespace and open (ip, port) set
  listen-a.json     [[ip, port], ...] for the bed-A listener (pb-lo, 127.0.0.1)
  listen-t.json     [[ip, port], ...] for the target listener (pb-tgt, beds B, C, D)
  beds.nft          nftables ruleset for pb-tgt (beds C and D: drop all but the alive hosts)
  zmap-empty-blacklist   an empty file (ZMap's default blacklist contains 198.18.0.0/15)
Every address is in 198.18.0.0/15 or 127.0.0.1.
"""
import ipaddress, json, os, random, sys, time

NS_LO, NS_SCAN, NS_TGT = "pb-lo", "pb-scan", "pb-tgt"
SCAN_IF, TGT_IF = "pb-s0", "pb-t0"
SCAN_IP, TGT_IP = "198.19.0.1", "198.19.0.2"          # veth link, 198.19.0.0/24
SCAN_MAC, TGT_MAC = "02:70:62:00:00:01", "02:70:62:00:00:02"
TUN_S, TUN_T, TUN_SRC = "pb-tunS", "pb-tunT", "198.19.1.1"
B_NET, C_NET, D_NET = "198.18.0.0/16", "198.19.16.0/20", "198.19.32.0/20"
A_FIXED = [22, 80, 135, 139, 443, 445, 3389]
A_OPEN, B_OPEN, CD_LISTENERS = 300, 256, 12
EPHEMERAL = range(32768, 61000)                        # ip_local_port_range 32768-60999


def usable(addr, net):
    """Not the first/last address of the CIDR and not .0/.255 (some scanners skip those)."""
    return addr not in (net.network_address, net.broadcast_address) and int(addr) & 0xFF not in (0, 255)


def sparse_bed(rng, cidr):
    net = ipaddress.ip_network(cidr)
    subnets = list(net.subnets(new_prefix=25))
    rst = rng.choice(subnets)
    candidates = [a for a in net if usable(a, net) and a not in rst]
    listeners = sorted(rng.sample(candidates, CD_LISTENERS))
    return net, rst, listeners


def main():
    state, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)

    # A: 300 ports on 127.0.0.1, never in the ephemeral range (self-connect noise cannot collide)
    pool = [p for p in range(1, 65536) if p not in EPHEMERAL and p not in A_FIXED]
    a_ports = sorted(A_FIXED + rng.sample(pool, A_OPEN - len(A_FIXED)))
    assert len(set(a_ports)) == A_OPEN and not any(p in EPHEMERAL for p in a_ports)

    # B: 256 addresses of the /16 listen on 445, every other address answers RST (AnyIP)
    b_net = ipaddress.ip_network(B_NET)
    b_open = sorted(rng.sample([a for a in b_net if usable(a, b_net)], B_OPEN))

    # C, D: a /25 of RST hosts + 12 listeners alive, the rest of the /20 silently dropped
    c_net, c_rst, c_listen = sparse_bed(rng, C_NET)
    d_net, d_rst, d_listen = sparse_bed(rng, D_NET)

    def sparse_truth(net, rst, listen, rtt):
        alive = rst.num_addresses + len(listen)
        return {
            "ns": NS_SCAN, "targets": str(net), "ports": "445", "probes": net.num_addresses,
            "rstNet": str(rst), "alive": alive, "silent": net.num_addresses - alive,
            "silentPct": round(100.0 * (net.num_addresses - alive) / net.num_addresses, 2),
            "rtt": rtt, "open": [[str(a), 445] for a in listen],
        }

    truth = {
        "seed": seed,
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "link": {"scanIf": SCAN_IF, "scanIp": SCAN_IP, "scanMac": SCAN_MAC, "tgtIf": TGT_IF,
                 "tgtIp": TGT_IP, "tgtMac": TGT_MAC, "tunScan": TUN_S, "tunTgt": TUN_T, "tunSrc": TUN_SRC},
        "beds": {
            "A": {"ns": NS_LO, "targets": "127.0.0.1", "ports": "1-65535", "probes": 65535,
                  "rtt": "loopback", "open": [["127.0.0.1", p] for p in a_ports]},
            "B": {"ns": NS_SCAN, "targets": str(b_net), "ports": "445", "probes": b_net.num_addresses,
                  "alive": b_net.num_addresses, "silent": 0, "rtt": "veth (~0.1 ms)",
                  "open": [[str(a), 445] for a in b_open]},
            "C": sparse_truth(c_net, c_rst, c_listen, "veth (~0.1 ms)"),
            "D": sparse_truth(d_net, d_rst, d_listen, "TUN relay, 25 ms +- 5 ms each way (~50 ms)"),
        },
    }
    # the safety rule, checked once more on the data every tool will be pointed at
    allowed = ipaddress.ip_network("198.18.0.0/15")
    for name, bed in truth["beds"].items():
        for ip, _ in bed["open"]:
            a = ipaddress.ip_address(ip)
            assert a in allowed or (name == "A" and str(a) == "127.0.0.1"), (name, ip)

    os.makedirs(state, exist_ok=True)

    def write(name, data):
        path = os.path.join(state, name)
        with open(path + ".tmp", "w") as f:
            f.write(data)
        os.replace(path + ".tmp", path)

    write("truth.json", json.dumps(truth, indent=1) + "\n")
    write("listen-a.json", json.dumps([["127.0.0.1", p] for p in a_ports]))
    write("listen-t.json", json.dumps([[str(a), 445] for a in b_open + c_listen + d_listen]))
    write("zmap-empty-blacklist", "")

    def elements(rst, listen):
        return ", ".join([str(rst)] + [str(a) for a in listen])

    write("beds.nft", """table inet pb_bench {
  set alive_c { type ipv4_addr; flags interval; elements = { %s } }
  set alive_d { type ipv4_addr; flags interval; elements = { %s } }
  chain pre {
    type filter hook prerouting priority raw; policy accept;
    ip daddr %s ip daddr != @alive_c counter drop
    ip daddr %s ip daddr != @alive_d counter drop
  }
}
""" % (elements(c_rst, c_listen), elements(d_rst, d_listen), C_NET, D_NET))


if __name__ == "__main__":
    main()
