import { useEffect, useState, type FormEvent } from 'react';
import type { PliApi } from '../../shared/api';
import type { AppInfo, ProfileStatus } from '../../shared/contract';
import { ErrorAlert } from '../components/Alert';
import { canSubmitNewPassword, NewPasswordFields } from '../components/PasswordFields';
import { t } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';
import { userWaitEnd, userWaitStart } from '../lib/timing';

/** First launch: explain, then choose the mailbox password. The recovery code comes next. */
export function FirstLaunch({
  api,
  info,
  status,
  onCreated,
  onCreating,
}: {
  api: PliApi;
  info: AppInfo;
  status: ProfileStatus;
  onCreated: (recoveryCode: string) => void;
  onCreating?: (busy: boolean) => void;
}) {
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const ok = canSubmitNewPassword(password, confirmation);
  useEffect(userWaitStart, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ok || busy) return;
    userWaitEnd();
    setBusy(true);
    onCreating?.(true);
    setProblem(undefined);
    try {
      const { recoveryCode } = await api.invoke('profile.create', { password, confirmation });
      setPassword('');
      setConfirmation('');
      onCreated(recoveryCode);
    } catch (err) {
      onCreating?.(false);
      setProblem(toProblem(err, t('firstLaunch.createFailed')));
      userWaitStart();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="card-page first-launch" aria-labelledby="first-launch-title">
      <h1 id="first-launch-title">{t('firstLaunch.title')}</h1>
      <p>{t('firstLaunch.intro')}</p>
      <dl className="facts">
        <dt>{t('firstLaunch.status')}</dt>
        <dd data-testid="profile-status">{t(`profile.status.${status}`)}</dd>
      </dl>
      <form onSubmit={submit} aria-labelledby="create-title" noValidate>
        <h2 id="create-title">{t('firstLaunch.step1')}</h2>
        <p className="hint">{t('firstLaunch.passwordWhy')}</p>
        <NewPasswordFields idPrefix="create" password={password} confirmation={confirmation} onPassword={setPassword} onConfirmation={setConfirmation} label={t('password.choose')} />
        <ErrorAlert problem={problem} />
        <button type="submit" className="primary" disabled={!ok || busy} aria-disabled={!ok || busy}>
          {busy ? t('common.working') : t('firstLaunch.create')}
        </button>
        <p className="hint">{t('firstLaunch.laterSteps')}</p>
      </form>
      <footer>
        <p data-testid="app-version">{t('firstLaunch.version', { version: info.version })}</p>
        <p className="legal">{t('legal.trademark')}</p>
      </footer>
    </main>
  );
}
