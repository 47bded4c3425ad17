#!/usr/bin/python3
"""Seeded layout of the benchmark beds A-F and their ground truth (standard library only).

  plan.py STATE_DIR SEED             write the layout, configs and truth.json
  plan.py probe STATE_DIR [TIMEOUT] [E,G]  beds E and G: read-only SMB check (lab/lib/smbprobe.py) of the first, middle and
                                     last address of every persona block against the persona's expected
                                     verdicts; run inside pb-scan; exit 1 if any differs

Writes into STATE_DIR:
  truth.json        every bed's targets, ports, namespace and open (ip, port) set
  listen-a.json     [[ip, port], ...] for the bed-A listener (pb-lo, 127.0.0.1)
  listen-t.json     [[ip, port], ...] for the target listener (pb-tgt, beds B, C, D)
  beds.nft          nftables ruleset for pb-tgt (beds C and D: drop all but the alive hosts)
  zmap-empty-blacklist   an empty file (ZMap's default blacklist contains 198.18.0.0/15)
  e-smb1/smb.conf, e-smb2/smb.conf, e-imp/smb.conf, e-dp.json, e-*/hosts   bed E daemon configs
  listen-f.json     [[netns, ip, port, mode, text], ...] for bed F's listener (beds/listen_ns.py)
Every address is in 198.18.0.0/15 or 127.0.0.1.

Bed E reuses the project lab's SMB personas (lab/lib/plan.py: facts and expected verdicts, lab/lib/smbimp.py,
lab/lib/dpserver.py), each behind a /26 of AnyIP addresses in a namespace of its own.
"""
import importlib.util, ipaddress, json, os, random, sys, time

sys.dont_write_bytecode = True  # keep lab/lib and bench/beds free of __pycache__
LAB_LIB = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "lab", "lib")


def lab_plan():
    """The lab's plan.py, loaded by path under another name (this file is also called plan.py)."""
    spec = importlib.util.spec_from_file_location("perisai_lab_plan", os.path.join(LAB_LIB, "plan.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

NS_LO, NS_SCAN, NS_TGT = "pb-lo", "pb-scan", "pb-tgt"
SCAN_IF, TGT_IF = "pb-s0", "pb-t0"
SCAN_IP, TGT_IP = "198.19.0.1", "198.19.0.2"          # veth link, 198.19.0.0/24
SCAN_MAC, TGT_MAC = "02:70:62:00:00:01", "02:70:62:00:00:02"
TUN_S, TUN_T, TUN_SRC = "pb-tunS", "pb-tunT", "198.19.1.1"
B_NET, C_NET, D_NET = "198.18.0.0/16", "198.19.16.0/20", "198.19.32.0/20"
A_FIXED = [22, 80, 135, 139, 443, 445, 3389]
A_OPEN, B_OPEN, CD_LISTENERS = 300, 256, 12
EPHEMERAL = range(32768, 61000)                        # ip_local_port_range 32768-60999
# E: one namespace per SMB persona; pb-scan reaches each over a veth /30 in 198.19.2.0/24 and routes the
# persona's /26 (AnyIP in the persona's namespace, .64-.127 of its own /24: no .0/.255 address) to it.
E_PERSONAS = [  # name (as in the lab), namespace, scanner-side veth, /30 index, /26 block, TTL, ports
    ("smb1", "pb-esmb1", "pb-se1", 0, "198.19.64.64/26", 64, [139, 445]),
    ("smb2only", "pb-esmb2", "pb-se2", 1, "198.19.65.64/26", 64, [445]),
    ("impacket", "pb-eimp", "pb-se3", 2, "198.19.66.64/26", 128, [445]),
    ("doublepulsar", "pb-edp", "pb-se4", 3, "198.19.67.64/26", 128, [139, 445]),
]
E_DAEMONS = {"smb1": "Samba %s, SMBv1 on (NT1), guest, signing off/optional",
             "smb2only": "Samba %s, SMB2+ only, signing required, no guest",
             "impacket": "lab/lib/smbimp.py: impacket posing as unpatched Windows 7 SP1",
             "doublepulsar": "lab/lib/dpserver.py: Windows 7 SP1 imposter infected with DoublePulsar"}


# F: 64 hosts, one namespace each (pb-f00..pb-f63), on one bridge (pb-fbr0 in namespace pb-fbr) with the
# scanner (pb-scan's pb-sf, 198.19.96.1/24); hosts are .64-.127; every host answers on ports 1-3000 (RST or a
# listener). Its own random stream (seed ^ F_SALT), so beds A-E keep their layouts.
F_NET, F_SCAN_IP, F_SCAN_IF, F_BR_NS, F_HOSTS, F_PORTS, F_SALT = "198.19.96.0/24", "198.19.96.1", "pb-sf", "pb-fbr", 64, 3000, 0xF0F0
F_GREET = {21: ("ftp", "220 (vsFTPd 3.0.3)"), 22: ("ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"),
           25: ("smtp", "220 mail.perisai-bench.invalid ESMTP Postfix (Debian/GNU)"), 110: ("pop3", "+OK Dovecot (Debian) ready."),
           143: ("imap", "* OK [CAPABILITY IMAP4rev1] Dovecot (Debian) ready.")}
F_HTTP = {80: "nginx/1.22.1", 1080: "Apache/2.4.57 (Debian)", 2000: "WSGIServer/0.2 CPython/3.11.2"}


def bridged_bed(seed):
    """Bed F: -> (truth, listener spec)."""
    rng = random.Random(seed ^ F_SALT)
    net = ipaddress.ip_network(F_NET)
    hosts, spec, open_pairs, services = [], [], [], {}
    for i in range(F_HOSTS):
        ip, ns = str(net.network_address + 64 + i), "pb-f%02d" % i
        ports = set(rng.sample(range(1, F_PORTS + 1), rng.randint(4, 12)))
        for p, share in ((22, 0.6), (80, 0.5), (21, 0.2), (25, 0.2), (110, 0.1), (143, 0.1), (443, 0.3), (445, 0.2), (139, 0.1), (135, 0.1)):
            if rng.random() < share:
                ports.add(p)
        for p in sorted(ports):
            if p in F_GREET:
                mode, text, name = "greet", F_GREET[p][1], F_GREET[p][0]
            elif p in F_HTTP:
                mode, text, name = "http", F_HTTP[p], "http"
            else:
                mode, text, name = ("hold" if rng.random() < 0.5 else "close"), "", None
            spec.append([ns, ip, p, mode, text])
            open_pairs.append([ip, p])
            if name:
                services["%s:%d" % (ip, p)] = {"name": name, ("banner" if mode == "greet" else "server_header"): text}
        hosts.append({"ip": ip, "ns": ns, "veth": "pb-fh%02d" % i})
    truth = {
        "ns": NS_SCAN, "targets": "%s/26" % (net.network_address + 64), "ports": "1-%d" % F_PORTS,
        "probes": F_HOSTS * F_PORTS, "alive": F_HOSTS, "silent": 0, "rtt": "bridge (~0.1 ms)",
        "scanIf": F_SCAN_IF, "scanIp": F_SCAN_IP, "bridgeNs": F_BR_NS, "hosts": hosts, "services": services,
        "open": open_pairs,
    }
    return truth, spec


# G: the SMB bed at scale, from personas that do not fork per connection (so that the scanner, not Samba's
# fork per connection, is measured): lab/lib/dpserver.py (asyncio, one process) as four Windows hosts, 64
# AnyIP addresses each, one namespace each, reached as in bed E over a veth /30 (198.19.2.16/28).
G_PERSONAS = [  # name, namespace, scanner-side veth, /30 index, /26 block, ports, dpserver overrides, expected
    ("win7-dp", "pb-gdp", "pb-sg1", 4, "198.19.68.64/26", [139, 445], {},
     {"smb1": "enabled", "ms17_010": "vulnerable", "doublepulsar": "detected"}),
    ("win7-unpatched", "pb-gw7", "pb-sg2", 5, "198.19.69.64/26", [445], {"infected": False},
     {"smb1": "enabled", "ms17_010": "vulnerable", "doublepulsar": "not-detected"}),
    ("win7-patched", "pb-gw7p", "pb-sg3", 6, "198.19.70.64/26", [445], {"infected": False, "ms17_010_patched": True},
     {"smb1": "enabled", "ms17_010": "not-vulnerable", "doublepulsar": "not-detected"}),
    ("win2008-patched", "pb-gw8", "pb-sg4", 7, "198.19.71.64/26", [139, 445],
     {"infected": False, "ms17_010_patched": True, "netbios_name": "PB-W2K8", "native_os": "Windows Server 2008 R2 Standard 7601 Service Pack 1",
      "native_lanman": "Windows Server 2008 R2 Standard 6.1"},
     {"smb1": "enabled", "ms17_010": "not-vulnerable", "doublepulsar": "not-detected"}),
]


def emulated_smb_bed(state, seed):
    """Bed G: four dpserver personas, 64 AnyIP addresses each. -> (truth, {file: text})."""
    lab = lab_plan()
    sig1, sig2 = lab.dp_signature(seed, "x64", "")
    files, personas, open_pairs = {}, [], []
    for name, ns, scan_if, idx, cidr, ports, over, expected in G_PERSONAS:
        net = ipaddress.ip_network(cidr)
        addrs = [str(a) for a in net]
        link = ipaddress.ip_network("198.19.2.%d/30" % (4 * idx))
        scan_ip, peer_ip = str(link.network_address + 1), str(link.network_address + 2)
        cfg = dict(bind="0.0.0.0", ports=ports, netbios_ports=[139], netbios_name=lab.DP_NAME, workgroup=lab.WORKGROUP,
                   native_os=lab.WIN7_OS, native_lanman=lab.WIN7_LANMAN, sig1=sig1, sig2=sig2,
                   ready_file=os.path.join(state, "g-%s.ready" % name))
        cfg.update(over)
        files["g-%s/dp.json" % name] = json.dumps(cfg, indent=1)
        persona = {
            "name": name, "labHost": "-", "role": "smb", "ns": ns, "cidr": cidr, "addresses": len(addrs),
            "first": addrs[0], "last": addrs[-1], "scanIf": scan_if, "scanIp": scan_ip, "peerIf": "eth0",
            "peerIp": peer_ip, "link": str(link), "ttl": 128, "ports": ports,
            "daemon": "lab/lib/dpserver.py (asyncio, no fork): %s, %s" % (cfg["native_os"], ", ".join("%s=%s" % kv for kv in over.items()) or "infected"),
            "expected": expected, "dialects": ["NT LM 0.12"], "signing": "not-required",
            "signingModes": {"smb1": "disabled", "smb2": None},
        }
        if expected["doublepulsar"] == "detected":
            persona["doublepulsar"] = {"arch": "x64", "key": "0x%08X" % lab.dp_key(sig1), "sig1": "0x%08X" % sig1, "sig2": "0x%08X" % sig2}
        personas.append(persona)
        open_pairs += [[a, p] for a in addrs for p in ports]
    blocks = [p["cidr"] for p in personas]
    truth = {
        "ns": NS_SCAN, "targets": " ".join(blocks), "blocks": blocks, "ports": "139,445",
        "probes": 2 * sum(p["addresses"] for p in personas), "alive": sum(p["addresses"] for p in personas),
        "silent": 0, "rtt": "veth (~0.1 ms)", "open": open_pairs, "personas": personas,
    }
    return truth, files


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


def samba_conf(d, netbios, extra_global, share):
    """As lab/perisai-lab's samba_conf: every path of the instance under its own state directory."""
    return """[global]
  workgroup = %(wg)s
  netbios name = %(nb)s
  server string = perisai-bench %(nb)s
  server role = standalone server
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  log file = %(d)s/log.smbd
  log level = 1
  pid directory = %(d)s/run
  lock directory = %(d)s/lock
  state directory = %(d)s/state
  cache directory = %(d)s/cache
  private dir = %(d)s/private
  ncalrpc dir = %(d)s/ncalrpc
  binddns dir = %(d)s/bind-dns
  passdb backend = tdbsam:%(d)s/private/passdb.tdb
%(g)s
%(s)s
""" % dict(wg="PERISAILAB", nb=netbios, d=d, g=extra_global, s=share)


def smb_bed(state, seed):
    """Bed E: the lab's four SMB personas, 64 AnyIP addresses each. -> (truth, {file: text})."""
    lab = lab_plan()
    dp_arch = os.environ.get("PERISAI_LAB_DP_ARCH", "x64")
    sig1, sig2 = lab.dp_signature(seed, dp_arch, os.environ.get("PERISAI_LAB_DP_SIG1", ""))
    dp = dict(arch=dp_arch, sig1=sig1, sig2=sig2, key=lab.dp_key(sig1),
              signature_hex=(sig1.to_bytes(4, "little") + sig2.to_bytes(4, "little")).hex(),
              wrong_key=lab.dp_key_from_64bit_signature(sig1 | (sig2 << 32)))
    samba_version = os.environ.get("SAMBA_VERSION", "unknown")
    hosts = {h["name"]: h for h in lab.static_hosts(samba_version, 0, 0, "none", dp)}
    files, personas, open_pairs = {}, [], []
    for name, ns, scan_if, idx, cidr, ttl, ports in E_PERSONAS:
        h = hosts[name]
        assert h["smb"] and h["ttl"] == ttl and sorted(h["tcp"]["open"]) == ports, name
        net = ipaddress.ip_network(cidr)
        addrs = [str(a) for a in net]
        assert all(usable(ipaddress.ip_address(a), ipaddress.ip_network(str(net.supernet(new_prefix=24)))) for a in addrs)
        link = ipaddress.ip_network("198.19.2.%d/30" % (4 * idx))
        scan_ip, peer_ip = str(link.network_address + 1), str(link.network_address + 2)
        smb = h["smb"]
        modes = [v for v in smb["signing"].values() if v is not None]
        persona = {
            "name": name, "labHost": h["ip"], "role": h["role"], "ns": ns, "cidr": cidr, "addresses": len(addrs),
            "first": addrs[0], "last": addrs[-1], "scanIf": scan_if, "scanIp": scan_ip, "peerIf": "eth0",
            "peerIp": peer_ip, "link": str(link), "ttl": ttl, "ports": ports,
            "daemon": E_DAEMONS[name] % samba_version if "%s" in E_DAEMONS[name] else E_DAEMONS[name],
            # what a correct check reports (the lab's smb.expected, Perisai's vocabulary) + the facts compared
            "expected": dict(smb["expected"]),
            "dialects": smb["dialects"],
            "signing": "required" if modes and all(m == "required" for m in modes) else "not-required",
            "signingModes": smb["signing"],
        }
        if smb["doublepulsar"].get("infected"):
            persona["doublepulsar"] = {k: smb["doublepulsar"][k] for k in ("arch", "key", "sig1", "sig2")}
        personas.append(persona)
        open_pairs += [[a, p] for a in addrs for p in ports]
        hosts_file = "127.0.0.1\tlocalhost\n%s\tpb-%s.perisai-bench.internal pb-%s\n" % (peer_ip, name, name)
        d = os.path.join(state, "e-" + name)
        if name == "smb1":
            files["e-smb1/smb.conf"] = samba_conf(d, "PB-SMB1", """  server min protocol = NT1
  ntlm auth = ntlmv1-permitted
  map to guest = Bad User
  guest account = nobody
  smb ports = 445 139""", """[public]
  path = %s/share
  guest ok = yes
  read only = yes""" % d)
            files["e-smb1/hosts"] = hosts_file
        elif name == "smb2only":
            files["e-smb2only/smb.conf"] = samba_conf(d, "PB-SMB2", """  server min protocol = SMB2_02
  server signing = mandatory
  map to guest = Never
  restrict anonymous = 2
  disable netbios = yes
  smb ports = 445""", """[data]
  path = %s/share
  guest ok = no
  read only = yes""" % d)
            files["e-smb2only/hosts"] = hosts_file
        elif name == "impacket":  # as lab/perisai-lab writes it for its impacket host
            files["e-impacket/smb.conf"] = """[global]
server_name = %s
server_os = %s
server_domain = PERISAILAB
log_file = None
credentials_file =
challenge = 4141414141414141
SMB2Support = True
anonymous_logon = True

[IPC$]
comment =
read only = yes
share type = 3
path =

[PUBLIC]
comment = perisai-bench
read only = yes
share type = 0
path = %s/share
""" % (smb["netbios_name"], lab.WIN7_OS, d)
        else:  # doublepulsar: as lab/lib/plan.py writes dp.json, plus a ready file
            files["e-doublepulsar/dp.json"] = json.dumps(dict(
                bind="0.0.0.0", ports=[445, 139], netbios_ports=[139], netbios_name=lab.DP_NAME,
                workgroup=lab.WORKGROUP, native_os=lab.WIN7_OS, native_lanman=lab.WIN7_LANMAN, sig1=sig1, sig2=sig2,
                ready_file=os.path.join(state, "e-doublepulsar.ready")), indent=1)
    blocks = [p["cidr"] for p in personas]
    truth = {
        "ns": NS_SCAN, "targets": " ".join(blocks), "blocks": blocks, "ports": "139,445",
        "probes": 2 * sum(p["addresses"] for p in personas), "alive": sum(p["addresses"] for p in personas),
        "silent": 0, "rtt": "veth (~0.1 ms)", "open": open_pairs, "personas": personas,
        "samba": samba_version, "labSource": "lab/lib/plan.py static_hosts() (smb.expected, dialects, signing)",
    }
    return truth, files


def probe(state, timeout, which="E,G"):
    """Bed E health: smbprobe (read-only: negotiate, null session, IPC$, PeekNamedPipe FID 0, DoublePulsar ping)
    on the first, middle and last address of every block, compared with the persona's expected verdicts."""
    sys.path.insert(0, LAB_LIB)
    import smbprobe  # noqa: E402
    with open(os.path.join(state, "truth.json")) as f:
        beds = json.load(f)["beds"]
    bed = {"personas": [p for b in which.split(",") for p in beds[b]["personas"]]}
    bad = 0
    for p in bed["personas"]:
        addrs = [str(a) for a in ipaddress.ip_network(p["cidr"])]
        for ip in (addrs[0], addrs[len(addrs) // 2], addrs[-1]):
            try:
                got = smbprobe.probe(ip, 445, timeout)
            except Exception as e:  # noqa: BLE001 (any failure = not ready)
                got = {"error": str(e)}
            diff = {k: (got.get(k), v) for k, v in p["expected"].items() if got.get(k) != v}
            if p.get("doublepulsar") and got.get("doublepulsar") == "detected" and got.get("key") != p["doublepulsar"]["key"]:
                diff["key"] = (got.get("key"), p["doublepulsar"]["key"])
            bad += 1 if diff else 0
            print("%-15s %-15s %s" % (p["name"], ip, "ok" if not diff else "DIFFERS (got, expected): %s %s" % (diff, got.get("error", ""))))
    return 1 if bad else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "probe":
        sys.exit(probe(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 2.0, sys.argv[4] if len(sys.argv) > 4 else "E,G"))
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

    e_truth, e_files = smb_bed(state, seed)
    f_truth, f_spec = bridged_bed(seed)
    g_truth, g_files = emulated_smb_bed(state, seed)
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
            "E": e_truth,
            "F": f_truth,
            "G": g_truth,
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
    write("listen-f.json", json.dumps(f_spec))
    for name, text in list(e_files.items()) + list(g_files.items()):
        os.makedirs(os.path.dirname(os.path.join(state, name)), exist_ok=True)
        write(name, text)

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
