import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { PliApi } from '../../shared/api';
import type { Account, CardStatus, KeyImportReport, KeyInfo } from '../../shared/domain';
import type { Settings as SettingsShape } from '../../shared/settings';
import { ErrorAlert, Notice } from '../components/Alert';
import { canSubmitNewPassword, NewPasswordFields } from '../components/PasswordFields';
import { t, tn } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';
import { formatBytes, formatDate, formatNumber, formatPercent } from '../lib/format';
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
        <a href="#settings-group">{t('group.settings')}</a>
      </nav>
      <SecuritySection api={api} settings={settings} onSettings={onSettings} />
      <DisplaySection api={api} settings={settings} onSettings={onSettings} />
      <KeysSection api={api} />
      <AccountsSection api={api} />
      <CardSection api={api} />
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

/** Warning level of a key's pad usage: the thresholds the host also uses. */
export function keyLevel(ratio: number): 'ok' | 'warn' | 'critical' {
  return ratio >= 0.95 ? 'critical' : ratio >= 0.8 ? 'warn' : 'ok';
}

function KeysSection({ api }: { api: PliApi }) {
  const [keys, setKeys] = useState<KeyInfo[]>();
  const [problem, setProblem] = useState<Problem>();
  const [path, setPath] = useState('');
  const [report, setReport] = useState<KeyImportReport>();
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => {
    api.invoke('keys.list', {}).then(
      (r) => {
        setKeys(r.keys);
        setProblem(undefined);
      },
      (e: unknown) => setProblem(toProblem(e, t('keys.failed'))),
    );
  }, [api]);
  useEffect(load, [load]);
  useEffect(() => api.on('keys.changed', load), [api, load]);
  const importMedium = async (e: FormEvent) => {
    e.preventDefault();
    if (!path.trim()) return;
    setBusy(true);
    setProblem(undefined);
    setReport(undefined);
    try {
      setReport(await api.invoke('keys.importMedium', { path: path.trim() }));
      load();
    } catch (err) {
      setProblem(toProblem(err, t('keys.importFailed')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section id="settings-keys" aria-labelledby="keys-title" className="settings-section">
      <h3 id="keys-title">{t('settings.keys')}</h3>
      {keys && keys.length === 0 && <p>{t('keys.none')}</p>}
      {keys && keys.length > 0 && (
        <table className="keys-table">
          <caption className="sr-only">{t('keys.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('keys.owner')}</th>
              <th scope="col">{t('keys.year')}</th>
              <th scope="col">{t('keys.kind')}</th>
              <th scope="col">{t('keys.usage')}</th>
              <th scope="col">{t('keys.imported')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => {
              const level = keyLevel(k.usedRatio);
              return (
                <tr key={`${k.owner}-${k.year}-${k.kind}`} className={`key-${level}`}>
                  <th scope="row">{k.owner}</th>
                  <td>{k.year}</td>
                  <td>{t(`keys.kind.${k.kind}`)}</td>
                  <td>
                    <meter min={0} max={1} low={0.8} high={0.95} optimum={0} value={k.usedRatio} aria-label={t('keys.usageOf', { owner: k.owner, year: String(k.year) })} />{' '}
                    <span>{t('keys.usedOf', { percent: formatPercent(k.usedRatio), used: formatBytes(k.used), size: formatBytes(k.size) })}</span>
                    {level !== 'ok' && (
                      <span className={`key-warning ${level}`}>
                        <span aria-hidden="true"> ⚠ </span>
                        {t(level === 'critical' ? 'keys.critical' : 'keys.warn')}
                      </span>
                    )}
                  </td>
                  <td>{formatDate(k.importedAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form onSubmit={importMedium} className="inline-form">
        <div className="field">
          <label htmlFor="key-path">{t('keys.path')}</label>
          <input id="key-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder={t('keys.pathPlaceholder')} aria-describedby="key-path-hint" spellCheck={false} />
          <p id="key-path-hint" className="hint">
            {t('keys.pathHint')}
          </p>
        </div>
        <button type="submit" disabled={busy || !path.trim()}>
          {busy ? t('common.working') : t('keys.import')}
        </button>
      </form>
      <ErrorAlert problem={problem} onRetry={load} />
      {report && (
        <div role="status" className="report">
          <p>{tn('keys.reportImported', report.imported.length)}</p>
          {report.alreadyPresent.length > 0 && <p>{tn('keys.reportPresent', report.alreadyPresent.length)}</p>}
          {report.unsupported.length > 0 && <p>{tn('keys.reportUnsupported', report.unsupported.length)}</p>}
          {report.recovered > 0 && <p>{tn('keys.reportRecovered', report.recovered)}</p>}
          {report.rejected.length > 0 && (
            <ul>
              {report.rejected.map((r) => (
                <li key={r.file}>
                  {r.file} : {r.message_fr}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

type AccountForm = Omit<Account, 'hasPassword' | 'id'> & { id?: string };

/** Server settings proposed for a preset; APICRYPT boxes use POP3 and SMTP submission with STARTTLS. */
export function presetAccount(preset: Account['preset'], address: string, id?: string): AccountForm {
  const domain = address.split('@')[1] ?? '';
  if (preset === 'apicrypt') {
    return {
      id,
      address,
      preset,
      incoming: { kind: 'pop3', host: domain ? `pop.${domain}` : '', port: 110, security: 'starttls', user: address },
      outgoing: { host: domain ? `smtp.${domain}` : '', port: 587, security: 'starttls', user: address },
    };
  }
  return {
    id,
    address,
    preset,
    incoming: { kind: 'imap', host: domain ? `imap.${domain}` : '', port: 993, security: 'tls', user: address },
    outgoing: { host: domain ? `smtp.${domain}` : '', port: 465, security: 'tls', user: address },
  };
}

function AccountsSection({ api }: { api: PliApi }) {
  const [accounts, setAccounts] = useState<Account[]>();
  const [problem, setProblem] = useState<Problem>();
  const [form, setForm] = useState<AccountForm>(presetAccount('apicrypt', ''));
  const [password, setPassword] = useState('');
  const [notice, setNotice] = useState<string>();
  const [steps, setSteps] = useState<{ step: string; ok: boolean; ms: number; message_fr: string }[]>();
  const [testing, setTesting] = useState(false);
  const load = useCallback(() => {
    api.invoke('accounts.list', {}).then(
      (r) => {
        setAccounts(r.accounts);
        const first = r.accounts[0];
        if (first) setForm(first);
      },
      (e: unknown) => setProblem(toProblem(e, t('accounts.failed'))),
    );
  }, [api]);
  useEffect(load, [load]);

  const save = async (): Promise<Account | undefined> => {
    setProblem(undefined);
    setNotice(undefined);
    try {
      const saved = await api.invoke('accounts.save', { account: form, ...(password ? { password } : {}) });
      setPassword('');
      setForm(saved);
      setAccounts((a) => [...(a ?? []).filter((x) => x.id !== saved.id), saved]);
      setNotice(t('accounts.saved'));
      return saved;
    } catch (err) {
      setProblem(toProblem(err, t('accounts.saveFailed')));
      return undefined;
    }
  };
  const test = async () => {
    const saved = await save();
    if (!saved) return;
    setTesting(true);
    setSteps(undefined);
    try {
      setSteps((await api.invoke('accounts.test', { id: saved.id })).steps);
    } catch (err) {
      setProblem(toProblem(err, t('accounts.testFailed')));
    } finally {
      setTesting(false);
    }
  };
  const setIn = (patch: Partial<AccountForm['incoming']>) => setForm((f) => ({ ...f, incoming: { ...f.incoming, ...patch } }));
  const setOut = (patch: Partial<AccountForm['outgoing']>) => setForm((f) => ({ ...f, outgoing: { ...f.outgoing, ...patch } }));

  return (
    <section id="settings-accounts" aria-labelledby="accounts-title" className="settings-section">
      <h3 id="accounts-title">{t('settings.accounts')}</h3>
      {accounts && accounts.length > 1 && (
        <div className="field">
          <label htmlFor="account-pick">{t('accounts.pick')}</label>
          <select id="account-pick" value={form.id ?? ''} onChange={(e) => setForm(accounts.find((a) => a.id === e.target.value) ?? presetAccount('apicrypt', ''))}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.address}
              </option>
            ))}
            <option value="">{t('accounts.new')}</option>
          </select>
        </div>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        className="account-form"
      >
        <div className="field">
          <label htmlFor="account-preset">{t('accounts.preset')}</label>
          <select id="account-preset" value={form.preset} onChange={(e) => setForm(presetAccount(e.target.value as Account['preset'], form.address, form.id))}>
            <option value="apicrypt">{t('accounts.preset.apicrypt')}</option>
            <option value="generic">{t('accounts.preset.generic')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="account-address">{t('accounts.address')}</label>
          <input
            id="account-address"
            type="email"
            value={form.address}
            onChange={(e) => {
              const address = e.target.value;
              setForm((f) => (f.id ? { ...f, address } : presetAccount(f.preset, address)));
            }}
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor="account-password">{t('accounts.password')}</label>
          <input id="account-password" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="account-password-hint" maxLength={512} />
          <p id="account-password-hint" className="hint">
            {accounts?.find((a) => a.id === form.id)?.hasPassword ? t('accounts.passwordKept') : t('accounts.passwordHint')}
          </p>
        </div>
        <fieldset>
          <legend>{t('accounts.incoming')}</legend>
          <div className="field">
            <label htmlFor="in-kind">{t('accounts.protocol')}</label>
            <select id="in-kind" value={form.incoming.kind} onChange={(e) => setIn({ kind: e.target.value as 'pop3' | 'imap' })}>
              <option value="pop3">POP3</option>
              <option value="imap">IMAP</option>
            </select>
          </div>
          <ServerFields prefix="in" value={form.incoming} onChange={setIn} />
        </fieldset>
        <fieldset>
          <legend>{t('accounts.outgoing')}</legend>
          <ServerFields prefix="out" value={form.outgoing} onChange={setOut} />
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary">
            {t('accounts.save')}
          </button>
          <button type="button" onClick={() => void test()} disabled={testing || !form.address}>
            {testing ? t('accounts.testing') : t('accounts.test')}
          </button>
        </div>
      </form>
      <ErrorAlert problem={problem} />
      <Notice text={notice} />
      {steps && (
        <ol className="steps" aria-label={t('accounts.steps')}>
          {steps.map((s) => (
            <li key={s.step} className={s.ok ? 'ok' : 'ko'}>
              <span aria-hidden="true">{s.ok ? '✓ ' : '✗ '}</span>
              <span className="sr-only">{s.ok ? t('accounts.stepOk') : t('accounts.stepKo')} : </span>
              {s.message_fr} <span className="muted">({formatNumber(s.ms, 0)} ms)</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function ServerFields({ prefix, value, onChange }: { prefix: string; value: { host: string; port: number; security: 'starttls' | 'tls'; user: string }; onChange: (p: Partial<{ host: string; port: number; security: 'starttls' | 'tls'; user: string }>) => void }) {
  return (
    <div className="server-fields">
      <div className="field">
        <label htmlFor={`${prefix}-host`}>{t('accounts.host')}</label>
        <input id={`${prefix}-host`} value={value.host} onChange={(e) => onChange({ host: e.target.value })} spellCheck={false} />
      </div>
      <div className="field small">
        <label htmlFor={`${prefix}-port`}>{t('accounts.port')}</label>
        <input id={`${prefix}-port`} type="number" min={1} max={65535} value={value.port} onChange={(e) => onChange({ port: Number(e.target.value) })} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-security`}>{t('accounts.security')}</label>
        <select id={`${prefix}-security`} value={value.security} onChange={(e) => onChange({ security: e.target.value as 'starttls' | 'tls' })}>
          <option value="starttls">STARTTLS</option>
          <option value="tls">TLS</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-user`}>{t('accounts.user')}</label>
        <input id={`${prefix}-user`} value={value.user} onChange={(e) => onChange({ user: e.target.value })} autoComplete="off" spellCheck={false} />
      </div>
    </div>
  );
}

function CardSection({ api }: { api: PliApi }) {
  const [card, setCard] = useState<CardStatus>();
  const [problem, setProblem] = useState<Problem>();
  const load = useCallback(() => {
    setProblem(undefined);
    api.invoke('card.status', {}).then(setCard, (e: unknown) => setProblem(toProblem(e, t('card.failed'))));
  }, [api]);
  useEffect(load, [load]);
  useEffect(() => api.on('card.changed', setCard), [api]);
  return (
    <section id="settings-card" aria-labelledby="card-title" className="settings-section">
      <h3 id="card-title">{t('settings.card')}</h3>
      {card && (
        <dl className="facts" data-testid="card-status">
          <dt>{t('card.state')}</dt>
          <dd>{!card.present ? t('card.absent') : card.loggedIn ? t('card.loggedIn') : t('card.present')}</dd>
          {card.holder && (
            <>
              <dt>{t('card.holder')}</dt>
              <dd>{card.holder}</dd>
            </>
          )}
          {card.profession && (
            <>
              <dt>{t('card.profession')}</dt>
              <dd>{card.profession}</dd>
            </>
          )}
          {card.rpps && (
            <>
              <dt>{t('card.rpps')}</dt>
              <dd>{card.rpps}</dd>
            </>
          )}
          {card.triesLeft !== undefined && (
            <>
              <dt>{t('card.tries')}</dt>
              <dd>{card.triesLeft}</dd>
            </>
          )}
        </dl>
      )}
      {card?.newCard && <p className="field-warning">{t('card.newCard')}</p>}
      <ErrorAlert problem={problem} />
      <button type="button" onClick={load}>
        {t('card.refresh')}
      </button>
    </section>
  );
}
