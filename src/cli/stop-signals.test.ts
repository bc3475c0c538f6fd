import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TSX } from '../test-support/cli.js';
import { forwardedStopSignal, onStopSignal } from './stop-signals.js';

let off: (() => void) | undefined;
afterEach(() => off?.());

// process.emit runs the process's signal listeners as a delivered signal does, without sending one.
const delivered = (signal: 'SIGTERM' | 'SIGINT') => process.emit(signal, signal);

describe('onStopSignal', () => {
  it('counts a signal that arrives both directly and forwarded by the launcher once, in either order', () => {
    const heard: string[] = [];
    off = onStopSignal((signal) => heard.push(signal));
    delivered('SIGINT');
    forwardedStopSignal('SIGINT');
    expect(heard).toEqual(['SIGINT']);
    forwardedStopSignal('SIGTERM');
    delivered('SIGTERM');
    expect(heard).toEqual(['SIGINT', 'SIGTERM']);
    // Ctrl-C a second time: the second stop.
    forwardedStopSignal('SIGINT');
    delivered('SIGINT');
    expect(heard).toEqual(['SIGINT', 'SIGTERM', 'SIGINT']);
    // From one source only, each counts (sent to the launcher alone, or to the child alone).
    forwardedStopSignal('SIGTERM');
    delivered('SIGTERM');
    delivered('SIGTERM');
    expect(heard).toEqual(['SIGINT', 'SIGTERM', 'SIGINT', 'SIGTERM', 'SIGTERM']);
  });

  it('listens to the process only while someone listens to it', () => {
    const before = process.listenerCount('SIGTERM');
    off = onStopSignal(() => {});
    const second = onStopSignal(() => {});
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    second();
    off();
    off = undefined;
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it("takes a forwarded signal's own copy that comes after the command stopped listening as the same signal", async () => {
    // systemd signals the launcher, then the child: the child may have stopped (forwarded the first) and
    // stopped listening before its own copy arrives. In a process of its own: a real signal, which kills
    // the process when nothing hears it.
    const script = `const { onStopSignal, forwardedStopSignal } = await import(${JSON.stringify(new URL('./stop-signals.ts', import.meta.url).href)});
const off = onStopSignal((signal) => console.log('stop', signal));
forwardedStopSignal('SIGTERM');
off();
process.kill(process.pid, 'SIGTERM');
// Once the copy is heard, nothing hears SIGTERM: a new one does what it does to any process.
const heard = setInterval(() => {
  if (process.listenerCount('SIGTERM') > 0) return;
  clearInterval(heard);
  console.log('copy heard');
  process.kill(process.pid, 'SIGTERM');
}, 5);`;
    const ended = await promisify(execFile)(process.execPath, [...TSX, '--input-type=module', '-e', script], {
      timeout: 60_000,
    }).then(
      () => ({ signal: null, stdout: 'exit 0' }),
      (err: { signal: string | null; stdout: string }) => ({ signal: err.signal, stdout: err.stdout }),
    );
    // Before, the copy killed the process (and the launcher, which ends as its child does).
    expect(ended).toEqual({ signal: 'SIGTERM', stdout: 'stop SIGTERM\ncopy heard\n' });
  });
});
