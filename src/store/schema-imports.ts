// The import staging tables (migration 0014_import_staging) as Kysely sees them; `Database` (schema.ts)
// extends this. Same conventions as schema.ts: Time = ISO text, Json = JSON text, SqlBool via dialect.bool().

import type { SqlBool } from 'kysely';

type Time = string;
type Json = string;

export interface ImportRunTable {
  id: string;
  started_at: Time;
  started_by: string;
}

/** One checked asset row of a running import, waiting to be published (src/store/repos/imports.ts). */
export interface ImportStagedAssetTable {
  import_id: string;
  seq: number;
  file: string;
  sheet: string | null;
  row: number;
  agency_code: string;
  /** create | update */
  op: string;
  /** created | updated | unchanged: what publishing this row does, for the report. */
  outcome: string;
  asset_id: string;
  ip: string;
  ip_key: string;
  // null = keep the stored value (an empty cell never wipes data)
  mac: string | null;
  netbios_name: string | null;
  dns_name: string | null;
  os: Json | null;
  criticality: string | null;
  owner: string | null;
  tags: Json | null;
  outside_control: SqlBool | null;
  responsible_party: string | null;
}

export interface ImportDatabase {
  import_runs: ImportRunTable;
  import_staged_assets: ImportStagedAssetTable;
}
