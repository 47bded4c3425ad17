// Playbooks as versioned data and their runs on incidents (docs/incidents.md "Playbooks"). Saving a
// playbook never edits a version: it stores the next version of its key and retires the older ones from
// auto-attachment; a run keeps the version it was attached with, so its steps and ticks never change
// under it. Ticks record who, when and a note; the step order rules are the domain's (assertCanTick).

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound, validationError } from '../../domain/errors.js';
import { TL } from '../../domain/incident-timeline.js';
import { assertCanTick, assetKinds, playbookMatches, validatePlaybook } from '../../domain/playbook.js';
import type { PlaybookDefinition, StepTick } from '../../domain/playbook.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { scopeFilter } from '../scope.js';
import type { PlaybookTable } from '../schema-incidents.js';
import { addTimeline, markFirstResponse } from './incident-shared.js';

export interface StoredPlaybook {
  readonly id: string;
  readonly key: string;
  readonly version: number;
  readonly active: boolean;
  readonly definition: PlaybookDefinition;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface PlaybookRun {
  readonly id: string;
  readonly incidentId: string;
  readonly playbook: StoredPlaybook;
  readonly auto: boolean;
  readonly attachedBy: string;
  readonly attachedAt: string;
  readonly ticks: readonly (StepTick & { readonly scanJobId: string | null })[];
}

function toPlaybook(ctx: Ctx, r: Selectable<PlaybookTable>): StoredPlaybook {
  return { id: r.id, key: r.key, version: r.version, active: ctx.d.fromBool(r.active), definition: ctx.d.fromJson<PlaybookDefinition>(r.definition)!, createdBy: r.created_by, createdAt: r.created_at };
}

async function incidentInScope(ctx: Ctx, scope: AgencyScope, incidentId: string): Promise<{ id: string; agency_id: string; classification: string | null; phase: string }> {
  const r = await ctx.db.selectFrom('incidents').select(['id', 'agency_id', 'classification', 'phase']).where('id', '=', incidentId).where(scopeFilter('agency_id', scope)).executeTakeFirst();
  if (r === undefined) throw notFound('incident', incidentId);
  return r;
}

export class PlaybookRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** Store each built-in playbook as version 1 of its key when the key has no version yet. */
  async ensureBuiltIns(defs: readonly PlaybookDefinition[]): Promise<number> {
    return tx(this.#ctx, 'installing the built-in playbooks', async (ctx) => {
      await ctx.d.lock(ctx.db, 'playbooks');
      let n = 0;
      for (const def of defs) {
        const has = await ctx.db.selectFrom('playbooks').select('id').where('key', '=', def.key).executeTakeFirst();
        if (has !== undefined) continue;
        const v = validatePlaybook(def);
        await ctx.db.insertInto('playbooks').values({ id: randomUUID(), key: v.key, version: 1, definition: ctx.d.json(v), active: ctx.d.bool(true), created_by: 'perisai', created_at: nowIso(ctx) }).execute();
        n++;
      }
      return n;
    });
  }

  /** The latest version of every key (or every version with `allVersions`). */
  async list(opts: { allVersions?: boolean } = {}): Promise<StoredPlaybook[]> {
    const rows = await run(this.#ctx, 'listing playbooks', (db) => db.selectFrom('playbooks').selectAll().orderBy('key').orderBy('version', 'desc').execute());
    const out = rows.map((r) => toPlaybook(this.#ctx, r));
    return opts.allVersions === true ? out : out.filter((p, i) => i === 0 || out[i - 1]!.key !== p.key);
  }

  async get(id: string): Promise<StoredPlaybook> {
    const r = await run(this.#ctx, 'reading a playbook', (db) => db.selectFrom('playbooks').selectAll().where('id', '=', id).executeTakeFirst());
    if (r === undefined) throw notFound('playbook', id);
    return toPlaybook(this.#ctx, r);
  }

  /** Save a playbook from the editor as the next version of its key (version 1 for a new key). */
  async save(def: PlaybookDefinition, by: string): Promise<StoredPlaybook> {
    const v = validatePlaybook(def);
    return tx(this.#ctx, `saving playbook ${v.key}`, async (ctx) => {
      await ctx.d.lock(ctx.db, 'playbooks');
      const last = await ctx.db.selectFrom('playbooks').select(['version']).where('key', '=', v.key).orderBy('version', 'desc').limit(1).executeTakeFirst();
      const version = (last?.version ?? 0) + 1;
      await ctx.db.updateTable('playbooks').set({ active: ctx.d.bool(false) }).where('key', '=', v.key).execute();
      const row = { id: randomUUID(), key: v.key, version, definition: ctx.d.json(v), active: ctx.d.bool(true), created_by: by, created_at: nowIso(ctx) };
      await ctx.db.insertInto('playbooks').values(row).execute();
      return toPlaybook(ctx, row);
    });
  }

  async runs(scope: AgencyScope, incidentId: string): Promise<PlaybookRun[]> {
    return tx(this.#ctx, 'reading playbook runs', async (ctx) => {
      await incidentInScope(ctx, scope, incidentId);
      const runs = await ctx.db.selectFrom('incident_playbook_runs').innerJoin('playbooks', 'playbooks.id', 'incident_playbook_runs.playbook_id')
        .selectAll('playbooks').select(['incident_playbook_runs.id as run_id', 'incident_playbook_runs.auto as run_auto', 'attached_by', 'attached_at'])
        .where('incident_id', '=', incidentId).orderBy('attached_at').orderBy('incident_playbook_runs.id').execute();
      const ticks = runs.length === 0 ? [] : await ctx.db.selectFrom('incident_step_ticks').selectAll().where('run_id', 'in', runs.map((r) => r.run_id)).orderBy('done_at').execute();
      return runs.map((r) => ({
        id: r.run_id, incidentId, playbook: toPlaybook(ctx, r), auto: ctx.d.fromBool(r.run_auto), attachedBy: r.attached_by, attachedAt: r.attached_at,
        ticks: ticks.filter((t) => t.run_id === r.run_id).map((t) => ({ stepId: t.step_id, doneBy: t.done_by, doneAt: t.done_at, note: t.note, scanJobId: t.scan_job_id })),
      }));
    });
  }

  /** Attach a playbook version to an incident (one run per playbook key). */
  async attach(scope: AgencyScope, incidentId: string, playbookId: string, by: string, auto = false): Promise<string> {
    return tx(this.#ctx, `attaching playbook ${playbookId}`, async (ctx) => {
      const inc = await incidentInScope(ctx, scope, incidentId);
      if (inc.phase === 'closed') throw validationError('the incident is closed', { field: 'phase' });
      const pb = await new PlaybookRepo(ctx).get(playbookId);
      const has = await ctx.db.selectFrom('incident_playbook_runs').select('id').where('incident_id', '=', incidentId).where('playbook_key', '=', pb.key).executeTakeFirst();
      if (has !== undefined) throw validationError(`playbookId: ${pb.key} is already attached to this incident`, { field: 'playbookId' });
      const id = randomUUID();
      await ctx.db.insertInto('incident_playbook_runs').values({ id, incident_id: incidentId, playbook_id: pb.id, playbook_key: pb.key, auto: ctx.d.bool(auto), attached_by: by, attached_at: nowIso(ctx) }).execute();
      await addTimeline(ctx, incidentId, { source: 'playbook', kind: 'playbook-attached', text: TL.playbookAttached(pb.definition.title, pb.version, auto), actor: by, includeInReport: false, ref: { runId: id, playbookId: pb.id } });
      return id;
    });
  }

  /**
   * Attach every active playbook whose conditions the incident now meets (its classification, the kinds
   * of its linked assets) and that is not attached yet. System act after a classification or an asset link.
   */
  async autoAttach(incidentId: string, by: string): Promise<string[]> {
    return tx(this.#ctx, 'attaching matching playbooks', async (ctx) => {
      const inc = await incidentInScope(ctx, 'all', incidentId);
      if (inc.phase === 'closed') return [];
      const assets = await ctx.db.selectFrom('incident_assets').innerJoin('assets', 'assets.id', 'incident_assets.asset_id').select(['assets.tags', 'assets.os', 'assets.smb']).where('incident_id', '=', incidentId).execute();
      const kinds = [...new Set(assets.flatMap((a) => assetKinds({ tags: ctx.d.fromJson<string[]>(a.tags) ?? [], os: ctx.d.fromJson(a.os), smb: ctx.d.fromJson(a.smb) })))];
      const attached = new Set((await ctx.db.selectFrom('incident_playbook_runs').select('playbook_key').where('incident_id', '=', incidentId).execute()).map((r) => r.playbook_key));
      const candidates = (await ctx.db.selectFrom('playbooks').selectAll().where('active', '=', ctx.d.bool(true)).execute()).map((r) => toPlaybook(ctx, r));
      const out: string[] = [];
      for (const pb of candidates) {
        if (attached.has(pb.key) || !playbookMatches(pb.definition.conditions, { classification: inc.classification, assetKinds: kinds })) continue;
        out.push(await new PlaybookRepo(ctx).attach('all', incidentId, pb.id, by, true));
      }
      return out;
    });
  }

  /** Tick a step of a run: who, when, a note (and the scan it started, for an action step). */
  async tick(scope: AgencyScope, incidentId: string, runId: string, stepId: string, t: { by: string; note: string | null; scanJobId?: string | null }): Promise<StepTick> {
    return tx(this.#ctx, `ticking step ${stepId}`, async (ctx) => {
      const inc = await incidentInScope(ctx, scope, incidentId);
      if (inc.phase === 'closed') throw validationError('the incident is closed', { field: 'phase' });
      const runs = await new PlaybookRepo(ctx).runs(scope, incidentId);
      const r = runs.find((x) => x.id === runId);
      if (r === undefined) throw notFound('playbook run', runId);
      const step = assertCanTick(r.playbook.definition, r.ticks, stepId);
      const at = nowIso(ctx);
      await ctx.db.insertInto('incident_step_ticks').values({ run_id: runId, step_id: stepId, done_by: t.by, done_at: at, note: t.note, scan_job_id: t.scanJobId ?? null }).execute();
      await addTimeline(ctx, incidentId, { source: 'playbook', kind: 'step-done', text: TL.stepDone(step.title, t.note), actor: t.by, includeInReport: true, ref: { runId, stepId, ...(t.scanJobId != null ? { jobId: t.scanJobId } : {}) } });
      await markFirstResponse(ctx, incidentId);
      return { stepId, doneBy: t.by, doneAt: at, note: t.note };
    });
  }
}
