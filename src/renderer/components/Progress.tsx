import { t } from '../i18n';

/** A labelled progress bar with the counts in words ("3 sur 10"). */
export function Progress({ label, done, total }: { label: string; done: number; total: number }) {
  const known = total > 0;
  return (
    <div className="progress">
      <span className="progress-label">{label}</span>
      <progress max={known ? total : undefined} value={known ? Math.min(done, total) : undefined} aria-label={label} />
      {known && <span className="progress-count">{t('common.ofTotal', { done, total })}</span>}
    </div>
  );
}
