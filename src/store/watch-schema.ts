import type { Generated } from 'kysely';

/** Row types of the watch loop's tables (migration `002_watch`), beside the store's own `Database`. */

export type LeasesTable = {
  name: string;
  holder: string;
  expires_at: string;
};

export type ScheduledSlotsTable = {
  checklist: string;
  environment: string;
  /** `run` or the id of a sampled item. */
  what: string;
  slot: string;
  holder: string;
  claimed_at: string;
};

export type WatchStateTable = {
  key: string;
  /** JSON. */
  value: string;
  version: number;
  updated_at: string;
};

export type DeliveriesTable = {
  id: Generated<number>;
  event_id: string;
  event: string;
  checklist: string;
  environment: string;
  target: string;
  target_label: string;
  /** JSON of the event, free of secrets. */
  payload: string;
  status: string;
  attempts: number;
  last_error: string | null;
  response_code: number | null;
  next_attempt_at: string;
  created_at: string;
  updated_at: string;
};

/** The watch tables. */
export type WatchDatabase = {
  leases: LeasesTable;
  scheduled_slots: ScheduledSlotsTable;
  watch_state: WatchStateTable;
  deliveries: DeliveriesTable;
};
