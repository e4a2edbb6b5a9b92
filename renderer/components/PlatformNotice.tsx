import { useAppStore } from '../store';

/** Says plainly what this OS build can do today. */
export function PlatformNotice() {
  const info = useAppStore((s) => s.appInfo);
  if (!info) return null;
  const { capabilities: c } = info;
  const can = [c.inspect && 'inspect images', c.write && 'write sticks', c.usage && 'show overlay usage', c.multiImage && 'multi-image sticks', c.rawWrite && 'write images as is', c.restore && 'restore sticks'].filter(Boolean);
  const cannot = [!c.write && 'writing sticks', !c.usage && 'the overlay usage viewer', !c.multiImage && 'multi-image sticks', !c.rawWrite && 'writing images as is', !c.restore && 'restoring sticks'].filter(Boolean);
  return (
    <p className="platform-notice" role="note">
      Stickwright {info.version} on {info.platform}: can {can.join(', ')}.
      {cannot.length > 0 && ` Not available yet: ${cannot.join(', ')}.`}
    </p>
  );
}
