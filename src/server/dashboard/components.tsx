import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import type { Sample } from '../../engine/store.js';
import type { ItemStatus, StatusSummary, Verdict } from '../../model/status.js';
import type { Flash, Session } from './sessions.js';
import { STYLES } from './styles.js';

/** What every page needs: the CSP nonce for the stylesheet and the session (for nav and forms). */
export interface PageContext {
  nonce: string;
  session?: Session;
  /** Nav entry to mark as current. */
  active?: 'overview' | 'waivers' | 'runs' | 'audit' | 'program' | 'notifications' | 'runners';
  flash?: Flash;
}

const NAV = [
  ['overview', '/', 'Overview'],
  ['waivers', '/waivers', 'Waivers'],
  ['runs', '/runs', 'Runs'],
  ['audit', '/audit', 'Audit log'],
  ['program', '/program', 'Program'],
  ['notifications', '/notifications', 'Notifications'],
  ['runners', '/runners', 'Runners'],
] as const;

/**
 * The HTML page frame: a skip link (first tab stop), header with navigation, inline stylesheet, main
 * content. `lang` is the language of the content (a Turkish checklist is `tr`); the header's words
 * stay English.
 */
export const Layout: FC<{ ctx: PageContext; title: string; lang?: string; children?: Child }> = ({
  ctx,
  title,
  lang = 'en',
  children,
}) => (
  <>
    {raw('<!doctype html>')}
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${title} · gonogo`}</title>
        <style nonce={ctx.nonce}>{raw(STYLES)}</style>
      </head>
      <body>
        <a class="skip" href="#main" lang="en">
          Skip to content
        </a>
        <header class="top" lang={lang === 'en' ? undefined : 'en'}>
          <div class="in">
            <a class="brand" href="/">
              gonogo
            </a>
            {ctx.session ? (
              <nav class="main" aria-label="Main">
                {NAV.map(([key, href, label]) => (
                  <a href={href} aria-current={ctx.active === key ? 'page' : undefined}>
                    {label}
                  </a>
                ))}
              </nav>
            ) : null}
            {ctx.session ? (
              <div class="who">
                <span>
                  {ctx.session.principal.name} · {ctx.session.principal.role}
                </span>
                <form method="post" action="/logout">
                  <CsrfField session={ctx.session} />
                  <button class="quiet" type="submit">
                    Log out
                  </button>
                </form>
              </div>
            ) : null}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {/* A refused item form shows its error beside the form instead (the item row renders it). */}
          {ctx.flash && !ctx.flash.refused ? (
            <p class={`notice ${ctx.flash.ok ? 'ok' : 'bad'}`} role="status">
              {ctx.flash.text}
            </p>
          ) : null}
          {children}
        </main>
      </body>
    </html>
  </>
);

/** The hidden per-session CSRF field every form carries. */
export const CsrfField: FC<{ session: Session }> = ({ session }) => (
  <input type="hidden" name="_csrf" value={session.csrf} />
);

/** GO / NO-GO badge. */
export const VerdictBadge: FC<{ verdict: Verdict; big?: boolean }> = ({ verdict, big }) => (
  <span class={`verdict ${verdict === 'GO' ? 'go' : 'nogo'}${big ? ' big' : ''}`} data-verdict={verdict}>
    {verdict}
  </span>
);

/** An item status chip: the word, coloured by status (colour is never the only signal). */
/** A status chip; `label` is what a person reads when it differs (`met`, `clear` for criteria). */
export const StatusChip: FC<{ status: ItemStatus; label?: string }> = ({ status, label }) => (
  <span class={`chip ${status}`} data-status={status}>
    {label ?? status}
  </span>
);

const FILL: Record<string, string> = { pass: '#1a7f37', waived: '#0550ae', skipped: '#8c959f' };

/** Progress toward GO: the share of blocking items that are pass, waived or skipped, as a stacked bar. */
export const ProgressBar: FC<{ parts: { pass: number; waived: number; skipped: number }; total: number }> = ({
  parts,
  total,
}) => {
  const width = 300;
  let x = 0;
  const segs = (['pass', 'waived', 'skipped'] as const).map((k) => {
    const w = total > 0 ? (parts[k] / total) * width : 0;
    const seg = { k, x, w };
    x += w;
    return seg;
  });
  const done = parts.pass + parts.waived + parts.skipped;
  const pct = total > 0 ? Math.round((done / total) * 100) : 100;
  return (
    <svg
      class="bar"
      viewBox={`0 0 ${width} 10`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`${done} of ${total} blocking items clear (${pct}%)`}
    >
      <rect class="track" x="0" y="0" width={width} height="10" fill="#e6eaef" />
      {segs.map((s) =>
        s.w > 0 ? (
          <rect x={s.x.toFixed(2)} y="0" width={s.w.toFixed(2)} height="10" fill={FILL[s.k]} />
        ) : null,
      )}
    </svg>
  );
};

/** Blocking-item progress numbers from an evaluation's items. */
export function blockingProgress(
  items: { blocking: boolean; kind: string; status: ItemStatus; phase?: string }[],
) {
  // The program after the launch never blocks: it is not part of the progress toward GO.
  const blocking = items.filter((i) => i.blocking && i.kind !== 'signoff' && i.phase !== 'post-launch');
  const count = (s: ItemStatus) => blocking.filter((i) => i.status === s).length;
  return {
    parts: { pass: count('pass'), waived: count('waived'), skipped: count('skipped') },
    total: blocking.length,
  };
}

/** Status counts, e.g. "12 pass · 3 fail · 9 pending" (zeros left out). */
export const Counts: FC<{ summary: StatusSummary }> = ({ summary }) => (
  <div class="counts">
    {(Object.entries(summary) as [ItemStatus, number][])
      .filter(([, n]) => n > 0)
      .map(([s, n]) => (
        <span>
          <StatusChip status={s} /> {n}
        </span>
      ))}
  </div>
);

/**
 * History of a windowed check: one bar per sample over the window (green ok, red failed), gaps left
 * empty, so a flapping or interrupted window is visible at a glance.
 */
export const SampleChart: FC<{ samples: Sample[]; from: number; to: number; label: string }> = ({
  samples,
  from,
  to,
  label,
}) => {
  const width = 320;
  const height = 28;
  const span = Math.max(1, to - from);
  const failed = samples.filter((s) => !s.ok).length;
  return (
    <svg
      class="chart"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${label}: ${samples.length} samples, ${failed} failed`}
    >
      <rect class="track" x="0" y={height - 2} width={width} height="2" fill="#d1d9e0" />
      {samples.map((s) => {
        const x = ((Date.parse(s.at) - from) / span) * (width - 3);
        return (
          <rect
            x={Math.max(0, x).toFixed(1)}
            y={s.ok ? 8 : 2}
            width="3"
            height={s.ok ? height - 10 : height - 4}
            fill={s.ok ? '#1a7f37' : '#cf222e'}
          >
            <title>{`${s.at} ${s.ok ? 'ok' : `failed${s.message ? `: ${s.message}` : ''}`}`}</title>
          </rect>
        );
      })}
    </svg>
  );
};

/** "in 3d 4h" / "2h ago" relative to `now`. */
export function relativeTime(at: string | number, now: Date): string {
  const t = typeof at === 'number' ? at : Date.parse(at);
  const diff = t - now.getTime();
  const abs = Math.abs(diff);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const text = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m` : 'less than a minute';
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/** A short, readable timestamp (UTC): 2026-12-01 09:30. */
export function shortTime(at: string): string {
  return `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

/** Render an observed value compactly (long values are cut). */
export function showValue(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  const s = text ?? String(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/** A query string (`?a=1&b=2`) of the defined parameters, or '' when there are none. */
export function query(params: Record<string, string | number | undefined>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
}
