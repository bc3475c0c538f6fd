import { Environment } from '@marcbachmann/cel-js';
import type { CheckDefinition, Observation } from '../../engine/check.js';
import { toCelValue } from '../../engine/conditions.js';

/** Any kind, whatever its target and option types (tests read only its variables). */
// biome-ignore lint/suspicious/noExplicitAny: kinds are generic in target and options; tests only read variables
type AnyKind = CheckDefinition<any, any>;

/** A CEL environment declaring a kind's variables with their types, as lint does. */
export function celEnvironment(def: AnyKind): Environment {
  const env = new Environment();
  for (const [name, decl] of Object.entries(def.variables)) env.registerVariable(name, decl.type);
  return env;
}

/** Type errors of conditions against a kind's declared variables (empty when all are fine). */
export function typeErrors(def: AnyKind, conditions: string[]): string[] {
  const env = celEnvironment(def);
  return conditions.flatMap((c) => {
    const result = env.check(c);
    return result.valid && result.type === 'bool' ? [] : [`${c}: ${result.error?.message ?? result.type}`];
  });
}

/** Observed values as the engine hands them to CEL: converted by the engine's own `toCelValue`. */
function celContext(def: AnyKind, observed: Observation): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(observed)) {
    const decl = def.variables[name];
    context[name] = decl ? toCelValue(decl.type, value) : value;
  }
  return context;
}

/**
 * Evaluate conditions over an observation the way the engine does; returns the first condition that is
 * false, or undefined when all hold.
 */
export function firstFalse(def: AnyKind, conditions: string[], observed: Observation): string | undefined {
  const env = celEnvironment(def);
  const context = celContext(def, observed);
  return conditions.find((c) => env.evaluate(c, context) !== true);
}

/** Whether every condition holds over an observation. */
export function holds(def: AnyKind, conditions: string[], observed: Observation): boolean {
  return firstFalse(def, conditions, observed) === undefined;
}
