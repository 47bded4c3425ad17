// Well-known TCP port -> service name, the fallback of guessService() when no banner rule matched.
//
// Compiled by hand for this project from the keywords of IANA's "Service Name and Transport
// Protocol Port Number Registry" (https://www.iana.org/assignments/service-names-port-numbers),
// which is public. Where IANA's keyword is not what operators and other scanners call the service,
// the common name is used instead and marked "(common)" so the choice is visible:
// 135 msrpc (IANA: epmap), 5900 vnc (IANA: rfb), 8080 http-proxy (IANA: http-alt), …
// This is deliberately NOT derived from nmap's nmap-services file (that file is under the NPSL).
//
// Only TCP is listed: the engine scans TCP (types.ts PortResult.proto is 'tcp').

export const PORT_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [1, 'tcpmux'],
  [7, 'echo'],
  [9, 'discard'],
  [11, 'systat'],
  [13, 'daytime'],
  [17, 'qotd'],
  [19, 'chargen'],
  [20, 'ftp-data'],
  [21, 'ftp'],
  [22, 'ssh'],
  [23, 'telnet'],
  [25, 'smtp'],
  [37, 'time'],
  [43, 'whois'],
  [49, 'tacacs'],
  [53, 'domain'],
  [70, 'gopher'],
  [79, 'finger'],
  [80, 'http'],
  [88, 'kerberos'],
  [102, 'iso-tsap'],
  [110, 'pop3'],
  [111, 'sunrpc'],
  [113, 'ident'],
  [119, 'nntp'],
  [123, 'ntp'],
  [135, 'msrpc'], // (common) IANA: epmap, the DCE/MS-RPC endpoint mapper
  [137, 'netbios-ns'],
  [138, 'netbios-dgm'],
  [139, 'netbios-ssn'],
  [143, 'imap'],
  [161, 'snmp'],
  [162, 'snmptrap'],
  [179, 'bgp'],
  [194, 'irc'],
  [199, 'smux'],
  [389, 'ldap'],
  [427, 'svrloc'],
  [443, 'https'],
  [444, 'snpp'],
  [445, 'microsoft-ds'],
  [464, 'kpasswd'],
  [465, 'smtps'], // (common) IANA: submissions (RFC 8314)
  [497, 'retrospect'],
  [500, 'isakmp'],
  [502, 'modbus'], // (common) IANA: mbap
  [512, 'exec'],
  [513, 'login'],
  [514, 'shell'],
  [515, 'printer'],
  [520, 'efs'],
  [543, 'klogin'],
  [544, 'kshell'],
  [548, 'afp'], // (common) IANA: afpovertcp
  [554, 'rtsp'],
  [563, 'nntps'],
  [587, 'submission'],
  [593, 'http-rpc-epmap'],
  [631, 'ipp'],
  [636, 'ldaps'],
  [646, 'ldp'],
  [873, 'rsync'],
  [989, 'ftps-data'],
  [990, 'ftps'],
  [992, 'telnets'],
  [993, 'imaps'],
  [995, 'pop3s'],
  [1080, 'socks'],
  [1194, 'openvpn'],
  [1433, 'ms-sql-s'],
  [1434, 'ms-sql-m'],
  [1521, 'oracle'], // (common) the Oracle TNS listener
  [1701, 'l2tp'],
  [1723, 'pptp'],
  [1812, 'radius'],
  [1813, 'radius-acct'],
  [1883, 'mqtt'],
  [1900, 'upnp'], // (common) IANA: ssdp
  [2049, 'nfs'],
  [2375, 'docker'],
  [2376, 'docker-s'],
  [2379, 'etcd-client'],
  [2380, 'etcd-server'],
  [3128, 'squid-http'], // (common) Squid's default proxy port
  [3260, 'iscsi'],
  [3268, 'globalcatLDAP'],
  [3269, 'globalcatLDAPssl'],
  [3306, 'mysql'],
  [3389, 'ms-wbt-server'],
  [3690, 'svn'],
  [4369, 'epmd'],
  [5060, 'sip'],
  [5061, 'sips'],
  [5222, 'xmpp-client'],
  [5269, 'xmpp-server'],
  [5353, 'mdns'],
  [5355, 'llmnr'],
  [5357, 'wsdapi'],
  [5432, 'postgresql'],
  [5671, 'amqps'],
  [5672, 'amqp'],
  [5800, 'vnc-http'], // (common) VNC's Java viewer over HTTP
  [5900, 'vnc'], // (common) IANA: rfb (RFC 6143)
  [5901, 'vnc-1'], // (common) VNC display :1
  [5985, 'wsman'],
  [5986, 'wsmans'],
  [6000, 'X11'],
  [6379, 'redis'],
  [6667, 'irc'], // (common) IANA: ircu
  [6697, 'ircs-u'],
  [8000, 'http-alt'], // (common) IANA: irdmi
  [8008, 'http'], // (common) IANA: http-alt
  [8080, 'http-proxy'], // (common) IANA: http-alt
  [8443, 'https-alt'], // (common) IANA: pcsync-https
  [8888, 'http-alt'], // (common) IANA: ddi-tcp-1
  [9000, 'cslistener'],
  [9100, 'jetdirect'], // (common) IANA: pdl-datastream
  [9418, 'git'],
  [11211, 'memcache'],
  [27017, 'mongodb'],
]);

/**
 * Ports whose table name already says "TLS-wrapped" (HTTPS, IMAPS, …). A TLS handshake seen on one
 * of these keeps the port's name; elsewhere it is reported as nmap's generic "ssl".
 */
export const TLS_PORTS: ReadonlySet<number> = new Set([
  443, 465, 563, 636, 989, 990, 992, 993, 995, 2376, 3269, 5061, 5671, 5986, 6697, 8443,
]);
