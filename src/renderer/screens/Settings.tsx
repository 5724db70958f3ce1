import { useState, type FormEvent } from 'react';
import type { PliApi } from '../../shared/api';
import type { Settings as SettingsShape } from '../../shared/settings';
import { ErrorAlert, Notice } from '../components/Alert';
import { canSubmitNewPassword, NewPasswordFields } from '../components/PasswordFields';
import { t, tn } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';
import { AccountSetup } from './setup/AccountSetup';
import { CardSetup } from './setup/CardSetup';
import { KeysSetup } from './setup/KeysSetup';
import { MigrationSetup } from './setup/MigrationSetup';
import { PracticeSetup } from './setup/PracticeSetup';

// The setup pieces live in ./setup (shared with the first-launch wizard); these stay importable from here.
export { keyLevel } from './setup/KeysSetup';
export { presetAccount } from './setup/AccountSetup';
import { GroupSettingsSection } from './GroupSettings';

export function SettingsScreen({ api, settings, onSettings, onClose }: { api: PliApi; settings: SettingsShape; onSettings: (s: SettingsShape) => void; onClose: () => void }) {
  return (
    <section className="settings" aria-labelledby="settings-title">
      <div className="settings-head">
        <h2 id="settings-title">{t('settings.title')}</h2>
        <button type="button" onClick={onClose}>
          {t('settings.back')}
        </button>
      </div>
      <nav aria-label={t('settings.sections')} className="settings-nav">
        <a href="#settings-security">{t('settings.security')}</a>
        <a href="#settings-display">{t('settings.display')}</a>
        <a href="#settings-keys">{t('settings.keys')}</a>
        <a href="#settings-accounts">{t('settings.accounts')}</a>
        <a href="#settings-card">{t('settings.card')}</a>
        <a href="#settings-practice">{t('settings.practice')}</a>
        <a href="#settings-migration">{t('settings.migration')}</a>
        <a href="#settings-group">{t('group.settings')}</a>
      </nav>
      <SecuritySection api={api} settings={settings} onSettings={onSettings} />
      <DisplaySection api={api} settings={settings} onSettings={onSettings} />
      <KeysSection api={api} />
      <AccountsSection api={api} />
      <CardSection api={api} />
      <PracticeSection api={api} />
      <MigrationSection api={api} />
      <GroupSettingsSection api={api} />
    </section>
  );
}

const LOCK_CHOICES = [0, 5, 10, 15, 30, 60, 120];

function useSettingsPatch(api: PliApi, onSettings: (s: SettingsShape) => void) {
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const patch = (p: Partial<SettingsShape>) => {
    setProblem(undefined);
    api.invoke('settings.update', { patch: p }).then(
      (s) => {
        onSettings(s);
        setNotice(t('settings.saved'));
      },
      (e: unknown) => setProblem(toProblem(e, t('settings.saveFailed'))),
    );
  };
  return { patch, problem, notice };
}

function SecuritySection({ api, settings, onSettings }: { api: PliApi; settings: SettingsShape; onSettings: (s: SettingsShape) => void }) {
  const { patch, problem, notice } = useSettingsPatch(api, onSettings);
  const [oldPassword, setOld] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [pwProblem, setPwProblem] = useState<Problem>();
  const [pwNotice, setPwNotice] = useState<string>();
  const ok = oldPassword !== '' && canSubmitNewPassword(password, confirmation);
  const change = async (e: FormEvent) => {
    e.preventDefault();
    if (!ok) return;
    setPwProblem(undefined);
    setPwNotice(undefined);
    try {
      await api.invoke('profile.changePassword', { oldPassword, newPassword: password });
      setOld('');
      setPassword('');
      setConfirmation('');
      setPwNotice(t('settings.passwordChanged'));
    } catch (err) {
      setPwProblem(toProblem(err, t('settings.passwordFailed')));
    }
  };
  return (
    <section id="settings-security" aria-labelledby="security-title" className="settings-section">
      <h3 id="security-title">{t('settings.security')}</h3>
      <div className="field">
        <label htmlFor="lock-delay">{t('settings.lockDelay')}</label>
        <select id="lock-delay" value={settings.lockAfterMinutes} onChange={(e) => patch({ lockAfterMinutes: Number(e.target.value) })}>
          {[...new Set([...LOCK_CHOICES, settings.lockAfterMinutes])].sort((a, b) => a - b).map((m) => (
            <option key={m} value={m}>
              {m === 0 ? t('settings.lockNever') : tn('settings.lockMinutes', m)}
            </option>
          ))}
        </select>
      </div>
      <ErrorAlert problem={problem} />
      <Notice text={notice} />
      <form onSubmit={change} aria-labelledby="change-password-title" noValidate>
        <h4 id="change-password-title">{t('settings.changePassword')}</h4>
        <div className="field">
          <label htmlFor="old-password">{t('settings.oldPassword')}</label>
          <input id="old-password" type="password" autoComplete="current-password" value={oldPassword} onChange={(e) => setOld(e.target.value)} maxLength={512} />
        </div>
        <NewPasswordFields idPrefix="change" password={password} confirmation={confirmation} onPassword={setPassword} onConfirmation={setConfirmation} />
        <ErrorAlert problem={pwProblem} />
        <Notice text={pwNotice} />
        <button type="submit" disabled={!ok}>
          {t('settings.changePasswordSubmit')}
        </button>
      </form>
    </section>
  );
}

function DisplaySection({ api, settings, onSettings }: { api: PliApi; settings: SettingsShape; onSettings: (s: SettingsShape) => void }) {
  const { patch, problem, notice } = useSettingsPatch(api, onSettings);
  return (
    <section id="settings-display" aria-labelledby="display-title" className="settings-section">
      <h3 id="display-title">{t('settings.display')}</h3>
      <div className="field check">
        <input id="monospace" type="checkbox" checked={settings.monospaceLetters} onChange={(e) => patch({ monospaceLetters: e.target.checked })} />
        <label htmlFor="monospace">{t('settings.monospace')}</label>
      </div>
      <p className="hint">{t('settings.monospaceHint')}</p>
      <ErrorAlert problem={problem} />
      <Notice text={notice} />
    </section>
  );
}

function KeysSection({ api }: { api: PliApi }) {
  return (
    <section id="settings-keys" aria-labelledby="keys-title" className="settings-section">
      <h3 id="keys-title">{t('settings.keys')}</h3>
      <KeysSetup api={api} />
    </section>
  );
}

function AccountsSection({ api }: { api: PliApi }) {
  return (
    <section id="settings-accounts" aria-labelledby="accounts-title" className="settings-section">
      <h3 id="accounts-title">{t('settings.accounts')}</h3>
      <AccountSetup api={api} />
    </section>
  );
}

function CardSection({ api }: { api: PliApi }) {
  return (
    <section id="settings-card" aria-labelledby="card-title" className="settings-section">
      <h3 id="card-title">{t('settings.card')}</h3>
      <CardSetup api={api} />
    </section>
  );
}

function PracticeSection({ api }: { api: PliApi }) {
  return (
    <section id="settings-practice" aria-labelledby="practice-title" className="settings-section">
      <h3 id="practice-title">{t('settings.practice')}</h3>
      <PracticeSetup api={api} />
    </section>
  );
}

function MigrationSection({ api }: { api: PliApi }) {
  return (
    <section id="settings-migration" aria-labelledby="migration-title" className="settings-section">
      <h3 id="migration-title">{t('settings.migration')}</h3>
      <MigrationSetup api={api} />
    </section>
  );
}
