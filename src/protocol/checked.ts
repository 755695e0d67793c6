/**
 * Payloads that have passed their schema, remembered by identity so that the next layer (the store) does not
 * parse them a second time: at tens of thousands of stats messages a second the second zod pass cost a fifth
 * of the ingest's time. Only the object zod returned is marked; a copy or any other object is parsed again.
 * Whoever marks a payload must not change it afterwards.
 */
const checked = new WeakSet<object>();

export function markChecked<T extends object>(payload: T): T {
  checked.add(payload);
  return payload;
}

export function wasChecked(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && checked.has(payload);
}
