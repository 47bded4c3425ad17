#!/usr/bin/python3
"""Read-only SMB1 check of lab hosts: SMBv1, MS17-010 and DoublePulsar, as in docs section 5/6.

  smbprobe.py IP [IP...] [--port 445|139] [--timeout 5]     one JSON object per host on stdout

Sequence on one connection: NEGOTIATE ("NT LM 0.12" only, classic), anonymous SESSION_SETUP_ANDX,
TREE_CONNECT_ANDX \\\\IP\\IPC$, TRANSACTION PeekNamedPipe on FID 0, TRANSACTION2 DoublePulsar *ping*
(MID 65, Timeout 0x00A4D9A6). Nothing else is ever sent. Verdicts use the project's vocabulary:
smb1 enabled|disabled|unknown, ms17_010 vulnerable|not-vulnerable|unknown,
doublepulsar detected|not-detected|unknown (+ arch and key when detected).
Used by `perisai-lab status`/`up` and usable by tests as an independent oracle. Standard library only.
"""
import json, socket, struct, sys

HDR = struct.Struct("<4sBIBHH8sHHHHH")


def dp_key(s):
    s &= 0xFFFFFFFF
    a = (s << 1) & 0xFFFFFFFF
    b = ((((s & 0x0000FF00) | (s << 16)) & 0xFFFFFFFF) << 8) & 0xFFFFFFFF
    c = (((s >> 16) | (s & 0x00FF0000)) >> 8) & 0xFFFFFFFF
    return (a ^ (b | c)) & 0xFFFFFFFF


def nb_name(name, suffix):
    """RFC 1001 first-level encoding of a NetBIOS name (34 bytes with length byte and empty scope)."""
    raw = name.upper().ljust(15)[:15].encode("ascii") + bytes([suffix])
    return b"\x20" + bytes(c for x in raw for c in (0x41 + (x >> 4), 0x41 + (x & 0x0F))) + b"\x00"


class Probe:
    def __init__(self, ip, port, timeout, called="*SMBSERVER"):
        self.ip, self.s = ip, socket.create_connection((ip, port), timeout=timeout)
        self.s.settimeout(timeout)
        self.tid = self.uid = 0
        if port == 139:  # NetBIOS session request first (docs section 1.2)
            self.s.sendall(b"\x81\x00\x00\x44" + nb_name(called, 0x20) + nb_name("PERISAI-PROBE", 0x00))
            head = self.recv_exact(4)
            if head[0] != 0x82:
                raise ConnectionError("NetBIOS session request refused (0x%02x)" % head[0])

    def close(self):
        self.s.close()

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("connection closed by peer")
            buf += chunk
        return buf

    def xchg(self, cmd, words, data, flags2=0x4001, mid=1, timeout_field=None):
        hdr = HDR.pack(b"\xffSMB", cmd, 0, 0x18, flags2, 0, b"\0" * 8, 0, self.tid, 0xFEFF, self.uid, mid)
        msg = hdr + bytes([len(words) // 2]) + words + struct.pack("<H", len(data)) + data
        self.s.sendall(len(msg).to_bytes(4, "big") + msg)
        while True:
            head = self.recv_exact(4)
            body = self.recv_exact(int.from_bytes(head[1:4], "big"))
            if head[0] != 0x85:
                break
        if len(body) < 35 or body[:4] not in (b"\xffSMB", b"\xfeSMB"):
            raise ValueError("malformed reply")
        if body[:4] == b"\xfeSMB":
            return dict(smb2=True, raw=body)
        (_, rcmd, status, flags, rflags2, _, sig, _, tid, pid, uid, rmid) = HDR.unpack_from(body)
        wc = body[32]
        words = body[33:33 + 2 * wc]
        bc = struct.unpack_from("<H", body, 33 + 2 * wc)[0] if len(body) >= 35 + 2 * wc else 0
        data = body[35 + 2 * wc:35 + 2 * wc + bc]
        return dict(cmd=rcmd, status=status, nt=bool(rflags2 & 0x4000), flags2=rflags2, sig=sig, tid=tid, uid=uid,
                    mid=rmid, wc=wc, words=words, data=data, data_off=35 + 2 * wc, raw=body)


def cstr(b, pos):
    end = b.find(b"\0", pos)
    end = len(b) if end < 0 else end
    return b[pos:end].decode("latin-1"), end + 1


def probe(ip, port=445, timeout=5.0):
    r = dict(ip=ip, port=port, smb1="unknown", ms17_010="unknown", doublepulsar="unknown", reason=None)
    try:
        p = Probe(ip, port, timeout)
    except OSError as e:
        r["reason"] = "connect: %s" % e
        return r
    try:
        # 1. negotiate, NT LM 0.12 only, classic (no extended security)
        a = p.xchg(0x72, b"", b"\x02NT LM 0.12\x00", mid=0)
        if a.get("smb2"):
            r.update(reason="protocol-error: SMB2 reply to an SMB1-only negotiate")
            return r
        if a["wc"] == 1 and a["words"][:2] == b"\xff\xff":
            r.update(smb1="disabled", reason="smb1-disabled")
            return r
        if a["wc"] not in (13, 17):
            r.update(reason="protocol-error: negotiate WordCount %d" % a["wc"])
            return r
        r["smb1"] = "enabled"
        if a["wc"] == 17:
            r["security_mode"] = "0x%02X" % a["words"][2]
            r["capabilities"] = "0x%08X" % struct.unpack_from("<I", a["words"], 19)[0]
            session_key = struct.unpack_from("<I", a["words"], 15)[0]
        else:
            session_key = 0
        # 2. anonymous session (classic, account "", one NUL OEM password byte)
        words = struct.pack("<BBHHHHIHHII", 0xFF, 0, 0, 0xFFFF, 2, 1, session_key, 1, 0, 0, 0x50)
        a = p.xchg(0x73, words, b"\x00\x00\x00Unix\x00Scanner\x00", mid=1)
        if a["status"] != 0:
            r.update(reason="auth-refused:0x%08X" % a["status"])
            return r
        p.uid = a["uid"]
        if a["wc"] == 3:
            pos = 0
            r["native_os"], pos = cstr(a["data"], pos)
            r["native_lanman"], pos = cstr(a["data"], pos)
            r["primary_domain"], pos = cstr(a["data"], pos)
        # 3. tree connect \\ip\IPC$
        a = p.xchg(0x75, struct.pack("<BBHHH", 0xFF, 0, 0, 0, 1), b"\x00" + ("\\\\%s\\IPC$" % ip).encode() + b"\x00?????\x00", mid=2)
        if a["status"] != 0 or a["tid"] == 0:
            r.update(reason="ipc-refused:0x%08X" % a["status"])
            return r
        p.tid = a["tid"]
        # 4. PeekNamedPipe on FID 0
        words = struct.pack("<HHHHBBHIHHHHHBBHH", 0, 0, 0xFFFF, 0xFFFF, 0, 0, 0, 0, 0, 0, 74, 0, 74, 2, 0, 0x0023, 0)
        a = p.xchg(0x25, words, b"\\PIPE\\\x00", mid=3)
        r["ms17_010_status"] = "0x%08X" % a["status"]
        if a["cmd"] != 0x25 or a["mid"] != 3 or not a["nt"]:
            r["ms17_010"] = "unknown"
            r["reason"] = "protocol-error"
        elif a["status"] == 0xC0000205:
            r["ms17_010"] = "vulnerable"
        elif a["status"] in (0xC0000008, 0xC0000022):
            r["ms17_010"] = "not-vulnerable"
        else:
            r["reason"] = "unexpected-status:0x%08X" % a["status"]
        # 5. DoublePulsar ping (read-only)
        words = struct.pack("<HHHHBBHIHHHHHBBH", 12, 0, 1, 0, 0, 0, 0, 0x00A4D9A6, 0, 12, 66, 0, 78, 1, 0, 0x000E)
        a = p.xchg(0x32, words, b"\x00" + b"\x00" * 12, flags2=0xC007, mid=65)
        r["doublepulsar_status"] = "0x%08X" % a["status"]
        r["doublepulsar_mid"] = a["mid"]
        if a["cmd"] != 0x32:
            r["doublepulsar"] = "unknown"
        elif a["mid"] == 65 + 16:
            sig1, sig2 = struct.unpack("<II", a["sig"])
            r.update(doublepulsar="detected", arch="x86" if sig2 == 0 else "x64", sig1="0x%08X" % sig1,
                     sig2="0x%08X" % sig2, key="0x%08X" % dp_key(sig1))
        elif a["mid"] == 65:
            r["doublepulsar"] = "not-detected"
        else:
            r["doublepulsar"] = "unknown"
            r["reason"] = "mid-mismatch"
    except (OSError, ConnectionError, ValueError, struct.error) as e:
        r["reason"] = "%s: %s" % (type(e).__name__, e)
    finally:
        p.close()
    return r


def main(argv):
    port, timeout, ips, i = 445, 5.0, [], 0
    while i < len(argv):
        if argv[i] == "--port":
            port, i = int(argv[i + 1]), i + 1
        elif argv[i] == "--timeout":
            timeout, i = float(argv[i + 1]), i + 1
        else:
            ips.append(argv[i])
        i += 1
    if not ips:
        sys.exit(__doc__)
    for ip in ips:
        print(json.dumps(probe(ip, port, timeout)))


if __name__ == "__main__":
    main(sys.argv[1:])
