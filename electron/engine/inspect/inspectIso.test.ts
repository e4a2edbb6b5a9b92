import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoReport } from '../../../shared/contract/isoReport';
import { StickwrightError } from '../../../shared/errors';
import { BufferByteSource } from '../io/bufferByteSource';
import { buildImage, ce, directoryBytes, directoryRecord, er, nm, px, SECTOR, sp, terminator, volumeDescriptor } from '../iso/testing/testIsoImage';
import { inspectByteSource } from './inspectIso';

/** A small Rock Ridge image with a config, a multi-extent file and a subdirectory. */
function sampleImage(): Buffer {
  const grub = Buffer.from("menuentry 'Live' {\n linux /live/vmlinuz boot=live quiet\n initrd /live/initrd.img\n}\n");
  const root = directoryBytes([
    directoryRecord({ name: '\0', lba: 20, size: SECTOR, flags: 2, systemUse: Buffer.concat([sp(), px(0o040755), ce(24, 0, er().length)]) }),
    directoryRecord({ name: '\x01', lba: 20, size: SECTOR, flags: 2 }),
    directoryRecord({ name: 'LIVE', lba: 21, size: SECTOR, flags: 2, systemUse: nm('live') }),
    directoryRecord({ name: 'BOOT', lba: 22, size: SECTOR, flags: 2, systemUse: nm('boot') }),
  ]);
  const boot = directoryBytes([
    directoryRecord({ name: '\0', lba: 22, size: SECTOR, flags: 2 }),
    directoryRecord({ name: '\x01', lba: 20, size: SECTOR, flags: 2 }),
    directoryRecord({ name: 'GRUB', lba: 23, size: SECTOR, flags: 2, systemUse: nm('grub') }),
  ]);
  const grubDir = directoryBytes([
    directoryRecord({ name: '\0', lba: 23, size: SECTOR, flags: 2 }),
    directoryRecord({ name: '\x01', lba: 22, size: SECTOR, flags: 2 }),
    directoryRecord({ name: 'GRUB.CFG;1', lba: 30, size: grub.length, systemUse: nm('grub.cfg') }),
  ]);
  const live = directoryBytes([
    directoryRecord({ name: '\0', lba: 21, size: SECTOR, flags: 2 }),
    directoryRecord({ name: '\x01', lba: 20, size: SECTOR, flags: 2 }),
    directoryRecord({ name: 'VMLINUZ;1', lba: 31, size: SECTOR, flags: 0x80, systemUse: nm('vmlinuz') }),
    directoryRecord({ name: 'VMLINUZ;1', lba: 33, size: 100, systemUse: nm('vmlinuz') }),
    directoryRecord({ name: 'FILESYST.SQU;1', lba: 34, size: 4, systemUse: nm('filesystem.squashfs') }),
  ]);
  return buildImage(40, {
    16: volumeDescriptor({ label: 'SAMPLE', root: { lba: 20, size: SECTOR }, volumeSpaceSize: 40 }),
    17: terminator(),
    20: root,
    21: live,
    22: boot,
    23: grubDir,
    24: er(),
    30: grub,
    34: Buffer.from('hsqs'),
  });
}

describe('inspectByteSource', () => {
  it('describes a small image and validates against the report schema', async () => {
    const report = IsoReport.parse(await inspectByteSource(new BufferByteSource(sampleImage()), 'sample.iso'));
    expect(report.volume).toMatchObject({ label: 'SAMPLE', blockSize: 2048, size: 40 * SECTOR, created: '2024-01-01T11:00:00.000Z' });
    expect(report.extensions).toEqual({ joliet: false, rockRidge: true, elTorito: false });
    expect(report.files).toMatchObject({ count: 3, directories: 3, largest: { path: '/live/vmlinuz', size: 2148 } });
    expect(report.layout.family).toBe('debian-live');
    expect(report.layout.kernel).toEqual({ path: '/live/vmlinuz', size: 2148 });
    expect(report.layout.rootImage?.contents).toBe('unknown');
    expect(report.stats.bytesRead).toBeGreaterThan(0);
  });

  it('refuses an image shorter than its volume space size', async () => {
    await expect(inspectByteSource(new BufferByteSource(sampleImage().subarray(0, 25 * SECTOR)), 'cut.iso')).rejects.toMatchObject({
      code: 'SOURCE_TRUNCATED',
      data: { fileSize: 25 * SECTOR, expectedSize: 40 * SECTOR },
    });
  });

  it('never fails with anything but a coded error on damaged metadata', async () => {
    const base = sampleImage();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 16 * SECTOR, max: 35 * SECTOR - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 12 }),
        async (changes) => {
          const image = Buffer.from(base);
          for (const { at, value } of changes) image[at] = value;
          try {
            IsoReport.parse(await inspectByteSource(new BufferByteSource(image), 'fuzz.iso'));
          } catch (error) {
            expect(error).toBeInstanceOf(StickwrightError);
            expect((error as StickwrightError).code).not.toBe('INTERNAL');
          }
        },
      ),
      { numRuns: 400, seed: 1234 },
    );
  });
});
