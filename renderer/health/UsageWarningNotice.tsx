import type { UsageWarning } from '../../shared/usage/usageReport';

const SUBJECT: Readonly<Record<UsageWarning['subject'], string>> = {
  overlay: 'Overlay',
  home: 'Home',
  'live-filesystem': 'Stick',
};

/** A warning from the report, as `stickwright usage` prints it: what is wrong and what to do. */
export function UsageWarningNotice({ warning }: { readonly warning: UsageWarning }) {
  const critical = warning.severity === 'critical';
  return (
    <div className={`notice usage-warning ${critical ? 'critical' : 'warning'}`} role={critical ? 'alert' : 'status'}>
      <div className="notice-head">
        <p className="usage-warning-message">
          <span className="usage-warning-severity">{critical ? 'Critical' : 'Warning'}</span>
          <span className="visually-hidden">: </span>
          {warning.message}
        </p>
        <span className="usage-warning-subject">
          {SUBJECT[warning.subject]}
          {warning.threshold !== null ? ` · ${warning.threshold}%` : ''}
        </span>
      </div>
      <p className="usage-warning-action">
        <span className="hint-label">What to do: </span>
        {warning.action}
      </p>
    </div>
  );
}
