// A reader of the Prometheus text exposition format (0.0.4), enough to check a scrape: families with
// their HELP and TYPE, samples with labels (escapes \\ \" \n read back) and values (NaN, ±Inf). A line it
// cannot read throws, naming the line: a malformed exposition fails the test that scraped it.
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: PromSample[];
}

export type Exposition = Map<string, PromFamily>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

function parseValue(s: string, line: string): number {
  if (s === 'NaN') return Number.NaN;
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  const v = Number(s);
  if (s === '' || Number.isNaN(v)) throw new Error(`exposition: bad value ${JSON.stringify(s)} in ${JSON.stringify(line)}`);
  return v;
}

function parseLabels(text: string, line: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let s = text.slice(1); // after "{"
  for (;;) {
    s = s.trimStart();
    if (s.startsWith('}')) return { labels, rest: s.slice(1) };
    const m = LABEL.exec(s);
    if (!m) throw new Error(`exposition: bad label name in ${JSON.stringify(line)}`);
    const key = m[0];
    s = s.slice(key.length).trimStart();
    if (!s.startsWith('="')) throw new Error(`exposition: expected ="…" after ${key} in ${JSON.stringify(line)}`);
    s = s.slice(2);
    let value = '';
    for (;;) {
      const c = s[0];
      if (c === undefined) throw new Error(`exposition: unterminated label value in ${JSON.stringify(line)}`);
      s = s.slice(1);
      if (c === '"') break;
      if (c === '\\') {
        const e = s[0];
        s = s.slice(1);
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else throw new Error(`exposition: bad escape \\${e} in ${JSON.stringify(line)}`);
      } else value += c;
    }
    if (key in labels) throw new Error(`exposition: label ${key} twice in ${JSON.stringify(line)}`);
    labels[key] = value;
    s = s.trimStart();
    if (s.startsWith(',')) s = s.slice(1);
    else if (!s.startsWith('}')) throw new Error(`exposition: expected , or } in ${JSON.stringify(line)}`);
  }
}

/** The family a sample belongs to: its own name, or the name without a histogram/summary/counter suffix. */
function familyOf(name: string, families: Exposition): PromFamily | undefined {
  const own = families.get(name);
  if (own) return own;
  for (const sfx of SUFFIXES) if (name.endsWith(sfx)) return families.get(name.slice(0, -sfx.length));
  return undefined;
}

export function parseExposition(text: string): Exposition {
  const families: Exposition = new Map();
  const family = (name: string): PromFamily => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, help: '', type: 'untyped', samples: [] }));
    return f;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
      if (!m) continue; // a plain comment
      const f = family(m[2]!);
      if (m[1] === 'HELP') f.help = m[3]!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      else {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!)) throw new Error(`exposition: unknown type in ${JSON.stringify(line)}`);
        if (f.samples.length) throw new Error(`exposition: TYPE after samples for ${f.name}`);
        f.type = m[3] as PromFamily['type'];
      }
      continue;
    }
    const nm = NAME.exec(line);
    if (!nm) throw new Error(`exposition: cannot read ${JSON.stringify(line)}`);
    const name = nm[0];
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
    const parts = rest.trim().split(/\s+/);
    if (parts.length < 1 || parts.length > 2) throw new Error(`exposition: expected a value (and a timestamp) in ${JSON.stringify(line)}`);
    const value = parseValue(parts[0]!, line);
    const f = familyOf(name, families) ?? family(name);
    f.samples.push({ name, labels, value });
  }
  return families;
}

/** The value of the one sample named `name` whose labels include `labels`; throws when none or several match. */
export function sampleValue(exp: Exposition, name: string, labels: Record<string, string> = {}): number {
  const matches = [...exp.values()].flatMap((f) => f.samples).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length !== 1) throw new Error(`exposition: ${matches.length} samples of ${name}${JSON.stringify(labels)}`);
  return matches[0]!.value;
}

/** Metric names as a query writes them (families, and a histogram's _bucket/_sum/_count). */
export function exportedNames(exp: Exposition): Set<string> {
  const names = new Set<string>();
  for (const f of exp.values()) {
    names.add(f.name);
    if (f.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(f.name + s);
    if (f.type === 'summary') for (const s of ['_sum', '_count']) names.add(f.name + s);
    for (const s of f.samples) names.add(s.name);
  }
  return names;
}
