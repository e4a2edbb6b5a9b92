import { useEffect, useRef, type FormEvent } from 'react';
import type { StickImageList } from '../../shared/contract/multiImage';
import { ERROR_CATALOG } from '../../shared/errors';
import { ErrorNotice } from '../components/ErrorNotice';
import { UsageBar } from '../health/UsageBar';
import { freeSpaceBar, liveFilesystemSummary } from '../health/usageWords';
import { formatDriveSize } from '../lib/format';
import { useAppStore } from '../store';
import { cannotAddReason, stickRoom } from './addPlanning';
import { ImageCard } from './ImageCard';

/** "Images on a stick": choose a written stick, see its live images (names, sizes, how full their
 *  overlays and homes are) and the room left; add one, or remove one after a confirmation. */
export function StickImagesPage() {
  const heading = useRef<HTMLHeadingElement>(null);
  const appInfo = useAppStore((s) => s.appInfo);
  const drives = useAppStore((s) => s.multiDrives);
  const drivesLoaded = useAppStore((s) => s.multiDrivesLoaded);
  const drivesError = useAppStore((s) => s.multiDrivesError);
  const device = useAppStore((s) => s.multiDevice);
  const loading = useAppStore((s) => s.imagesLoading);
  const list = useAppStore((s) => s.imageList);
  const error = useAppStore((s) => s.imageListError);
  const listDrive = useAppStore((s) => s.imageListDrive);
  const removing = useAppStore((s) => s.removing);
  const outcome = useAppStore((s) => s.removeOutcome);
  const refresh = useAppStore((s) => s.refreshMultiDrives);
  const choose = useAppStore((s) => s.chooseMultiDrive);
  const listImages = useAppStore((s) => s.listImages);
  const remove = useAppStore((s) => s.removeImage);
  const beginAdd = useAppStore((s) => s.beginAdd);
  const close = useAppStore((s) => s.closeMulti);

  // Whoever arrives here (header button, Done step, back from an add) lands on the title.
  useEffect(() => heading.current?.focus(), []);

  const unavailable = appInfo !== null && !appInfo.capabilities.multiImage;
  const shown = listDrive?.device === device ? list : null;
  const shownError = listDrive?.device === device ? error : null;
  const chosen = drives.find((d) => d.device === device) ?? null;
  const busy = removing !== null || loading;
  const refused = shown ? cannotAddReason(stickRoom(shown)) : null;
  // Beside the Add button: how many images, or why none can be added (yet).
  const status = refused
    ? ERROR_CATALOG[refused.code].summary
    : shown && listDrive
      ? `${shown.images.length} ${shown.images.length === 1 ? 'image' : 'images'} on ${listDrive.device}`
      : chosen
        ? 'Read the stick to add an image'
        : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void listImages();
  };

  return (
    <section className="step multi-view" aria-labelledby="multi-title">
      <div className="step-body">
        <h2 id="multi-title" ref={heading} tabIndex={-1}>
          Images on a stick
        </h2>
        <p className="lead">A stick written by Stickwright can start several live images, each with its own overlay and home; one boot menu lists them all. Adding or removing one leaves the others as they are.</p>

        {unavailable && (
          <p className="notice warning-notice" role="note">
            Several images on one stick are not available on {appInfo.platform} yet; on the command line, <code>stickwright add</code> works on Linux.
          </p>
        )}

        <form className="health-picker" onSubmit={submit} aria-label="Choose a stick">
          <label className="health-picker-label" htmlFor="multi-drive">
            Stick
          </label>
          <select id="multi-drive" className="health-select" value={device ?? ''} onChange={(e) => choose(e.target.value || null)} disabled={drives.length === 0 || busy}>
            {(device === null || !chosen) && <option value="">{drives.length === 0 ? (drivesLoaded ? 'No sticks found' : 'Looking for sticks…') : 'Choose a stick…'}</option>}
            {drives.map((d) => (
              <option key={d.device} value={d.device}>
                {d.device} — {formatDriveSize(d.size)}, {d.description}
              </option>
            ))}
          </select>
          <button type="button" className="button secondary" onClick={() => void refresh()} disabled={busy}>
            Refresh
          </button>
          <button type="submit" className="button primary" disabled={!chosen || busy || unavailable}>
            {loading ? 'Reading…' : shown ? 'Read again' : 'Show images'}
          </button>
        </form>
        {drivesLoaded && drives.length === 0 && !drivesError && <p className="muted health-empty">Plug in a stick written by Stickwright (ext4 or FAT), then press Refresh. System disks are never listed.</p>}
        {drivesError && <ErrorNotice error={drivesError} title="The drives could not be listed" />}

        <div className="health-result" aria-busy={loading}>
          {loading && (
            <p className="inspecting" role="status">
              <span className="spinner" aria-hidden="true" /> Reading {device}… (metadata only; nothing is written)
            </p>
          )}
          {!loading && shownError && <ErrorNotice error={shownError} title={`${listDrive?.device ?? 'The stick'} could not be read`} />}
          {outcome?.ok === true && (
            <p className="notice action-done" role="status">
              {outcome.message}
            </p>
          )}
          {outcome?.ok === false && <ErrorNotice error={outcome.error} title={`/${outcome.dir} was not removed`} />}
          {!loading && shown && listDrive && (
            <StickImages list={shown} device={listDrive.device} busy={busy} removingDir={removing?.dir ?? null} onRemove={(dir) => void remove(dir)} refusedMessage={refused?.message ?? null} />
          )}
          {!loading && !shown && !shownError && chosen && <p className="muted health-empty">Press Show images to read {chosen.device}.</p>}
        </div>
      </div>
      <div className="step-actions">
        <button type="button" className="button secondary" onClick={close} disabled={busy}>
          Back to writing
        </button>
        <div className="step-status" aria-live="polite">
          {status}
        </div>
        <button type="button" className="button primary" onClick={beginAdd} disabled={!shown || busy || refused !== null || unavailable}>
          Add an image…
        </button>
      </div>
    </section>
  );
}

function StickImages(props: { readonly list: StickImageList; readonly device: string; readonly busy: boolean; readonly removingDir: string | null; readonly onRemove: (dir: string) => void; readonly refusedMessage: string | null }) {
  const { list, device, busy, removingDir, onRemove, refusedMessage } = props;
  const { report } = list;
  return (
    <div className="health-report">
      <section className="health-card stick-card" aria-labelledby="multi-stick-title">
        <div className="health-section-head">
          <h3 id="multi-stick-title">The stick</h3>
          <span className="muted small">
            {list.images.length} live {list.images.length === 1 ? 'image' : 'images'}
          </span>
        </div>
        <dl className="facts health-facts">
          <dt>Path</dt>
          <dd className="mono small">{report.stick.path}</dd>
          <dt>Live filesystem</dt>
          <dd>{liveFilesystemSummary(report)}</dd>
        </dl>
        <UsageBar id="multi-free" label="Free space on the stick" figures={freeSpaceBar(report)} kind="stick" />
        {refusedMessage && (
          <p className="notice warning-notice" role="note">
            {refusedMessage}
          </p>
        )}
      </section>
      {list.images.map((entry, index) => (
        <ImageCard
          key={entry.dir}
          entry={entry}
          usage={report.images.find((u) => u.dir === entry.dir)}
          index={index}
          device={device}
          busy={busy}
          removing={removingDir === entry.dir}
          onRemove={onRemove}
        />
      ))}
    </div>
  );
}
