// The keys a config mapping may have at a given place, read from the zod schema itself (so a suggestion for a
// mistyped key can never name a key the schema does not take). Pure.
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Through optional, default, nullable and pipes to the schema that has the shape. */
function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (let i = 0; i < 10; i++) {
    const d = defOf(cur);
    const inner = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
    if (!inner) return cur;
    cur = inner;
  }
  return cur;
}

/** The keys of the mapping at `path` (e.g. ['devices', 0, 'serial']), or [] when the schema has none there. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let cur = unwrap(schema);
  for (const key of path) {
    const d = defOf(cur);
    if (d.type === 'object' && d.shape && typeof key === 'string' && Object.hasOwn(d.shape, key)) cur = unwrap(d.shape[key] as z.ZodType);
    else if (d.type === 'array' && d.element && typeof key === 'number') cur = unwrap(d.element);
    else if (d.type === 'record' && d.valueType) cur = unwrap(d.valueType);
    else return [];
  }
  const d = defOf(cur);
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}
