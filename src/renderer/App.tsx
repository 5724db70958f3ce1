import { useCallback, useEffect, useState } from 'react';
import type { PliApi } from '../shared/api';
import type { AppInfo, ProfileStatus } from '../shared/contract';
import type { Settings } from '../shared/settings';
import { DEFAULT_SETTINGS } from '../shared/settings-defaults';
import { ErrorAlert } from './components/Alert';
import { t } from './i18n';
import { toProblem, type Problem } from './lib/errors';
import { useIdleLock } from './lib/useIdleLock';
import { FirstLaunch } from './screens/FirstLaunch';
import { MainWindow } from './screens/MainWindow';
import { RecoveryCode } from './screens/RecoveryCode';
import { Unlock } from './screens/Unlock';
import { Wizard } from './screens/Wizard';

type State =
  | { kind: 'loading' }
  | { kind: 'ready'; info: AppInfo; status: ProfileStatus }
  | { kind: 'error'; problem: Problem };

/**
 * The profile's state machine: new -> password -> recovery code (shown once) -> wizard -> open;
 * locked -> unlock (-> wizard again if it was left unfinished).
 * The recovery code screen stays until confirmed even if the host already reports the profile open.
 */
export function App({ api }: { api: PliApi }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [settings, setSettings] = useState<Settings>({ ...DEFAULT_SETTINGS });
  const [recoveryCode, setRecoveryCode] = useState<string>();
  // While the password is being created, a 'profile.changed: open' event must not skip the recovery code.
  const [creating, setCreating] = useState(false);
  // The first-launch wizard follows the recovery code; `settings.wizardDone === false` brings it back
  // after an unlock if Pli was closed before it was finished or skipped.
  const [wizard, setWizard] = useState(false);

  const load = useCallback(() => {
    let alive = true;
    setState({ kind: 'loading' });
    Promise.all([api.invoke('app.info', {}), api.invoke('profile.status', {})])
      .then(([info, { status }]) => alive && setState({ kind: 'ready', info, status }))
      .catch((e: unknown) => alive && setState({ kind: 'error', problem: toProblem(e, t('common.error')) }));
    api.invoke('settings.get', {}).then((s) => alive && setSettings(s), () => undefined);
    return () => {
      alive = false;
    };
  }, [api]);

  useEffect(() => {
    const stop = load();
    const offs = [
      api.on('profile.changed', ({ status }) => setState((s) => (s.kind === 'ready' ? { ...s, status } : s))),
      api.on('settings.changed', setSettings),
    ];
    return () => {
      stop();
      offs.forEach((off) => off());
    };
  }, [api, load]);

  const setStatus = useCallback((status: ProfileStatus) => setState((s) => (s.kind === 'ready' ? { ...s, status } : s)), []);
  const lock = useCallback(() => {
    api.invoke('profile.lock', {}).then(({ status }) => setStatus(status), () => setStatus('locked'));
  }, [api, setStatus]);

  const open = state.kind === 'ready' && state.status === 'open' && !recoveryCode;
  useIdleLock(open ? settings.lockAfterMinutes : 0, lock);

  useEffect(() => {
    document.documentElement.lang = 'fr';
  }, []);

  if (state.kind === 'loading') return <p role="status" className="loading">{t('common.loading')}</p>;
  if (state.kind === 'error')
    return (
      <main className="card-page">
        <h1>{t('app.title')}</h1>
        <ErrorAlert problem={state.problem} onRetry={load} />
      </main>
    );
  if (recoveryCode)
    return (
      <RecoveryCode
        code={recoveryCode}
        onDone={() => {
          setRecoveryCode(undefined);
          api.invoke('profile.status', {}).then(({ status }) => setStatus(status), () => setStatus('open'));
        }}
      />
    );
  if (state.status === 'new' || creating)
    return (
      <FirstLaunch
        api={api}
        info={state.info}
        status={state.status}
        onCreating={setCreating}
        onCreated={(code) => {
          setRecoveryCode(code);
          setCreating(false);
          setWizard(true);
          api.invoke('settings.update', { patch: { wizardDone: false } }).then(setSettings, () => undefined);
        }}
      />
    );
  if (state.status === 'locked') return <Unlock api={api} onStatus={setStatus} />;
  if (wizard || settings.wizardDone === false)
    return (
      <Wizard
        api={api}
        onDone={(s) => {
          setSettings(s);
          setWizard(false);
        }}
      />
    );
  return <MainWindow api={api} info={state.info} settings={settings} onSettings={setSettings} onLock={lock} />;
}
