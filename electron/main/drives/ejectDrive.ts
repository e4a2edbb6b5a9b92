// "Safely eject": flush and power the drive off so it can be pulled. udisks does this for the
// user without root (udisksctl power-off); loop devices and image files only need their data on
// disk, which the worker's flush phase already did.
import { execa } from 'execa';

export async function ejectDrive(device: string): Promise<{ ejected: boolean; message: string }> {
  if (!device.startsWith('/dev/') || /^\/dev\/loop\d+$/.test(device)) {
    return { ejected: true, message: `${device} is a virtual stick: everything was flushed to it, nothing to power off` };
  }
  if (process.platform !== 'linux') {
    return { ejected: false, message: 'Use your system\'s "Eject" to remove the stick safely.' };
  }
  const result = await execa('udisksctl', ['power-off', '--block-device', device], { reject: false, timeout: 30_000 });
  if (result.exitCode === 0) return { ejected: true, message: `${device} was powered off; you can unplug it` };
  const reason = (result.stderr || result.shortMessage || 'udisksctl failed').split('\n')[0] ?? '';
  return { ejected: false, message: `${device} could not be powered off (${reason}); it is flushed, unplug it after its light stops blinking` };
}
