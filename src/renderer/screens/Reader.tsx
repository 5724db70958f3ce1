import { useCallback, useEffect, useRef, useState } from 'react';
import type { PliApi } from '../../shared/api';
import type { Folder, GroupSessionView, LabResult, LabSeries, LetterDetail, LetterDocument, LetterSummary, PatientRef, SignerDetail } from '../../shared/domain';
import { ErrorAlert, Notice } from '../components/Alert';
import { AttachmentList } from '../components/Attachments';
import { SignatureBadge } from '../components/Badges';
import { LabTable } from '../components/LabTable';
import { TrendChart } from '../components/TrendChart';
import { t } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';
import { formatDate, formatDateTime } from '../lib/format';
import type { ComposerAttachment, ComposerStart } from './Composer';
import { folderName, sortFolders } from './FolderList';
import { GroupAssign } from './GroupAssign';

export interface ReaderProps {
  api: PliApi;
  letterId: string;
  folders: Folder[];
  monospace: boolean;
  /** A change made here (read, flag, move, retry) that the list and counts must reflect. */
  onChanged: (id: string, change: Partial<LetterSummary> | 'moved') => void;
  onClose: () => void;
  /** Opens the composer for a reply or a forward. */
  onCompose: (start: ComposerStart) => void;
  /** Group practice: who is signed in; letters of "À trier" get "Attribuer à…". */
  group?: GroupSessionView;
  /** A confirmation to show once the reader has closed (the letter left the list). */
  onAnnounce?: (message: string) => void;
}

const prefixed = (prefix: string, subject: string) => (subject.toLowerCase().startsWith(prefix.toLowerCase()) ? subject : `${prefix} ${subject}`.trim());

/** The patient of a reply or forward: the same person, so that the answer files under the same record. */
function patientStart(l: LetterDetail): ComposerStart['patient'] {
  const p = l.patient ?? l.documents[0]?.patient;
  return p ? { surname: p.surname, firstName: p.firstName, ...(p.birthDate ? { birthDate: p.birthDate } : {}) } : undefined;
}

/** One letter: header, patient card, signature, text, lab results with trends, attachments, actions. */
export function Reader({ api, letterId, folders, monospace, onChanged, onClose, onCompose, group, onAnnounce }: ReaderProps) {
  const [letter, setLetter] = useState<LetterDetail>();
  const [problem, setProblem] = useState<Problem>();
  const [actionProblem, setActionProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(() => {
    let alive = true;
    setProblem(undefined);
    api.invoke('letters.get', { id: letterId }).then(
      (l) => {
        if (!alive) return;
        setLetter(l);
        if (!l.read) {
          api.invoke('letters.setFlags', { ids: [l.id], read: true }).then(
            () => {
              if (!alive) return;
              setLetter((x) => (x && x.id === l.id ? { ...x, read: true } : x));
              onChanged(l.id, { read: true });
            },
            () => undefined,
          );
        }
      },
      (e: unknown) => alive && setProblem(toProblem(e, t('reader.failed'))),
    );
    return () => {
      alive = false;
    };
  }, [api, letterId]);

  useEffect(() => {
    setLetter(undefined);
    setNotice(undefined);
    setActionProblem(undefined);
    return load();
  }, [load]);

  // Opened from its row (Enter or a click), the letter takes the focus: read at once by screen readers,
  // and Escape, handled here, brings the focus back to the row.
  const loadedId = letter?.id;
  useEffect(() => {
    if (loadedId === undefined) return;
    const active = document.activeElement;
    if (active === document.body || active?.id === `letter-${loadedId}`) heading.current?.focus();
  }, [loadedId]);

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setActionProblem(undefined);
    try {
      await fn();
      if (done) setNotice(done);
    } catch (e) {
      setActionProblem(toProblem(e, t('common.error')));
    }
  };

  if (problem)
    return (
      <section className="reader" aria-label={t('reader.label')}>
        <ErrorAlert problem={problem} onRetry={load} />
      </section>
    );
  if (!letter)
    return (
      <section className="reader" aria-label={t('reader.label')}>
        <p role="status">{t('common.loading')}</p>
      </section>
    );

  const trash = folders.find((f) => f.kind === 'trash');
  const inReview = folders.find((f) => f.id === letter.folderId)?.kind === 'review' || letter.problem !== undefined;
  const setFlags = (patch: { read?: boolean; flagged?: boolean }, done: string) =>
    act(async () => {
      await api.invoke('letters.setFlags', { ids: [letter.id], ...patch });
      setLetter({ ...letter, ...patch });
      onChanged(letter.id, patch);
    }, done);
  const patient = patientStart(letter);
  const reply = () =>
    onCompose({
      title: t('reader.replyTitle'),
      to: [letter.sender],
      subject: prefixed('Re :', letter.subject),
      ...(patient ? { patient } : {}),
    });
  // A forward goes through the composer: it is signed and encrypted again, for the colleague.
  const forward = () =>
    act(async () => {
      const attachments: ComposerAttachment[] = [];
      for (const a of letter.attachmentList) {
        const r = await api.invoke('letters.attachment', { letterId: letter.id, attachmentId: a.id });
        attachments.push({ name: r.name, mediaType: r.mediaType, base64: r.base64, size: a.size });
      }
      const intro = t('reader.forwardIntro', { from: letter.sender, date: formatDateTime(letter.date) });
      onCompose({
        title: t('reader.forwardTitle'),
        subject: prefixed('Tr :', letter.subject),
        ...(patient ? { patient } : {}),
        text: intro + letter.documents.map((d) => d.text).join('\n\n'),
        attachments,
      });
    }, '');
  const move = (folderId: string, done: string) =>
    act(async () => {
      await api.invoke('letters.move', { ids: [letter.id], folderId });
      onChanged(letter.id, 'moved');
    }, done);

  return (
    <article className="reader" aria-labelledby="reader-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <header className="reader-head">
        <h2 id="reader-title" ref={heading} tabIndex={-1}>
          {letter.subject || t('letter.noSubject')}
        </h2>
        <dl className="facts">
          <dt>{t('reader.from')}</dt>
          <dd>{letter.sender}</dd>
          <dt>{t('reader.to')}</dt>
          <dd>{letter.recipients.join(', ')}</dd>
          <dt>{t('reader.date')}</dt>
          <dd>{formatDateTime(letter.date)}</dd>
          {letter.documentDate && (
            <>
              <dt>{t('reader.documentDate')}</dt>
              <dd>{formatDate(letter.documentDate)}</dd>
            </>
          )}
          <dt>{t('reader.signature')}</dt>
          <dd data-testid="signature">
            <SignatureBadge status={letter.signature} reason={letter.signatureReason} />
            {letter.signer && <span className="signer"> — {letter.signer}</span>}
            {letter.signerDetail && <SignerDetails signer={letter.signerDetail} />}
          </dd>
        </dl>
        <div className="toolbar" role="toolbar" aria-label={t('reader.actions')}>
          <button type="button" onClick={reply}>
            {t('reader.reply')}
          </button>
          <button type="button" onClick={() => void forward()}>
            {t('reader.forward')}
          </button>
          <button type="button" onClick={() => window.print()}>
            {t('reader.print')}
          </button>
          <button type="button" onClick={() => setFlags({ read: !letter.read }, letter.read ? t('reader.markedUnread') : t('reader.markedRead'))}>
            {letter.read ? t('reader.markUnread') : t('reader.markRead')}
          </button>
          <button type="button" aria-pressed={letter.flagged} onClick={() => setFlags({ flagged: !letter.flagged }, letter.flagged ? t('reader.unflagged') : t('reader.flaggedDone'))}>
            <span aria-hidden="true">★ </span>
            {t('reader.flag')}
          </button>
          <MoveControl folders={folders} current={letter.folderId} onMove={(id, name) => move(id, t('reader.moved', { folder: name }))} />
          {trash && trash.id !== letter.folderId && (
            <button type="button" className="danger" onClick={() => move(trash.id, t('reader.deleted'))}>
              {t('reader.delete')}
            </button>
          )}
          {letter.export !== 'none' && (
            <button type="button" onClick={() => act(() => api.invoke('letters.export', { id: letter.id }), t('export.requested'))}>
              {t('reader.reexport')}
            </button>
          )}
          <button type="button" onClick={onClose}>
            {t('reader.close')}
          </button>
        </div>
        <ErrorAlert problem={actionProblem} />
        <Notice text={notice} />
      </header>

      {group?.canSort && folders.find((f) => f.id === letter.folderId)?.kind === 'user' && folders.find((f) => f.id === letter.folderId)?.name === 'À trier' && (
        <GroupAssign
          api={api}
          letterId={letter.id}
          doctors={group.doctors}
          onAssigned={(message) => {
            onAnnounce?.(message);
            onChanged(letter.id, 'moved');
          }}
        />
      )}

      {inReview && (
        <section className="review-box" aria-labelledby="review-title">
          <h3 id="review-title">{t('reader.reviewTitle')}</h3>
          <p>{letter.problem ?? t('reader.reviewUnknown')}</p>
          <button
            type="button"
            onClick={() =>
              act(async () => {
                const s = await api.invoke('letters.retry', { id: letter.id });
                onChanged(letter.id, s.folderId !== letter.folderId ? 'moved' : s);
                load();
              }, t('reader.retried'))
            }
          >
            {t('reader.retry')}
          </button>
        </section>
      )}

      <ExportStatus status={letter.export} />

      {letter.documents.map((doc, i) => (
        <DocumentView key={i} api={api} doc={doc} fallbackPatient={letter.patient} monospace={monospace} index={i} />
      ))}

      {letter.html !== undefined && <HtmlVersion html={letter.html} />}

      {letter.attachmentList.length > 0 && <AttachmentList api={api} letterId={letter.id} attachments={letter.attachmentList} />}
    </article>
  );
}

/** The signer as its certificate names them: RPPS, profession, validity, signing time. */
function SignerDetails({ signer }: { signer: SignerDetail }) {
  return (
    <details className="signer-details" data-testid="signer-details">
      <summary>{t('reader.signer')}</summary>
      <ul>
        <li>
          {signer.name}
          {signer.profession ? `, ${signer.profession}` : ''}
        </li>
        {signer.rpps && <li>{t('reader.signerRpps', { rpps: signer.rpps })}</li>}
        <li>{t('reader.signerValidity', { from: formatDate(signer.notBefore), to: formatDate(signer.notAfter) })}</li>
        {signer.signingTime && <li>{t('reader.signedAt', { date: formatDateTime(signer.signingTime) })}</li>}
        {signer.issuer && <li className="muted">{signer.issuer}</li>}
      </ul>
    </details>
  );
}

/**
 * The HTML version of a plain mail, on demand, in an iframe sandboxed with no permission at all: no script,
 * no form, no navigation of Pli, no plugin; its own CSP (and Pli's) refuse every remote image or style.
 */
function HtmlVersion({ html }: { html: string }) {
  const [shown, setShown] = useState(false);
  const doc = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"></head><body>${html}</body></html>`;
  return (
    <section className="html-version" aria-labelledby="html-version-title">
      <h3 id="html-version-title">{t('reader.htmlTitle')}</h3>
      <button type="button" onClick={() => setShown((s) => !s)} aria-expanded={shown}>
        {shown ? t('reader.htmlHide') : t('reader.htmlShow')}
      </button>
      {shown && (
        <>
          <p className="hint">{t('reader.htmlNote')}</p>
          <iframe className="letter-html" sandbox="" srcDoc={doc} title={t('reader.htmlTitle')} referrerPolicy="no-referrer" />
        </>
      )}
    </section>
  );
}

function ExportStatus({ status }: { status: LetterDetail['export'] }) {
  if (status === 'none') return null;
  return (
    <p className={`export-status export-${status}`} data-testid="export-status">
      <span aria-hidden="true">{status === 'done' ? '✓ ' : status === 'failed' ? '✗ ' : '… '}</span>
      {t(`export.${status}`)}
    </p>
  );
}

function MoveControl({ folders, current, onMove }: { folders: Folder[]; current: string; onMove: (id: string, name: string) => void }) {
  const targets = sortFolders(folders).filter((f) => f.id !== current && f.kind !== 'outbox' && f.kind !== 'drafts');
  const [target, setTarget] = useState('');
  return (
    <span className="move">
      <label htmlFor="move-target" className="sr-only">
        {t('reader.moveTo')}
      </label>
      <select id="move-target" value={target} onChange={(e) => setTarget(e.target.value)}>
        <option value="">{t('reader.moveTo')}</option>
        {targets.map((f) => (
          <option key={f.id} value={f.id}>
            {folderName(f)}
          </option>
        ))}
      </select>
      <button
        type="button"
        disabled={!target}
        onClick={() => {
          const f = folders.find((x) => x.id === target);
          if (f) onMove(f.id, folderName(f));
          setTarget('');
        }}
      >
        {t('reader.move')}
      </button>
    </span>
  );
}

export function PatientCard({ patient }: { patient: PatientRef }) {
  return (
    <section className="patient-card" aria-label={t('reader.patient')}>
      <p className="patient-name">
        <strong>{patient.surname.toUpperCase()}</strong> {patient.firstName}
      </p>
      <dl className="facts">
        {patient.birthDate && (
          <>
            <dt>{t('reader.birthDate')}</dt>
            <dd>{formatDate(patient.birthDate)}</dd>
          </>
        )}
        {patient.code && (
          <>
            <dt>{t('reader.patientCode')}</dt>
            <dd data-testid="patient-code">{patient.code}</dd>
          </>
        )}
        {patient.nirMasked && (
          <>
            <dt>
              <abbr title={t('reader.nirLong')}>{t('reader.nir')}</abbr>
            </dt>
            <dd className="mono" data-testid="nir">
              {patient.nirMasked}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function DocumentView({ api, doc, fallbackPatient, monospace, index }: { api: PliApi; doc: LetterDocument; fallbackPatient?: PatientRef; monospace: boolean; index: number }) {
  const patient = doc.patient ?? fallbackPatient;
  const [series, setSeries] = useState<LabSeries[]>();
  const [trend, setTrend] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const showTrend = (r: LabResult) => {
    const key = r.code ?? r.label;
    if (trend === key) return setTrend(undefined);
    setTrend(key);
    if (series || !patient?.id) return;
    api.invoke('patients.labSeries', { patientId: patient.id }).then(
      (r2) => setSeries(r2.series),
      (e: unknown) => setProblem(toProblem(e, t('lab.trendFailed'))),
    );
  };
  const selected = trend && series?.find((s) => s.analyte === trend || s.label === trend);
  return (
    <section className="document" aria-label={t('reader.document', { n: index + 1 })}>
      {patient && <PatientCard patient={patient} />}
      {doc.sender && <p className="muted">{t('reader.docSender', { sender: doc.sender })}</p>}
      <pre className={`letter-text${monospace ? ' mono' : ' prose'}`} tabIndex={0} aria-label={t('reader.text')}>
        {doc.text}
      </pre>
      {doc.lab.length > 0 && <LabTable results={doc.lab} onTrend={patient?.id ? showTrend : undefined} trendFor={trend} />}
      <ErrorAlert problem={problem} />
      {trend && !problem && (selected ? <TrendChart series={selected} /> : series ? <p className="muted">{t('lab.noSeries')}</p> : <p role="status">{t('common.loading')}</p>)}
    </section>
  );
}
