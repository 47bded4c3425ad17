#!/usr/bin/python3
"""Compare a scanner's findings with the perisai-lab ground truth.

  compare.py TRUTH RESULT [--hosts SCOPE] [--ports PORTS] [--json]

RESULT formats (detected): nmap XML (-oX), masscan list (-oL), JSON (a list, or one object per line,
with ip/host and port fields, and optionally status/state), or text lines "IP PORT [state]" / "IP:PORT".
JSON Lines as Perisai writes them: {"type": "port", "ip": ..., "port": ..., "state": ...}; objects with
any other "type" (host, smb, finding, summary...) and lines that are not JSON are ignored.
SCOPE: bulk (default) | static | all | comma list of names, IPs, CIDRs.
PORTS: top1000 (default; for nmap XML the scanned list is read from the file) | all | list like 22,80,1-1024.
Exit code 0 when every expected-open port was found, nothing else was reported open and (nmap XML)
every closed/filtered state matches; else 1.
"""
import ipaddress, json, re, signal, sys
import xml.etree.ElementTree as ET

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head


def parse_ports(spec, truth):
    if spec == "top1000":
        return set(truth["lab"]["top1000_tcp"]["ranked"])
    if spec == "all":
        return set(range(1, 65536))
    out = set()
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.update(range(int(a or 1), int(b or 65535) + 1))
        elif part:
            out.add(int(part))
    return out


def scope_hosts(spec, truth):
    hosts = truth["hosts"]
    if spec == "bulk":
        return [h for h in hosts if h["role"] == "bulk"]
    if spec == "static":
        return [h for h in hosts if h["role"] != "bulk"]
    if spec == "all":
        return hosts
    picked = []
    for item in spec.split(","):
        if "/" in item:
            net = ipaddress.ip_network(item, strict=False)
            picked += [h for h in hosts if ipaddress.ip_address(h["ip"]) in net]
        else:
            picked += [h for h in hosts if item in (h["ip"], h["name"])]
    return picked


def read_result(path):
    """-> (states {(ip, port): state}, scanned_ports or None, default_state {ip: state})"""
    text = open(path, errors="replace").read()
    states, scanned, default = {}, None, {}
    if "<nmaprun" in text[:2000]:
        root = ET.fromstring(text)
        for si in root.findall("scaninfo"):
            if si.get("protocol") == "tcp":
                scanned = parse_ports(si.get("services", ""), None)
        for host in root.findall("host"):
            ip = next((a.get("addr") for a in host.findall("address") if a.get("addrtype") == "ipv4"), None)
            st = host.find("status")
            if ip is None or (st is not None and st.get("state") != "up"):
                continue
            ports = host.find("ports")
            if ports is None:
                continue
            extra = ports.findall("extraports")
            if len(extra) == 1:
                default[ip] = extra[0].get("state")
            for p in ports.findall("port"):
                if p.get("protocol") == "tcp":
                    states[(ip, int(p.get("portid")))] = p.find("state").get("state")
        return states, scanned, default
    stripped = text.lstrip()
    if stripped.startswith("[") or stripped.startswith("{"):
        try:
            data = json.loads(text)
            rows = data if isinstance(data, list) else data.get("results", [data])
        except ValueError:  # JSON Lines
            rows = []
            for line in text.splitlines():
                if line.strip().startswith("{"):
                    try:
                        rows.append(json.loads(line))
                    except ValueError:
                        continue
        for r in rows:
            if not isinstance(r, dict) or ("type" in r and r["type"] != "port"):
                continue
            if r.get("protocol", r.get("proto", "tcp")) != "tcp":
                continue
            ip = r.get("ip") or r.get("host") or r.get("address")
            port = r.get("port")
            if ip is None or port is None:
                continue
            state = str(r.get("status", r.get("state", "open"))).lower()
            states[(ip, int(port))] = "open" if state.startswith("open") else state
        return states, scanned, default
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r"open\s+tcp\s+(\d+)\s+(\d+\.\d+\.\d+\.\d+)", line)  # masscan -oL
        if m:
            states[(m.group(2), int(m.group(1)))] = "open"
            continue
        m = re.match(r"\s*(\d+\.\d+\.\d+\.\d+)[\s:,]+(\d+)\s*(\w*)", line)
        if m:
            states[(m.group(1), int(m.group(2)))] = (m.group(3) or "open").lower()
    return states, scanned, default


def main(argv):
    args = {"--hosts": "bulk", "--ports": None, "--json": False}
    pos, i = [], 0
    while i < len(argv):
        if argv[i] == "--json":
            args["--json"] = True
        elif argv[i] in args:
            args[argv[i]] = argv[i + 1]
            i += 1
        else:
            pos.append(argv[i])
        i += 1
    if len(pos) != 2:
        sys.exit(__doc__)
    truth = json.load(open(pos[0]))
    states, scanned, default = read_result(pos[1])
    ports = parse_ports(args["--ports"], truth) if args["--ports"] else (scanned or parse_ports("top1000", truth))
    hosts = scope_hosts(args["--hosts"], truth)
    ips = {h["ip"] for h in hosts}
    expected_open = {(h["ip"], p) for h in hosts for p in h["tcp"]["open"] if p in ports}
    reported_open = {k for k, v in states.items() if v == "open" and k[0] in ips and k[1] in ports}
    outside = sorted({k for k, v in states.items() if v == "open" and (k[0] not in ips or k[1] not in ports)})
    tp, fn, fp = expected_open & reported_open, expected_open - reported_open, reported_open - expected_open
    res = dict(hosts=len(hosts), ports=len(ports), expected_open=len(expected_open), reported_open=len(reported_open),
               correct=len(tp), missed=len(fn), false_open=len(fp), outside_scope=len(outside),
               recall=round(len(tp) / len(expected_open), 4) if expected_open else 1.0,
               precision=round(len(tp) / len(reported_open), 4) if reported_open else 1.0,
               missed_examples=sorted(fn)[:10], false_examples=sorted(fp)[:10])
    if scanned is not None or default:  # nmap: also check closed/filtered for the static hosts
        conf = {}
        for h in hosts:
            if h["role"] == "bulk":
                continue
            t = h["tcp"]
            for p in ports:
                exp = "open" if p in t["open"] else "closed" if p in t["closed"] else "filtered" if p in t["filtered"] else t["default"]
                got = states.get((h["ip"], p), default.get(h["ip"], "not-reported"))
                if exp != got:
                    conf.setdefault(h["name"], {}).setdefault("%s->%s" % (exp, got), []).append(p)
        res["state_mismatches"] = {n: {k: (len(v), v[:8]) for k, v in d.items()} for n, d in conf.items()}
    if args["--json"]:
        print(json.dumps(res))
    else:
        print("scope %d hosts x %d ports: expected open %d, reported open %d, correct %d, missed %d, false %d, "
              "outside scope %d; recall %.4f precision %.4f"
              % (res["hosts"], res["ports"], res["expected_open"], res["reported_open"], res["correct"], res["missed"],
                 res["false_open"], res["outside_scope"], res["recall"], res["precision"]))
        if fn:
            print("  missed:", " ".join("%s:%d" % k for k in sorted(fn)[:10]), "..." if len(fn) > 10 else "")
        if fp:
            print("  false: ", " ".join("%s:%d" % k for k in sorted(fp)[:10]), "..." if len(fp) > 10 else "")
        for n, d in res.get("state_mismatches", {}).items():
            print("  %s state mismatches: %s" % (n, "; ".join("%s x%d %s" % (k, c, ex) for k, (c, ex) in d.items())))
    return 0 if not fn and not fp and not res.get("state_mismatches") else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
