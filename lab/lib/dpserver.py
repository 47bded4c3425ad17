#!/usr/bin/python3
"""An emulated Windows 7 SP1 host infected with the DoublePulsar implant: a small SMB1-only server.

  dpserver.py CONFIG.json

It speaks just enough SMB1 ("NT LM 0.12", no SMB2) for detection tools:
  - NEGOTIATE: classic (challenge + UTF-16 domain/server names) or extended security (GUID + SPNEGO),
    as the client asks; SecurityMode 0x03 (signing disabled), Windows 7 capabilities.
  - SESSION_SETUP_ANDX: anonymous (null) sessions only, classic or NTLMSSP (with or without SPNEGO);
    "guest" gets STATUS_ACCOUNT_DISABLED, any other account STATUS_LOGON_FAILURE.
    NativeOS/NativeLanMan/PrimaryDomain as configured (Windows 7 Professional SP1).
  - TREE_CONNECT_ANDX: only IPC$ (ADMIN$/C$ -> ACCESS_DENIED, others -> BAD_NETWORK_NAME).
  - TRANSACTION PeekNamedPipe on FID 0 -> STATUS_INSUFF_SERVER_RESOURCES (the unpatched MS17-010
    answer); other FIDs -> STATUS_INVALID_HANDLE.
  - TRANSACTION2 SESSION_SETUP (0x000E) with the ping opcode (sum of the Timeout bytes & 0xFF == 0x23):
    the implant's answer: STATUS_NOT_IMPLEMENTED, MID = request MID + 16, SecuritySignature =
    sig1 (uint32 LE, the XOR-key seed) + sig2 (uint32 LE, 0 = x86, 1 = x64).
  - TCP 139: NetBIOS session request accepted for the own name or *SMBSERVER, then the same SMB.

Config "infected": false makes it a clean host (the ping is answered NOT_IMPLEMENTED, MID unchanged, no
signature) and "ms17_010_patched": true a patched one (PeekNamedPipe FID 0 -> STATUS_INVALID_HANDLE): the
bench's SMB bed at scale (bench/beds/plan.py, bed G) runs its personas from this one non-forking server.

It never executes, stores or forwards anything. Other DoublePulsar opcodes (exec 0xC8, kill 0x77,
anything else) are logged as "NON-PING" and answered like a clean Windows host (NOT_IMPLEMENTED,
MID unchanged, zero signature); the emulated infection never changes. Errors in one connection
only close that connection. Standard library only; run with any Python >= 3.7.
"""
import asyncio, hashlib, json, logging, os, struct, sys, time

SMB1_MAGIC, SMB2_MAGIC = b"\xffSMB", b"\xfeSMB"
HDR = struct.Struct("<4sBIBHH8sHHHHH")  # 32 bytes: magic cmd status flags flags2 pidhigh sig reserved tid pid uid mid

ST_SUCCESS = 0x00000000
ST_NOT_IMPLEMENTED = 0xC0000002
ST_INVALID_HANDLE = 0xC0000008
ST_INVALID_PARAMETER = 0xC000000D
ST_MORE_PROCESSING = 0xC0000016
ST_ACCESS_DENIED = 0xC0000022
ST_LOGON_FAILURE = 0xC000006D
ST_ACCOUNT_DISABLED = 0xC0000072
ST_NOT_SUPPORTED = 0xC00000BB
ST_BAD_NETWORK_NAME = 0xC00000CC
ST_REQUEST_NOT_ACCEPTED = 0xC00000D0
ST_INSUFF_SERVER_RESOURCES = 0xC0000205
ST_SMB_BAD_TID = 0x00050002
ST_SMB_BAD_COMMAND = 0x00160002
ST_SMB_BAD_UID = 0x005B0002

CMD_TRANSACTION, CMD_ECHO, CMD_TRANSACTION2 = 0x25, 0x2B, 0x32
CMD_TREE_DISCONNECT, CMD_NEGOTIATE, CMD_SESSION_SETUP, CMD_LOGOFF, CMD_TREE_CONNECT = 0x71, 0x72, 0x73, 0x74, 0x75
CMD_NT_CREATE = 0xA2

FLAGS_REPLY = 0x98              # what Windows 7 sends in every reply
F2_EXT_SEC, F2_NT_STATUS, F2_UNICODE = 0x0800, 0x4000, 0x8000
CAPS_CLASSIC = 0x0001E3FC       # Windows 7 [P:dpw7#81]; with extended security | 0x80000000 [P:wcry#201]
DP_PING, DP_EXEC, DP_KILL = 0x23, 0xC8, 0x77

MAX_MSG = 0x20000               # larger NBSS messages close the connection
IDLE_S = 60.0                   # no complete message for this long: close
MAX_CONNS = 256
MAX_IDS = 32                    # UIDs / TIDs per connection

# SPNEGO NegTokenInit of a Windows 7 SMB1 extended negotiate response [P:wcry#201]:
# mechTypes NEGOEX, MS-KRB5, KRB5, KRB5-U2U, NTLMSSP; negHints "not_defined_in_RFC4178@please_ignore".
WIN7_NEG_TOKEN_INIT = bytes.fromhex(
    "607606062b0601050502a06c306aa03c303a060a2b06010401823702021e06092a864882f71201020206092a864886f712"
    "010202060a2a864886f71201020203060a2b06010401823702020aa32a3028a0261b246e6f745f646566696e65645f696e"
    "5f5246433431373840706c656173655f69676e6f7265")
NTLMSSP_OID = bytes.fromhex("2b06010401823702020a")
WIN7_NTLM_VERSION = bytes.fromhex("0601b11d0000000f")  # 6.1 build 7601, NTLM revision 15

log = logging.getLogger("dpserver")


class RateLimitedLog:
    """At most `burst` lines per minute, then one summary line: a noisy client cannot fill the disk."""
    def __init__(self, burst):
        self.burst, self.window, self.count, self.dropped = burst, time.monotonic(), 0, 0

    def __call__(self, level, msg, *args):
        now = time.monotonic()
        if now - self.window >= 60:
            if self.dropped:
                log.warning("(%d log lines suppressed in the last minute)", self.dropped)
            self.window, self.count, self.dropped = now, 0, 0
        self.count += 1
        if self.count > self.burst:
            self.dropped += 1
            return
        log.log(level, msg, *args)


_info_log, _warn_log = RateLimitedLog(300), RateLimitedLog(3000)


def rlog(level, msg, *args):  # warnings (NON-PING opcodes) have their own, larger budget
    (_warn_log if level >= logging.WARNING else _info_log)(level, msg, *args)


def filetime(t=None):
    return int(((time.time() if t is None else t) + 11644473600) * 10_000_000)


def der(tag, content):
    n = len(content)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + ln + content


def dp_key(sig1):
    """DoublePulsar XOR key from the low signature dword (docs/smb-detection.md §6.3)."""
    s = sig1 & 0xFFFFFFFF
    a = (s << 1) & 0xFFFFFFFF
    b = ((((s & 0x0000FF00) | (s << 16)) & 0xFFFFFFFF) << 8) & 0xFFFFFFFF
    c = (((s >> 16) | (s & 0x00FF0000)) >> 8) & 0xFFFFFFFF
    return (a ^ (b | c)) & 0xFFFFFFFF


class Malformed(Exception):
    pass


class Request:
    __slots__ = ("raw", "cmd", "status", "flags", "flags2", "pid_high", "sig", "tid", "pid", "uid", "mid", "wc", "words", "data", "data_off")

    def __init__(self, raw):
        if len(raw) < 35:
            raise Malformed("short SMB message (%d bytes)" % len(raw))
        (_, self.cmd, self.status, self.flags, self.flags2, self.pid_high, self.sig, _,
         self.tid, self.pid, self.uid, self.mid) = HDR.unpack_from(raw)
        self.raw = raw
        self.wc = raw[32]
        end_words = 33 + 2 * self.wc
        if len(raw) < end_words + 2:
            raise Malformed("WordCount %d beyond the message" % self.wc)
        self.words = raw[33:end_words]
        bc = struct.unpack_from("<H", raw, end_words)[0]
        self.data_off = end_words + 2
        self.data = raw[self.data_off:self.data_off + bc]  # tolerate short data and stray trailing bytes

    @property
    def unicode(self):
        return bool(self.flags2 & F2_UNICODE)


def read_str(raw, pos, unicode):
    """NUL-terminated string at pos (UTF-16LE aligned to an even offset from S+0, or single-byte)."""
    if unicode:
        if pos & 1:
            pos += 1
        end = pos
        while end + 1 < len(raw) and raw[end:end + 2] != b"\0\0":
            end += 2
        return raw[pos:end].decode("utf-16-le", "replace"), end + 2
    end = raw.find(b"\0", pos)
    if end < 0:
        end = len(raw)
    return raw[pos:end].decode("latin-1"), end + 1


def enc_str(s, unicode, pos):
    """Encode s (NUL-terminated) for a reply whose data byte at offset pos (from S+0) is next."""
    if unicode:
        return (b"\0" if pos & 1 else b"") + s.encode("utf-16-le") + b"\0\0"
    return s.encode("latin-1", "replace") + b"\0"


def enc_strs(strings, unicode, pos):
    out = b""
    for s in strings:
        out += enc_str(s, unicode, pos + len(out))
    return out


class Conn:
    def __init__(self, srv, peer, port):
        self.srv, self.cfg, self.peer, self.port = srv, srv.cfg, peer, port
        self.negotiated = False
        self.extended = False
        self.challenge = os.urandom(8)
        self.uids, self.tids, self.next_uid, self.next_tid = set(), {}, 0x0800, 0x0800
        self.pending_uid = None

    # ------------------------------------------------------------ framing
    def reply(self, req, status=ST_SUCCESS, words=b"", data=b"", mid=None, uid=None, tid=None, sig=b"\0" * 8, andx=False):
        flags2 = req.flags2 | (F2_NT_STATUS if status else 0)
        if andx:  # AndX replies: no chained command; AndXOffset = end of this message (what Windows 7 sends)
            total = 32 + 1 + len(words) + 2 + len(data)
            words = struct.pack("<BBH", 0xFF, 0, total) + words[4:]
        hdr = HDR.pack(SMB1_MAGIC, req.cmd, status, FLAGS_REPLY, flags2, req.pid_high, sig, 0,
                       req.tid if tid is None else tid, req.pid, req.uid if uid is None else uid,
                       req.mid if mid is None else mid)
        return hdr + bytes([len(words) // 2]) + words + struct.pack("<H", len(data)) + data

    def error(self, req, status, **kw):
        return self.reply(req, status, **kw)

    # ------------------------------------------------------------ dispatch
    def handle(self, raw):
        """One SMB message in, one reply (bytes) or None (close the connection) out."""
        if raw[:4] == SMB2_MAGIC:
            rlog(logging.INFO, "%s: SMB2 message: SMB2 is not offered, closing", self.peer)
            return None
        if raw[:4] != SMB1_MAGIC:
            rlog(logging.INFO, "%s: not SMB, closing", self.peer)
            return None
        req = Request(raw)  # the reply bit in Flags is ignored, as Windows does: nmap's classic logon retry
                            # sends the previous reply's header back (Flags 0x98, status set)
        if req.cmd == CMD_NEGOTIATE:
            return self.negotiate(req)
        if not self.negotiated:
            rlog(logging.INFO, "%s: command 0x%02x before NEGOTIATE, closing", self.peer, req.cmd)
            return None  # Windows drops connections that skip the negotiate
        handler = {CMD_SESSION_SETUP: self.session_setup, CMD_TREE_CONNECT: self.tree_connect,
                   CMD_TRANSACTION: self.transaction, CMD_TRANSACTION2: self.transaction2,
                   CMD_TREE_DISCONNECT: self.tree_disconnect, CMD_LOGOFF: self.logoff,
                   CMD_ECHO: self.echo}.get(req.cmd)
        if handler is None:
            if req.cmd == CMD_NT_CREATE:
                return self.error(req, ST_ACCESS_DENIED)
            return self.error(req, ST_SMB_BAD_COMMAND)
        try:
            return handler(req)
        except (Malformed, struct.error, IndexError, ValueError) as e:
            rlog(logging.INFO, "%s: malformed command 0x%02x: %s", self.peer, req.cmd, e)
            return self.error(req, ST_INVALID_PARAMETER)

    # ------------------------------------------------------------ NEGOTIATE
    def negotiate(self, req):
        if self.negotiated:
            rlog(logging.INFO, "%s: second NEGOTIATE, closing", self.peer)
            return None  # a second negotiate: Windows disconnects
        dialects, d, i = [], req.data, 0
        while i < len(d):
            if d[i] != 2:
                break
            end = d.find(b"\0", i + 1)
            if end < 0:
                end = len(d)
            dialects.append(d[i + 1:end])
            i = end + 1
        if b"NT LM 0.12" not in dialects:
            rlog(logging.INFO, "%s: negotiate without NT LM 0.12 (%s)", self.peer, b",".join(dialects).decode("latin-1"))
            return self.reply(req, words=struct.pack("<H", 0xFFFF))
        idx = dialects.index(b"NT LM 0.12")
        self.negotiated = True
        self.extended = bool(req.flags2 & F2_EXT_SEC)
        caps = CAPS_CLASSIC | (0x80000000 if self.extended else 0)
        words = struct.pack("<HBHHIIIIQhB", idx, 0x03, 50, 1, 4356, 65536, 0, caps, filetime(), 0,
                            0 if self.extended else 8)
        if self.extended:
            data = self.srv.server_guid + WIN7_NEG_TOKEN_INIT
        else:  # domain and server name: always UTF-16LE, no pad after the challenge [P:w64#2]
            data = (self.challenge + (self.cfg["workgroup"] + "\0").encode("utf-16-le")
                    + (self.cfg["netbios_name"] + "\0").encode("utf-16-le"))
        return self.reply(req, words=words, data=data)

    # ------------------------------------------------------------ SESSION_SETUP_ANDX
    def new_uid(self):
        if len(self.uids) >= MAX_IDS:
            return None
        uid, self.next_uid = self.next_uid, (self.next_uid + 1) & 0xFFFF or 0x0800
        return uid

    def logon_status(self, account):
        if account == "":
            return ST_SUCCESS
        if account.lower() == "guest":
            return ST_ACCOUNT_DISABLED  # Windows 7 default: guest account disabled
        return ST_LOGON_FAILURE

    def session_setup(self, req):
        if req.wc == 13:
            return self.session_classic(req)
        if req.wc == 12:
            return self.session_extended(req)
        raise Malformed("session setup WordCount %d" % req.wc)

    def session_classic(self, req):
        oem_len, uni_len = struct.unpack_from("<HH", req.words, 14)
        pos = req.data_off + oem_len + uni_len
        account, pos = read_str(req.raw, pos, req.unicode)
        domain, pos = read_str(req.raw, pos, req.unicode)
        status = self.logon_status(account)
        rlog(logging.INFO, "%s: session setup (classic) account=%r domain=%r -> 0x%08X", self.peer, account, domain, status)
        if status:
            return self.error(req, status, uid=0)
        uid = self.new_uid()
        if uid is None:
            return self.error(req, ST_REQUEST_NOT_ACCEPTED, uid=0)
        self.uids.add(uid)
        words = struct.pack("<BBHH", 0xFF, 0, 0, 0)  # AndX, Action 0 (not guest)
        data = enc_strs([self.cfg["native_os"], self.cfg["native_lanman"], self.cfg["workgroup"]],
                        req.unicode, 32 + 1 + len(words) + 2)
        return self.reply(req, words=words, data=data, uid=uid, andx=True)

    def session_extended(self, req):
        blob_len = struct.unpack_from("<H", req.words, 14)[0]
        blob = req.raw[req.data_off:req.data_off + blob_len]
        spnego = blob[:1] in (b"\x60", b"\xa1")
        at = blob.find(b"NTLMSSP\0")
        if at < 0 or len(blob) < at + 12:
            rlog(logging.INFO, "%s: session setup (extended) without NTLMSSP", self.peer)
            return self.error(req, ST_LOGON_FAILURE, uid=0)
        msg = blob[at:]
        mtype = struct.unpack_from("<I", msg, 8)[0]
        if mtype == 1:
            flags = struct.unpack_from("<I", msg, 12)[0] if len(msg) >= 16 else 0x00000207
            uid = self.new_uid()
            if uid is None:
                return self.error(req, ST_REQUEST_NOT_ACCEPTED, uid=0)
            self.pending_uid = uid
            token = self.ntlm_challenge(flags)
            if spnego:
                token = der(0xA1, der(0x30, der(0xA0, der(0x0A, b"\x01"))  # negState accept-incomplete
                                      + der(0xA1, der(0x06, NTLMSSP_OID))
                                      + der(0xA2, der(0x04, token))))
            return self.session_extended_reply(req, ST_MORE_PROCESSING, token, uid)
        if mtype == 3:
            if len(msg) < 44:
                raise Malformed("short NTLMSSP AUTHENTICATE")
            flags = struct.unpack_from("<I", msg, 60)[0] if len(msg) >= 64 else 1
            ulen, _, uoff = struct.unpack_from("<HHI", msg, 36)
            raw_user = msg[uoff:uoff + ulen] if ulen else b""
            account = raw_user.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
            status = self.logon_status(account)
            uid = self.pending_uid if self.pending_uid is not None else self.new_uid()
            self.pending_uid = None
            rlog(logging.INFO, "%s: session setup (NTLMSSP) account=%r -> 0x%08X", self.peer, account, status)
            if status or uid is None:
                return self.error(req, status or ST_REQUEST_NOT_ACCEPTED, uid=0)
            self.uids.add(uid)
            token = der(0xA1, der(0x30, der(0xA0, der(0x0A, b"\x00")))) if spnego else b""  # accept-completed
            return self.session_extended_reply(req, ST_SUCCESS, token, uid)
        raise Malformed("NTLMSSP message type %d" % mtype)

    def session_extended_reply(self, req, status, token, uid):
        words = struct.pack("<BBHHH", 0xFF, 0, 0, 0, len(token))
        pos = 32 + 1 + len(words) + 2 + len(token)
        data = token + enc_strs([self.cfg["native_os"], self.cfg["native_lanman"]], req.unicode, pos)
        return self.reply(req, status, words=words, data=data, uid=uid, andx=True)

    def ntlm_challenge(self, req_flags):
        name = self.cfg["netbios_name"]
        keep = 0x00000001 | 0x00000002 | 0x00000010 | 0x00000020 | 0x00000200 | 0x00008000 | 0x00080000 | 0x20000000 | 0x40000000 | 0x80000000
        flags = (req_flags & keep) | 0x00000004 | 0x00020000 | 0x00800000 | 0x02000000
        if flags & 0x1:
            flags &= ~0x2
        elif not flags & 0x2:
            flags |= 0x1
        target = name.encode("utf-16-le")
        av = b""
        for av_id, value in ((2, name), (1, name), (4, name), (3, name)):  # workgroup Windows 7: all its own name
            v = value.encode("utf-16-le")
            av += struct.pack("<HH", av_id, len(v)) + v
        av += struct.pack("<HHQ", 7, 8, filetime()) + struct.pack("<HH", 0, 0)
        return (b"NTLMSSP\0" + struct.pack("<I", 2)
                + struct.pack("<HHI", len(target), len(target), 56) + struct.pack("<I", flags)
                + self.challenge + b"\0" * 8 + struct.pack("<HHI", len(av), len(av), 56 + len(target))
                + WIN7_NTLM_VERSION + target + av)

    # ------------------------------------------------------------ TREE_CONNECT_ANDX
    def tree_connect(self, req):
        if req.uid not in self.uids:
            return self.error(req, ST_SMB_BAD_UID)
        if req.wc != 4:
            raise Malformed("tree connect WordCount %d" % req.wc)
        flags, pw_len = struct.unpack_from("<HH", req.words, 4)
        path, pos = read_str(req.raw, req.data_off + pw_len, req.unicode)
        share = path.replace("/", "\\").rstrip("\\").split("\\")[-1].upper()
        rlog(logging.INFO, "%s: tree connect %r", self.peer, path)
        if share in ("ADMIN$", "C$"):
            return self.error(req, ST_ACCESS_DENIED)
        if share != "IPC$":
            return self.error(req, ST_BAD_NETWORK_NAME)
        if len(self.tids) >= MAX_IDS:
            return self.error(req, ST_REQUEST_NOT_ACCEPTED)
        tid, self.next_tid = self.next_tid, (self.next_tid + 1) & 0xFFFF or 0x0800
        self.tids[tid] = share
        if flags & 0x0008:  # extended response: WordCount 7 [P:dpw7#85]
            words = struct.pack("<BBHHII", 0xFF, 0, 0, 0x0001, 0x001FFFFF, 0x001FFFFF)
        else:  # WordCount 3 [P:wcry#205]
            words = struct.pack("<BBHH", 0xFF, 0, 0, 0x0001)
        pos = 32 + 1 + len(words) + 2
        data = b"IPC\0" + enc_str("", req.unicode, pos + 4)  # service (always single-byte), native file system ""
        return self.reply(req, words=words, data=data, tid=tid, andx=True)

    def tree_disconnect(self, req):
        if req.uid not in self.uids:
            return self.error(req, ST_SMB_BAD_UID)
        if self.tids.pop(req.tid, None) is None:
            return self.error(req, ST_SMB_BAD_TID)
        return self.reply(req)

    def logoff(self, req):
        if req.uid not in self.uids:
            return self.error(req, ST_SMB_BAD_UID)
        self.uids.discard(req.uid)
        return self.reply(req, words=struct.pack("<BBH", 0xFF, 0, 0), andx=True)

    def echo(self, req):
        return self.reply(req, words=struct.pack("<H", 1), data=req.data)

    # ------------------------------------------------------------ TRANSACTION / TRANSACTION2
    def check_tree(self, req):
        if req.uid not in self.uids:
            return ST_SMB_BAD_UID
        if req.tid not in self.tids:
            return ST_SMB_BAD_TID
        return 0

    @staticmethod
    def setup_words(req):
        if req.wc < 14:
            raise Malformed("transaction WordCount %d" % req.wc)
        count = req.words[26]
        return [struct.unpack_from("<H", req.words, 28 + 2 * i)[0] for i in range(count) if 28 + 2 * i + 2 <= len(req.words)]

    def transaction(self, req):
        bad = self.check_tree(req)
        if bad:
            return self.error(req, bad)
        setup = self.setup_words(req)
        if len(setup) >= 2 and setup[0] == 0x0023:  # TRANS_PEEK_NMPIPE
            fid = setup[1]
            status = ST_INSUFF_SERVER_RESOURCES if fid == 0 and not self.srv.patched else ST_INVALID_HANDLE
            rlog(logging.INFO, "%s: PeekNamedPipe FID %d -> 0x%08X%s", self.peer, fid, status,
                 " (MS17-010 unpatched answer)" if fid == 0 else "")
            return self.error(req, status)
        if setup:
            return self.error(req, ST_INVALID_HANDLE)  # pipe transactions: nothing is open
        return self.error(req, ST_NOT_SUPPORTED)      # named (LANMAN/mailslot) transactions

    def transaction2(self, req):
        bad = self.check_tree(req)
        if bad:
            return self.error(req, bad)
        setup = self.setup_words(req)
        if setup and setup[0] == 0x000E:  # TRANS2_SESSION_SETUP: DoublePulsar's hook
            timeout = req.words[12:16]
            opcode = sum(timeout) & 0xFF
            if opcode == DP_PING and self.srv.infected:
                sig = struct.pack("<II", self.srv.sig1, self.srv.sig2)
                reply_mid = (req.mid + 0x10) & 0xFFFF
                rlog(logging.INFO, "%s: DoublePulsar ping (Timeout 0x%08X, MID %d) -> MID %d, %s, key 0x%08X",
                     self.peer, struct.unpack("<I", timeout)[0], req.mid, reply_mid, self.srv.arch, self.srv.key)
                return self.error(req, ST_NOT_IMPLEMENTED, mid=reply_mid, sig=sig)
            if opcode == DP_PING:  # a clean host: the ping is just an unknown TRANS2 subcommand
                return self.error(req, ST_NOT_IMPLEMENTED)
            name = {DP_EXEC: "exec", DP_KILL: "kill"}.get(opcode, "unknown")
            rlog(logging.WARNING, "%s: NON-PING DoublePulsar opcode 0x%02X (%s, %d data bytes) ignored; answered like a clean host",
                 self.peer, opcode, name, len(req.data))
            self.srv.non_ping += 1
            return self.error(req, ST_NOT_IMPLEMENTED)
        return self.error(req, ST_NOT_SUPPORTED)


class Server:
    def __init__(self, cfg):
        self.cfg = cfg
        self.sig1 = int(cfg["sig1"]) & 0xFFFFFFFF
        self.sig2 = int(cfg["sig2"]) & 0xFFFFFFFF
        self.arch = "x86" if self.sig2 == 0 else "x64"
        self.key = dp_key(self.sig1)
        self.server_guid = hashlib.md5(("perisai-lab " + cfg["netbios_name"]).encode()).digest()
        self.conns, self.non_ping = 0, 0
        # Bench personas (bench/beds/plan.py bed G) reuse this server as a clean or patched Windows 7; the lab's
        # doublepulsar host keeps the defaults (infected, unpatched).
        self.infected = bool(cfg.get("infected", True))
        self.patched = bool(cfg.get("ms17_010_patched", False))
        self.nbss_ports = set(cfg.get("netbios_ports", [139]))  # ports that start with a NetBIOS session request

    async def nbss_session_request(self, reader, writer, first):
        """TCP 139: the first message must be a session request for our name or *SMBSERVER."""
        body = first
        ok = False
        if len(body) >= 34 and body[0] == 0x20:
            enc = body[1:33]
            try:
                raw = bytes(((enc[2 * i] - 0x41) << 4) | (enc[2 * i + 1] - 0x41) for i in range(16))
                called, suffix = raw[:15].decode("latin-1").rstrip(" ").upper(), raw[15]
                ok = suffix == 0x20 and called in (self.cfg["netbios_name"].upper(), "*SMBSERVER")
            except ValueError:
                ok = False
        if ok:
            writer.write(b"\x82\x00\x00\x00")
        else:
            writer.write(b"\x83\x00\x00\x01\x82")  # called name not present
        await writer.drain()
        return ok

    async def handle(self, reader, writer):
        peer = writer.get_extra_info("peername")
        sock = writer.get_extra_info("sockname")
        port = sock[1] if sock else 445
        peer_s = "%s:%s" % (peer[0], peer[1]) if peer else "?"
        if self.conns >= MAX_CONNS:
            writer.close()
            return
        self.conns += 1
        conn = Conn(self, peer_s, port)
        nbss = port in self.nbss_ports
        session_ok = not nbss
        try:
            while True:
                head = await asyncio.wait_for(reader.readexactly(4), IDLE_S)
                mtype, length = head[0], int.from_bytes(head[1:4], "big")
                if length > MAX_MSG:
                    rlog(logging.INFO, "%s: NBSS length %d too large, closing", peer_s, length)
                    break
                body = await asyncio.wait_for(reader.readexactly(length), IDLE_S)
                if mtype == 0x85:   # keep-alive
                    continue
                if mtype == 0x81 and not session_ok and nbss:
                    if not await self.nbss_session_request(reader, writer, body):
                        break
                    session_ok = True
                    continue
                if mtype != 0x00 or not session_ok:
                    rlog(logging.INFO, "%s: NBSS message type 0x%02x%s, closing", peer_s, mtype,
                         "" if session_ok else " before a NetBIOS session request")
                    break
                try:
                    out = conn.handle(body)
                except Malformed as e:
                    rlog(logging.INFO, "%s: malformed message: %s; closing", peer_s, e)
                    break
                if out is None:
                    break
                writer.write(len(out).to_bytes(4, "big") + out)
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError, OSError):
            pass
        except Exception:  # never let one client take the server down
            log.exception("%s: unexpected error; connection closed", peer_s)
        finally:
            self.conns -= 1
            try:
                writer.close()
            except Exception:
                pass


async def main_async(cfg):
    srv = Server(cfg)
    servers = []
    for port in cfg.get("ports", [445]):
        servers.append(await asyncio.start_server(srv.handle, cfg.get("bind", "0.0.0.0"), port,
                                                  reuse_address=True, backlog=256))
    log.info("listening on %s port(s) %s as %s (%s); DoublePulsar sig1 0x%08X sig2 %d -> %s, key 0x%08X",
             cfg.get("bind", "0.0.0.0"), ",".join(map(str, cfg.get("ports", [445]))), cfg["netbios_name"],
             cfg["native_os"], srv.sig1, srv.sig2, srv.arch, srv.key)
    if cfg.get("ready_file"):
        with open(cfg["ready_file"], "w") as f:
            f.write("%d\n" % os.getpid())
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    asyncio.run(main_async(cfg))


if __name__ == "__main__":
    main()
