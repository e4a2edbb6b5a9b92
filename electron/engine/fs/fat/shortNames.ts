// 8.3 short names (fatgen103 §6.1 DIR_Name) and the short names generated for long names
// (fatgen103 §7, "The Basis-Name Generation Algorithm" and "The Numeric-Tail Generation
// Algorithm"). We write only ASCII short names: any other character becomes '_' (a "lossy"
// conversion), which saves choosing an OEM code page; the long name keeps the real spelling.

/** Characters besides A–Z and 0–9 that §6.1 allows in a short name. */
const SHORT_NAME_PUNCTUATION = new Set([...`$%'-_@~\`!(){}^#&`]);

function isShortNameChar(char: string): boolean {
  return (char >= 'A' && char <= 'Z') || (char >= '0' && char <= '9') || SHORT_NAME_PUNCTUATION.has(char);
}

/**
 * The 11-character on-disk form ("BOOTX64 EFI") when `name` already is a valid upper-case 8.3
 * name, else null. Only such names are written without a long name; a space, a lower-case
 * letter or a second dot asks for an LFN, as Windows does.
 */
export function exactShortName(name: string): string | null {
  const dot = name.indexOf('.');
  const base = dot < 0 ? name : name.slice(0, dot);
  const extension = dot < 0 ? '' : name.slice(dot + 1);
  if (dot >= 0 && extension.length === 0) return null;
  if (base.length < 1 || base.length > 8 || extension.length > 3) return null;
  if (![...base, ...extension].every(isShortNameChar)) return null;
  return base.padEnd(8, ' ') + extension.padEnd(3, ' ');
}

/** "KERNEL  EFI" → "KERNEL.EFI", for messages and tests. */
export function displayShortName(name11: string): string {
  const base = name11.slice(0, 8).trimEnd();
  const extension = name11.slice(8, 11).trimEnd();
  return extension ? `${base}.${extension}` : base;
}

export interface BasisName {
  /** Primary part, at most 8 characters, upper case. */
  readonly base: string;
  /** Extension, at most 3 characters, upper case. */
  readonly extension: string;
  /** A character had to be replaced by '_'. */
  readonly lossy: boolean;
  /** The long name itself, upper-cased, is a valid 8.3 name ("squashfs.img"). */
  readonly fits: boolean;
}

/** fatgen103 §7 "The Basis-Name Generation Algorithm", steps 1–7. */
export function basisName(longName: string): BasisName {
  let lossy = false;
  // Steps 1–2: upper case, then anything that is not a valid 8.3 character becomes '_'.
  const converted = [...longName]
    .map((char) => {
      const upper = char >= 'a' && char <= 'z' ? char.toUpperCase() : char;
      if (upper === '.' || upper === ' ' || isShortNameChar(upper)) return upper;
      lossy = true;
      return '_';
    })
    .join('');
  const fits = !lossy && exactShortName(converted) !== null;
  // Steps 3–4: strip all spaces, then leading periods.
  const stripped = converted.replaceAll(' ', '').replace(/^\.+/u, '');
  // Step 5: the primary part is what precedes the first period, up to 8 characters.
  const firstDot = stripped.indexOf('.');
  let base = (firstDot < 0 ? stripped : stripped.slice(0, firstDot)).slice(0, 8);
  // Step 7: the extension is what follows the last period, up to 3 characters.
  const lastDot = stripped.lastIndexOf('.');
  const extension = lastDot < 0 ? '' : stripped.slice(lastDot + 1).replaceAll('.', '').slice(0, 3);
  if (base === '') {
    base = '_';
    lossy = true;
  }
  return { base, extension, lossy, fits };
}

export interface AssignedShortName {
  /** The 11-character on-disk form. */
  readonly shortName: string;
  /** The name is not an exact upper-case 8.3 name, so LFN entries must carry it. */
  readonly needsLongName: boolean;
}

/**
 * Short names for the entries of one directory, in the order given. Exact 8.3 names keep their
 * name; names whose upper-case form fits 8.3 get it without a tail; the rest get "~n" tails
 * (§7 "The Numeric-Tail Generation Algorithm") unique in the directory. Names must already be
 * unique ignoring case.
 */
export function assignShortNames(longNames: readonly string[]): AssignedShortName[] {
  const taken = new Set<string>();
  const result: (AssignedShortName | undefined)[] = new Array<AssignedShortName | undefined>(longNames.length);
  const basis = longNames.map(basisName);
  // Exact names first so that a generated name never takes one a file already owns.
  longNames.forEach((name, index) => {
    const exact = exactShortName(name);
    if (exact !== null) {
      taken.add(exact);
      result[index] = { shortName: exact, needsLongName: false };
    }
  });
  basis.forEach((name, index) => {
    if (result[index] || !name.fits) return;
    const natural = name.base.padEnd(8, ' ') + name.extension.padEnd(3, ' ');
    if (taken.has(natural)) return;
    taken.add(natural);
    result[index] = { shortName: natural, needsLongName: true };
  });
  basis.forEach((name, index) => {
    if (result[index]) return;
    const shortName = withNumericTail(name, taken);
    taken.add(shortName);
    result[index] = { shortName, needsLongName: true };
  });
  return result.map((entry) => {
    if (!entry) throw new Error('short name not assigned');
    return entry;
  });
}

const MAX_TAIL = 999_999;

function withNumericTail(name: BasisName, taken: ReadonlySet<string>): string {
  const extension = name.extension.padEnd(3, ' ');
  for (let n = 1; n <= MAX_TAIL; n += 1) {
    const tail = `~${n}`;
    const candidate = name.base.slice(0, 8 - tail.length) + tail;
    const shortName = candidate.padEnd(8, ' ') + extension;
    if (!taken.has(shortName)) return shortName;
  }
  throw new Error(`no free short name for ${name.base}.${name.extension}`);
}
