import type { IsoReport } from '../../shared/contract/isoReport';
import { formatBytes } from '../../shared/units';

const FAMILY: Readonly<Record<IsoReport['layout']['family'], string>> = {
  'dracut-liveos': 'Fedora-style live image (dracut LiveOS)',
  'debian-live': 'Debian live image (live-boot)',
  'ubuntu-casper': 'Ubuntu live image (casper)',
  'arch-archiso': 'Arch live image (archiso)',
  'raw-only': 'Bootable image without a known live layout (can only be copied byte for byte)',
  unknown: 'Not a known live image',
};

const PERSISTENCE: Readonly<Record<IsoReport['layout']['persistence'][number], string>> = {
  'dm-snapshot': 'overlay file (device-mapper snapshot)',
  overlayfs: 'OverlayFS',
  'debian-persistence': 'live-boot persistence volume',
  'casper-rw': 'casper writable volume',
  'archiso-cow': 'archiso copy-on-write volume',
};

export function ImageSummary({ report }: { readonly report: IsoReport }) {
  const { layout } = report;
  const firmware = new Set(report.bootConfigs.flatMap((c) => (c.firmware === 'both' ? ['bios', 'uefi'] : [c.firmware])));
  const entries = Math.max(0, ...report.bootConfigs.map((c) => c.entries.length));
  return (
    <dl className="facts image-summary" aria-label="Image details">
      <dt>Label</dt>
      <dd>{report.volume.label || '(none)'}</dd>
      <dt>Size</dt>
      <dd>{formatBytes(report.fileSize)}</dd>
      <dt>Kind</dt>
      <dd>{FAMILY[layout.family]}</dd>
      <dt>Persistence</dt>
      <dd>{layout.persistence.length ? layout.persistence.map((p) => PERSISTENCE[p]).join(', ') : 'not supported'}</dd>
      <dt>Boots with</dt>
      <dd>
        {firmware.size
          ? (['bios', 'uefi'] as const)
              .filter((f) => firmware.has(f))
              .map((f) => (f === 'bios' ? 'BIOS' : 'UEFI'))
              .join(' and ')
          : 'no boot configuration found'}
        {entries > 0 && <span className="muted"> · {entries === 1 ? 'one boot entry' : `${entries} boot entries`}</span>}
      </dd>
      {layout.notes.length > 0 && (
        <>
          <dt>Notes</dt>
          <dd>
            <ul className="plain-list">
              {layout.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          </dd>
        </>
      )}
    </dl>
  );
}
