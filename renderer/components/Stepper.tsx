import { useAppStore } from '../store';
import { STEPS, STEP_TITLES, type StepId } from '../store/wizardSlice';
import { useWriteMode } from '../store/selectors';

/** Where you are: the six steps (five in raw mode), the current one marked; earlier steps can be revisited until a write starts. */
export function Stepper() {
  const step = useAppStore((s) => s.step);
  const goTo = useAppStore((s) => s.goTo);
  const writeStatus = useAppStore((s) => s.writeStatus);
  // Raw mode has no persistence to choose: that step is not there.
  const { mode } = useWriteMode();
  const steps: readonly StepId[] = mode === 'raw' ? STEPS.filter((id) => id !== 'persistence') : STEPS;
  const current = steps.indexOf(step);
  const locked = step === 'write' || step === 'done' || writeStatus === 'starting' || writeStatus === 'running';
  return (
    <nav aria-label="Progress through the steps" className="stepper">
      <ol>
        {steps.map((id: StepId, index) => {
          const state = index < current ? 'past' : index === current ? 'current' : 'future';
          const label = (
            <>
              <span className="stepper-dot" aria-hidden="true">
                {state === 'past' ? '✓' : index + 1}
              </span>
              <span className="stepper-label">{STEP_TITLES[id]}</span>
            </>
          );
          return (
            <li key={id} className={`stepper-item ${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              {state === 'past' && !locked ? (
                <button type="button" className="stepper-link" onClick={() => goTo(id)} aria-label={`Back to ${STEP_TITLES[id]} (done)`}>
                  {label}
                </button>
              ) : (
                <span className="stepper-link" aria-label={state === 'past' ? `${STEP_TITLES[id]} (done)` : undefined}>
                  {label}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
