import { useEffect, useRef, useState } from 'react';
import { t } from '../i18n';
import { userWaitEnd, userWaitStart } from '../lib/timing';

/** The recovery code, shown once: copy or print it, then confirm it was written down. */
export function RecoveryCode({ code, onDone }: { code: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'ok' | 'failed'>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    userWaitStart();
  }, []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <main className="card-page recovery" aria-labelledby="recovery-title">
      <h1 id="recovery-title" tabIndex={-1} ref={heading}>
        {t('recovery.title')}
      </h1>
      <p>{t('recovery.explain')}</p>
      <p className="recovery-code" data-testid="recovery-code" aria-label={t('recovery.codeLabel')}>
        {code}
      </p>
      <p className="warning-text">{t('recovery.once')}</p>
      <div className="actions no-print">
        <button type="button" onClick={copy}>
          {t('recovery.copy')}
        </button>
        <button type="button" onClick={() => window.print()}>
          {t('recovery.print')}
        </button>
      </div>
      <p role="status" className="notice no-print">
        {copied === 'ok' ? t('recovery.copied') : copied === 'failed' ? t('recovery.copyFailed') : ''}
      </p>
      <button
        type="button"
        className="primary no-print"
        onClick={() => {
          userWaitEnd();
          onDone();
        }}
      >
        {t('recovery.done')}
      </button>
    </main>
  );
}
