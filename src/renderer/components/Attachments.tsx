import { useEffect, useState } from 'react';
import type { PliApi } from '../../shared/api';
import type { AttachmentInfo } from '../../shared/domain';
import { t } from '../i18n';
import { base64ToBytes } from '../lib/base64';
import { toProblem, type Problem } from '../lib/errors';
import { formatBytes } from '../lib/format';
import { ErrorAlert } from './Alert';
import { Dialog } from './Dialog';

/** What Pli shows itself; anything else is only saved (never opened by the page, never as HTML). */
export type ViewKind = 'pdf' | 'image' | 'text';

export function viewKind(a: Pick<AttachmentInfo, 'name' | 'mediaType'>): ViewKind | undefined {
  const type = a.mediaType.toLowerCase();
  const ext = /\.([a-z0-9]+)$/i.exec(a.name)?.[1]?.toLowerCase();
  if (type === 'application/pdf' || ext === 'pdf') return 'pdf';
  if (/^image\/(png|jpeg|gif|webp)$/.test(type) || ['png', 'jpg', 'jpeg', 'gif', 'webp'].includes(ext ?? '')) return 'image';
  if (type === 'text/plain' || ['txt', 'hpr', 'hprim'].includes(ext ?? '')) return 'text';
  return undefined;
}

/** The blob type is ours, not the sender's: a PDF is a PDF, an image an image, never HTML or script. */
const BLOB_TYPE: Record<ViewKind, (a: AttachmentInfo) => string> = {
  pdf: () => 'application/pdf',
  image: (a) => (/^image\/(png|jpeg|gif|webp)$/.test(a.mediaType.toLowerCase()) ? a.mediaType.toLowerCase() : 'image/png'),
  text: () => 'text/plain;charset=utf-8',
};

async function fetchBytes(api: PliApi, letterId: string, a: AttachmentInfo): Promise<Uint8Array> {
  const r = await api.invoke('letters.attachment', { letterId, attachmentId: a.id });
  return base64ToBytes(r.base64);
}

/** The letter's attachments, each with "Ouvrir" (PDF, image, text: inside Pli) and "Enregistrer". */
export function AttachmentList({ api, letterId, attachments }: { api: PliApi; letterId: string; attachments: AttachmentInfo[] }) {
  const [problem, setProblem] = useState<Problem>();
  const [viewing, setViewing] = useState<AttachmentInfo>();
  const save = async (a: AttachmentInfo) => {
    setProblem(undefined);
    try {
      const bytes = await fetchBytes(api, letterId, a);
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = a.name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 30_000);
    } catch (e) {
      setProblem(toProblem(e, t('attachment.failed')));
    }
  };
  return (
    <section aria-labelledby="attachments-title" className="attachments">
      <h3 id="attachments-title">{t('reader.attachments')}</h3>
      <ul>
        {attachments.map((a) => (
          <li key={a.id}>
            <span aria-hidden="true">▸ </span>
            {a.name} <span className="muted">({formatBytes(a.size)}, {a.mediaType})</span>{' '}
            {viewKind(a) && (
              <button type="button" className="link-button" onClick={() => setViewing(a)} aria-label={t('attachment.openNamed', { name: a.name })}>
                {t('attachment.open')}
              </button>
            )}{' '}
            <button type="button" className="link-button" onClick={() => void save(a)} aria-label={t('attachment.saveNamed', { name: a.name })}>
              {t('attachment.save')}
            </button>
          </li>
        ))}
      </ul>
      <ErrorAlert problem={problem} />
      {viewing && <AttachmentViewer api={api} letterId={letterId} attachment={viewing} onClose={() => setViewing(undefined)} />}
    </section>
  );
}

/**
 * Shows one attachment in a dialog: images in an <img>, text in a <pre>, PDFs through the browser's own
 * PDF viewer (a separate sandboxed process that runs no document script) from a blob typed by Pli.
 */
function AttachmentViewer({ api, letterId, attachment, onClose }: { api: PliApi; letterId: string; attachment: AttachmentInfo; onClose: () => void }) {
  const kind = viewKind(attachment)!;
  const [url, setUrl] = useState<string>();
  const [text, setText] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    let alive = true;
    let made: string | undefined;
    fetchBytes(api, letterId, attachment).then(
      (bytes) => {
        if (!alive) return;
        if (kind === 'text') setText(new TextDecoder('utf-8').decode(bytes));
        else setUrl((made = URL.createObjectURL(new Blob([bytes as BlobPart], { type: BLOB_TYPE[kind](attachment) }))));
      },
      (e: unknown) => alive && setProblem(toProblem(e, t('attachment.failed'))),
    );
    return () => {
      alive = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [api, letterId, attachment, kind]);
  return (
    <Dialog id="attachment-viewer" title={attachment.name} onClose={onClose}>
      <ErrorAlert problem={problem} />
      {!problem && !url && text === undefined && <p role="status">{t('common.loading')}</p>}
      {kind === 'image' && url && <img className="attachment-image" src={url} alt={t('attachment.imageAlt', { name: attachment.name })} />}
      {kind === 'pdf' && url && <iframe className="attachment-pdf" src={url} title={t('attachment.pdfTitle', { name: attachment.name })} />}
      {kind === 'text' && text !== undefined && (
        <pre className="letter-text mono" tabIndex={0}>
          {text}
        </pre>
      )}
    </Dialog>
  );
}
