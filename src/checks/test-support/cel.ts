import { Environment } from '@marcbachmann/cel-js';
import type { CheckDefinition, Observation } from '../../engine/check.js';

/** A CEL environment declaring a kind's variables with their types, as lint does. */
export function celEnvironment(def: CheckDefinition<unknown, unknown>): Environment {
  const env = new Environment();
  for (const [name, decl] of Object.entries(def.variables)) env.registerVariable(name, decl.type);
  return env;
}

/** Type errors of conditions against a kind's declared variables (empty when all are fine). */
export function typeErrors(def: CheckDefinition<unknown, unknown>, conditions: string[]): string[] {
  const env = celEnvironment(def);
  return conditions.flatMap((c) => {
    const result = env.check(c);
    return result.valid && result.type === 'bool' ? [] : [`${c}: ${result.error?.message ?? result.type}`];
  });
}

/**
 * Evaluate conditions over an observation the way the engine does (declared `int` variables become CEL
 * ints); returns the first condition that is false, or undefined when all hold.
 */
export function firstFalse(
  def: CheckDefinition<unknown, unknown>,
  conditions: string[],
  observed: Observation,
): string | undefined {
  const env = celEnvironment(def);
  const context: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(observed)) {
    context[name] = def.variables[name]?.type === 'int' ? BigInt(value as number) : value;
  }
  return conditions.find((c) => env.evaluate(c, context) !== true);
}
