// Checks: plug-ins with metadata as data and a pure evaluate(); runHostChecks is the runner's entry.
export * from './types.js';
export * from './reasons.js';
export * from './registry.js';
export * from './run-host-checks.js';
export * from './host-facts.js';
export * from './os-catalog.js';
export { SMBV1_META, smbv1Check } from './smbv1.js';
export { SMB_SIGNING_META, smbSigningCheck } from './smb-signing.js';
export { MS17_010_META, ms17010Check } from './ms17-010.js';
export { DOUBLEPULSAR_META, doublepulsarCheck } from './doublepulsar.js';
export { SMB_OS_EOL_META, smbOsEolCheck } from './smb-os-eol.js';
export { RDP_EXPOSED_META, rdpExposedCheck } from './rdp-exposed.js';
export { NETBIOS_NS_META, netbiosNsCheck } from './netbios-ns.js';
