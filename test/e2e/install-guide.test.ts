// docs/install.md, run as written. Every ```sh block carries a marker: `test: run` (run here, in order,
// in one shell), `test: run-until "TEXT"` (started like a user would, stopped with Ctrl-C once it says
// TEXT), or `test: not here (why)`. The run blocks execute as root in a private mount namespace where
// /etc, /usr and /var are copy-on-write overlays of this machine's: useradd, npm install -g, the files in
// /etc and /var/lib are real, and vanish with the namespace. `sudo` runs the command (as root, or with
// -u as that user via setpriv); `sudoedit` calls the test's editor, which writes what a user would type.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guideBlocks, guideScript } from '../helpers/doc-blocks.js';
import { Mosquitto, MqttCollector } from '../helpers/mosquitto.js';
import { ROOT, startProcess, tempDir } from '../helpers/process.js';

const md = fs.readFileSync(path.join(ROOT, 'docs/install.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

const SHIMS = `
sudo() {
  local user=""
  while [ $# -gt 0 ]; do
    case "$1" in -u) user=$2; shift 2 ;; -*) shift ;; *) break ;; esac
  done
  if [ -n "$user" ]; then
    env -i PATH="$PATH" HOME=/ LANG=C.UTF-8 setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"
  else
    "$@"
  fi
}
sudoedit() { for f in "$@"; do "$TEST_EDITOR" "$f"; done; }
`;

describe('docs/install.md', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('marks every command block as run here or not, with a reason', () => {
    const blocks = guideBlocks(md);
    expect(blocks.filter((b) => b.mode !== 'not here').length).toBeGreaterThan(10);
    for (const b of blocks.filter((x) => x.mode === 'not here')) expect(b.arg.length, `line ${b.line}`).toBeGreaterThan(10);
    expect(() => guideBlocks('text\n```sh\necho unmarked\n```\n')).toThrow(/without a <!-- test/);
  });

  it('installs the release as the guide says, and the installed gateway runs, backs up and restores', async () => {
    const work = tempDir('sterilink-install-');
    cleanup.push(async () => fs.rmSync(work, { recursive: true, force: true }));
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.dispose());
    const watch = await MqttCollector.connect(broker.url, 'sterilink/v1/install-test/#');
    cleanup.push(() => watch.close());

    // the release file the guide installs (dist/ is built by `pretest`)
    expect(md).toContain(`VERSION=${pkg.version}\n`);
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    expect(fs.existsSync(path.join(work, `sterilink-${pkg.version}.tgz`))).toBe(true);

    // what the user types into the editor
    const editor = path.join(work, 'editor.sh');
    fs.writeFileSync(
      editor,
      `#!/bin/sh
case "$(basename "$1")" in
  site.yaml) printf 'site: install-test\\ngateway: gw1\\ndataDir: /var/lib/sterilink\\nmqtt:\\n  url: ${broker.url}\\ndevices: []\\n' > "$1" ;;
  env) printf 'STERILINK_MQTT_PASSWORD=not-used-by-this-broker\\n' > "$1" ;;
  *) : ;;
esac
`,
      { mode: 0o755 },
    );

    const blocks = guideBlocks(md);
    const script = [
      'set -euo pipefail',
      `export PATH=${[path.dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':')}`,
      `export WORK=${JSON.stringify(work)} TEST_EDITOR=${JSON.stringify(editor)}`,
      SHIMS,
      'cd "$WORK"',
      ...guideScript(blocks, { file: 'install.md', work, prelude: SHIMS }),
      // what the guide promised, for the assertions below
      'echo "=== facts"',
      'echo "groups: $(id -nG sterilink)"',
      'stat -c "mode %n %U:%G %a" /etc/sterilink /etc/sterilink/site.yaml /etc/sterilink/env /var/lib/sterilink /var/lib/sterilink/sterilink.db /var/lib/sterilink/keys /var/lib/sterilink/keys/* /etc/modules-load.d/sterilink.conf',
      'echo "backups: $(ls /var/backups/sterilink | wc -l)"',
      'echo "before-restore: $(ls -d /var/lib/sterilink.before-restore-* | wc -l)"',
      'echo "command: $(command -v sterilink) $(command -v sterilink-backup)"',
    ].join('\n');
    fs.writeFileSync(path.join(work, 'guide.sh'), script);
    // the namespace: copy-on-write /etc, /usr, /var on a tmpfs of its own
    fs.writeFileSync(
      path.join(work, 'ns.sh'),
      `set -eu
mkdir -p "$1/ovl" && mount -t tmpfs tmpfs "$1/ovl"
for d in etc usr var; do
  mkdir -p "$1/ovl/$d-up" "$1/ovl/$d-work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$1/ovl/$d-up,workdir=$1/ovl/$d-work" "/$d"
done
exec bash "$1/guide.sh"
`,
    );
    // not spawnSync: the test's subscriber must keep its connection while the guide runs
    const guide = startProcess('unshare', ['--mount', '--propagation', 'private', 'sh', path.join(work, 'ns.sh'), work], { cwd: work });
    cleanup.push(() => guide.kill('SIGKILL'));
    const status = await guide.exited;
    const out = guide.output();
    expect(status, out.slice(-6000)).toBe(0);

    const facts = out.slice(out.indexOf('=== facts'));
    expect(facts).toMatch(/groups: sterilink dialout/);
    const mode = (p: string) => new RegExp(`mode ${p.replace(/[.*]/g, '\\$&')} (\\S+) (\\d+)`).exec(facts)?.slice(1).join(' ');
    expect(mode('/etc/sterilink')).toBe('root:sterilink 750');
    expect(mode('/etc/sterilink/site.yaml')).toBe('root:sterilink 640');
    expect(mode('/etc/sterilink/env')).toBe('root:root 600');
    expect(mode('/var/lib/sterilink')).toBe('sterilink:sterilink 700'); // the store is private (issue 10)
    expect(mode('/var/lib/sterilink/sterilink.db')).toBe('sterilink:sterilink 600');
    expect(mode('/var/lib/sterilink/keys')).toBe('sterilink:sterilink 700');
    expect(mode('/var/lib/sterilink/keys/gateway.key')).toBe('sterilink:sterilink 600');
    expect(facts).toMatch(/backups: 1\n/);
    expect(facts).toMatch(/before-restore: 1\n/);
    expect(facts).toMatch(/command: \/usr\/(local\/)?bin\/sterilink \/usr\/(local\/)?bin\/sterilink-backup/);
    expect(out).toMatch(/Node v2\d\.\d+\.\d+: ok/);
    expect(out).toContain(`${pkg.version}\n`); // sterilink --version
    expect(out).toMatch(/site\.yaml: ok \(site install-test, gateway gw1, 0 devices, data in \/var\/lib\/sterilink\)/);
    // the installed gateway, run by the guide as the sterilink user, reached the broker
    const online = watch.filter((m) => m.topic === 'sterilink/v1/install-test/gw1/status' && (m.json as { online?: boolean }).online === true);
    expect(online.length).toBeGreaterThan(0);
    expect((online[0]!.json as { version: string }).version).toBe(pkg.version);
  }, 300_000);
});
