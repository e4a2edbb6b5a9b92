// Words of GRUB's shell-like script language (GRUB manual §6.3 "Shell-like scripting"):
// single quotes are literal, double quotes allow $variables and \-escapes, a backslash before a
// newline joins lines, "#" at the start of a word begins a comment, newline and ";" end commands.

export interface WordPart {
  readonly text: string;
  /** Whether $variables in `text` are expanded (unquoted and double-quoted text). */
  readonly expand: boolean;
}

export type GrubToken =
  | { readonly kind: 'word'; readonly parts: readonly WordPart[]; readonly quoted: boolean }
  | { readonly kind: 'end' } // newline or ";"
  | { readonly kind: 'open' } // a lone "{"
  | { readonly kind: 'close' }; // a lone "}"

export function lexGrubScript(text: string): GrubToken[] {
  const tokens: GrubToken[] = [];
  let parts: WordPart[] = [];
  let plain = '';
  let quoted = false;
  let inWord = false;

  const flushPlain = (): void => {
    if (plain !== '') parts.push({ text: plain, expand: true });
    plain = '';
  };
  const endWord = (): void => {
    flushPlain();
    if (inWord) {
      const only = parts.length === 1 ? parts[0] : undefined;
      if (!quoted && only && only.text === '{') tokens.push({ kind: 'open' });
      else if (!quoted && only && only.text === '}') tokens.push({ kind: 'close' });
      else tokens.push({ kind: 'word', parts, quoted });
    }
    parts = [];
    quoted = false;
    inWord = false;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i += 1;
      continue;
    }
    if (c === '\n' || c === ';') {
      endWord();
      tokens.push({ kind: 'end' });
      i += 1;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < text.length && text[i] !== '\n') i += 1;
      continue;
    }
    inWord = true;
    if (c === '\\') {
      flushPlain();
      parts.push({ text: text[i + 1] ?? '', expand: false });
      i += 2;
      continue;
    }
    if (c === "'") {
      flushPlain();
      quoted = true;
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? text.length : close;
      parts.push({ text: text.slice(i + 1, end), expand: false });
      i = end + 1;
      continue;
    }
    if (c === '"') {
      flushPlain();
      quoted = true;
      i += 1;
      let run = '';
      while (i < text.length && text[i] !== '"') {
        const d = text[i] ?? '';
        if (d === '\\' && i + 1 < text.length) {
          const e = text[i + 1] ?? '';
          if (e === '\n') {
            i += 2;
            continue;
          }
          if (e === '$' || e === '"' || e === '\\') {
            if (run !== '') parts.push({ text: run, expand: true });
            run = '';
            parts.push({ text: e, expand: false });
            i += 2;
            continue;
          }
        }
        run += d;
        i += 1;
      }
      if (run !== '') parts.push({ text: run, expand: true });
      i += 1;
      continue;
    }
    plain += c;
    i += 1;
  }
  endWord();
  return tokens;
}

/** Replaces ${name} and $name with known values; unknown variables stay as written. */
export function expandWord(parts: readonly WordPart[], variables: ReadonlyMap<string, string>): string {
  return parts
    .map((part) =>
      part.expand
        ? part.text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?#*@])\}|\$([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?#*@])/gu, (whole, braced: string | undefined, bare: string | undefined) => {
            const value = variables.get(braced ?? bare ?? '');
            return value ?? whole;
          })
        : part.text,
    )
    .join('');
}

/** The literal text of a word, for keywords: only unquoted words are keywords. */
export function literalWord(token: GrubToken): string | null {
  if (token.kind !== 'word' || token.quoted) return null;
  return token.parts.map((part) => part.text).join('');
}
