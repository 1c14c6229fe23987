// `node config-check-child.js FILE`: loads and checks a gateway config exactly as `check-config` does, and
// writes the outcome to stdout as one JSON document: `{"ok":true,"loaded":…}` or
// `{"ok":false,"problems":[…]}`. `sterilink run` starts it (cli/load-config-isolated.ts) so that the
// gateway process never loads the YAML parser and the schema library: once imported, a module stays in
// memory for the life of the process, and these two with the schema are ~5 MB of heap that a gateway
// running for years needs for its first second only (docs/performance.md, "Memory").
import { ConfigError, loadConfigFile } from '../config/load-config.js';
import { knownProgramIds } from '../gateway/verify/index.js';
import { errorMessage } from '../vocabulary/errors.js';

const file = process.argv[2];
let out: string;
if (file === undefined) {
  out = JSON.stringify({ ok: false, error: 'usage: config-check-child.js FILE' });
} else {
  try {
    out = JSON.stringify({ ok: true, loaded: loadConfigFile(file, { env: process.env, knownPrograms: knownProgramIds() }) });
  } catch (e) {
    out = JSON.stringify(e instanceof ConfigError ? { ok: false, problems: e.problems } : { ok: false, error: errorMessage(e) });
  }
}
process.stdout.write(out);
