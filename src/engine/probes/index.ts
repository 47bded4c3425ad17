// Probes: short, bounded conversations with one host (protocols/ encodes, probes/ talk, checks/ decide). Each returns a
// ProbeOutcome and never throws; sockets come from the scope-enforcing Dialer (TCP) or ScopedUdp.
export * from './outcome.js';
export * from './conversation.js';
export * from './limited-dialer.js';
export * from './smb-transport.js';
export * from './smb1-chain.js';
export * from './smb2-probe.js';
export * from './smb1-ntlm.js';
export * from './ntlm-info.js';
export * from './udp.js';
export * from './nbns-codec.js';
export * from './nbns.js';
export * from './rdp-codec.js';
export * from './rdp.js';
