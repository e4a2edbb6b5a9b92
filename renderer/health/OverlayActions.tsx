import { useState } from 'react';
import type { ImageUsage, UsageReport } from '../../shared/usage/usageReport';
import { formatBytes } from '../../shared/units';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAppStore } from '../store';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { canResetOffline, growAdvice, growBounds, growCommand, resetCommand } from './usageWords';

const MiB = 1024 * 1024;

/** Reset and grow for one image, run by the worker after a confirmation; the same as the CLI's
 *  `reset-overlay` and `grow`, whose commands are shown too. */
export function OverlayActions({ id, report, image }: { readonly id: string; readonly report: UsageReport; readonly image: ImageUsage }) {
  const overlay = image.overlay;
  const maintaining = useAppStore((s) => s.maintaining);
  const outcome = useAppStore((s) => s.maintainOutcome);
  const loading = useAppStore((s) => s.usageLoading);
  const reset = useAppStore((s) => s.resetOverlay);
  const grow = useAppStore((s) => s.growOverlay);
  const [confirm, setConfirm] = useState<'reset' | 'grow' | null>(null);
  const bounds = overlay?.kind === 'dm-snapshot' ? growBounds(overlay.fileBytes, report.live.freeBytes) : null;
  const [sizeText, setSizeText] = useState(bounds ? String(bounds.suggestedMiB) : '');
  if (!overlay) return null;

  const busy = maintaining !== null || loading;
  const mine = maintaining?.dir === image.dir ? maintaining : null;
  const result = outcome?.dir === image.dir ? outcome : null;
  const resettable = canResetOffline(overlay);
  const fresh = overlay.state === 'fresh';
  const advice = growAdvice(report, image.dir, overlay);
  const growable = advice.command !== null && bounds !== null;
  const sizeMiB = Number(sizeText);
  const sizeOk = growable && Number.isInteger(sizeMiB) && sizeMiB >= bounds.minMiB && sizeMiB <= bounds.maxMiB;
  const currentSize = 'fileBytes' in overlay ? formatBytes(overlay.fileBytes) : null;

  return (
    <section className="health-section health-actions" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>Actions</h4>
      {mine && (
        <p className="inspecting" role="status">
          <span className="spinner" aria-hidden="true" /> {mine.kind === 'reset' ? 'Resetting' : 'Growing'} the overlay of /{image.dir}… (the worker is changing the stick; do not unplug it)
        </p>
      )}
      {result?.ok === true && (
        <p className="notice action-done" role="status">
          {result.message}
        </p>
      )}
      {result?.ok === false && <ErrorNotice error={result.error} title={`The overlay of /${image.dir} could not be ${result.kind === 'reset' ? 'reset' : 'grown'}`} />}

      <div className="action">
        <div className="action-text">
          <p className="action-name">Reset the overlay</p>
          {resettable ? (
            <p className="muted small">
              {fresh ? 'Nothing to reset: it holds no changes yet. ' : ''}Discards every change the live system made (installed software, settings, files outside /home); home.img is kept.
            </p>
          ) : (
            <p className="muted small">
              This overlay cannot be reset offline. Boot the stick once with <code>rd.live.overlay.reset</code> added to the kernel command line (press e in the boot menu).
            </p>
          )}
        </div>
        {resettable && (
          <button type="button" className="button danger-outline" disabled={busy || fresh} onClick={() => setConfirm('reset')}>
            Reset overlay…
          </button>
        )}
        {resettable && <CommandLine command={resetCommand(report, image.dir)} />}
      </div>

      <div className="action">
        <div className="action-text">
          <p className="action-name">Make the overlay bigger</p>
          <p className="muted small">{advice.text}</p>
        </div>
        {growable && (
          <form
            className="grow-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (sizeOk && !busy) setConfirm('grow');
            }}
          >
            <label className="grow-size">
              <span>New size</span>
              <input
                type="number"
                inputMode="numeric"
                min={bounds.minMiB}
                max={bounds.maxMiB}
                step={1}
                value={sizeText}
                onChange={(e) => setSizeText(e.target.value)}
                aria-describedby={`${id}-grow-range`}
                disabled={busy}
              />
              <span className="unit">MiB</span>
            </label>
            <button type="submit" className="button secondary" disabled={busy || !sizeOk}>
              Grow…
            </button>
            <span id={`${id}-grow-range`} className={`grow-range small ${sizeOk || sizeText === '' ? 'muted' : 'warn-text'}`}>
              {bounds.minMiB}–{bounds.maxMiB} MiB; now {currentSize}
            </span>
          </form>
        )}
        {growable && <CommandLine command={growCommand(report, image.dir, sizeOk ? sizeMiB : bounds.suggestedMiB)} />}
      </div>

      {confirm === 'reset' && (
        <ConfirmDialog
          id={`${id}-confirm-reset`}
          className="health-dialog"
          textClassName="health-dialog-text"
          title={`Reset the overlay of /${image.dir}?`}
          confirmLabel="Reset overlay"
          cancelLabel="Keep my changes"
          tone="danger"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void reset(image.dir);
          }}
        >
          <p>
            Every change the live system of /{image.dir} made — installed software, settings, files outside /home — is lost. {image.home ? 'Its home.img is kept.' : 'It has no home.img: files in /home are lost too.'}
          </p>
          <p className="mono small">{report.stick.path}</p>
        </ConfirmDialog>
      )}
      {confirm === 'grow' && growable && (
        <ConfirmDialog
          id={`${id}-confirm-grow`}
          className="health-dialog"
          textClassName="health-dialog-text"
          title={`Grow the overlay of /${image.dir} to ${formatBytes(sizeMiB * MiB)}?`}
          confirmLabel="Grow overlay"
          cancelLabel="Cancel"
          tone="primary"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void grow(image.dir, sizeMiB * MiB);
          }}
        >
          <p>
            From {currentSize} to {formatBytes(sizeMiB * MiB)}. Nothing is lost; the stick’s free space shrinks by the difference. Do not unplug the stick until it is done.
          </p>
          <p className="mono small">{report.stick.path}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function CommandLine({ command }: { readonly command: string }) {
  return (
    <details className="command-line">
      <summary>On the command line</summary>
      <code className="command" aria-label={`Command: ${command}`}>
        {command}
      </code>
    </details>
  );
}
