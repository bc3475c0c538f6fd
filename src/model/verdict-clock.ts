/**
 * The clock as `decide` reads it: every comparison with the current time goes through `reached`, which
 * notes the earliest instant still ahead, so the caller learns when the same inputs could next give a
 * different evaluation (an expiry, a due date passing, the launch).
 * @example const clock = new VerdictClock(Date.now()); clock.expired(waiver.expiresAt); clock.next
 */
export class VerdictClock {
  /** The earliest instant (epoch ms) compared with and not reached yet; Infinity when none. */
  next = Number.POSITIVE_INFINITY;
  constructor(readonly ms: number) {}

  /** Whether the instant `at` (epoch ms; NaN never is) has been reached. */
  reached(at: number): boolean {
    if (at <= this.ms) return true;
    if (at < this.next) this.next = at;
    return false;
  }

  expired(expiresAt: string | undefined): boolean {
    return expiresAt !== undefined && this.reached(Date.parse(expiresAt));
  }
}
