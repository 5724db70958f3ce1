import { useCallback, useRef, useState, type FormEvent } from 'react';
import type { PliApi } from '../../shared/api';
import type { Draft, GroupSessionView } from '../../shared/domain';
import { parseNir } from '../../shared/nir';
import { ErrorAlert, Notice } from '../components/Alert';
import { ChipsInput, type SuggestAddresses } from '../components/Chips';
import { Dialog } from '../components/Dialog';
import { t, tn } from '../i18n';
import { bytesToBase64, DEFAULT_SIZE_LIMIT, letterSize } from '../lib/base64';
import { toProblem, type Problem } from '../lib/errors';
import { formatBytes } from '../lib/format';
import { subjectWarnings } from '../lib/subject-warning';

export interface ComposerAttachment {
  name: string;
  mediaType: string;
  base64: string;
  size: number;
}

/** What a reply or a forward starts from. */
export interface ComposerStart {
  title?: string;
  to?: string[];
  subject?: string;
  patient?: { surname: string; firstName: string; birthDate?: string; code?: string };
  text?: string;
  attachments?: ComposerAttachment[];
}

export interface ComposerProps {
  api: PliApi;
  onDone: (message: string) => void;
  onCancel: () => void;
  sizeLimit?: number;
  start?: ComposerStart;
  /** Group practice: the secretariat prepares letters on a doctor's behalf, never signed. */
  group?: GroupSessionView;
}

/** NIR field state: empty, being typed, 13 characters without key, or complete with a right or wrong key. */
function nirState(raw: string): 'empty' | 'partial' | 'noKey' | 'valid' | 'invalid' {
  if (!raw.trim()) return 'empty';
  const n = parseNir(raw);
  if (!n) return raw.replace(/[\s.\-_]/g, '').length >= 13 ? 'invalid' : 'partial';
  if (n.key === undefined) return 'noKey';
  return n.valid ? 'valid' : 'invalid';
}

/**
 * A new letter: recipients (directory autocomplete), clear-text subject (warned), patient (HPRIM header),
 * text, attachments, optional CPS signature (or, for the secretariat of a group practice, on a doctor's behalf).
 */
export function Composer({ api, onDone, onCancel, sizeLimit = DEFAULT_SIZE_LIMIT, start, group }: ComposerProps) {
  const secretariat = group?.mode === 'group' && group.person?.role === 'secretary';
  const [onBehalfOf, setOnBehalfOf] = useState('');
  const [to, setTo] = useState<string[]>(start?.to ?? []);
  const [cc, setCc] = useState<string[]>([]);
  const [subject, setSubject] = useState(start?.subject ?? '');
  const [surname, setSurname] = useState(start?.patient?.surname ?? '');
  const [firstName, setFirstName] = useState(start?.patient?.firstName ?? '');
  const [birthDate, setBirthDate] = useState(start?.patient?.birthDate ?? '');
  const [nir, setNir] = useState('');
  const [patientCode, setPatientCode] = useState(start?.patient?.code ?? '');
  const [documentDate, setDocumentDate] = useState('');
  const [text, setText] = useState(start?.text ?? '');
  const [attachments, setAttachments] = useState<ComposerAttachment[]>(start?.attachments ?? []);
  const [sign, setSign] = useState(false);
  const [busy, setBusy] = useState<'send' | 'draft'>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [pinFor, setPinFor] = useState<(() => void) | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);

  const warnings = subjectWarnings(subject, { surname, firstName });
  const size = letterSize(text, attachments.map((a) => a.base64));
  const tooBig = size > sizeLimit;
  const hasPatient = surname.trim() !== '' || firstName.trim() !== '' || birthDate !== '';
  const nirCheck = nirState(nir);
  const suggest = useCallback<SuggestAddresses>(
    async (query) =>
      (await api.invoke('directory.search', { query, limit: 8 })).entries.flatMap((e) =>
        e.addresses.slice(0, 1).map((address) => ({
          address,
          label: e.displayName,
          ...(e.specialty || e.profession || e.city ? { detail: [e.specialty ?? e.profession, e.city].filter(Boolean).join(', ') } : {}),
        })),
      ),
    [api],
  );

  const draft = (): Draft => ({
    to,
    cc,
    subject,
    text,
    sign,
    attachments: attachments.map(({ name, mediaType, base64 }) => ({ name, mediaType, base64 })),
    ...(hasPatient
      ? {
          patient: {
            surname: surname.trim(),
            firstName: firstName.trim(),
            birthDate,
            ...(nir.trim() ? { nir: nir.trim() } : {}),
            ...(patientCode.trim() ? { code: patientCode.trim() } : {}),
            ...(documentDate ? { documentDate } : {}),
          },
        }
      : {}),
  });

  const addFiles = async (files: FileList | null) => {
    if (!files) return;
    const added: ComposerAttachment[] = [];
    for (const f of Array.from(files)) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      added.push({ name: f.name, mediaType: f.type || 'application/octet-stream', base64: bytesToBase64(bytes), size: f.size });
    }
    setAttachments((a) => [...a, ...added]);
    if (fileInput.current) fileInput.current.value = '';
  };

  const doSend = async () => {
    setBusy('send');
    setProblem(undefined);
    try {
      const r = await api.invoke('compose.send', { draft: draft(), ...(secretariat && onBehalfOf ? { onBehalfOf } : {}) });
      onDone(r.warnings.length ? `${t('compose.sent')} ${r.warnings.join(' ')}` : t('compose.sent'));
    } catch (e) {
      setProblem(toProblem(e, t('compose.sendFailed')));
    } finally {
      setBusy(undefined);
    }
  };

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!to.length) return setProblem({ code: 'no_recipient', message: t('compose.noRecipient') });
    if (tooBig) return setProblem({ code: 'too_big', message: t('compose.tooBig', { limit: formatBytes(sizeLimit) }) });
    if (nirCheck === 'invalid' || nirCheck === 'partial') return setProblem({ code: 'nir', message: t('compose.nirInvalid') });
    if (sign) {
      try {
        const card = await api.invoke('card.status', {});
        if (!card.present) return setProblem({ code: 'card_absent', message: t('card.insert') });
        if (!card.loggedIn) return setPinFor(() => () => void doSend());
      } catch (err) {
        return setProblem(toProblem(err, t('card.failed')));
      }
    }
    await doSend();
  };

  const saveDraft = async () => {
    if (!to.length) return setProblem({ code: 'no_recipient', message: t('compose.noRecipientDraft') });
    setBusy('draft');
    setProblem(undefined);
    try {
      await api.invoke('compose.saveDraft', { draft: draft() });
      setNotice(t('compose.draftSaved'));
    } catch (e) {
      setProblem(toProblem(e, t('compose.draftFailed')));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section className="composer" aria-labelledby="composer-title">
      <h2 id="composer-title">{start?.title ?? t('compose.title')}</h2>
      <form onSubmit={send} noValidate>
        <ChipsInput id="compose-to" label={t('compose.to')} values={to} onChange={setTo} suggest={suggest} />
        <ChipsInput id="compose-cc" label={t('compose.cc')} values={cc} onChange={setCc} suggest={suggest} />
        <div className="field">
          <label htmlFor="compose-subject">{t('compose.subject')}</label>
          <input id="compose-subject" value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={200} aria-describedby="subject-hint subject-warnings" />
          <p id="subject-hint" className="hint">
            <span aria-hidden="true">⚠ </span>
            {t('compose.subjectClear')}
          </p>
          <div id="subject-warnings" aria-live="polite">
            {warnings.length > 0 && (
              <p className="field-warning" data-testid="subject-warning">
                <span aria-hidden="true">⚠ </span>
                {t('compose.subjectWarning')} {warnings.map((w) => t(`compose.subjectWarning.${w}`)).join(' ')}
              </p>
            )}
          </div>
        </div>
        <fieldset className="patient-fields">
          <legend>{t('compose.patient')}</legend>
          <div className="field">
            <label htmlFor="compose-surname">{t('compose.surname')}</label>
            <input id="compose-surname" value={surname} onChange={(e) => setSurname(e.target.value)} maxLength={100} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="compose-firstname">{t('compose.firstName')}</label>
            <input id="compose-firstname" value={firstName} onChange={(e) => setFirstName(e.target.value)} maxLength={100} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="compose-birthdate">{t('compose.birthDate')}</label>
            <input id="compose-birthdate" type="date" value={birthDate} onChange={(e) => setBirthDate(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="compose-nir">{t('compose.nir')}</label>
            <input
              id="compose-nir"
              value={nir}
              onChange={(e) => setNir(e.target.value.slice(0, 21))}
              inputMode="numeric"
              autoComplete="off"
              aria-describedby="compose-nir-check"
              aria-invalid={nirCheck === 'invalid' ? true : undefined}
            />
            <p id="compose-nir-check" className={nirCheck === 'invalid' ? 'field-error' : 'hint'} data-testid="nir-check" aria-live="polite">
              {nirCheck === 'valid' ? t('compose.nirValid') : nirCheck === 'invalid' ? t('compose.nirInvalid') : nirCheck === 'noKey' ? t('compose.nirNoKey') : t('compose.nirHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor="compose-patient-code">{t('compose.patientCode')}</label>
            <input id="compose-patient-code" value={patientCode} onChange={(e) => setPatientCode(e.target.value)} maxLength={20} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="compose-document-date">{t('compose.documentDate')}</label>
            <input id="compose-document-date" type="date" value={documentDate} onChange={(e) => setDocumentDate(e.target.value)} aria-describedby="compose-document-date-hint" />
            <p id="compose-document-date-hint" className="hint">
              {t('compose.documentDateHint')}
            </p>
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="compose-text">{t('compose.text')}</label>
          <textarea id="compose-text" rows={14} value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="compose-files">{t('compose.attachments')}</label>
          <input id="compose-files" ref={fileInput} type="file" multiple onChange={(e) => void addFiles(e.target.files)} />
          {attachments.length > 0 && (
            <ul className="attachment-list">
              {attachments.map((a, i) => (
                <li key={`${a.name}-${i}`}>
                  {a.name} <span className="muted">({formatBytes(a.size)})</span>{' '}
                  <button type="button" className="link-button" onClick={() => setAttachments((x) => x.filter((_, j) => j !== i))} aria-label={t('compose.removeAttachment', { name: a.name })}>
                    {t('compose.remove')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <p className={tooBig ? 'field-error' : 'hint'} data-testid="size-counter">
            <meter min={0} max={sizeLimit} high={sizeLimit * 0.9} value={Math.min(size, sizeLimit)} aria-label={t('compose.sizeLabel')} />{' '}
            {t('compose.size', { size: formatBytes(size), limit: formatBytes(sizeLimit) })}
            {tooBig && ` ${t('compose.tooBig', { limit: formatBytes(sizeLimit) })}`}
          </p>
        </div>
        {secretariat && (
          <div className="field">
            <label htmlFor="compose-behalf">{t('group.compose.onBehalfOf')}</label>
            <select id="compose-behalf" value={onBehalfOf} onChange={(e) => setOnBehalfOf(e.target.value)} aria-describedby="compose-behalf-hint">
              <option value="">{t('group.compose.practice')}</option>
              {group.doctors.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
            <p id="compose-behalf-hint" className="hint">
              {t('group.compose.unsigned')}
            </p>
          </div>
        )}
        {!secretariat && (
          <div className="field check">
            <input id="compose-sign" type="checkbox" checked={sign} onChange={(e) => setSign(e.target.checked)} />
            <label htmlFor="compose-sign">{t('compose.sign')}</label>
          </div>
        )}
        <ErrorAlert problem={problem} />
        <Notice text={notice} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy !== undefined}>
            {busy === 'send' ? t('compose.sending') : t('compose.send')}
          </button>
          <button type="button" onClick={() => void saveDraft()} disabled={busy !== undefined}>
            {t('compose.saveDraft')}
          </button>
          <button type="button" className="link-button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
      {pinFor && (
        <PinDialog
          api={api}
          onCancel={() => setPinFor(undefined)}
          onLoggedIn={() => {
            const next = pinFor;
            setPinFor(undefined);
            next();
          }}
        />
      )}
    </section>
  );
}

/** The CPS PIN: kept only in this input, sent once to the card, cleared right after. */
export function PinDialog({ api, onCancel, onLoggedIn }: { api: PliApi; onCancel: () => void; onLoggedIn: () => void }) {
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || pin.length < 4) return;
    setBusy(true);
    const value = pin;
    setPin('');
    try {
      const status = await api.invoke('card.login', { pin: value });
      if (status.loggedIn) onLoggedIn();
      else setProblem({ code: 'card_login', message: tn('card.pinRefused', status.triesLeft ?? 0) });
    } catch (err) {
      setProblem(toProblem(err, t('card.failed')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog id="pin" title={t('card.pinTitle')} onClose={onCancel}>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="pin-input">{t('card.pin')}</label>
          <input id="pin-input" type="password" inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 16))} minLength={4} maxLength={16} autoFocus />
        </div>
        <ErrorAlert problem={problem} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || pin.length < 4}>
            {t('card.pinSubmit')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
