// Reading systemd unit files the way systemd does, enough for tests: sections, KEY=VALUE settings (a key
// may repeat), comment lines starting with # or ;. systemd has no trailing comments: "KEY=v # note" sets
// the value "v # note". `trailingComments` finds such lines, the mistake that made EnvironmentFile=-…
// silently point at a file that does not exist.
export interface UnitSetting {
  section: string;
  key: string;
  value: string;
  line: number;
}

export function parseUnit(text: string): UnitSetting[] {
  const out: UnitSetting[] = [];
  let section = '';
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!;
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`line ${i + 1}: expected KEY=VALUE, found ${JSON.stringify(line)}`);
    out.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim(), line: i + 1 });
  });
  return out;
}

/** Every value of `section`.`key`, in order. */
export function values(unit: UnitSetting[], section: string, key: string): string[] {
  return unit.filter((s) => s.section === section && s.key === key).map((s) => s.value);
}

/** Settings whose value carries what was meant as a comment. */
export function trailingComments(unit: UnitSetting[]): UnitSetting[] {
  return unit.filter((s) => /\s[#;]/.test(s.value));
}
