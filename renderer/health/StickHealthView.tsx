import { useEffect, useRef, type FormEvent } from 'react';
import { useAppStore } from '../store';
import type { UsageReport } from '../../shared/usage/usageReport';
import { formatBytes } from '../../shared/units';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatDriveSize } from '../lib/format';
import { ImageUsageCard } from './ImageUsageCard';
import { UsageBar } from './UsageBar';
import { UsageWarningNotice } from './UsageWarningNotice';
import { freeSpaceBar, liveFilesystemSummary, stickSummary } from './usageWords';
import './health.css';

/** "Stick health": choose a stick, check it, and see for each live image how full its overlay and
 *  home are, in the same figures `stickwright usage` prints, with the warnings and what to do. */
export function StickHealthView() {
  const heading = useRef<HTMLHeadingElement>(null);
  const appInfo = useAppStore((s) => s.appInfo);
  const drives = useAppStore((s) => s.healthDrives);
  const drivesLoaded = useAppStore((s) => s.healthDrivesLoaded);
  const drivesError = useAppStore((s) => s.healthDrivesError);
  const device = useAppStore((s) => s.healthDevice);
  const loading = useAppStore((s) => s.usageLoading);
  const report = useAppStore((s) => s.usageReport);
  const error = useAppStore((s) => s.usageError);
  const reportDevice = useAppStore((s) => s.usageDevice);
  const refresh = useAppStore((s) => s.refreshHealthDrives);
  const choose = useAppStore((s) => s.chooseHealthDrive);
  const check = useAppStore((s) => s.checkUsage);
  const close = useAppStore((s) => s.closeHealth);
  const maintaining = useAppStore((s) => s.maintaining);

  // Whoever arrives here (header button, Done step, keyboard) lands on the title.
  useEffect(() => heading.current?.focus(), []);

  const unavailable = appInfo !== null && !appInfo.capabilities.usage;
  const shownReport = reportDevice === device ? report : null;
  const shownError = reportDevice === device ? error : null;
  const chosen = drives.find((d) => d.device === device) ?? null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void check();
  };

  return (
    <section className="step health-view" aria-labelledby="health-title">
      <div className="step-body">
        <h2 id="health-title" ref={heading} tabIndex={-1}>
          Stick health
        </h2>
        <p className="lead">How full each live image’s overlay and home are, read from the stick without mounting it or changing it. For sticks made by Stickwright and by <span className="nowrap">livecd-iso-to-disk</span>.</p>

        {unavailable && (
          <p className="notice warning-notice" role="note">
            Reading sticks is not available on {appInfo.platform} yet; on the command line, <code>stickwright usage</code> works on Linux.
          </p>
        )}

        <form className="health-picker" onSubmit={submit} aria-label="Choose a stick to check">
          <label className="health-picker-label" htmlFor="health-drive">
            Stick
          </label>
          <select id="health-drive" className="health-select" value={device ?? ''} onChange={(e) => choose(e.target.value || null)} disabled={drives.length === 0 || maintaining !== null}>
            {(device === null || !chosen) && <option value="">{drives.length === 0 ? (drivesLoaded ? 'No sticks found' : 'Looking for sticks…') : 'Choose a stick…'}</option>}
            {drives.map((d) => (
              <option key={d.device} value={d.device}>
                {d.device} — {formatDriveSize(d.size)}, {d.description}
              </option>
            ))}
          </select>
          <button type="button" className="button secondary" onClick={() => void refresh()} disabled={maintaining !== null}>
            Refresh
          </button>
          <button type="submit" className="button primary" disabled={!chosen || loading || unavailable || maintaining !== null}>
            {loading ? 'Checking…' : shownReport ? 'Check again' : 'Check'}
          </button>
        </form>
        {drivesLoaded && drives.length === 0 && !drivesError && <p className="muted health-empty">Plug in a stick written by Stickwright or livecd-iso-to-disk, then press Refresh. System disks are never listed.</p>}
        {drivesError && <ErrorNotice error={drivesError} title="The drives could not be listed" />}

        <div className="health-result" aria-busy={loading}>
          {loading && (
            <p className="inspecting" role="status">
              <span className="spinner" aria-hidden="true" /> Reading {device}… (metadata only; nothing is written)
            </p>
          )}
          {!loading && shownError && <ErrorNotice error={shownError} title={`${reportDevice ?? 'The stick'} could not be checked`} />}
          {!loading && shownReport && <HealthReport report={shownReport} />}
          {!loading && !shownReport && !shownError && chosen && <p className="muted health-empty">Press Check to read {chosen.device}.</p>}
        </div>
      </div>
      <div className="step-actions">
        <button type="button" className="button secondary" onClick={close} disabled={maintaining !== null}>
          Back to writing
        </button>
        <div className="step-status" aria-live="polite">
          {!loading && shownReport && `Read ${formatBytes(shownReport.stats.bytesRead)} of metadata in ${Math.round(shownReport.stats.elapsedMs)} ms.`}
        </div>
        <span />
      </div>
    </section>
  );
}

function HealthReport({ report }: { readonly report: UsageReport }) {
  const critical = report.warnings.filter((w) => w.severity === 'critical').length;
  const warnings = report.warnings.length - critical;
  const stickWarnings = report.warnings.filter((w) => w.subject === 'live-filesystem' || w.dir === null);
  const tone = critical > 0 ? 'critical' : warnings > 0 ? 'warning' : 'ok';
  const images = `${report.images.length} live ${report.images.length === 1 ? 'image' : 'images'}`;
  const verdict =
    critical > 0
      ? `Needs attention now: ${critical} critical ${critical === 1 ? 'problem' : 'problems'}${warnings > 0 ? ` and ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : ''}.`
      : warnings > 0
        ? `Getting full: ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}.`
        : 'Healthy: nothing is near full.';
  return (
    <div className="health-report">
      <p className={`health-verdict tone-${tone}`} role="status">
        <span className="verdict-icon" aria-hidden="true" />
        <span>
          <strong>{verdict}</strong> <span className="muted">{images} on this stick.</span>
        </span>
      </p>

      <section className="health-card stick-card" aria-labelledby="stick-card-title">
        <div className="health-section-head">
          <h3 id="stick-card-title">The stick</h3>
          <span className="muted small">{stickSummary(report)}</span>
        </div>
        <dl className="facts health-facts">
          <dt>Path</dt>
          <dd className="mono small">{report.stick.path}</dd>
          <dt>Read</dt>
          <dd>{report.source === 'live' ? 'On the system running from this stick: the overlay figures are the kernel’s own (dmsetup status), free space as statfs says' : 'Offline, from the stick itself (nothing mounted or changed)'}</dd>
          <dt>Live filesystem</dt>
          <dd>
            {liveFilesystemSummary(report)}
            {report.live.uuid && <span className="muted small mono"> UUID {report.live.uuid}</span>}
          </dd>
        </dl>
        <UsageBar id="stick-free" label="Free space on the stick" figures={freeSpaceBar(report)} kind="stick" />
        {stickWarnings.map((warning, i) => (
          <UsageWarningNotice key={i} warning={warning} />
        ))}
      </section>

      {report.images.map((image, i) => (
        <ImageUsageCard key={image.dir} report={report} image={image} index={i} />
      ))}

      {report.notes.length > 0 && (
        <section className="health-card health-notes" aria-labelledby="health-notes-title">
          <h3 id="health-notes-title">Notes</h3>
          <ul className="plain-list">
            {report.notes.map((note, i) => (
              <li key={i}>{note}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
