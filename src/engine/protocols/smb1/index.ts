// SMB1 (CIFS, NT LM 0.12) codecs: MS-CIFS and MS-SMB.
export * from './header.js';
export * from './ntstatus.js';
export * from './negotiate.js';
export * from './session-setup.js';
export * from './tree-connect.js';
export * from './trans.js';
export * from './trans2.js';
