import type { ErrorPayload } from '../../shared/errors';
import { ERROR_CATALOG } from '../../shared/errors';

/** An engine error as a person reads it: what happened, what to do. Never a stack trace. */
export function ErrorNotice({ error }: { readonly error: ErrorPayload }) {
  const info = ERROR_CATALOG[error.code];
  return (
    <div role="alert" className="error-notice">
      <p className="error-summary">
        {info.summary}
        {error.detail ? ` (${error.detail})` : ''}
      </p>
      <p className="error-hint">{info.hint}</p>
      <p className="error-code">Code: {error.code}</p>
    </div>
  );
}
