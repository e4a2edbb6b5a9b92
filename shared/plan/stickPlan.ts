// The plan of a persistent stick: everything the writer will create, decided before the first
// byte is written. Pure data; the GUI shows it on the Review step, the CLI prints it, the worker
// executes it.
import type { ErrorCode, ErrorData } from '../errors';
import type { ImageMeta } from './imageMeta';
import type { StickFilesystem } from './writeOptions';

export const SECTOR = 512;

export interface PlannedPartition {
  readonly index: 1 | 2;
  readonly role: 'live' | 'esp';
  /** Byte offsets on the target; multiples of the alignment. */
  readonly start: number;
  readonly size: number;
  /** MBR partition type byte. */
  readonly mbrType: number;
  readonly bootable: boolean;
  readonly fs: StickFilesystem;
  readonly label: string;
  /** What blkid will call its UUID: canonical UUID for ext4/F2FS, "ABCD-1234" for FAT. */
  readonly uuid: string;
}

/** Where a file's bytes come from. */
export type FileSource =
  | { readonly kind: 'iso'; readonly isoPath: string }
  | { readonly kind: 'boot-config'; readonly firmware: 'bios' | 'uefi'; readonly isoPath: string | null }
  | { readonly kind: 'overlay' }
  | { readonly kind: 'home' }
  /** /<liveDir>/stickwright-image.json: the plan's `image`, with the time of the write. */
  | { readonly kind: 'image-meta' };

export interface PlannedFile {
  /** Absolute path on the partition, e.g. "/LiveOS/squashfs.img". */
  readonly path: string;
  readonly size: number;
  readonly source: FileSource;
}

export type PersistencePlan =
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'dm-snapshot'; readonly path: string; readonly size: number; readonly reason: string }
  | { readonly kind: 'overlayfs-dir'; readonly path: string; readonly workPath: string; readonly reason: string }
  | { readonly kind: 'overlayfs-image'; readonly path: string; readonly size: number; readonly reason: string };

export interface PlannedBootEntry {
  readonly title: string;
  readonly kernel: string;
  readonly initrd: readonly string[];
  readonly cmdline: string;
  readonly isDefault: boolean;
}

export interface StickPlan {
  readonly targetSize: number;
  readonly table: { readonly kind: 'mbr'; readonly diskSignature: string };
  readonly partitions: readonly [PlannedPartition, PlannedPartition];
  readonly liveDir: string;
  /** Files on the live partition, in write order (big sequential copies first). */
  readonly liveFiles: readonly PlannedFile[];
  /** Directories to create on the live partition (parents of files, OverlayFS dirs). */
  readonly liveDirs: readonly string[];
  /** Files on the ESP. */
  readonly espFiles: readonly PlannedFile[];
  readonly persistence: PersistencePlan;
  readonly home: { readonly path: string; readonly size: number; readonly encrypted: boolean; readonly uuid: string } | null;
  readonly boot: {
    readonly bios: { readonly loader: 'grub-i386-pc'; readonly configPath: string };
    readonly uefi: { readonly loaders: readonly string[]; readonly configPath: string; readonly readsFs: readonly string[] };
    readonly rootSpec: string;
    readonly entries: readonly PlannedBootEntry[];
  };
  readonly space: {
    /** Bytes the live partition's filesystem can hold after its own metadata. */
    readonly usable: number;
    readonly liveImage: number;
    readonly persistence: number;
    readonly bootFiles: number;
    /** Left free on the live filesystem afterwards. */
    readonly free: number;
  };
  /** Sentences for the person: choices made for them, and why. */
  readonly notes: readonly string[];
  /** What the image's boot menu entry needs, for multi-image sticks (addedAt: set by the writer). */
  readonly image?: ImageMeta;
}

export interface PlanProblem {
  readonly code: ErrorCode;
  readonly message: string;
  readonly data: ErrorData;
}

export type PlanResult = { readonly ok: true; readonly plan: StickPlan } | { readonly ok: false; readonly problems: readonly PlanProblem[] };
