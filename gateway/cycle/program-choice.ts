// The program a finished cycle is verified against: the device's own word, else its program number
// through the built-in map (vocabulary/program-numbers.ts) extended by the site's, else the config default.
import { DEFAULT_PROGRAM_MAP } from '../../vocabulary/program-numbers.js';
import { getProgram, type Program } from '../verify/index.js';

export interface ProgramChoice {
  program: Readonly<Program> | undefined;
  /** The id chosen, even when unknown. */
  id: string | undefined;
  /** Where the choice came from, for the record. */
  source: 'device' | 'device-number' | 'config-default' | 'none';
}

/** The device's own word wins; then its program number through the map; then the config default. */
export function chooseProgram(opts: {
  reportedId?: string | undefined;
  reportedNo?: number | undefined;
  programMap?: Readonly<Record<string, string>> | undefined;
  configDefault?: string | undefined;
  /** The site's programs (presets with the config's overrides); default the presets. */
  catalog?: Readonly<Record<string, Readonly<Program>>> | undefined;
}): ProgramChoice {
  const get = (id: string) => (opts.catalog ? (Object.hasOwn(opts.catalog, id) ? opts.catalog[id] : undefined) : getProgram(id));
  if (opts.reportedId) return { id: opts.reportedId, program: get(opts.reportedId), source: 'device' };
  if (opts.reportedNo !== undefined) {
    // The site's map extends the built-in one. A number the maps do not know is not silently replaced by
    // the config default: the device said which program ran, and the gateway cannot tell which it was.
    const id = { ...DEFAULT_PROGRAM_MAP, ...(opts.programMap ?? {}) }[String(opts.reportedNo)];
    if (id) return { id, program: get(id), source: 'device-number' };
    return { id: `program-no-${opts.reportedNo}`, program: undefined, source: 'device-number' };
  }
  if (opts.configDefault) return { id: opts.configDefault, program: get(opts.configDefault), source: 'config-default' };
  return { id: undefined, program: undefined, source: 'none' };
}
