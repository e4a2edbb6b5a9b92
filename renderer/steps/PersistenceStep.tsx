import { useMemo } from 'react';
import { useAppStore } from '../store';
import { useCurrentPlan, usePassphraseProblem } from '../store/selectors';
import { needsOverlayFs, sizeBounds } from '../lib/planning';
import { FilesystemChoice } from '../components/FilesystemChoice';
import { SizeSlider } from '../components/SizeSlider';
import { SpaceBar } from '../components/SpaceBar';
import { PlanProblems } from '../components/PlanProblems';
import { StepFrame } from '../components/StepFrame';

/** Step 3: how much survives a reboot, on which filesystem. Every change is planned at once. */
export function PersistenceStep() {
  const s = useAppStore();
  const { report, selectedDrive: drive, choices, goTo } = s;
  const result = useCurrentPlan();
  const passphraseProblem = usePassphraseProblem();
  const bounds = useMemo(
    () => (report && drive ? sizeBounds(report, drive.size, choices) : { maxOverlay: 0, maxHome: 0 }),
    [report, drive, choices],
  );
  if (!report || !drive) return null;
  const forcedOverlayFs = needsOverlayFs(report);
  const overlayFs = choices.overlaySize > 0 && (forcedOverlayFs || choices.overlayFs);
  const ok = result?.ok === true && passphraseProblem === null;

  return (
    <StepFrame
      id="persistence-step"
      title="Persistence"
      lead="What the stick keeps from one boot to the next, and where."
      back={{ label: 'Back', onClick: () => goTo('drive') }}
      next={{ label: 'Next', onClick: () => goTo('review'), disabled: !ok }}
      status={result && !result.ok ? 'Fix the problems above to continue' : passphraseProblem ? 'Set the passphrase to continue' : undefined}
    >
      <FilesystemChoice value={choices.fs} onChange={s.setFs} />
      <div className="sizes">
        <SizeSlider
          id="overlay"
          label="System changes (overlay)"
          description="Installed programs and settings. When full, changes stop being saved."
          value={choices.overlaySize}
          max={bounds.maxOverlay}
          offText="Off: changes are lost at power-off"
          onChange={s.setOverlaySize}
        />
        <SizeSlider
          id="home"
          label="Home folder"
          description="Your files in /home, kept apart from the system (LiveOS/home.img)."
          value={choices.homeSize}
          max={bounds.maxHome}
          offText="Off: no separate home"
          onChange={s.setHomeSize}
        />
      </div>
      {result?.ok && <SpaceBar plan={result.plan} />}
      {result && !result.ok && <PlanProblems problems={result.problems} />}
      <div className="toggles">
        <div className="toggle">
          <label className="check">
            <input
              type="checkbox"
              checked={overlayFs}
              disabled={forcedOverlayFs || choices.overlaySize === 0}
              onChange={(e) => s.setOverlayFs(e.target.checked)}
              aria-describedby="overlayfs-why"
            />
            <span>Use OverlayFS for the overlay</span>
          </label>
          <p className="check-help" id="overlayfs-why">
            {forcedOverlayFs
              ? 'Chosen for you: this image holds its root filesystem directly (flat), which dracut can only overlay with OverlayFS.'
              : 'Off: a fixed-size snapshot file, as livecd-iso-to-disk makes. On: changes are kept as plain files.'}
          </p>
        </div>
        <div className="toggle">
          <label className="check">
            <input
              type="checkbox"
              checked={choices.encryptHome && choices.homeSize > 0}
              disabled={choices.homeSize === 0}
              onChange={(e) => s.setEncryptHome(e.target.checked)}
              aria-describedby="encrypt-why"
            />
            <span>Encrypt the home folder</span>
          </label>
          <p className="check-help" id="encrypt-why">
            LUKS2, asked for at boot. Without the passphrase nobody can read your files, you included.
          </p>
        </div>
        {choices.encryptHome && choices.homeSize > 0 && (
          <div className="passphrase">
            <label>
              <span>Passphrase</span>
              <input type="password" autoComplete="new-password" value={s.passphrase} onChange={(e) => s.setPassphrase(e.target.value, s.passphraseConfirm)} />
            </label>
            <label>
              <span>Repeat passphrase</span>
              <input type="password" autoComplete="new-password" value={s.passphraseConfirm} onChange={(e) => s.setPassphrase(s.passphrase, e.target.value)} />
            </label>
            {passphraseProblem && (
              <p className="field-problem" role="status">
                {passphraseProblem}
              </p>
            )}
          </div>
        )}
      </div>
    </StepFrame>
  );
}
