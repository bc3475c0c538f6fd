import type { TamperedRow } from '../../model/audit.js';
import type { Attestation, Signoff, Waiver } from '../../model/state.js';

/** The state the verdict needs besides check outcomes. */
export interface ChecklistState {
  attestations: Attestation[];
  waivers: Waiver[];
  signoffs: Signoff[];
  /** Rows the chain does not vouch for (they never count): absent when every row matches its event. */
  tampered?: TamperedRow[];
}

/** What people record (attestations, waivers, sign-offs) and the checklist digests they bind to. */
export interface StateStore {
  /** Record the checklist's current digest; appends `checklist.imported` when it is new. */
  recordChecklist(
    c: { id: string; name: string; digest: string; file?: string; at?: string },
    actor: string,
  ): Promise<void>;
  addAttestation(a: Attestation): Promise<void>;
  addWaiver(w: Waiver): Promise<void>;
  addSignoff(s: Signoff): Promise<void>;
  loadState(checklist: string, environment: string): Promise<ChecklistState>;
  listWaivers(checklist?: string): Promise<Waiver[]>;
}
