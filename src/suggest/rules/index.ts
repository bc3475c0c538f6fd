import type { Rule } from '../rule.js';
import backtickCommand from './backtick-command.js';
import datastore from './datastore.js';
import envAssignment from './env-assignment.js';
import envSet from './env-set.js';
import httpEndpoint from './http-endpoint.js';
import httpHeader from './http-header.js';
import httpsOnly from './https-only.js';
import persistentVolume from './persistent-volume.js';
import redisConfig from './redis-config.js';
import tablePrivilege from './table-privilege.js';

/**
 * The rules in the order they are tried; the first that proposes a check wins (an item takes one check).
 * Specific before general: a volume path before the `VAR=value` holding it, Redis settings before
 * "Redis connectivity", endpoints and headers before variables. rules.test.ts fails when a rule file is
 * missing here.
 */
export const RULES: readonly Rule[] = [
  tablePrivilege,
  redisConfig,
  datastore,
  persistentVolume,
  httpEndpoint,
  httpHeader,
  httpsOnly,
  envAssignment,
  envSet,
  backtickCommand,
];
