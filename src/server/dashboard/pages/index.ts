/** The dashboard's pages, one file each, sharing ../components.tsx. */
export { AuditPage } from './audit.js';
export { ChecklistPage } from './checklist.js';
export type { Permissions, WindowHistory } from './item-row.js';
export { LoginPage } from './login.js';
export { MessagePage } from './message.js';
export { type OverviewCell, OverviewPage, type OverviewRow } from './overview.js';
export { RunPage } from './run.js';
export { RunnersPage } from './runners.js';
export { RunsPage } from './runs.js';
export { WaiversPage } from './waivers.js';
