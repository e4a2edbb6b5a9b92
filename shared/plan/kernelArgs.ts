// Rewrite a live ISO's kernel command line for the stick (livecd-spec.md §1.8 and §5.4):
//   root=live:UUID=<fs> rd.live.image rw rd.live.dir=<dir> [rd.live.overlay=UUID=<fs>] [rd.live.overlay.overlayfs]
// We write the classic rd.live.* names: dracut-ng ≥ 110 renamed them to rd.overlay* but still
// accepts the old ones (deprecated aliases), while older dracut does not know rd.overlay at all.
// Arguments about the boot medium are dropped: the ISO's own root=/CDLABEL, media checks, and any
// overlay arguments (old or new names), so nothing contradicts what we add.

export interface LiveArgs {
  /** `UUID=<uuid>` or `LABEL=<label>` of the live partition. */
  readonly rootSpec: string;
  readonly liveDir: string;
  /** Persistent overlay: where dracut finds it. Null = no persistence. */
  readonly overlay: { readonly spec: string; readonly overlayfs: boolean } | null;
  /** The stick's filesystem type, for a `rootfstype=` the ISO may carry. */
  readonly fsType: string;
}

/** Tokens we own: any value the ISO had for them is replaced. */
const DROP = [
  /^root=/,
  /^rd\.live\.image$/,
  /^liveimg$/,
  /^rd\.live\.dir=/,
  /^live_dir=/,
  /^rd\.live\.overlay(\..*)?(=.*)?$/,
  /^rd\.overlay(\..*)?(=.*)?$/,
  /^overlay=/,
  /^readonly_overlay$/,
  /^reset_overlay$/,
  /^rd\.live\.check$/,
  /^check$/,
  /^ro$/,
  /^rw$/,
  /^iso-scan\/filename=/,
  /^findiso=/,
  /^inst\.stage2=/,
];

/** Splits like the kernel does: on spaces, keeping double-quoted values together. */
export function splitKernelArgs(cmdline: string): string[] {
  return cmdline.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
}

export function rewriteKernelArgs(cmdline: string, live: LiveArgs): string {
  const kept: string[] = [];
  for (const token of splitKernelArgs(cmdline)) {
    if (token.startsWith('rootfstype=')) {
      kept.push(`rootfstype=${live.fsType}`);
      continue;
    }
    if (DROP.some((pattern) => pattern.test(token))) continue;
    if (!kept.includes(token)) kept.push(token);
  }
  const ours = [`root=live:${live.rootSpec}`, 'rd.live.image', 'rw', `rd.live.dir=${live.liveDir}`];
  if (live.overlay) {
    ours.push(`rd.live.overlay=${live.overlay.spec}`);
    if (live.overlay.overlayfs) ours.push('rd.live.overlay.overlayfs');
  }
  return [...ours, ...kept].join(' ');
}
