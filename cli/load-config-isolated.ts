// Loads a gateway config in a short-lived child process (cli/config-check-child.ts says why) and hands
// back the same LoadedConfig, or throws the same ConfigError, that loadConfigFile would in this process.
// The config is plain data (the schema's output is JSON: strings, numbers, booleans, arrays, objects),
// so it crosses as JSON; test/integration/load-config-isolated.test.ts holds the two paths equal.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigProblem } from '../config/config-error.js';
import type { LoadedConfig } from '../config/load-config.js';

// dist/cli/ in the product; under vitest this file is cli/*.ts and the child is the built one (npm test builds first)
const HERE = fileURLToPath(import.meta.url);
const CHILD = HERE.endsWith('.ts')
  ? path.resolve(path.dirname(HERE), '../dist/cli/config-check-child.js')
  : path.join(path.dirname(HERE), 'config-check-child.js');

type ChildAnswer = { ok: true; loaded: LoadedConfig } | { ok: false; problems: ConfigProblem[] } | { ok: false; error: string };

/** `env` is what the config's environment overrides and secrets are read from (the child's whole environment). */
export function loadConfigIsolated(file: string, env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CHILD, file], { env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`checking the config ${file} failed: ${err.message}${stderr ? `\n${stderr.trim()}` : ''}`));
        return;
      }
      let answer: ChildAnswer;
      try {
        answer = JSON.parse(stdout) as ChildAnswer;
      } catch (e) {
        reject(new Error(`checking the config ${file}: the check's answer is not JSON (${(e as Error).message})`));
        return;
      }
      if (answer.ok) resolve(answer.loaded);
      else if ('problems' in answer) reject(new ConfigError(file, answer.problems));
      else reject(new Error(`checking the config ${file} failed: ${answer.error}`));
    });
  });
}
