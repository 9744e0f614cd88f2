/**
 * Freezes a JSON-like value and everything it holds, in place, and returns it. Parts frozen already are taken as
 * frozen all the way down (what this function leaves behind): freezing a list of shared entries again walks only the
 * new ones.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  // children first: a frozen parent promises frozen children to the next call
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
