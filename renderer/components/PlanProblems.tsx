import type { PlanProblem } from '../../shared/plan/stickPlan';
import { ERROR_CATALOG } from '../../shared/errors';

/** The planner's problems with the current choices, shown as they happen (a live region). */
export function PlanProblems({ problems, label = 'Problems with these choices' }: { readonly problems: readonly PlanProblem[]; readonly label?: string }) {
  return (
    <div className="plan-problems" aria-live="polite" aria-label={label}>
      {problems.map((p) => (
        <div key={`${p.code}:${p.message}`} className="notice warning-notice" role="group" aria-label={p.code}>
          <div className="notice-head">
            <p className="error-summary">{p.message}</p>
            <code className="error-code">{p.code}</code>
          </div>
          <p className="error-hint">
            <span className="hint-label">What to do: </span>
            {ERROR_CATALOG[p.code].hint}
          </p>
        </div>
      ))}
    </div>
  );
}
