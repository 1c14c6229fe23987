// Only the entry point handles OS signals: untilSignal resolves on the first SIGINT/SIGTERM; withSignals
// aborts a run on it.

/** A second signal this soon after the first is the same Ctrl-C arriving twice (the terminal sends it to the
 * whole process group, and `npm start` forwards it again): it is not a request to force the stop. */
const ECHO_MS = 1000;

/** Resolves on the first SIGINT/SIGTERM. While the caller then stops cleanly, an echo of that signal is
 * ignored; a later one (someone pressing Ctrl-C again) ends the process at once with 130. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first = 0;
    const on = (s: NodeJS.Signals) => {
      if (first === 0) {
        first = Date.now();
        resolve(s);
        return;
      }
      if (Date.now() - first < ECHO_MS) return;
      process.stderr.write(`${s} again: stopping at once\n`);
      process.exit(130);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** Runs `run` with a signal that aborts on SIGINT/SIGTERM; the handlers are removed when it settles. */
export async function withSignals<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await run(ac.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
