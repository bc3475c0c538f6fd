import { afterEach, describe, expect, it } from 'vitest';
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
});
