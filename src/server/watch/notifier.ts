import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { startDeadline } from '../../engine/deadlines.js';
import type { WatchEvent } from '../../engine/events.js';
import { wants } from '../../engine/events.js';
import { type ResolvedTarget, resolveNotifyTargets } from '../../engine/notify-targets.js';
import { redactText } from '../../engine/redact.js';
import type { DeliveryInput, DeliveryRecord, WatchStore } from '../../engine/store.js';
import type { Checklist } from '../../model/checklist.js';
import { displayText } from '../../model/display-text.js';
import type { Logger } from '../logger.js';
import type { WatchObserver } from './observer.js';

/**
 * Notifications (DESIGN.md "Notifications"): Slack incoming webhooks and generic webhooks signed with
 * `X-Gonogo-Signature: sha256=<HMAC>`. Events are queued in the store's outbox (unique per event and
 * target) and sent from there with retries and exponential backoff; every attempt updates the delivery
 * log. Target URLs and secrets stay in memory: the store and the logs see a hash and a host name only.
 */

export type { ResolvedTarget } from '../../engine/notify-targets.js';

/**
 * Expand and check a checklist's `notify:` targets (src/engine/notify-targets.ts). A target that cannot
 * be used (unset variable, not an http(s) URL, a webhook without `secret`) is left out with a problem
 * naming `notify[i]`.
 */
export function resolveTargets(
  checklist: Pick<Checklist, 'notify'>,
  env: Readonly<Record<string, string | undefined>>,
): { targets: ResolvedTarget[]; problems: string[] } {
  const { targets, problems } = resolveNotifyTargets(checklist, env);
  return {
    targets,
    problems: problems.filter((p) => p.dropped).map((p) => `${p.field}: ${p.message}`),
  };
}

/**
 * The signature header value for a raw body: `sha256=<hex HMAC-SHA256 with the secret>`.
 * @example signBody('{"event":"verdict.changed"}', 's3cret') // 'sha256=…'
 */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The deliveries to queue: one per event and target subscribed to its type. Each payload carries the
 * audit head (`audit: {seq, hash}`) when there is one, so every receiver witnesses the chain.
 */
export function deliveriesFor(
  events: readonly WatchEvent[],
  targets: readonly ResolvedTarget[],
  audit?: { seq: number; hash: string } | undefined,
): DeliveryInput[] {
  return events.flatMap((event) => {
    const e: WatchEvent = audit ? { ...event, audit: { seq: audit.seq, hash: audit.hash } } : event;
    return targets
      .filter((t) => wants(t, e.event))
      .map((t) => ({
        eventId: e.id,
        event: e.event,
        checklist: e.checklist,
        environment: e.environment,
        target: t.key,
        targetLabel: t.label,
        payload: JSON.stringify(e),
        at: e.at,
      }));
  });
}

const EMOJI: Record<string, string> = { GO: ':white_check_mark:', 'NO-GO': ':no_entry:' };
const TITLES: Record<WatchEvent['event'], string> = {
  'verdict.changed': 'verdict changed',
  'item.failing': 'items failing',
  'waiver.expiring': 'waiver expiring',
  'waiver.expired': 'waiver expired',
  'attestation.expiring': 'attestation expiring',
  'item.overdue': 'items overdue',
  'digest.weekly': 'weekly digest',
};
/** Slack limits a section's text to 3000 characters and a message to 50 blocks. */
const SLACK_TEXT_MAX = 2900;
const MAX_BULLETS = 15;

/**
 * User text (names, reasons, owners) for Slack's mrkdwn: `&`, `<`, `>` escaped as Slack requires
 * (https://api.slack.com/reference/surfaces/formatting#escaping), so `<!channel>` never pings and
 * `<https://evil|Click to approve>` never becomes a disguised link; control and bidi characters are
 * shown as visible escapes (the shared display-text rule).
 */
export function slackText(s: string): string {
  return displayText(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function bullets(lines: string[]): string {
  const shown = lines.slice(0, MAX_BULLETS).map((l) => `• ${slackText(l)}`);
  if (lines.length > MAX_BULLETS) shown.push(`…and ${lines.length - MAX_BULLETS} more`);
  const text = shown.join('\n');
  return text.length > SLACK_TEXT_MAX ? `${text.slice(0, SLACK_TEXT_MAX)}…` : text;
}

/** One Block Kit block, as far as gonogo builds them. */
export interface SlackBlock {
  type: 'header' | 'section' | 'context' | 'actions';
  text?: { type: 'plain_text' | 'mrkdwn'; text: string; emoji?: boolean };
  elements?: Record<string, unknown>[];
}

/** A Slack incoming-webhook message: fallback text and blocks. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** A Block Kit message for an event: header with the verdict emoji, reasons as bullets, a dashboard link. */
export function slackMessage(e: WatchEvent, dashboardUrl?: string): SlackMessage {
  // The header block is plain_text (Slack parses nothing in it); the fallback `text` is mrkdwn.
  const header = `${e.verdict === 'GO' ? '✅' : '⛔'} ${displayText(e.name)} (${displayText(e.environment)}): ${e.verdict} — ${TITLES[e.event]}`;
  const lines: string[] = [];
  if (e.event === 'verdict.changed') lines.push(...e.reasons);
  else if (e.event === 'digest.weekly' && e.digest) {
    const s = e.digest.summary;
    lines.push(`${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.pending} pending, ${s.waived} waived`);
    for (const i of e.digest.new_failures) lines.push(`new failure: ${i.id}: ${i.message}`);
    for (const w of e.digest.waivers)
      lines.push(`waiver: ${w.item} (owner ${w.owner}) until ${w.expires_at}`);
    for (const i of e.digest.overdue)
      lines.push(`overdue since ${i.due}: ${i.id}${i.owner ? ` (${i.owner})` : ''}`);
  } else if (e.waiver) {
    lines.push(
      `${e.waiver.item}: ${e.waiver.reason} (owner ${e.waiver.owner}), expires ${e.waiver.expires_at}`,
    );
  } else if (e.attestation) {
    const a = e.attestation;
    lines.push(
      `${a.item}: attested by ${a.by} (${a.evidence}), valid until ${a.expires_at}: attest it again`,
    );
  } else {
    for (const i of e.items) lines.push(`${i.id}: ${i.message || i.status}${i.due ? ` (due ${i.due})` : ''}`);
  }
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: header.slice(0, 150), emoji: true } },
  ];
  if (lines.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: bullets(lines) } });
  const context = [`${EMOJI[e.verdict] ?? ''} ${slackText(`${e.checklist} · ${e.environment} · ${e.at}`)}`];
  if (e.previous && e.event === 'verdict.changed') context.push(`was ${e.previous}`);
  if (e.audit) context.push(`audit head ${e.audit.seq}:${e.audit.hash}`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  if (dashboardUrl) {
    const link = `${dashboardUrl.replace(/\/+$/, '')}/checklists/${encodeURIComponent(e.checklist)}?env=${encodeURIComponent(e.environment)}`;
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in gonogo' }, url: link }],
    });
  }
  return { text: slackText(header), blocks };
}

/** Retry and timing settings of delivery (defaults: 5 attempts, 1s, 2s, 4s, 8s between them, 10s timeout). */
export interface DeliveryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  timeoutMs: number;
  /** The dashboard's public URL, for the link in Slack messages. */
  dashboardUrl?: string;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { maxAttempts: 5, baseDelayMs: 1000, timeoutMs: 10_000 };

/** What the notifier needs: the outbox, the loaded checklists (their targets), the clock, the env. */
export interface NotifierDeps {
  store: Pick<WatchStore, 'dueDeliveries' | 'claimDelivery' | 'recordDeliveryAttempt'>;
  checklist(id: string): Checklist | undefined;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** Wall-clock time for backoff (not GONOGO_NOW). */
  clock?: () => Date;
  /** Hooks for the service's metrics (delivery outcomes). */
  observer?: Pick<WatchObserver, 'delivery'>;
}

interface AttemptResult {
  ok: boolean;
  /** Worth another attempt (network error, timeout, 408, 429, 5xx). */
  transient: boolean;
  code: number | null;
  error: string | null;
}

/**
 * Sends queued deliveries. Several replicas may run one: a delivery is claimed by a conditional update
 * before each attempt, so each attempt is made by one sender only.
 */
export class Notifier {
  readonly #deps: NotifierDeps;
  readonly #opts: DeliveryOptions;
  readonly #clock: () => Date;

  constructor(deps: NotifierDeps, opts: Partial<DeliveryOptions> = {}) {
    this.#deps = deps;
    this.#opts = { ...DEFAULT_DELIVERY, ...opts };
    this.#clock = deps.clock ?? (() => new Date());
  }

  /** Attempt every delivery that is due; returns how many attempts were made. */
  async deliverDue(signal?: AbortSignal): Promise<number> {
    const due = await this.#deps.store.dueDeliveries(this.#clock(), 100);
    let attempts = 0;
    for (const d of due) {
      if (signal?.aborted) break;
      const now = this.#clock();
      const held = await this.#deps.store.claimDelivery(
        d.id,
        now,
        new Date(now.getTime() + this.#opts.timeoutMs * 3),
      );
      if (!held) continue;
      attempts++;
      await this.#attempt(held, signal);
    }
    return attempts;
  }

  async #attempt(d: DeliveryRecord, signal?: AbortSignal): Promise<void> {
    const attempts = d.attempts + 1;
    const checklist = this.#deps.checklist(d.checklist);
    const target = checklist
      ? resolveTargets(checklist, this.#deps.env).targets.find((t) => t.key === d.target)
      : undefined;
    const result: AttemptResult = target
      ? await this.#send(target, d.payload, signal)
      : {
          ok: false,
          transient: false,
          code: null,
          error: `the target is no longer in ${d.checklist}'s notify:`,
        };
    const now = this.#clock();
    const retry = !result.ok && result.transient && attempts < this.#opts.maxAttempts;
    const delay = this.#opts.baseDelayMs * 2 ** (attempts - 1);
    await this.#deps.store.recordDeliveryAttempt(d.id, {
      status: result.ok ? 'delivered' : retry ? 'retrying' : 'failed',
      attempts,
      lastError: result.error,
      responseCode: result.code,
      nextAttemptAt: new Date(now.getTime() + (retry ? delay : 0)).toISOString(),
      at: now.toISOString(),
    });
    this.#deps.observer?.delivery?.(
      d.event,
      d.target.split(':')[0] ?? 'unknown',
      result.ok ? 'delivered' : retry ? 'retrying' : 'failed',
    );
    const fields = {
      delivery: d.id,
      event: d.event,
      checklist: d.checklist,
      target: d.targetLabel,
      attempts,
    };
    if (result.ok) this.#deps.logger.info('notification delivered', { ...fields, status: result.code });
    else if (retry)
      this.#deps.logger.warn('notification failed, will retry', {
        ...fields,
        error: result.error,
        retryInMs: delay,
      });
    else this.#deps.logger.error('notification not delivered', { ...fields, error: result.error });
  }

  async #send(target: ResolvedTarget, payload: string, signal?: AbortSignal): Promise<AttemptResult> {
    let body = payload;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'gonogo' };
    if (target.kind === 'slack') {
      body = JSON.stringify(slackMessage(JSON.parse(payload) as WatchEvent, this.#opts.dashboardUrl));
    } else {
      const event = JSON.parse(payload) as WatchEvent;
      headers['x-gonogo-signature'] = signBody(body, target.secret!);
      headers['x-gonogo-event'] = event.event;
      headers['x-gonogo-delivery'] = event.id;
    }
    // Not AbortSignal.any([signal, timeout]): on Node 20 every call leaves a weak reference in `signal`
    // (the watch loop's, as long-lived as the server) that is never pruned. A deadline lets go of it.
    const deadline = startDeadline(this.#opts.timeoutMs, signal);
    try {
      const res = await request(target.url, { method: 'POST', body, headers, signal: deadline.signal });
      // Drain the body so the connection can be reused; receivers' replies are not needed.
      await res.body.dump();
      const code = res.statusCode;
      if (code >= 200 && code < 300) return { ok: true, transient: false, code, error: null };
      return {
        ok: false,
        transient: code >= 500 || code === 408 || code === 429,
        code,
        error: `HTTP ${code}`,
      };
    } catch (err) {
      const e = err as Error & { code?: string };
      const why = deadline.timedOut
        ? `no answer within ${this.#opts.timeoutMs}ms`
        : `${e.code ?? e.name}: ${e.message}`;
      // Error texts may quote the URL (and its token) or the secret: never let them reach the log.
      const known = new Map([
        [target.url, target.label],
        ...(target.secret ? [[target.secret, '[secret]'] as const] : []),
      ]);
      return { ok: false, transient: true, code: null, error: redactText(why, known) };
    } finally {
      deadline.release();
    }
  }
}
