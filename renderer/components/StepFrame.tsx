import { useEffect, useRef, type ReactNode } from 'react';

export interface StepAction {
  readonly label: string;
  readonly onClick: () => void;
  readonly disabled?: boolean;
  /** "danger" for the button that erases a drive. */
  readonly tone?: 'primary' | 'danger' | 'secondary';
}

let firstStepShown = false;

/** One wizard step: title, a line saying what to do, the content, and Back / Next at the bottom. */
export function StepFrame(props: {
  readonly id: string;
  readonly title: string;
  readonly lead?: ReactNode;
  readonly children: ReactNode;
  readonly back?: StepAction;
  readonly next?: StepAction;
  /** Shown beside the buttons: why Next is disabled, or what happens next. */
  readonly status?: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Keyboard and screen-reader users land on the new step's title (not on the first load).
  useEffect(() => {
    if (firstStepShown) heading.current?.focus();
    firstStepShown = true;
  }, []);
  const { id, title, lead, children, back, next, status } = props;
  return (
    <section className="step" aria-labelledby={`${id}-title`}>
      <div className="step-body">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          {title}
        </h2>
        {lead && <p className="lead">{lead}</p>}
        {children}
      </div>
      {(back || next || status) && (
        <div className="step-actions">
          {back ? (
            <button type="button" className="button secondary" onClick={back.onClick} disabled={back.disabled}>
              {back.label}
            </button>
          ) : (
            <span />
          )}
          <div className="step-status" aria-live="polite">
            {status}
          </div>
          {next && (
            <button type="button" className={`button ${next.tone ?? 'primary'}`} onClick={next.onClick} disabled={next.disabled}>
              {next.label}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
