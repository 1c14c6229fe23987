import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zoneinfoFiles } from '../../gateway/system/zoneinfo-files.js';
import { tzifBytes } from '../helpers/tzif-bytes.js';

// The machine's zone, told from a stand-in root: ROOT/usr/share/zoneinfo for the zone files, ROOT/etc for
// /etc/timezone and /etc/localtime. Order: TZ (when it names a zone file), /etc/timezone, the /etc/localtime link.

let root: string;
let zoneinfoDir: string;
let etc: string;
const places = (env: NodeJS.ProcessEnv = {}) => ({ zoneinfoDir, etcTimezone: path.join(etc, 'timezone'), etcLocaltime: path.join(etc, 'localtime'), env });
const zoneFile = tzifBytes({ version: 2, types: [{ utOffset: 3600, isDst: false, abbreviation: 'CET' }], footer: 'CET-1CEST,M3.5.0,M10.5.0/3' });

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sterilink-zoneinfo-'));
  zoneinfoDir = path.join(root, 'usr/share/zoneinfo');
  etc = path.join(root, 'etc');
  for (const name of ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'posix/Asia/Tokyo']) {
    fs.mkdirSync(path.dirname(path.join(zoneinfoDir, name)), { recursive: true });
    fs.writeFileSync(path.join(zoneinfoDir, name), zoneFile);
  }
  fs.writeFileSync(path.join(zoneinfoDir, 'zone.tab'), '# not a zone\n');
  fs.mkdirSync(etc);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('zoneinfoFiles', () => {
  it('reads zone files by name, only TZif files, only inside the folder', () => {
    const src = zoneinfoFiles(places());
    expect(src.read('Europe/Berlin')).toEqual(Buffer.from(zoneFile));
    expect(src.read('zone.tab')).toBeUndefined(); // no TZif magic (and not a zone name)
    expect(src.read('Europe')).toBeUndefined(); // a folder
    expect(src.read('Europe/Paris')).toBeUndefined();
    fs.writeFileSync(path.join(root, 'secret'), zoneFile);
    expect(src.read('../../../secret')).toBeUndefined();
  });

  it('ZONEINFO_DIR names the folder when no path is given', () => {
    expect(zoneinfoFiles({ env: { ZONEINFO_DIR: zoneinfoDir } }).read('Asia/Tokyo')).toBeDefined();
  });

  it('TZ first (a leading ":" stripped; also an absolute path into the folder), when it names a zone file', () => {
    fs.writeFileSync(path.join(etc, 'timezone'), 'America/New_York\n');
    expect(zoneinfoFiles(places({ TZ: 'Asia/Tokyo' })).systemZone()).toBe('Asia/Tokyo');
    expect(zoneinfoFiles(places({ TZ: ':Asia/Tokyo' })).systemZone()).toBe('Asia/Tokyo');
    expect(zoneinfoFiles(places({ TZ: `:${zoneinfoDir}/Europe/Berlin` })).systemZone()).toBe('Europe/Berlin');
    // A POSIX string, an unknown or unsafe name: ignored, the next place answers.
    for (const tz of ['CET-1CEST,M3.5.0,M10.5.0/3', 'Mars/Base', '../../etc/passwd', '/etc/passwd', '']) {
      expect(zoneinfoFiles(places({ TZ: tz })).systemZone(), tz).toBe('America/New_York');
    }
  });

  it('then the first line of /etc/timezone, when it names a zone file', () => {
    fs.writeFileSync(path.join(etc, 'timezone'), '  Europe/Berlin  \nsomething else\n');
    expect(zoneinfoFiles(places()).systemZone()).toBe('Europe/Berlin');
    fs.writeFileSync(path.join(etc, 'timezone'), 'Nowhere/Town\n');
    fs.symlinkSync(path.join(zoneinfoDir, 'Asia/Tokyo'), path.join(etc, 'localtime'));
    expect(zoneinfoFiles(places()).systemZone()).toBe('Asia/Tokyo');
  });

  it('then the target of the /etc/localtime link, absolute or relative to /etc, posix/ dropped', () => {
    const link = path.join(etc, 'localtime');
    fs.symlinkSync(path.join(zoneinfoDir, 'Europe/Berlin'), link);
    expect(zoneinfoFiles(places()).systemZone()).toBe('Europe/Berlin');
    fs.rmSync(link);
    fs.symlinkSync('../usr/share/zoneinfo/America/New_York', link);
    expect(zoneinfoFiles(places()).systemZone()).toBe('America/New_York');
    fs.rmSync(link);
    fs.symlinkSync('../usr/share/zoneinfo/posix/Asia/Tokyo', link);
    expect(zoneinfoFiles(places()).systemZone()).toBe('Asia/Tokyo');
    fs.rmSync(link);
    fs.symlinkSync(path.join(root, 'elsewhere/Europe/Berlin'), link); // outside the folder
    expect(zoneinfoFiles(places()).systemZone()).toBeUndefined();
  });

  it('nothing tells (no TZ, no /etc/timezone, /etc/localtime a copied file or missing): undefined, so Intl answers', () => {
    expect(zoneinfoFiles(places()).systemZone()).toBeUndefined();
    fs.writeFileSync(path.join(etc, 'localtime'), zoneFile);
    expect(zoneinfoFiles(places()).systemZone()).toBeUndefined();
  });

  it('a machine without tzdata: no file is read, nothing is told', () => {
    const src = zoneinfoFiles({ ...places({ TZ: 'Europe/Berlin' }), zoneinfoDir: path.join(root, 'missing') });
    expect(src.read('Europe/Berlin')).toBeUndefined();
    expect(src.systemZone()).toBeUndefined();
  });
});
