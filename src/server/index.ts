/** The server layer's public surface (wired by src/app/serve.ts). */
export { createServer, type GonogoServer } from './app.js';
export { hashToken, ROLES } from './auth.js';
export {
  type CatalogEntry,
  type ChecklistCatalog,
  createCatalog,
  type DirectoryCatalog,
  openCatalog,
} from './catalog.js';
export { DEFAULT_CONFIG, type ServerConfig, type ServerDeps } from './deps.js';
export { jsonLogger, type Logger, silentLogger } from './logger.js';
export { createMetrics, type ServerMetrics } from './metrics.js';
