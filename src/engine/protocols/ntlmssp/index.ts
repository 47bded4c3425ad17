// NTLMSSP (MS-NLMP): NEGOTIATE encode, CHALLENGE decode (Version + AV pairs).
export * from './flags.js';
export * from './negotiate.js';
export * from './challenge.js';
