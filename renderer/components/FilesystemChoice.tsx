import type { StickFilesystem } from '../../shared/plan/writeOptions';

const FILESYSTEMS: readonly { fs: StickFilesystem; name: string; what: string }[] = [
  { fs: 'ext4', name: 'ext4', what: 'Robust and journaled; Linux only.' },
  { fs: 'f2fs', name: 'F2FS', what: 'Flash-friendly: made for USB sticks and SD cards; Linux only.' },
  { fs: 'vfat', name: 'FAT32 (vfat)', what: 'Readable everywhere (Windows, macOS); files ≤ 4 GiB.' },
];

/** The live partition's filesystem, as three radio cards with one line each on what it means. */
export function FilesystemChoice({ value, onChange }: { readonly value: StickFilesystem; readonly onChange: (fs: StickFilesystem) => void }) {
  return (
    <fieldset className="fs-choice">
      <legend>Filesystem of the stick</legend>
      <div className="fs-options">
        {FILESYSTEMS.map((f) => (
          <label key={f.fs} className={`fs-option${value === f.fs ? ' selected' : ''}`}>
            <input type="radio" name="fs" value={f.fs} checked={value === f.fs} onChange={() => onChange(f.fs)} aria-describedby={`fs-${f.fs}-what`} />
            <span className="fs-name">{f.name}</span>
            <span className="fs-what" id={`fs-${f.fs}-what`}>
              {f.what}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
