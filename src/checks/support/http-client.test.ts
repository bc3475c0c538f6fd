import type { IncomingMessage } from 'node:http';
import timers from 'undici/lib/util/timers.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import http from '../http.js';
import { checkContext, failure, timeoutSignal } from '../test-support/context.js';
import { type Running, startHttpServer } from '../test-support/servers.js';

/**
 * undici's own waits for a response (its headers, then each chunk of its body: 5 minutes by default) are
 * armed only for a check whose deadline is longer; any other check ends at its own deadline, so undici
 * need not keep a timer for each of its requests (bench/README "branch tenure14"). undici's coarse clock
 * is moved on by hand (`timers.tick`): no test waits five minutes.
 */
let server: Running;
/** Requests the server holds (never answered) and what it calls as each arrives. */
let held: IncomingMessage[] = [];
let onHeld = () => {};

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/hold') {
      held.push(req);
      onHeld();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
afterAll(() => server.close());

/** Start a check of the /hold route with `timeoutMs`; resolves once the server holds its request. */
async function holdCheck(timeoutMs: number) {
  const deadline = timeoutSignal();
  held = [];
  const arrived = new Promise<void>((resolve) => {
    onHeld = resolve;
  });
  const run = http.run(
    http.target.parse(`${server.url}/hold`),
    http.options.parse({}),
    checkContext({ signal: deadline.signal, timeoutMs }),
  );
  let settled = false;
  const observed = run.finally(() => {
    settled = true;
  });
  observed.catch(() => {}); // asserted below
  await arrived;
  return { observed, deadline, settled: () => settled };
}

/** undici's clock moved past `ms`, its timers armed before swept (a timer is armed at the sweep after it is set). */
function undiciClockPast(ms: number): void {
  timers.tick(0);
  timers.tick(ms);
}

/**
 * A whole request on another connection: what undici's timers started (a socket destroyed, its request
 * failed) is settled by its end, in the callbacks that run before any network I/O.
 */
async function barrier(): Promise<void> {
  const other = await http.run(http.target.parse(`${server.url}/ok`), http.options.parse({}), checkContext());
  expect(other.status).toBe(200);
}

describe('the wait for a response', () => {
  test.each([10_000, 300_000])('a check of %i ms waits only on its own deadline', async (timeoutMs) => {
    const check = await holdCheck(timeoutMs);
    undiciClockPast(10 * 60_000);
    await barrier();
    expect(check.settled()).toBe(false);
    check.deadline.fire();
    const err = await failure(check.observed);
    expect(err.message).toMatch(/no answer within \d+(s|m|min) \(timeout\)/);
  });

  test('a check longer than undici’s five minutes keeps undici’s wait for the headers', async () => {
    const check = await holdCheck(600_000);
    undiciClockPast(5 * 60_000 + 1_000);
    await barrier();
    expect(check.settled()).toBe(true);
    check.deadline.fire();
    const err = await failure(check.observed);
    expect(err.message).toContain('UND_ERR_HEADERS_TIMEOUT');
  });
});
