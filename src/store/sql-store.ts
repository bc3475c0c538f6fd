import { CompiledQuery, type Selectable, type Transaction } from 'kysely';
import type {
  AuditEvent,
  AuditInput,
  AuditVerification,
  ChecklistState,
  Page,
  RunRecord,
  Sample,
  Store,
  TokenRecord,
  TokenRole,
  WatchStore,
} from '../engine/store.js';
import { type ChainBreak, type ChainedEvent, chainEvent, checkHead, checkLink } from '../model/audit.js';
import { ConfigError } from '../model/errors.js';
import type { Attestation, CheckOutcome, Signoff, Waiver } from '../model/state.js';
import type { StatusSummary, Verdict } from '../model/status.js';
import { INSERT_CHUNK, type StoreAdapter } from './adapter.js';
import type { AuditEventsTable, Database, RunsTable } from './schema.js';
import { createWatchStore } from './watch-store.js';

type Trx = Transaction<Database>;
type Append = (input: AuditInput) => Promise<AuditEvent>;

/** Rows read per query while verifying, so a long log never sits in memory at once. */
const VERIFY_PAGE = 1000;
const MAX_LIST = 1000;

/** Normalise a time to `toISOString()` form, so stored times sort as text on every backend. */
function iso(value: string, field: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ConfigError(`${field}: "${value}" is not an ISO date-time`, field);
  return new Date(t).toISOString();
}

function limitOf(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  return Math.max(1, Math.min(MAX_LIST, Math.floor(limit)));
}

function chunks<T>(rows: T[], size = INSERT_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

type Row = Record<string, string | number | boolean | null>;

/**
 * Insert rows in chunks of INSERT_CHUNK. Kysely builds (and freezes) a node per value, which for a
 * 5,000-item run costs more than the database's own work; so the INSERT of a chunk is compiled once
 * per chunk size, and later chunks of that size run the same SQL with their own parameters. The reuse
 * is checked against Kysely's own parameters for the first chunk (one parameter per column and row,
 * in row order); if that ever does not hold, every chunk is compiled.
 */
async function insertRows<T extends keyof Database & string>(
  trx: Transaction<Database>,
  table: T,
  rows: Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const compiled = new Map<number, string | null>();
  for (const part of chunks(rows)) {
    const params: unknown[] = [];
    for (const row of part) for (const column of columns) params.push(row[column]);
    let sqlText = compiled.get(part.length);
    if (sqlText === undefined) {
      const query = trx
        .insertInto(table)
        .values(part as never)
        .compile();
      const same =
        query.parameters.length === params.length && query.parameters.every((p, i) => p === params[i]);
      sqlText = same ? query.sql : null;
      compiled.set(part.length, sqlText);
      await trx.executeQuery(query);
      continue;
    }
    if (sqlText === null) {
      await trx
        .insertInto(table)
        .values(part as never)
        .execute();
      continue;
    }
    await trx.executeQuery(CompiledQuery.raw(sqlText, params));
  }
}

function toAuditEvent(e: ChainedEvent): AuditEvent {
  return {
    seq: e.seq,
    at: e.at,
    type: e.type,
    actor: e.actor,
    checklist: e.checklist,
    environment: e.environment,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** A stored row as a chained event; data that is not JSON any more can only mean an edit. */
function fromAuditRow(row: AuditEventsTable): ChainedEvent | ChainBreak {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    return {
      seq: Number(row.seq),
      kind: 'edited',
      reason: `event ${row.seq} was edited: its data is not valid JSON`,
    };
  }
  return {
    seq: Number(row.seq),
    at: row.at,
    type: row.type,
    actor: row.actor,
    checklist: row.checklist,
    environment: row.environment,
    data,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const isBreak = (x: ChainedEvent | ChainBreak): x is ChainBreak => 'kind' in x;

/**
 * The one SQL implementation of the Store port, over Kysely. Dialect differences come from the
 * adapter. Every state change and its audit event commit in one transaction, under the write lock.
 */
export class SqlStore implements Store {
  readonly #adapter: StoreAdapter;
  readonly #now: () => Date;

  constructor(adapter: StoreAdapter, opts: { now?: () => Date } = {}) {
    this.#adapter = adapter;
    this.#now = opts.now ?? (() => new Date());
  }

  get #db() {
    return this.#adapter.db;
  }

  /** Which backend and where (no password), for messages. */
  get location(): string {
    return `${this.#adapter.dialect} ${this.#adapter.location}`;
  }

  /** Run `fn` in a write transaction holding the write lock, with an audit appender bound to it. */
  async #write<T>(fn: (trx: Trx, append: Append) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(async (trx) => {
      await this.#adapter.lockWrites(trx);
      let head = await trx
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirst();
      const append: Append = async (input) => {
        const event = chainEvent(head ? { seq: Number(head.seq), hash: head.hash } : undefined, {
          at: iso(input.at ?? this.#now().toISOString(), 'at'),
          type: input.type,
          actor: input.actor,
          checklist: input.checklist ?? null,
          environment: input.environment ?? null,
          // Round-trip through JSON so the hashed object is exactly what a reader parses back.
          data: JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>,
        });
        await trx
          .insertInto('audit_events')
          .values({
            seq: event.seq,
            at: event.at,
            type: event.type,
            actor: event.actor,
            checklist: event.checklist,
            environment: event.environment,
            data: JSON.stringify(event.data),
            prev_hash: event.prevHash,
            hash: event.hash,
          })
          .execute();
        if (head) {
          await trx
            .updateTable('audit_head')
            .set({ seq: event.seq, hash: event.hash })
            .where('id', '=', 1)
            .execute();
        } else {
          await trx.insertInto('audit_head').values({ id: 1, seq: event.seq, hash: event.hash }).execute();
        }
        head = { seq: event.seq, hash: event.hash };
        return toAuditEvent(event);
      };
      return fn(trx, append);
    });
  }

  async recordChecklist(
    c: { id: string; name: string; digest: string; file?: string; at?: string },
    actor: string,
  ): Promise<void> {
    const at = iso(c.at ?? this.#now().toISOString(), 'at');
    await this.#write(async (trx, append) => {
      const known = await trx.selectFrom('checklists').selectAll().where('id', '=', c.id).executeTakeFirst();
      if (known && known.digest === c.digest && known.name === c.name && known.file === (c.file ?? null))
        return;
      if (known) {
        await trx
          .updateTable('checklists')
          .set({ name: c.name, digest: c.digest, file: c.file ?? null, updated_at: at })
          .where('id', '=', c.id)
          .execute();
      } else {
        await trx
          .insertInto('checklists')
          .values({ id: c.id, name: c.name, digest: c.digest, file: c.file ?? null, updated_at: at })
          .execute();
      }
      if (known?.digest === c.digest) return;
      await append({
        type: 'checklist.imported',
        actor,
        checklist: c.id,
        at,
        data: {
          digest: c.digest,
          name: c.name,
          ...(c.file ? { file: c.file } : {}),
          ...(known ? { previous: known.digest } : {}),
        },
      });
      if (!known) return;
      // Sign-offs bind to a digest: record that the ones given for the previous version no longer count.
      const stale = await trx
        .selectFrom('signoffs')
        .select(['environment', 'role', 'by'])
        .where('checklist', '=', c.id)
        .where('digest', '=', known.digest)
        .orderBy('id')
        .execute();
      const seen = new Set<string>();
      for (const s of stale) {
        const key = `${s.environment}\u0000${s.role}`;
        if (seen.has(key)) continue;
        seen.add(key);
        await append({
          type: 'signoff.invalidated',
          actor,
          checklist: c.id,
          environment: s.environment,
          at,
          data: { role: s.role, by: s.by, digest: known.digest, now: c.digest },
        });
      }
    });
  }

  async saveRun(run: RunRecord): Promise<number> {
    return this.#write(async (trx, append) => {
      const inserted = await trx
        .insertInto('runs')
        .values({
          checklist: run.checklist,
          environment: run.environment,
          digest: run.digest,
          started_at: iso(run.startedAt, 'startedAt'),
          finished_at: iso(run.finishedAt, 'finishedAt'),
          verdict: run.verdict,
          summary: JSON.stringify(run.summary),
          trigger: run.trigger,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(inserted.id);
      await insertRows(
        trx,
        'run_results',
        run.outcomes.map((o) => ({
          run_id: id,
          item: o.item,
          status: o.status,
          message: o.message ?? null,
          observed: o.observed === undefined ? null : JSON.stringify(o.observed),
          duration_ms: o.durationMs ?? null,
          at: o.at ? iso(o.at, 'at') : null,
        })),
      );
      await append({
        type: 'run.completed',
        actor: run.trigger,
        checklist: run.checklist,
        environment: run.environment,
        at: run.finishedAt,
        data: {
          run: id,
          digest: run.digest,
          verdict: run.verdict,
          summary: run.summary,
          trigger: run.trigger,
        },
      });
      return id;
    });
  }

  async #withOutcomes(rows: Selectable<RunsTable>[]): Promise<RunRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.id));
    const results = await this.#db
      .selectFrom('run_results')
      .selectAll()
      .where('run_id', 'in', ids)
      .orderBy('run_id')
      .orderBy('item')
      .execute();
    const byRun = new Map<number, CheckOutcome[]>();
    for (const r of results) {
      const list = byRun.get(Number(r.run_id)) ?? [];
      list.push({
        item: r.item,
        status: r.status as CheckOutcome['status'],
        ...(r.message !== null ? { message: r.message } : {}),
        ...(r.observed !== null ? { observed: JSON.parse(r.observed) as Record<string, unknown> } : {}),
        ...(r.duration_ms !== null ? { durationMs: Number(r.duration_ms) } : {}),
        ...(r.at !== null ? { at: r.at } : {}),
      });
      byRun.set(Number(r.run_id), list);
    }
    return rows.map((r) => ({
      id: Number(r.id),
      checklist: r.checklist,
      environment: r.environment,
      digest: r.digest,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      verdict: r.verdict as Verdict,
      summary: JSON.parse(r.summary) as StatusSummary,
      outcomes: byRun.get(Number(r.id)) ?? [],
      trigger: r.trigger,
    }));
  }

  async latestRun(checklist: string, environment: string): Promise<RunRecord | undefined> {
    const row = await this.#db
      .selectFrom('runs')
      .selectAll()
      .where('checklist', '=', checklist)
      .where('environment', '=', environment)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? (await this.#withOutcomes([row]))[0] : undefined;
  }

  async listRuns(checklist: string, environment: string | undefined, page: Page = {}): Promise<RunRecord[]> {
    let q = this.#db.selectFrom('runs').selectAll().where('checklist', '=', checklist);
    if (environment !== undefined) q = q.where('environment', '=', environment);
    if (page.before !== undefined) q = q.where('id', '<', page.before);
    const rows = await q.orderBy('id', 'desc').limit(limitOf(page.limit, 50)).execute();
    return this.#withOutcomes(rows);
  }

  async addSamples(samples: Sample[]): Promise<void> {
    if (samples.length === 0) return;
    await this.#db.transaction().execute(async (trx) => {
      await insertRows(
        trx,
        'samples',
        samples.map((s) => ({
          checklist: s.checklist,
          environment: s.environment,
          item: s.item,
          at: iso(s.at, 'at'),
          ok: this.#adapter.bool(s.ok),
          message: s.message ?? null,
        })),
      );
    });
  }

  async listSamples(checklist: string, environment: string, item: string, since: string): Promise<Sample[]> {
    const rows = await this.#db
      .selectFrom('samples')
      .selectAll()
      .where('checklist', '=', checklist)
      .where('environment', '=', environment)
      .where('item', '=', item)
      .where('at', '>=', iso(since, 'since'))
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      checklist: r.checklist,
      environment: r.environment,
      item: r.item,
      at: r.at,
      ok: Boolean(r.ok),
      ...(r.message !== null ? { message: r.message } : {}),
    }));
  }

  async pruneSamples(before: string): Promise<number> {
    const res = await this.#db
      .deleteFrom('samples')
      .where('at', '<', iso(before, 'before'))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async addAttestation(a: Attestation): Promise<void> {
    const at = iso(a.at, 'at');
    const expiresAt = a.expiresAt ? iso(a.expiresAt, 'expiresAt') : null;
    await this.#write(async (trx, append) => {
      await trx
        .insertInto('attestations')
        .values({
          checklist: a.checklist,
          environment: a.environment,
          item: a.item,
          evidence: a.evidence,
          value: a.value ?? null,
          file_name: a.file?.name ?? null,
          file_sha256: a.file?.sha256 ?? null,
          by: a.by,
          at,
          expires_at: expiresAt,
        })
        .execute();
      await append({
        type: 'item.attested',
        actor: a.by,
        checklist: a.checklist,
        environment: a.environment,
        at,
        data: {
          item: a.item,
          evidence: a.evidence,
          ...(a.value !== undefined ? { value: a.value } : {}),
          ...(a.file ? { file: a.file } : {}),
          ...(expiresAt ? { expiresAt } : {}),
        },
      });
    });
  }

  async addWaiver(w: Waiver): Promise<void> {
    const at = iso(w.at, 'at');
    const expiresAt = iso(w.expiresAt, 'expiresAt');
    await this.#write(async (trx, append) => {
      await trx
        .insertInto('waivers')
        .values({
          checklist: w.checklist,
          environment: w.environment,
          item: w.item,
          reason: w.reason,
          owner: w.owner,
          by: w.by,
          at,
          expires_at: expiresAt,
        })
        .execute();
      await append({
        type: 'waiver.granted',
        actor: w.by,
        checklist: w.checklist,
        environment: w.environment,
        at,
        data: { item: w.item, reason: w.reason, owner: w.owner, expiresAt },
      });
    });
  }

  async addSignoff(s: Signoff): Promise<void> {
    const at = iso(s.at, 'at');
    await this.#write(async (trx, append) => {
      await trx
        .insertInto('signoffs')
        .values({
          checklist: s.checklist,
          environment: s.environment,
          role: s.role,
          digest: s.digest,
          by: s.by,
          at,
        })
        .execute();
      await append({
        type: 'signoff.given',
        actor: s.by,
        checklist: s.checklist,
        environment: s.environment,
        at,
        data: { role: s.role, digest: s.digest },
      });
    });
  }

  async loadState(checklist: string, environment: string): Promise<ChecklistState> {
    // The rows of one state table for this checklist and environment, oldest first.
    const rowsOf = <T extends 'attestations' | 'waivers' | 'signoffs'>(table: T) =>
      this.#db
        .selectFrom(table as 'attestations' | 'waivers' | 'signoffs')
        .selectAll()
        .where('checklist', '=', checklist)
        .where('environment', '=', environment)
        .orderBy('id')
        .execute() as Promise<Selectable<Database[T]>[]>;
    const [attestations, waivers, signoffs] = await Promise.all([
      rowsOf('attestations'),
      rowsOf('waivers'),
      rowsOf('signoffs'),
    ]);
    return {
      attestations: attestations.map((r) => ({
        checklist: r.checklist,
        environment: r.environment,
        item: r.item,
        evidence: r.evidence,
        ...(r.value !== null ? { value: r.value } : {}),
        ...(r.file_name !== null && r.file_sha256 !== null
          ? { file: { name: r.file_name, sha256: r.file_sha256 } }
          : {}),
        by: r.by,
        at: r.at,
        ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
      })),
      waivers: waivers.map(toWaiver),
      signoffs: signoffs.map((r) => ({
        checklist: r.checklist,
        environment: r.environment,
        role: r.role,
        digest: r.digest,
        by: r.by,
        at: r.at,
      })),
    };
  }

  async listWaivers(checklist?: string): Promise<Waiver[]> {
    let q = this.#db.selectFrom('waivers').selectAll();
    if (checklist !== undefined) q = q.where('checklist', '=', checklist);
    return (await q.orderBy('id', 'desc').execute()).map(toWaiver);
  }

  async appendAudit(event: AuditInput): Promise<AuditEvent> {
    return this.#write((_trx, append) => append(event));
  }

  async listAudit(opts: { after?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    const rows = await this.#db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', opts.after ?? 0)
      .orderBy('seq')
      .limit(limitOf(opts.limit, 100))
      .execute();
    return rows.map((row) => {
      const e = fromAuditRow(row);
      if (!isBreak(e)) return toAuditEvent(e);
      // Still list a damaged event (verify names it); its data shows as the raw text.
      return {
        seq: Number(row.seq),
        at: row.at,
        type: row.type,
        actor: row.actor,
        checklist: row.checklist,
        environment: row.environment,
        data: { unparsable: row.data },
        prevHash: row.prev_hash,
        hash: row.hash,
      };
    });
  }

  async verifyAudit(): Promise<AuditVerification> {
    // One read-only snapshot: a consistent chain even while other processes append.
    const snapshot = this.#db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only');
    return snapshot.execute(async (trx) => {
      let prev: { seq: number; hash: string } | undefined;
      let count = 0;
      for (;;) {
        const rows = await trx
          .selectFrom('audit_events')
          .selectAll()
          .where('seq', '>', prev?.seq ?? 0)
          .orderBy('seq')
          .limit(VERIFY_PAGE)
          .execute();
        for (const row of rows) {
          const event = fromAuditRow(row);
          const bad = isBreak(event) ? event : checkLink(prev, event);
          if (bad) return { ok: false, count, firstBad: { seq: bad.seq, reason: bad.reason } };
          count += 1;
          prev = { seq: Number(row.seq), hash: row.hash };
        }
        if (rows.length < VERIFY_PAGE) break;
      }
      const headRow = await trx
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirst();
      const head = headRow ? { seq: Number(headRow.seq), hash: headRow.hash } : undefined;
      const bad = checkHead(prev, head);
      if (bad) return { ok: false, count, firstBad: { seq: bad.seq, reason: bad.reason } };
      return { ok: true, count, ...(prev ? { head: prev } : {}) };
    });
  }

  async createToken(
    t: { name: string; role: TokenRole; signoffRoles: string[]; hash: string; at?: string },
    actor: string,
  ): Promise<TokenRecord> {
    const at = iso(t.at ?? this.#now().toISOString(), 'at');
    return this.#write(async (trx, append) => {
      const row = await trx
        .insertInto('tokens')
        .values({
          name: t.name,
          role: t.role,
          signoff_roles: JSON.stringify(t.signoffRoles),
          hash: t.hash,
          created_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Never the token nor its hash: the log is readable by viewers.
      await append({
        type: 'token.created',
        actor,
        at,
        data: { id: Number(row.id), name: t.name, role: t.role, signoffRoles: t.signoffRoles },
      });
      return { id: Number(row.id), name: t.name, role: t.role, signoffRoles: t.signoffRoles, createdAt: at };
    });
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const row = await this.#db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: Number(row.id),
      name: row.name,
      role: row.role as TokenRole,
      signoffRoles: JSON.parse(row.signoff_roles) as string[],
      createdAt: row.created_at,
    };
  }

  async ping(): Promise<boolean> {
    try {
      await this.#db.selectFrom('audit_head').select('id').limit(1).execute();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }

  // The watch loop's tables live in watch-store.ts; these delegate to it.
  get #watch(): WatchStore {
    this.#watchStore ??= createWatchStore(this.#adapter);
    return this.#watchStore;
  }
  #watchStore: WatchStore | undefined;
  acquireLease: WatchStore['acquireLease'] = (...a) => this.#watch.acquireLease(...a);
  releaseLease: WatchStore['releaseLease'] = (...a) => this.#watch.releaseLease(...a);
  claimSlot: WatchStore['claimSlot'] = (...a) => this.#watch.claimSlot(...a);
  pruneSlots: WatchStore['pruneSlots'] = (...a) => this.#watch.pruneSlots(...a);
  loadWatchState: WatchStore['loadWatchState'] = (...a) => this.#watch.loadWatchState(...a);
  commitWatchState: WatchStore['commitWatchState'] = (...a) => this.#watch.commitWatchState(...a);
  dueDeliveries: WatchStore['dueDeliveries'] = (...a) => this.#watch.dueDeliveries(...a);
  claimDelivery: WatchStore['claimDelivery'] = (...a) => this.#watch.claimDelivery(...a);
  recordDeliveryAttempt: WatchStore['recordDeliveryAttempt'] = (...a) =>
    this.#watch.recordDeliveryAttempt(...a);
  listDeliveries: WatchStore['listDeliveries'] = (...a) => this.#watch.listDeliveries(...a);
}

function toWaiver(r: Selectable<Database['waivers']>): Waiver {
  return {
    checklist: r.checklist,
    environment: r.environment,
    item: r.item,
    reason: r.reason,
    owner: r.owner,
    by: r.by,
    at: r.at,
    expiresAt: r.expires_at,
  };
}
