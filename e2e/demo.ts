// npm run demo: the main job on a built-in default. The demo live ISO (a real Fedora-style
// LiveOS image built from Debian packages) is written by `stickwright write` to a file-backed
// virtual stick with an overlay and a home, then booted twice in QEMU — under SeaBIOS, then
// OVMF — to show that it boots and keeps its changes. Bundled to dist/demo.js by scripts/build.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';
import { bootImage, type BootResult, type Firmware } from './qemu/boot';

const cli = path.join(path.dirname(process.argv[1] ?? '.'), 'cli.js');
const say = (text = '') => process.stdout.write(`${text}\n`);

function run(args: string[]): void {
  say(`$ stickwright ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function show(n: number, firmware: Firmware, boot: BootResult): void {
  const r = boot.report;
  say(`  boot ${n} (${firmware === 'bios' ? 'SeaBIOS' : 'OVMF/UEFI'}), ${(boot.timings.totalMs / 1000).toFixed(0)} s:`);
  say(`    boot counter in /var:     ${r.bootCount ?? '?'}${n === 2 ? '   ← the first boot\'s change survived the reboot' : ''}`);
  say(`    live partition:          ${r.mounts['/run/initramfs/live']?.source ?? '?'} (${r.mounts['/run/initramfs/live']?.fstype ?? '?'})`);
  say(`    root overlay:            ${r.overlay?.mode ?? '?'}${r.overlay?.table ? ` (${r.overlay.table})` : ''}`);
  say(`    /home:                   ${r.home?.state ?? '?'}${r.home?.source ? ` from ${r.home.source}` : ''}`);
  say(`    files kept from earlier: ${r.persisted.map((p) => p.name).join(', ') || 'none'}`);
  if (r.dm?.status) say(`    dmsetup status live-rw:  ${r.dm.status}`);
  say(`    serial log:              ${boot.logPath}`);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    say('The demo writes a virtual stick through loop devices, which needs root: run `sudo npm run demo`.');
    process.exit(1);
  }
  say('== The demo live ISO (built from Debian packages, cached after the first run)');
  const iso = fixtureFile('liveos', 'image.iso');
  run(['inspect', iso]);

  const dir = path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'stickwright', 'demo');
  mkdirSync(dir, { recursive: true });
  const stick = path.join(dir, 'virtual-stick.img');
  rmSync(stick, { force: true });
  say('\n== Writing it to a 2 GiB virtual stick with a 512 MiB overlay and a 256 MiB home');
  run(['write', '--iso', iso, '--target', stick, '--size', '2G', '--fs', 'ext4', '--overlay', '512M', '--home', '256M']);

  say('\n== Booting the stick in QEMU, twice (as a USB stick)');
  const firmwares: Firmware[] = ['bios', 'uefi'];
  for (const [i, firmware] of firmwares.entries()) {
    const boot = await bootImage({ image: stick, firmware, medium: 'usb', name: `demo-${firmware}` });
    show(i + 1, firmware, boot);
  }
  say('\n== How full is it now? Read offline, without mounting (the same figure the booted system\n   printed with dmsetup status above)');
  run(['usage', stick]);
  say(`\nThe virtual stick stays at ${stick}: write it to a real stick with dd, or boot it again.`);
}

main().catch((error: unknown) => {
  say(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
