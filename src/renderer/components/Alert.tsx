import type { Problem } from '../lib/errors';
import { t } from '../i18n';

/** An error as the user sees it: the host's French message and what to do next, announced at once. */
export function ErrorAlert({ problem, onRetry, id }: { problem: Problem | undefined; onRetry?: () => void; id?: string }) {
  if (!problem) return null;
  return (
    <div className="alert" role="alert" id={id} data-code={problem.code}>
      <span className="alert-icon" aria-hidden="true">⚠</span>
      <p>{problem.message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** A quiet confirmation ("Enregistré") that screen readers announce politely. */
export function Notice({ text }: { text: string | undefined }) {
  return (
    <p className="notice" role="status">
      {text ?? ''}
    </p>
  );
}
