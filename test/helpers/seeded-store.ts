// A store written before a test runs the CLI on it, as a gateway of site `st-marien`, gateway `gw1`
// would have left it: in the folder `dataName` of a new temp folder, `fill` appends to the started
// store, which is closed after it. The test removes the temp folder.
import path from 'node:path';
import pino from 'pino';
import { Store } from '../../gateway/store/index.js';
import { tempDir } from './cli.js';

export interface SeededStore {
  /** The temp folder. */
  dir: string;
  /** The store's folder in it. */
  dataDir: string;
}

export function seedStore(prefix: string, dataName: string, fill: (store: Store) => void): SeededStore {
  const dir = tempDir(prefix);
  const dataDir = path.join(dir, dataName);
  const store = new Store({ dataDir, site: 'st-marien', gateway: 'gw1', logger: pino({ level: 'silent' }) });
  store.start();
  try {
    fill(store);
  } finally {
    store.close();
  }
  return { dir, dataDir };
}
