import { useCallback, useEffect, useState } from 'react';
import type { PliApi } from '../../../shared/api';
import type { Account } from '../../../shared/domain';
import type { Response } from '../../../shared/contract';
import { ErrorAlert, Notice } from '../../components/Alert';
import { t } from '../../i18n';
import { toProblem, type Problem } from '../../lib/errors';
import { formatNumber } from '../../lib/format';

export type AccountForm = Omit<Account, 'hasPassword' | 'id'> & { id?: string };
export type ConnectionSteps = Response<'accounts.test'>['steps'];

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

/**
 * A mail account: preset, address, password (sent once to the host, kept encrypted in the mailbox),
 * servers, and "Tester la connexion" showing each step. Shared by Paramètres and the wizard.
 */
export function AccountSetup({ api, onSaved, onTested }: { api: PliApi; onSaved?: (a: Account) => void; onTested?: (steps: ConnectionSteps) => void }) {
  const [accounts, setAccounts] = useState<Account[]>();
  const [problem, setProblem] = useState<Problem>();
  const [form, setForm] = useState<AccountForm>(presetAccount('apicrypt', ''));
  const [password, setPassword] = useState('');
  const [notice, setNotice] = useState<string>();
  const [steps, setSteps] = useState<ConnectionSteps>();
  const [testing, setTesting] = useState(false);
  const load = useCallback(() => {
    api.invoke('accounts.list', {}).then(
      (r) => {
        setAccounts(r.accounts);
        const first = r.accounts[0];
        if (first) {
          setForm(first);
          onSaved?.(first);
        }
      },
      (e: unknown) => setProblem(toProblem(e, t('accounts.failed'))),
    );
  }, [api, onSaved]);
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
      onSaved?.(saved);
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
      const r = await api.invoke('accounts.test', { id: saved.id });
      setSteps(r.steps);
      onTested?.(r.steps);
    } catch (err) {
      setProblem(toProblem(err, t('accounts.testFailed')));
    } finally {
      setTesting(false);
    }
  };
  const setIn = (patch: Partial<AccountForm['incoming']>) => setForm((f) => ({ ...f, incoming: { ...f.incoming, ...patch } }));
  const setOut = (patch: Partial<AccountForm['outgoing']>) => setForm((f) => ({ ...f, outgoing: { ...f.outgoing, ...patch } }));
  const allOk = steps !== undefined && steps.length > 0 && steps.every((s) => s.ok);

  return (
    <div className="setup account-setup">
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
          <select id="account-preset" value={form.preset} onChange={(e) => setForm(presetAccount(e.target.value as Account['preset'], form.address, form.id))} aria-describedby="account-preset-hint">
            <option value="apicrypt">{t('accounts.preset.apicrypt')}</option>
            <option value="generic">{t('accounts.preset.generic')}</option>
          </select>
          <p id="account-preset-hint" className="hint">
            {t(form.preset === 'apicrypt' ? 'accounts.presetHint.apicrypt' : 'accounts.presetHint.generic')}
          </p>
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
          <button type="submit">{t('accounts.save')}</button>
          <button type="button" onClick={() => void test()} disabled={testing || !form.address}>
            {testing ? t('accounts.testing') : t('accounts.test')}
          </button>
        </div>
      </form>
      <ErrorAlert problem={problem} />
      <Notice text={notice} />
      {steps && (
        <>
          <ol className="steps" aria-label={t('accounts.steps')}>
            {steps.map((s) => (
              <li key={s.step} className={s.ok ? 'ok' : 'ko'}>
                <span aria-hidden="true">{s.ok ? '✓ ' : '✗ '}</span>
                <span className="sr-only">{s.ok ? t('accounts.stepOk') : t('accounts.stepKo')} : </span>
                {s.message_fr} <span className="muted">({formatNumber(s.ms, 0)} ms)</span>
              </li>
            ))}
          </ol>
          <p role="status" className={allOk ? 'notice' : 'field-warning'} data-testid="account-test-result">
            {allOk ? t('accounts.testAllOk') : t('accounts.testSomeKo')}
          </p>
        </>
      )}
    </div>
  );
}

type Server = { host: string; port: number; security: 'starttls' | 'tls'; user: string };

function ServerFields({ prefix, value, onChange }: { prefix: string; value: Server; onChange: (p: Partial<Server>) => void }) {
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
