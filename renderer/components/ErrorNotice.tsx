import type { ErrorPayload } from '../../shared/errors';
import { ERROR_CATALOG } from '../../shared/errors';

/** An engine error as a person reads it: what happened, the details, what to do, and its code.
 *  Never a stack trace: only the payload's catalogued summary, its detail and the hint. */
export function ErrorNotice({ error, title }: { readonly error: ErrorPayload; readonly title?: string }) {
  const info = ERROR_CATALOG[error.code];
  return (
    <div role="alert" className="notice error-notice">
      <div className="notice-head">
        <p className="error-summary">{title ?? info.summary}</p>
        <code className="error-code" aria-label={`Error code ${error.code}`}>
          {error.code}
        </code>
      </div>
      {title && <p className="error-message">{info.summary}</p>}
      {error.detail && <p className="error-detail">{capitalise(firstLine(error.detail))}</p>}
      <p className="error-hint">
        <span className="hint-label">What to do: </span>
        {info.hint}
      </p>
    </div>
  );
}

/** A detail is one sentence from the engine; keep only its first line in case a tool's output crept in. */
function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 600);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
