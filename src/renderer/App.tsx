import { useEffect, useState } from 'react';
import type { PliApi } from '../shared/api';
import { HostError } from '../shared/api';
import type { AppInfo, ProfileStatus } from '../shared/contract';
import { t } from './i18n';
import { FirstLaunch } from './screens/FirstLaunch';

type State =
  | { kind: 'loading' }
  | { kind: 'ready'; info: AppInfo; status: ProfileStatus }
  | { kind: 'error'; message: string };

export function App({ api }: { api: PliApi }) {
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    let alive = true;
    Promise.all([api.invoke('app.info', {}), api.invoke('profile.status', {})])
      .then(([info, { status }]) => alive && setState({ kind: 'ready', info, status }))
      .catch((e: unknown) =>
        alive && setState({ kind: 'error', message: e instanceof HostError ? e.message_fr : t('common.error') }),
      );
    const off = api.on('profile.changed', ({ status }) =>
      setState((s) => (s.kind === 'ready' ? { ...s, status } : s)),
    );
    return () => {
      alive = false;
      off();
    };
  }, [api]);

  if (state.kind === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (state.kind === 'error') return <p role="alert">{state.message}</p>;
  return <FirstLaunch info={state.info} status={state.status} />;
}
