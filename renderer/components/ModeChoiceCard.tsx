import type { ModeChoice } from '../lib/writeMode';
import '../restore/restore.css';

/** How the image will be written: the mode picked from it and why, and — for a live image — the
 *  plain choice to write it as is instead (no persistence). */
export function ModeChoiceCard(props: { readonly choice: ModeChoice; readonly rawChosen: boolean; readonly onChange: (raw: boolean) => void }) {
  const { choice, rawChosen, onChange } = props;
  if (!choice.canPersist) {
    return (
      <section className="notice mode-card" aria-label="How it will be written">
        <p className="mode-title">Write as is (byte for byte)</p>
        <p className="mode-reason">{choice.reason}</p>
        <p className="muted">Every byte of the image goes onto the stick unchanged, then is read back and compared. There is no persistence.</p>
      </section>
    );
  }
  return (
    <fieldset className="mode-card mode-options" aria-label="How it will be written">
      <legend className="mode-title">How it will be written</legend>
      <label className="radio-option">
        <input type="radio" name="write-mode" checked={!rawChosen} onChange={() => onChange(false)} />
        <span>
          <strong>With persistence</strong> <span className="muted">(recommended)</span>
          <span className="option-hint">{choice.reason}</span>
        </span>
      </label>
      <label className="radio-option">
        <input type="radio" name="write-mode" checked={rawChosen} onChange={() => onChange(true)} />
        <span>
          <strong>Write as is, without persistence</strong>
          <span className="option-hint">The image copied byte for byte, as other writers do; nothing is kept between boots.</span>
        </span>
      </label>
    </fieldset>
  );
}
