// SMB2/3 codecs (MS-SMB2): header, NEGOTIATE, SESSION_SETUP, multi-protocol negotiate.
export * from './header.js';
export * from './negotiate.js';
export * from './session-setup.js';
export * from './multi-protocol.js';
