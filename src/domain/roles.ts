// The roles of a Perisai account (docs/api.md): administrator, analyst, agency officer (own agency and its
// units only) and viewer. The store keeps them, the API's schemas declare them, the UI offers them.
export const ROLES = ['admin', 'analyst', 'officer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
