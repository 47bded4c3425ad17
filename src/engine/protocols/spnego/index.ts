// Minimal SPNEGO (RFC 4178, MS-SPNG) over a minimal DER reader/writer.
export * from './der.js';
export * from './spnego.js';
