import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../model/canonical-json.js';
import { markShared } from '../model/shared-text.js';
import type { CheckOutcome } from '../model/state.js';
import { keepable } from './rows.js';
import { outcomeOfRow } from './state-binding.js';
import { isoOfSave, resultRow, storedOutcomeText } from './stored-outcome.js';
import { oddOutcomes } from './test-support/odd-outcomes.js';

/**
 * A save digests each outcome as its row will read back, writing that text member by member with no
 * object built per outcome: it must be canonicalJson of the outcome read back from the row, and of the
 * object the digest was written from before (below), whatever form each field takes.
 */

/** The object a save's digest was written from before (canonicalJson of it). */
function storedObject(o: CheckOutcome, isoAt: (value: string) => string): Record<string, unknown> {
  const message = keepable(o.message) ?? null;
  const durationMs = o.durationMs ?? null;
  return {
    item: o.item,
    status: o.status,
    message: message === null ? undefined : message,
    observed: o.observed,
    durationMs: durationMs === null ? undefined : Number(durationMs),
    at: o.at ? isoAt(o.at) : undefined,
  };
}

const headers = Object.freeze({ server: 'nginx', 'x-b': '2', 'content-length': '11' });
markShared(headers);

/** Outcomes with every form of every field: missing, undefined, empty, odd values. */
function everyForm(): CheckOutcome[] {
  const messages = [undefined, '', 'got\u0000 503 😀', 'say "hi"\n', null];
  const observeds: unknown[] = [
    undefined,
    null,
    {},
    { status: 200, headers, body: { ok: true }, text: '{"ok":true}\n' },
    { status: 200, headers, when: new Date('2026-11-20T10:00:00Z'), gone: undefined },
    { n: Number.NaN, z: -0, list: [undefined, 1e21, () => 1], d: { toJSON: () => ({ b: 1, a: 2 }) } },
    { '10': 'ten', '2': 'two', b: 'é', a: '\ud800', __proto__: null },
  ];
  const durations = [undefined, 0, 12.5, 44, -0, Number.NaN];
  const times = [undefined, '', '2026-11-20T11:00:00+01:00', '2026-11-20T10:00:00.5Z'];
  return oddOutcomes(420, { messages, observeds, durations, times }, (i) => `ops/odd-"${(i * 37) % 420}"`);
}

describe('storedOutcomeText', () => {
  it('is canonicalJson of the outcome its row reads back, and of the object it replaces', () => {
    const isoAt = isoOfSave();
    for (const o of everyForm()) {
      const row = resultRow(1, o, isoAt);
      const text = storedOutcomeText(o, isoAt);
      expect(text).toBe(canonicalJson(outcomeOfRow(row)));
      expect(text).toBe(canonicalJson(storedObject(o, isoAt)));
    }
  });

  it('follows a toJSON put on Object.prototype as canonicalJson of the object did', () => {
    const isoAt = isoOfSave();
    const outcomes = everyForm();
    const proto = Object.prototype as { toJSON?: unknown };
    // A toJSON every object inherits: canonicalJson calls it on the outcome's object itself.
    Object.defineProperty(proto, 'toJSON', {
      value(this: object) {
        return Object.keys(this).join('|');
      },
      configurable: true,
      writable: true,
    });
    try {
      for (const o of outcomes) {
        const text = storedOutcomeText(o, isoAt);
        expect(text).toBe(canonicalJson(storedObject(o, isoAt)));
        expect(text).toBe('"item|status|message|observed|durationMs|at"');
      }
    } finally {
      delete proto.toJSON;
    }
  });
});
