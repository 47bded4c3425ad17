// NetBIOS session service (RFC 1002 §4.3) and direct-TCP (MS-SMB2 2.1) framing.
export * from './session.js';
export * from './frame-reader.js';
