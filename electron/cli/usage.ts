export const USAGE_TEXT = `Usage: stickwright <verb> [options]

Verbs:
  inspect <iso> [--json]   Read an ISO without mounting it: label, size, live layout
                           family, persistence it supports, boot configurations and entries.
  write --iso <iso> --target <disk|image file> [options]
                           Write a live ISO with persistence. Every check comes before the
                           first byte is written; the partition table is written last.
      --fs ext4|f2fs|vfat  the live partition's filesystem (default ext4)
      --overlay SIZE       the persistent overlay (default 2G; 0 for none); --overlayfs
      --home SIZE          a separate LiveOS/home.img (default 0: none)
      --label LABEL        the live partition's label (default LIVE)
      --size SIZE          create (or grow) the target image file at this size
      --yes                erase the target without asking (needed when stdin is no terminal)
      --unmount            unmount the target's mounted filesystems first (after the question;
                           --yes does not imply it). Without it a mounted target is refused.
      --dry-run            print the plan; create and change nothing
      --checksum SUM|FILE  check the ISO first against this SHA-256/SHA-512 digest or checksum
                           file (default: a CHECKSUM/SHA256SUMS/NAME.sha256 file beside the ISO)
      --no-checksum        do not look for a checksum file beside the ISO
      --no-verify          skip the verify phase (reading every written byte back, fsck)
      --json               NDJSON events on stdout, ending with one result or error event
                           (with --dry-run: one {"ok":…} document)
      --target may be repeated: the sticks are written ONE AFTER THE OTHER (each checked
                           first, one question for all); events carry "target", one result
                           event lists every stick's outcome; exit status 0 only if all worked.
      Ctrl-C (SIGINT) or SIGTERM cancels at the next safe point (exit status 130).
  write --raw --image <file> --target <disk|image file> [--target …] [--size SIZE]
        [--no-verify] [--unmount] [--dry-run] [--yes] [--json]
                           Write any image byte for byte (hybrid ISO, .img, FreeBSD memstick),
                           also .gz .xz .zst .bz2 .zip, streamed without a temporary copy (the
                           compression is told by magic bytes). Several --target: one read of
                           the image fanned out to all sticks AT ONCE; a stick that fails is
                           dropped with its own error and the others finish. Read back and
                           compared afterwards (--no-verify skips it). A target too small is
                           refused first when the image's size is known (plain, xz, zip) and
                           fails on its own (TARGET_TOO_SMALL) when it is not (gz, zst, bz2).
                           --json: events carry "target"; one result lists every target;
                           exit status 0 only if every target was written and verified.
  usage <disk|image file> [--json]
                           How full a written stick's persistence is, read offline without
                           mounting: per live image the overlay (in the figures dmsetup status
                           prints), home.img, the stick's free space; warnings at 80 % and 95 %.
  reset-overlay <disk|image file> [--dir DIR] [--yes] [--json]
                           Discard the system changes of a live image (its overlay starts
                           fresh, as after writing); home.img is kept. Asks unless --yes.
  grow <disk|image file> --overlay SIZE [--dir DIR] [--yes] [--json]
                           Grow a dm-snapshot overlay into the stick's free space (ext4
                           sticks); every change is kept. Asks unless --yes.
  add --iso <iso> --target <disk|image file> [--dir DIR] [--overlay SIZE] [--home SIZE]
      [--name TITLE] [--yes] [--json]
                           Add another live image to a written stick (ext4 or vfat), in its
                           own directory (random 4 characters unless --dir) with its own overlay
                           (default 2G) and home (default none); the boot menus list every
                           image. Nothing of the other images is touched. Asks unless --yes.
  list <disk|image file> [--json]
                           The live images on a stick, the default first: directory, name,
                           root image, overlay and home sizes, the stick's free space.
  remove <disk|image file> <dir> [--yes] [--json]
                           Remove one image (its overlay and home too) from a stick with
                           several; the menus are regenerated. Asks unless --yes.
  next-boot <disk|image file> <dir> [--json]
                           Start that image at the next boot only (grubenv next_entry).
  restore <disk|image file> [--fs fat32|exfat] [--label LABEL] [--yes] [--json]
                           Turn any stick back into a plain drive: old partition tables and
                           signatures wiped, one partition over the whole disk, FAT32 (the
                           default up to 32 GiB) or exFAT (above), label STICK unless given,
                           checked by fsck. Asks unless --yes.

Options for every verb:
  --json                   Machine-readable output on stdout (errors too: {"ok":false,"error":…}).
  -h, --help               This text.   -V, --version   The version.

Exit status: 0 ok, 2 bad command line, 3 bad source image, 4 target problem,
5 write failed, 6 verify failed, 70 internal error, 130 cancelled.
`;
