// The inventory's domain: pure types and rules, no I/O. src/store persists these; later the scheduler,
// alerts, API and CLI use them. Nothing here imports the store.
export * from './errors.js';
export * from './ip.js';
export * from './ranges.js';
export * from './agency.js';
export * from './contact.js';
export * from './network.js';
export * from './scan-window.js';
export * from './observation.js';
export * from './asset.js';
export * from './risk.js';
export * from './finding.js';
export * from './finding-signals.js';
export * from './diff.js';
export * from './scan-job.js';
export * from './calendar.js';
export * from './scan-profile.js';
