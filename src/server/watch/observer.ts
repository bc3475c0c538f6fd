/**
 * What the watch loop reports as it works, for the service's metrics. The loop calls these hooks and
 * knows nothing of Prometheus; the composition root passes an implementation (server/metrics-watch.ts).
 * Every hook is optional, so a test can observe only what it asserts.
 */
export interface WatchObserver {
  /** Whether this replica leads the scheduler, after each lease attempt. */
  leading?(holder: string, leading: boolean): void;
  /** A lease attempt: `renewed` (acquired or kept), `lost` (this replica led and no longer does), `error`. */
  lease?(outcome: 'renewed' | 'lost' | 'error'): void;
  /**
   * Run or sample slots came due: `run` (claimed and started) or `skipped` (claimed elsewhere or still
   * busy); `count` of them (1 when absent: the sample slots of one tick are reported together).
   */
  slot?(what: 'run' | 'sample', outcome: 'run' | 'skipped', count?: number): void;
  /** One delivery attempt ended: `delivered`, `retrying` (will be tried again) or `failed` (given up). */
  delivery?(event: string, targetKind: string, outcome: 'delivered' | 'retrying' | 'failed'): void;
}
