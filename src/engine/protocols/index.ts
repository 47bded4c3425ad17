// Wire formats for the SMB exposure checks: pure encoders/decoders, no sockets
// (so every byte layout is tested against captures without a network). Decoders throw only DecodeError on malformed input; the
// conversations that use them live in src/engine/probes, the verdicts in src/engine/checks.
export * from './bytes/index.js';
export * from './netbios/index.js';
export * from './smb1/index.js';
export * from './smb2/index.js';
export * from './ntlmssp/index.js';
export * from './spnego/index.js';
