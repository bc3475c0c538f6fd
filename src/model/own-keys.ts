/**
 * Whether `value` has an enumerable own key: without the array `Object.keys` would make (asked once per
 * check on the run's hot path: an observation's values, a request's headers).
 */
export function hasOwnKeys(value: object | undefined): boolean {
  if (value) for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}
