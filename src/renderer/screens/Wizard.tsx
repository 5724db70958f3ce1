import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { PliApi } from '../../shared/api';
import type { Settings } from '../../shared/settings';
import { ErrorAlert } from '../components/Alert';
import { t } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';
import { AccountSetup } from './setup/AccountSetup';
import { CardSetup } from './setup/CardSetup';
import { KeysSetup } from './setup/KeysSetup';
import { MigrationSetup } from './setup/MigrationSetup';
import { PracticeSetup } from './setup/PracticeSetup';

const STEPS = ['keys', 'account', 'card', 'practice', 'migration', 'demo'] as const;
type StepId = (typeof STEPS)[number];

/**
 * The first-launch wizard, after the recovery code: key medium, mail account, CPS card, drop folder, old
 * mailbox, demo. Every step can be skipped and done later in Paramètres (the same components are used
 * there). Finishing remembers it (settings.wizardDone), so the wizard is not shown again.
 */
export function Wizard({ api, onDone }: { api: PliApi; onDone: (settings: Settings) => void }) {
  const [index, setIndex] = useState(0);
  const [done, setDone] = useState<Partial<Record<StepId, boolean>>>({});
  const [finishing, setFinishing] = useState(false);
  // While the old mailbox is being imported the step stays: leaving would hide its progress and report.
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const heading = useRef<HTMLHeadingElement>(null);
  const mark = useCallback((step: StepId, ok: boolean) => setDone((d) => (d[step] === ok ? d : { ...d, [step]: ok })), []);
  const onKeys = useCallback((keys: unknown[]) => mark('keys', keys.length > 0), [mark]);
  const onAccount = useCallback(() => mark('account', true), [mark]);
  const onCard = useCallback((s: { loggedIn: boolean }) => s.loggedIn && mark('card', true), [mark]);
  const onPractice = useCallback(() => mark('practice', true), [mark]);
  const onMigration = useCallback((r: { cancelled: boolean }) => mark('migration', !r.cancelled), [mark]);

  const step: StepId | undefined = STEPS[index];
  // Each new step is announced: focus moves to its heading. The demo step is done once read.
  useEffect(() => {
    heading.current?.focus();
    if (step === 'demo') mark('demo', true);
  }, [step, mark]);

  const next = () => setIndex((i) => Math.min(i + 1, STEPS.length));
  const back = () => setIndex((i) => Math.max(i - 1, 0));
  const finish = async () => {
    setFinishing(true);
    setProblem(undefined);
    try {
      onDone(await api.invoke('settings.update', { patch: { wizardDone: true } }));
    } catch (err) {
      setProblem(toProblem(err, t('settings.saveFailed')));
      setFinishing(false);
    }
  };

  const body: Record<StepId, ReactNode> = {
    keys: <KeysSetup api={api} detect onKeys={onKeys} />,
    account: <AccountSetup api={api} onSaved={onAccount} />,
    card: <CardSetup api={api} onStatus={onCard} />,
    practice: <PracticeSetup api={api} onSaved={onPractice} />,
    migration: <MigrationSetup api={api} onReport={onMigration} onRunning={setBusy} />,
    demo: <DemoStep />,
  };

  return (
    <main className="card-page wizard" aria-labelledby="wizard-title">
      <h1 id="wizard-title">{t('wizard.title')}</h1>
      <p className="hint">{t('wizard.intro')}</p>
      <nav aria-label={t('wizard.stepsLabel')}>
        <ol className="wizard-steps">
          {STEPS.map((s, i) => (
            <li key={s} className={i === index ? 'current' : done[s] ? 'done' : i < index ? 'skipped' : ''} aria-current={i === index ? 'step' : undefined}>
              <span className="step-number" aria-hidden="true">
                {done[s] && i !== index ? '✓' : i + 1}
              </span>
              <span className="step-name">{t(`wizard.step.${s}`)}</span>
              {i !== index && (done[s] || i < index) && <span className="sr-only"> ({done[s] ? t('wizard.state.done') : t('wizard.state.skipped')})</span>}
            </li>
          ))}
        </ol>
      </nav>
      {step ? (
        <section className="wizard-step" aria-labelledby="wizard-step-title" data-step={step}>
          <h2 id="wizard-step-title" tabIndex={-1} ref={heading}>
            {t('wizard.stepTitle', { n: index + 1, total: STEPS.length, name: t(`wizard.step.${step}`) })}
          </h2>
          <p>{t(`wizard.intro.${step}`)}</p>
          <div key={step}>{body[step]}</div>
          <div className="actions wizard-actions">
            {index > 0 && (
              <button type="button" onClick={back} disabled={busy}>
                {t('wizard.back')}
              </button>
            )}
            <span className="spacer" />
            <button type="button" className="link-button" onClick={next} disabled={busy}>
              {t('wizard.skip')}
            </button>
            <button type="button" className="primary" onClick={next} disabled={busy || !done[step]}>
              {t('wizard.next')}
            </button>
          </div>
        </section>
      ) : (
        <section className="wizard-step" aria-labelledby="wizard-step-title" data-step="summary">
          <h2 id="wizard-step-title" tabIndex={-1} ref={heading}>
            {t('wizard.summaryTitle')}
          </h2>
          <ul className="wizard-summary" data-testid="wizard-summary">
            {STEPS.filter((s) => s !== 'demo').map((s) => (
              <li key={s} className={done[s] ? 'ok' : 'later'}>
                <span aria-hidden="true">{done[s] ? '✓ ' : '… '}</span>
                <strong>{t(`wizard.step.${s}`)}</strong> : {done[s] ? t('wizard.state.done') : t('wizard.state.later')}
              </li>
            ))}
          </ul>
          <p className="hint">{t('wizard.summaryHint')}</p>
          <ErrorAlert problem={problem} />
          <div className="actions wizard-actions">
            <button type="button" onClick={back}>
              {t('wizard.back')}
            </button>
            <span className="spacer" />
            <button type="button" className="primary" onClick={() => void finish()} disabled={finishing}>
              {finishing ? t('common.working') : t('wizard.finish')}
            </button>
          </div>
        </section>
      )}
      <p className="legal">{t('legal.trademark')}</p>
    </main>
  );
}

function DemoStep() {
  return (
    <div className="setup demo-step">
      <p>{t('wizard.demo.what')}</p>
      <p>
        {t('wizard.demo.how')} <code className="mono">npm run demo</code>
      </p>
      <p className="hint">{t('wizard.demo.safe')}</p>
    </div>
  );
}
