// The HTTP API's public surface: the app factory and the first-run admin (used by `perisai serve`).
export { buildApp } from './app.js';
export type { AppDeps } from './app.js';
export { ensureFirstAdmin } from './passwords.js';
export type { FirstAdmin } from './passwords.js';
export type { Access, RouteEntry, SessionPolicy } from './access.js';
export { API_ERROR_CODES } from './errors.js';
export type { ApiErrorCode, ErrorBody } from './errors.js';
