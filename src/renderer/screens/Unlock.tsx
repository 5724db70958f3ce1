import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { PliApi } from '../../shared/api';
import type { ProfileStatus } from '../../shared/contract';
import type { PersonView } from '../../shared/domain';
import { ErrorAlert } from '../components/Alert';
import { canSubmitNewPassword, NewPasswordFields } from '../components/PasswordFields';
import { t, tn } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';
import { userWaitEnd, userWaitStart } from '../lib/timing';

/** Counts down the wait the host imposed after wrong passwords. */
function useCountdown(): [number, (s: number) => void] {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (left <= 0) return;
    const id = setTimeout(() => setLeft((s) => s - 1), 1000);
    return () => clearTimeout(id);
  }, [left]);
  return [left, setLeft];
}

export function Unlock({ api, onStatus }: { api: PliApi; onStatus: (s: ProfileStatus) => void }) {
  const [mode, setMode] = useState<'unlock' | 'recover'>('unlock');
  return mode === 'unlock' ? <UnlockForm api={api} onStatus={onStatus} onForgot={() => setMode('recover')} /> : <RecoverForm api={api} onStatus={onStatus} onBack={() => setMode('unlock')} />;
}

function UnlockForm({ api, onStatus, onForgot }: { api: PliApi; onStatus: (s: ProfileStatus) => void; onForgot: () => void }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [wait, setWait] = useCountdown();
  // Group practice: each person opens their own session ('' = the profile's own password).
  const [people, setPeople] = useState<PersonView[]>([]);
  const [personId, setPersonId] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    userWaitStart();
  }, []);
  useEffect(() => {
    let alive = true;
    api.invoke('profile.people', {}).then(
      (r) => {
        if (!alive || r.people.length === 0) return;
        setPeople(r.people);
        setPersonId(r.people[0]!.id);
      },
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [api]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!password || busy || wait > 0) return;
    userWaitEnd();
    setBusy(true);
    setProblem(undefined);
    try {
      const { status } = await api.invoke('profile.unlock', { password, ...(personId ? { personId } : {}) });
      setPassword('');
      onStatus(status);
    } catch (err) {
      const p = toProblem(err, t('unlock.failed'));
      setProblem(p);
      setPassword('');
      if (p.seconds) setWait(p.seconds);
      input.current?.focus();
      userWaitStart();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="card-page unlock" aria-labelledby="unlock-title">
      <h1 id="unlock-title">{t('unlock.title')}</h1>
      <p>{people.length > 0 ? t('group.unlock.hint') : t('unlock.intro')}</p>
      <form onSubmit={submit} noValidate>
        {people.length > 0 && (
          <div className="field">
            <label htmlFor="unlock-person">{t('group.unlock.person')}</label>
            <select id="unlock-person" value={personId} onChange={(e) => setPersonId(e.target.value)}>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({t(`group.role.${p.role}`)})
                </option>
              ))}
              <option value="">{t('group.unlock.profile')}</option>
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="unlock-password">{t('unlock.password')}</label>
          <input ref={input} id="unlock-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} maxLength={512} required />
        </div>
        <ErrorAlert problem={problem} />
        <p role="status" className="notice" data-testid="unlock-wait">
          {wait > 0 ? tn('unlock.wait', wait) : ''}
        </p>
        <div className="actions">
          <button type="submit" className="primary" disabled={!password || busy || wait > 0}>
            {busy ? t('common.working') : t('unlock.submit')}
          </button>
          <button type="button" className="link-button" onClick={onForgot}>
            {t('unlock.forgot')}
          </button>
        </div>
      </form>
    </main>
  );
}

function RecoverForm({ api, onStatus, onBack }: { api: PliApi; onStatus: (s: ProfileStatus) => void; onBack: () => void }) {
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const ok = code.trim().length > 0 && canSubmitNewPassword(password, confirmation);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ok || busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const { status } = await api.invoke('profile.recover', { recoveryCode: code.trim(), newPassword: password });
      onStatus(status);
    } catch (err) {
      setProblem(toProblem(err, t('recover.failed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="card-page unlock" aria-labelledby="recover-title">
      <h1 id="recover-title">{t('recover.title')}</h1>
      <p>{t('recover.intro')}</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="recover-code">{t('recover.code')}</label>
          <input id="recover-code" className="mono" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" spellCheck={false} maxLength={200} required />
        </div>
        <NewPasswordFields idPrefix="recover" password={password} confirmation={confirmation} onPassword={setPassword} onConfirmation={setConfirmation} />
        <ErrorAlert problem={problem} />
        <div className="actions">
          <button type="submit" className="primary" disabled={!ok || busy}>
            {busy ? t('common.working') : t('recover.submit')}
          </button>
          <button type="button" className="link-button" onClick={onBack}>
            {t('recover.back')}
          </button>
        </div>
      </form>
    </main>
  );
}
