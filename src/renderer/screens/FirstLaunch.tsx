import type { AppInfo, ProfileStatus } from '../../shared/contract';
import { t } from '../i18n';

export function FirstLaunch({ info, status }: { info: AppInfo; status: ProfileStatus }) {
  return (
    <main className="first-launch" aria-labelledby="first-launch-title">
      <h1 id="first-launch-title">{t('firstLaunch.title')}</h1>
      <p>{t('firstLaunch.intro')}</p>
      <dl className="facts">
        <dt>{t('firstLaunch.status')}</dt>
        <dd data-testid="profile-status">{t(`profile.status.${status}`)}</dd>
      </dl>
      <footer>
        <p data-testid="app-version">{t('firstLaunch.version', { version: info.version })}</p>
        <p className="legal">{t('legal.trademark')}</p>
      </footer>
    </main>
  );
}
