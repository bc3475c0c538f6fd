/**
 * What bench/preflight.mjs notes beside each case: the load generator's CPU and the server's share of a
 * core beside the others' (bench/rounds.mjs holds the method it shares with bench/run.mjs: rotated rounds,
 * a warm-up round left out, ratios taken within a round). On 2 cores the load generator is a contestant:
 * a round that kept it over 90% of a core measured it as much as the server.
 */
import { BUSY_BESIDE, othersShare } from './rounds.mjs';

/**
 * What ran beside a case over `elapsedMs`: the load generator's CPU a request, and the share of the
 * machine's cores busy with neither the server nor the load generator.
 */
export function beside(from, to, serverCpuMs, requests, elapsedMs) {
  const clientMs = to.client - from.client;
  const out = {
    clientMsPerReq: clientMs / Math.max(1, requests),
    clientBusy: clientMs / elapsedMs,
    serverBusy: serverCpuMs / elapsedMs,
  };
  const others = othersShare(from.machine, to.machine, serverCpuMs + clientMs, elapsedMs);
  return others === undefined ? out : { ...out, others };
}

/**
 * How a case's companions read in a row: the load average at its start; the load generator's CPU a
 * request and how much of a core it used (near 100%: the case measured the load generator); the server's
 * share of a core; the others' share of the whole machine.
 */
export function besideText(r) {
  const pc = (x) => `${(100 * x).toFixed(0)}%`;
  const parts = [`load ${r.load.toFixed(1)}`];
  parts.push(`client ${r.clientMsPerReq.toFixed(3)} ms/req, ${pc(r.clientBusy)} of a core`);
  parts.push(`server ${pc(r.serverBusy)} of a core`);
  if (r.others !== undefined) parts.push(`others ${pc(r.others)} of the machine`);
  return parts.join('  ');
}

/** A line on how far the measured rounds can be trusted, or undefined when nothing ran beside them. */
export function trustNote(cases) {
  const measured = cases.flatMap((c) => c.rounds);
  const busy = measured.filter((r) => r.others > BUSY_BESIDE).length;
  const clientBound = measured.filter((r) => r.clientBusy > 0.9).length;
  const notes = [];
  if (busy > 0)
    notes.push(
      `${busy} of ${measured.length} measured cases ran beside other work (others > ${pc0(BUSY_BESIDE)} of the machine): req/s and p99 there are the scheduler's as much as the servers', CPU a request is steadier`,
    );
  if (clientBound > 0)
    notes.push(
      `${clientBound} cases kept the load generator over 90% of a core: their rate is partly its own`,
    );
  return notes.length ? notes.join('; ') : undefined;
}

const pc0 = (x) => `${(100 * x).toFixed(0)}%`;
