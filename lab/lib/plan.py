#!/usr/bin/python3
"""Lab plan for perisai-lab: the single source of truth for addresses, ports and facts.

  plan.py gen OUTDIR             write lab.env, ground-truth.json, nft rule files, daemon configs
  plan.py probe TRUTH [TIMEOUT]  connect to every expected-open port and run the read-only SMB check
                                 (smbprobe.py) on the SMB hosts; print a status table; exit 1 if unhealthy

Environment: PERISAI_LAB_SEED, PERISAI_LAB_DELAY_MS, PERISAI_LAB_LOSS_PCT, PERISAI_LAB_SHAPER
(resolved: netem|wire|none), PERISAI_LAB_DP_ARCH (x64|x86), PERISAI_LAB_DP_SIG1 (hex), SAMBA_VERSION,
PERISAI_LAB_NMAP_SERVICES. Adapted from the shared reference lab (testnet). Standard library only.
"""
import hashlib, json, os, selectors, signal, socket, sys, time

sys.dont_write_bytecode = True  # keep lab/lib free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smbprobe  # noqa: E402

M64 = (1 << 64) - 1
SCANNER_IP, BRIDGE = "198.18.0.1", "plbr0"
LAB_CIDR, LINK_CIDR, BULK_CIDR, BULK_GW = "198.18.0.0/15", "198.18.0.0/24", "198.18.1.0/24", "198.18.0.40"
UNASSIGNED = {"198.18.0.99": "on-link, no host: ARP gets no answer",
              "198.18.2.1": "inside 198.18.0.0/15, no segment: unreachable route in the root namespace",
              "198.19.255.254": "inside 198.18.0.0/15, no segment: unreachable route in the root namespace"}

SSH_BANNER = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"
HTTP_SERVER = "nginx/1.22.1"
# Bulk hosts: what the single listener does per port. Banner ports greet; http answers a request; 23 and 1723
# accept and close at once (like a tcpwrapped service); every other open port accepts and waits silently.
BULK_SERVICES = {
    23: ("telnet", "close", None), 1723: ("pptp", "close", None),
    21: ("ftp", "banner", "220 (vsFTPd 3.0.3)\r\n"),
    22: ("ssh", "banner", SSH_BANNER),
    25: ("smtp", "banner", "220 mail.perisai-lab.invalid ESMTP Postfix (Debian/GNU)\r\n"),
    110: ("pop3", "banner", "+OK Dovecot (Debian) ready.\r\n"),
    143: ("imap", "banner", "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.\r\n"),
    80: ("http", "http", None), 81: ("http", "http", None), 8000: ("http", "http", None),
    8008: ("http", "http", None), 8080: ("http", "http", None), 8888: ("http", "http", None),
}


def mac_for(ip):
    a = [int(x) for x in ip.split(".")]
    return "02:50:4c:%02x:%02x:%02x" % (a[1] - 18, a[2], a[3])  # 02:50:4c = locally administered "PL"


def top1000(path):
    """nmap's --top-ports 1000 for TCP: highest open-frequency first, file order on ties."""
    rows = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 3 and not p[0].startswith("#") and p[1].endswith("/tcp"):
                rows.append((float(p[2]), int(p[1].split("/")[0]), p[0]))
    rows = sorted(rows, key=lambda r: -r[0])[:1000]
    return [r[1] for r in rows], {r[1]: r[2] for r in rows}


class SplitMix64:
    """Tiny, language-neutral PRNG (splitmix64) so the bulk layout can be recomputed anywhere."""
    def __init__(self, seed):
        self.s = seed & M64

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M64
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)


def bulk_layout(seed, ranked):
    """Per host: k = r % 9 open ports (0..8). Each port: with r % 2 == 0 one of the top 20 (ranked[r % 20]),
    else ranked[min(a, b)] with a, b uniform in 0..999 (favours popular ports). Then ~15% of hosts also
    get 445 (SMB exposure counting). r, a, b are successive splitmix64 outputs."""
    rng, hosts = SplitMix64(seed), {}
    for n in range(1, 255):
        k, ports = rng.next() % 9, set()
        while len(ports) < k:
            if rng.next() % 2 == 0:
                ports.add(ranked[rng.next() % 20])
            else:
                ports.add(ranked[min(rng.next() % 1000, rng.next() % 1000)])
        if rng.next() % 100 < 15:
            ports.add(445)
        hosts["198.18.1.%d" % n] = sorted(ports)
    return hosts


WORKGROUP, DNS_DOMAIN = "PERISAILAB", "perisai-lab.internal"
WIN7_OS, WIN7_LANMAN = "Windows 7 Professional 7601 Service Pack 1", "Windows 7 Professional 6.1"
WIN7_CPE = "cpe:/o:microsoft:windows_7::sp1:professional"
DP_NAME = "WIN7-DP"


def dp_key(sig1):
    """DoublePulsar XOR key from the low signature dword (docs/smb-detection.md section 6.3)."""
    s = sig1 & 0xFFFFFFFF
    a = (s << 1) & 0xFFFFFFFF
    b = ((((s & 0x0000FF00) | (s << 16)) & 0xFFFFFFFF) << 8) & 0xFFFFFFFF
    c = (((s >> 16) | (s & 0x00FF0000)) >> 8) & 0xFFFFFFFF
    return (a ^ (b | c)) & 0xFFFFFFFF


def dp_key_from_64bit_signature(sig):
    """The same formula applied to the whole 8-byte signature (Countercept's script): wrong for x64
    whenever bit 16 of sig1 is 0. Recorded so tests can check that a scanner does not do this."""
    return (2 * sig ^ (((sig & 0xFF00 | (sig << 16)) << 8) | (((sig >> 16) | sig & 0xFF0000) >> 8))) & 0xFFFFFFFF


def dp_signature(seed, arch, sig1_override=""):
    """Deterministic implant signature: sig1 from splitmix64(seed ^ "DOUBLE"); for x64, bit 16 of sig1 is
    cleared so that the correct (32-bit) and the wrong (64-bit) key computations give different keys."""
    if sig1_override:
        sig1 = int(sig1_override, 16) & 0xFFFFFFFF
    else:
        sig1 = SplitMix64(seed ^ 0x444F55424C45).next() & 0xFFFFFFFF
        if arch == "x64":
            sig1 &= ~0x00010000
    sig2 = 1 if arch == "x64" else 0
    return sig1, sig2


def static_hosts(samba_version, delay_ms, loss_pct, shaper, dp):
    smb_os = "Windows 6.1"  # what Samba reports as native OS in an SMB1 session setup
    dp_clean = dict(infected=False)
    return [
        dict(name="smb1", role="smb-v1-samba", ip="198.18.0.10", netns="pl-smb1", ttl=64, icmp_echo=True,
             tcp=dict(open=[139, 445], closed=[], filtered=[], default="closed"),
             services={"139": dict(name="netbios-ssn", impl="samba smbd"), "445": dict(name="microsoft-ds", impl="samba smbd")},
             smb=dict(smb1=True, dialects=["NT LM 0.12", "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"],
                      signing=dict(smb1="disabled", smb2="enabled, not required"),
                      guest=True, anonymous_ipc=True, shares=["IPC$", "public"], workgroup=WORKGROUP,
                      netbios_name="PL-SMB1", computer_name="pl-smb1", fqdn="pl-smb1." + DNS_DOMAIN,
                      dns_domain=DNS_DOMAIN, os_smb1=smb_os, lanmanager="Samba " + samba_version,
                      ms17_010_vulnerable=False, ms17_010="not vulnerable (Samba: STATUS_INVALID_HANDLE to PeekNamedPipe on FID 0)",
                      doublepulsar=dp_clean,
                      expected=dict(smb1="enabled", ms17_010="not-vulnerable", doublepulsar="not-detected")),
             notes="Samba, server min protocol = NT1, guest ok, ports 445 and 139 (NetBIOS session service, no nmbd). "
                   "DoublePulsar ping: STATUS_ACCESS_DENIED, MID unchanged."),
        dict(name="smb2only", role="smb-v2-samba", ip="198.18.0.11", netns="pl-smb2", ttl=64, icmp_echo=True,
             tcp=dict(open=[445], closed=[], filtered=[], default="closed"),
             services={"445": dict(name="microsoft-ds", impl="samba smbd")},
             smb=dict(smb1=False, dialects=["2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"],
                      signing=dict(smb1=None, smb2="required"), guest=False, anonymous_ipc=False,
                      shares=["IPC$", "data"], workgroup=WORKGROUP, netbios_name="PL-SMB2", computer_name="pl-smb2",
                      fqdn="pl-smb2." + DNS_DOMAIN, dns_domain=DNS_DOMAIN, os_smb1=None, lanmanager=None,
                      ms17_010_vulnerable=False, ms17_010="not vulnerable (no SMBv1); a correct check says unknown (smb1-disabled)",
                      doublepulsar=dp_clean,
                      expected=dict(smb1="disabled", ms17_010="unknown", doublepulsar="unknown")),
             notes="Samba, server min protocol = SMB2_02, server signing = mandatory, no guest, port 445 only."),
        dict(name="impacket", role="smb-v1-ms17-010-signature", ip="198.18.0.12", netns="pl-imp", ttl=128, icmp_echo=True,
             tcp=dict(open=[445], closed=[], filtered=[], default="closed"),
             services={"445": dict(name="microsoft-ds", impl="impacket smbserver")},
             smb=dict(smb1=True, dialects=["NT LM 0.12", "2.0.2"],
                      signing=dict(smb1="disabled", smb2="enabled, not required"),
                      guest=True, anonymous_ipc=True, shares=["IPC$", "PUBLIC"], workgroup=WORKGROUP,
                      netbios_name="WIN7-LEGACY", computer_name="WIN7-LEGACY", fqdn="WIN7-LEGACY", dns_domain=WORKGROUP,
                      os_smb1=WIN7_OS, os_cpe=WIN7_CPE, lanmanager=None,
                      ms17_010_vulnerable=True,
                      ms17_010="vulnerable by signature (emulated: STATUS_INSUFF_SERVER_RESOURCES to PeekNamedPipe on FID 0; not exploitable)",
                      doublepulsar=dp_clean,
                      expected=dict(smb1="enabled", ms17_010="vulnerable", doublepulsar="not-detected")),
             notes="impacket SMB server posing as an unpatched Windows 7 (TTL 128). Positive test case for MS17-010 checks."),
        dict(name="doublepulsar", role="smb-v1-doublepulsar", ip="198.18.0.13", netns="pl-dp", ttl=128, icmp_echo=True,
             tcp=dict(open=[139, 445], closed=[], filtered=[], default="closed"),
             services={"139": dict(name="netbios-ssn", impl="lab/lib/dpserver.py (NetBIOS session request for %s or *SMBSERVER)" % DP_NAME),
                       "445": dict(name="microsoft-ds", impl="lab/lib/dpserver.py")},
             smb=dict(smb1=True, dialects=["NT LM 0.12"],
                      signing=dict(smb1="disabled", smb2=None), security_mode="0x03", capabilities="0x0001E3FC",
                      guest=False, anonymous_ipc=True, shares=["IPC$"], workgroup=WORKGROUP,
                      netbios_name=DP_NAME, computer_name=DP_NAME, fqdn=DP_NAME, dns_domain=DP_NAME,
                      ntlm_version="6.1.7601", os_smb1=WIN7_OS, os_cpe=WIN7_CPE, lanmanager=WIN7_LANMAN,
                      ms17_010_vulnerable=True,
                      ms17_010="vulnerable by signature (emulated: STATUS_INSUFF_SERVER_RESOURCES to PeekNamedPipe on FID 0; not exploitable)",
                      doublepulsar=dict(infected=True, arch=dp["arch"], key="0x%08X" % dp["key"],
                                        sig1="0x%08X" % dp["sig1"], sig2="0x%08X" % dp["sig2"],
                                        signature_hex=dp["signature_hex"], ping_reply_status="0xC0000002",
                                        ping_reply_mid="request MID + 16 (65 -> 81)",
                                        wrong_key_from_64bit_signature="0x%08X" % dp["wrong_key"]),
                      expected=dict(smb1="enabled", ms17_010="vulnerable", doublepulsar="detected")),
             notes="Emulated Windows 7 SP1 (TTL 128) infected with DoublePulsar: SMB1 only, null session, IPC$; "
                   "guest account disabled. Answers only; exec/kill opcodes are logged (NON-PING) and answered like a clean host."),
        dict(name="linuxsrv", role="linux-server", ip="198.18.0.20", netns="pl-linux", ttl=64, icmp_echo=True,
             tcp=dict(open=[22, 80], closed=[], filtered=[], default="closed"),
             services={"22": dict(name="ssh", impl="banner listener", banner=SSH_BANNER.strip()),
                       "80": dict(name="http", impl="http listener", server_header=HTTP_SERVER)},
             smb=None, notes="SSH banner on 22 (no real sshd behind it), minimal HTTP on 80."),
        dict(name="filtered", role="firewalled-slow", ip="198.18.0.30", netns="pl-filt", ttl=64, icmp_echo=False,
             tcp=dict(open=[80, 3389], closed=[25, 110, 8080], filtered=[21], default="filtered"),
             filtered_detail={"21": "ICMP admin-prohibited", "default": "silently dropped"},
             services={"80": dict(name="http", impl="http listener", server_header="Microsoft-IIS/10.0"),
                       "3389": dict(name="ms-wbt-server", impl="silent listener")},
             link=dict(shaper=shaper, delay_ms_host_to_scanner=delay_ms if shaper != "none" else 0,
                       loss_pct_each_way=loss_pct if shaper != "none" else 0),
             smb=None, notes="nftables policy drop; 25/110/8080 answered with TCP RST; 21 with ICMP admin-prohibited; ping dropped."),
        dict(name="bulk-gw", role="router", ip=BULK_GW, netns="pl-bulk", ttl=64, icmp_echo=True,
             tcp=dict(open=[], closed=[], filtered=[], default="closed"), services={}, smb=None,
             notes="Next hop for 198.18.1.0/24 (the bulk namespace's own link address)."),
    ]
N_STATIC = 7


def gen(out):
    seed = int(os.environ.get("PERISAI_LAB_SEED", "20170512"))
    delay_ms = int(os.environ.get("PERISAI_LAB_DELAY_MS", "30"))
    loss_pct = float(os.environ.get("PERISAI_LAB_LOSS_PCT", "1"))
    shaper = os.environ.get("PERISAI_LAB_SHAPER", "none")
    samba_version = os.environ.get("SAMBA_VERSION", "unknown")
    svc_path = os.environ.get("PERISAI_LAB_NMAP_SERVICES") or "/usr/share/nmap/nmap-services"
    dp_arch = os.environ.get("PERISAI_LAB_DP_ARCH", "x64")
    if dp_arch not in ("x64", "x86"):
        sys.exit("plan: PERISAI_LAB_DP_ARCH must be x64 or x86")
    sig1, sig2 = dp_signature(seed, dp_arch, os.environ.get("PERISAI_LAB_DP_SIG1", ""))
    dp = dict(arch=dp_arch, sig1=sig1, sig2=sig2, key=dp_key(sig1),
              signature_hex=(sig1.to_bytes(4, "little") + sig2.to_bytes(4, "little")).hex(),
              wrong_key=dp_key_from_64bit_signature(sig1 | (sig2 << 32)))
    ranked, names = top1000(svc_path)
    sha = hashlib.sha256(open(svc_path, "rb").read()).hexdigest()
    layout = bulk_layout(seed, ranked)
    hosts = static_hosts(samba_version, delay_ms, loss_pct, shaper, dp)
    for h in hosts:
        h["mac"] = mac_for(h["ip"])
        h["next_hop_mac"] = h["mac"]
    gw_mac = mac_for(BULK_GW)
    union = sorted({p for ps in layout.values() for p in ps})
    for ip, ports in layout.items():
        svcs = {}
        for p in ports:
            name, mode, banner = BULK_SERVICES.get(p, (names.get(p, "unknown"), "silent", None))
            svcs[str(p)] = dict(name=name, impl="bulk listener (%s)" % {"close": "accept+close", "silent": "accept+wait"}.get(mode, mode))
            if banner:
                svcs[str(p)]["banner"] = banner.strip()
            if mode == "http":
                svcs[str(p)]["server_header"] = HTTP_SERVER
        hosts.append(dict(name="bulk-%03d" % int(ip.split(".")[3]), role="bulk", ip=ip, netns="pl-bulk", ttl=64,
                          icmp_echo=True, tcp=dict(open=ports, closed=[], filtered=[], default="closed"),
                          services=svcs, smb=None, mac=None, next_hop_mac=gw_mac))
    bulk_open = sum(len(p) for p in layout.values())
    truth = {
        "schema": "perisai-lab-ground-truth/1",
        "compatible_with": "testnet-ground-truth/1",
        "generated_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seed": seed,
        "lab": {
            "lab_range": LAB_CIDR, "scanner_interface": BRIDGE, "scanner_ip": SCANNER_IP, "scanner_mac": mac_for(SCANNER_IP),
            "segments": [dict(cidr=LINK_CIDR, kind="on-link (bridge %s)" % BRIDGE),
                         dict(cidr=BULK_CIDR, kind="routed via %s (%s)" % (BULK_GW, gw_mac))],
            "unassigned_examples": UNASSIGNED,
            "filtered_link": dict(shaper=shaper, delay_ms=delay_ms, loss_pct=loss_pct),
            "top1000_tcp": dict(source=svc_path, sha256=sha, ranked=ranked),
            "doublepulsar": dict(host="198.18.0.13", arch=dp_arch, sig1="0x%08X" % sig1, sig2="0x%08X" % sig2,
                                 key="0x%08X" % dp["key"]),
            "tcp_only": True,
        },
        "summary": {"hosts": len(hosts), "static_hosts": N_STATIC, "bulk_hosts": len(layout), "bulk_open_pairs": bulk_open,
                    "bulk_hosts_with_445": sum(1 for p in layout.values() if 445 in p),
                    "bulk_hosts_without_open_ports": sum(1 for p in layout.values() if not p),
                    "bulk_distinct_ports": len(union),
                    "smb_hosts": [h["name"] for h in hosts if h.get("smb")],
                    "ms17_010_vulnerable": [h["name"] for h in hosts if h.get("smb") and h["smb"]["ms17_010_vulnerable"]],
                    "doublepulsar_infected": [h["name"] for h in hosts if h.get("smb") and h["smb"]["doublepulsar"]["infected"]]},
        "hosts": hosts,
    }
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "ground-truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    # bulk: 254 local addresses, one listener on the union of ports, RST for (address, port) pairs not in the layout
    with open(os.path.join(out, "bulk-addrs.batch"), "w") as f:
        for ip in layout:
            f.write("addr add %s/32 dev lo\n" % ip)
    pairs = ",\n    ".join("%s . %d" % (ip, p) for ip, ps in layout.items() for p in ps)
    with open(os.path.join(out, "bulk.nft"), "w") as f:
        f.write("table inet perisai_lab_bulk {\n"
                "  set listen_ports { type inet_service; elements = { %s } }\n"
                "  set open_pairs { type ipv4_addr . inet_service; elements = {\n    %s } }\n"
                "  chain input {\n    type filter hook input priority 0; policy accept;\n"
                "    tcp dport @listen_ports ip daddr . tcp dport != @open_pairs reject with tcp reset\n  }\n}\n"
                % (", ".join(map(str, union)), pairs))
    listen = []
    for p in union:
        name, mode, banner = BULK_SERVICES.get(p, ("", "silent", None))
        listen.append(dict(port=p, mode=mode, data=banner, server=HTTP_SERVER, title="bulk host"))
    json.dump(dict(ports=listen), open(os.path.join(out, "bulk-listen.json"), "w"))
    json.dump(dict(ports=[dict(port=22, mode="banner", data=SSH_BANNER),
                          dict(port=80, mode="http", server=HTTP_SERVER, title="linuxsrv")]),
              open(os.path.join(out, "linux-listen.json"), "w"))
    json.dump(dict(ports=[dict(port=80, mode="http", server="Microsoft-IIS/10.0", title="filtered"),
                          dict(port=3389, mode="silent")]),
              open(os.path.join(out, "filt-listen.json"), "w"))
    json.dump(dict(bind="0.0.0.0", ports=[445, 139], netbios_ports=[139], netbios_name=DP_NAME, workgroup=WORKGROUP,
                   native_os=WIN7_OS, native_lanman=WIN7_LANMAN, sig1=sig1, sig2=sig2),
              open(os.path.join(out, "dp.json"), "w"), indent=1)
    filt = next(h for h in hosts if h["name"] == "filtered")["tcp"]
    with open(os.path.join(out, "filt.nft"), "w") as f:
        f.write("table inet perisai_lab_filt {\n  chain input {\n    type filter hook input priority 0; policy drop;\n"
                "    iif lo accept\n"
                "    tcp dport { %s } accept\n"
                "    tcp dport { %s } reject with tcp reset\n"
                "    tcp dport { %s } reject with icmp type admin-prohibited\n  }\n}\n"
                % (", ".join(map(str, filt["open"])), ", ".join(map(str, filt["closed"])),
                   ", ".join(map(str, filt["filtered"]))))
    with open(os.path.join(out, "lab.env"), "w") as f:
        for h in hosts[:N_STATIC]:
            key = h["name"].upper().replace("-", "_")
            f.write("%s_IP=%s\n%s_MAC=%s\n%s_NS=%s\n%s_TTL=%d\n" % (key, h["ip"], key, h["mac"], key, h["netns"], key, h["ttl"]))
        f.write("SCANNER_IP=%s\nSCANNER_MAC=%s\nBRIDGE=%s\nLAB_CIDR=%s\nBULK_CIDR=%s\n"
                % (SCANNER_IP, mac_for(SCANNER_IP), BRIDGE, LAB_CIDR, BULK_CIDR))
        f.write("DOUBLEPULSAR_ARCH=%s\nDOUBLEPULSAR_KEY=0x%08X\nSEED=%d\n" % (dp_arch, dp["key"], seed))
    print("plan: %d hosts, %d bulk open pairs over %d distinct ports, seed %d; DoublePulsar %s key 0x%08X"
          % (len(hosts), bulk_open, len(union), seed, dp_arch, dp["key"]))


def tcp_check(targets, timeout):
    """Non-blocking connect to every (key, ip, port); -> {key: open|closed|timeout}."""
    sel, pending, result = selectors.DefaultSelector(), {}, {}
    for t in targets:
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((t[1], t[2]))
        sel.register(s, selectors.EVENT_WRITE, t)
        pending[s] = t
    end = time.monotonic() + timeout
    while pending and time.monotonic() < end:
        for key, _ in sel.select(max(0.0, end - time.monotonic())):
            err = key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            result[key.data] = "open" if err == 0 else "closed"
            sel.unregister(key.fileobj)
            key.fileobj.close()
            pending.pop(key.fileobj)
    for s, t in pending.items():
        result[t] = "timeout"
        s.close()
    return result


def probe(truth_path, timeout=2.0, smb=True):
    """Connect to every expected-open port; run the read-only SMB check on every SMB host and compare
    its verdicts with smb.expected (smb1, ms17_010, doublepulsar, and the DoublePulsar key)."""
    truth = json.load(open(truth_path))
    targets = [(h["name"], h["ip"], p, "open") for h in truth["hosts"] for p in h["tcp"]["open"]]
    result = tcp_check(targets, timeout)
    bad = 0
    print("%-12s %-13s %-26s %-22s %s" % ("HOST", "ADDRESS", "ROLE", "OPEN TCP (checked now)", "NOTES"))
    for h in truth["hosts"]:
        if h["role"] == "bulk":
            continue
        states = ["%d%s" % (p, "" if result[(h["name"], h["ip"], p, "open")] == "open" else "!") for p in h["tcp"]["open"]]
        bad += sum(1 for s in states if s.endswith("!"))
        extra = ""
        if h["tcp"]["default"] == "filtered":
            extra = "closed %s, filtered %s+rest" % (h["tcp"]["closed"], h["tcp"]["filtered"])
        if h.get("smb"):
            exp = h["smb"]["expected"]
            if smb and 445 in h["tcp"]["open"]:
                got = smbprobe.probe(h["ip"], 445, max(timeout, 2.0))
                if h["smb"]["doublepulsar"].get("infected") and got.get("doublepulsar") == "detected":
                    got_key_ok = got.get("key") == h["smb"]["doublepulsar"]["key"]
                else:
                    got_key_ok = True
                parts = []
                for k in ("smb1", "ms17_010", "doublepulsar"):
                    ok = got.get(k) == exp[k]
                    bad += 0 if ok else 1
                    parts.append("%s %s%s" % (k.replace("_", "-"), got.get(k), "" if ok else " (EXPECTED %s)!" % exp[k]))
                if got.get("doublepulsar") == "detected":
                    parts[-1] += " %s key %s%s" % (got.get("arch"), got.get("key"), "" if got_key_ok else " (EXPECTED %s)!" % h["smb"]["doublepulsar"]["key"])
                    bad += 0 if got_key_ok else 1
                extra = "SMB check now: " + ", ".join(parts)
            else:
                extra = "SMB expected: " + ", ".join("%s %s" % (k.replace("_", "-"), v) for k, v in exp.items())
        print("%-12s %-13s %-26s %-22s %s" % (h["name"], h["ip"], h["role"], ",".join(states) or "-", extra))
    roles = {h["name"]: h["role"] for h in truth["hosts"]}
    bulk = [(t, r) for t, r in result.items() if roles[t[0]] == "bulk"]
    ok = sum(1 for t, r in bulk if r == "open")
    bad += len(bulk) - ok
    s = truth["summary"]
    print("bulk         %-13s %-26s %d/%d open pairs answer; %d hosts with 445; %d hosts with no open port"
          % (BULK_CIDR, "254 hosts via " + BULK_GW, ok, len(bulk), s["bulk_hosts_with_445"], s["bulk_hosts_without_open_ports"]))
    if bad:
        print("NOT HEALTHY: %d checks failed (marked !)" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if len(sys.argv) == 3 and sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "probe":
        sys.exit(probe(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 2.0,
                       smb=os.environ.get("PERISAI_LAB_PROBE_SMB", "1") != "0"))
    else:
        sys.exit(__doc__)
