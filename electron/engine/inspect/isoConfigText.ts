// Reading config files from the ISO tree: exact names first, then ignoring case, because plain
// ISO 9660 names are upper case while configs name files in lower case.
import type { IsoEntry, IsoFileSystem } from '../iso/isoFileSystem';
import { MAX_CONFIG_BYTES, type ReadConfigText } from './configText';

export async function findIsoFile(fs: IsoFileSystem, path: string): Promise<IsoEntry | null> {
  const entry = (await fs.lookup(path)) ?? (await fs.lookup(path, { caseInsensitive: true }));
  return entry && entry.kind === 'file' ? entry : null;
}

export function isoConfigReader(fs: IsoFileSystem): ReadConfigText {
  return async (path) => {
    const entry = await findIsoFile(fs, path);
    if (!entry || entry.size > MAX_CONFIG_BYTES) return null;
    return (await fs.readFile(entry)).toString('utf8');
  };
}
