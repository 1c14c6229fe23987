// What check-config would say about a config text, for the config tests.
import { ConfigError, type LoadOptions, parseConfigText } from '../../config/load-config.js';

/**
 * The problems of `text` read as the file `file`, one `path: message` line each; [] when it loads. Any
 * error other than a ConfigError is thrown. `opts.env` defaults to an empty environment.
 */
export function configProblems(text: string, opts: LoadOptions = {}, file = '/etc/sterilink/gw.yaml'): string[] {
  try {
    parseConfigText(text, file, { env: {}, ...opts });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}
