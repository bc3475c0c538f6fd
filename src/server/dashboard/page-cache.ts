import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { HtmlEscapedCallbackPhase, resolveCallback } from 'hono/utils/html';
import type { StateSignal } from '../../usecases/index.js';
import { type AppEnv, requestHeader } from '../env.js';
import { type KeptEntry, KeptPromises } from '../kept-promises.js';
import { pageNonce } from '../security-headers.js';
import { acceptsGzip, type GzipPieces, gzipFill, gzipPieces } from './gzip-splice.js';
import type { Session } from './sessions.js';

/**
 * What a page is rendered with in place of the values that belong to one request: the CSP nonce
 * (new for every response) and the session's CSRF token (secret to its session). A kept page holds
 * only these placeholders; each response gets its own values put in.
 */
export interface PageSlots {
  nonce: string;
  csrf: string;
}

/** A rendered page, and the clock time (ms) from which what it shows could be different. */
export interface RenderedPage {
  /** The page's JSX (or HTML), rendered with the slots' placeholders. */
  html: unknown;
  /** When the state shown could change by itself (an expiry, a due date, the launch): `StoredEvaluation.until`; omitted: never. */
  changesAt?: number;
}

type Slot = keyof PageSlots;

/** A page split at its placeholders, as UTF-8: `parts[0] slot[0] parts[1] … parts[n]`. */
interface Template {
  parts: Buffer[];
  slots: Slot[];
  /** The parts compressed, once a request has taken gzip. */
  gzip?: GzipPieces;
}

interface Kept extends KeptEntry<Template> {
  /** The objects the page was rendered from (a checklist, catalog entries): kept only while they are current. */
  of: readonly unknown[];
  /** Clock time (the server's `now`, ms) until which the page is current; Infinity while it renders. */
  until: number;
  /** Real time (performance.now) until which it is kept: changes by other processes show within ttlMs. */
  keptUntil: number;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

/**
 * The short render cache of the dashboard's pages. A page is kept per key (the route names the page,
 * checklist, environment, query and the viewer: name, role and sign-off roles), rendered once with
 * placeholders for the per-request values, and filled in per response. A kept page is dropped:
 * - at every state change this server makes (the use cases' StateSignal: attestations, waivers,
 *   sign-offs, runs, tokens), before the write's response is sent;
 * - at the first clock instant its content could change by itself (`changesAt`: a waiver or
 *   attestation lapsing, a due date passing, the launch day: `StoredEvaluation.until`), so an expiry shows
 *   at once;
 * - `ttlMs` after it was rendered (both by the server's clock and in real time): relative times
 *   ("3m ago"), window charts and samples written by the watch loop, and changes made by other
 *   processes sharing the store, are at most that stale;
 * - when the checklist or catalog entry it was rendered from is replaced (a reload).
 * Concurrent requests for a page being rendered share that render. With `ttlMs` 0 nothing is kept.
 */
export class PageCache {
  readonly #mark = `gonogo${randomBytes(12).toString('hex')}`;
  readonly #entries: KeptPromises<Template, Kept>;
  readonly #split: RegExp;

  constructor(
    private readonly opts: { ttlMs: number; now: () => Date; maxEntries?: number },
    changes?: StateSignal,
  ) {
    this.#split = new RegExp(`${this.#mark}([nc])`);
    this.#entries = new KeptPromises({
      // Bounded (a page is ~100 KB): past the limit, drop what is out of date, else the oldest.
      max: opts.maxEntries ?? 200,
      evict: (entries) => {
        const real = performance.now();
        const at = this.opts.now().getTime();
        for (const [k, e] of entries) if (real >= e.keptUntil || at >= e.until) entries.delete(k);
        if (entries.size >= (opts.maxEntries ?? 200)) entries.delete(entries.keys().next().value!);
      },
      changes,
    });
  }

  /** Forget every kept page. */
  clear(): void {
    this.#entries.clear();
  }

  /** The placeholders pages are rendered with (random per server: page content cannot forge them). */
  get slots(): PageSlots {
    return { nonce: `${this.#mark}n`, csrf: `${this.#mark}c` };
  }

  /**
   * The response of a page for this request: kept, or rendered by `render` (with the placeholders)
   * and kept when `keep` allows (a page showing a one-time message is rendered for its request only).
   * The response's CSP nonce and the session's CSRF token are put in. The body is UTF-8 bytes (no
   * string to measure and encode per response: the page is 100 KB); a kept page goes as gzip to a
   * client that takes it, compressed once and spliced per response (gzip-splice.ts).
   */
  async respond(
    c: Context<AppEnv>,
    page: { key: string; of: readonly unknown[]; keep: boolean },
    render: (slots: PageSlots) => Promise<RenderedPage> | RenderedPage,
  ): Promise<Response> {
    const values = { nonce: pageNonce(c), csrf: c.get('session')?.csrf ?? '' };
    const kept = page.keep && this.opts.ttlMs > 0;
    const template = kept ? await this.#kept(page, render) : await this.#render(page.of, render).value;
    c.header('Content-Type', 'text/html; charset=UTF-8');
    c.header('Vary', 'Accept-Encoding');
    const bytes = this.#values(template, values);
    // A kept page is compressed once (on the first request that takes gzip) and spliced per response.
    if (kept && acceptsGzip(requestHeader(c, 'accept-encoding'))) {
      template.gzip ??= gzipPieces(template.parts);
      c.header('Content-Encoding', 'gzip');
      return c.body(gzipFill(template.gzip, bytes));
    }
    return c.body(this.#fill(template, bytes));
  }

  /** The kept template of a page, or the one rendered now (shared by concurrent requests) and kept. */
  async #kept(
    page: { key: string; of: readonly unknown[] },
    render: (slots: PageSlots) => Promise<RenderedPage> | RenderedPage,
  ): Promise<Template> {
    const at = this.opts.now().getTime();
    // A render shared while in flight (its failure is this request's too) counts only if it is still
    // current at this request's time; then another waiter may have started the next one already.
    for (let look = 0; look < 2; look += 1) {
      const kept = this.#entries.peek(page.key, (k) => this.#current(k, page.of, at));
      if (!kept) break;
      const template = await kept.value;
      if (at < kept.until) return template;
    }
    return this.#entries.keep(page.key, this.#render(page.of, render)).value;
  }

  #current(kept: Kept, of: readonly unknown[], at: number): boolean {
    if (at >= kept.until || performance.now() >= kept.keptUntil) return false;
    return kept.of.length === of.length && kept.of.every((o, i) => o === of[i]);
  }

  #render(of: readonly unknown[], render: (slots: PageSlots) => Promise<RenderedPage> | RenderedPage): Kept {
    const started = this.opts.now().getTime();
    const kept: Kept = {
      of,
      until: Number.POSITIVE_INFINITY,
      keptUntil: performance.now() + this.opts.ttlMs,
      value: Promise.resolve()
        .then(() => render(this.slots))
        .then(async (page) => {
          const html = await resolveCallback(
            page.html as string,
            HtmlEscapedCallbackPhase.Stringify,
            false,
            {},
          );
          kept.until = Math.min(page.changesAt ?? Number.POSITIVE_INFINITY, started + this.opts.ttlMs);
          return this.#template(String(html));
        }),
    };
    return kept;
  }

  #template(html: string): Template {
    const pieces = html.split(this.#split);
    const parts = [Buffer.from(pieces[0]!)];
    const slots: Slot[] = [];
    for (let i = 1; i < pieces.length; i += 2) {
      slots.push(pieces[i] === 'n' ? 'nonce' : 'csrf');
      parts.push(Buffer.from(pieces[i + 1]!));
    }
    return { parts, slots };
  }

  /** The response's values, as UTF-8, in the order of the template's slots. */
  #values(t: Template, values: PageSlots): Buffer[] {
    const bytes = {
      nonce: Buffer.from(escapeHtml(values.nonce)),
      csrf: Buffer.from(escapeHtml(values.csrf)),
    };
    return t.slots.map((slot) => bytes[slot]);
  }

  #fill(t: Template, values: readonly Buffer[]): Uint8Array<ArrayBuffer> {
    let size = t.parts[0]!.length;
    for (let i = 0; i < values.length; i += 1) size += values[i]!.length + t.parts[i + 1]!.length;
    // One copy into a buffer of the response's own (every byte of it is written below).
    const out = Buffer.allocUnsafeSlow(size);
    out.set(t.parts[0]!, 0);
    let at = t.parts[0]!.length;
    for (let i = 0; i < values.length; i += 1) {
      out.set(values[i]!, at);
      at += values[i]!.length;
      out.set(t.parts[i + 1]!, at);
      at += t.parts[i + 1]!.length;
    }
    return out;
  }
}

/** Who a page is rendered for, as a cache key: everything of the viewer a page shows or decides by. */
export function viewerKey(session: Session | undefined): string {
  if (!session) return '';
  const p = session.principal;
  return JSON.stringify([p.id, p.name, p.role, p.signoffRoles, p.person ?? null]);
}

/** The session as pages render it for the cache: its CSRF token replaced by the placeholder. */
export function slotSession(session: Session, slots: PageSlots): Session {
  return { ...session, csrf: slots.csrf };
}
