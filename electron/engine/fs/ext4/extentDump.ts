// debugfs `ex <file>` output, parsed: the file's extent tree as e2fsprogs prints it
// (debugfs/debugfs.c dump_extents):
//   Level Entries       Logical      Physical Length Flags
//    0/ 1   1/  1     0 - 262143 164097          262144          ← index entry → leaf block 164097
//    1/ 1   1/  9     0 -  24279   8488 -  32767  24280 Uninit   ← leaf: logical → physical run
export interface ExtentEntry {
  readonly level: number;
  readonly depth: number;
  readonly logicalStart: number;
  readonly logicalEnd: number;
  readonly physicalStart: number;
  readonly length: number;
  readonly uninit: boolean;
}

export interface ExtentTree {
  readonly depth: number;
  /** Index entries (level < depth): physicalStart is the child block. */
  readonly index: readonly ExtentEntry[];
  /** Leaf extents in logical order. */
  readonly leaves: readonly ExtentEntry[];
}

const LINE = /^\s*(\d+)\/\s*(\d+)\s+\d+\/\s*\d+\s+(\d+)\s*-\s*(\d+)\s+(\d+)(?:\s*-\s*(\d+))?\s+(\d+)\s*(\S.*)?$/;

export function parseExtentDump(text: string): ExtentTree {
  const entries: ExtentEntry[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    entries.push({
      level: Number(m[1]),
      depth: Number(m[2]),
      logicalStart: Number(m[3]),
      logicalEnd: Number(m[4]),
      physicalStart: Number(m[5]),
      length: Number(m[7]),
      uninit: /Uninit/.test(m[8] ?? ''),
    });
  }
  const depth = entries[0]?.depth ?? 0;
  return {
    depth,
    index: entries.filter((e) => e.level < e.depth),
    leaves: entries.filter((e) => e.level === e.depth).sort((a, b) => a.logicalStart - b.logicalStart),
  };
}
