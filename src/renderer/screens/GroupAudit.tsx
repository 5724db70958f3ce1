import { useCallback, useEffect, useState } from 'react';
import type { PliApi } from '../../shared/api';
import type { AuditEntryView } from '../../shared/domain';
import { ErrorAlert, Notice } from '../components/Alert';
import { t } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';
import { formatDateTime } from '../lib/format';

/** The audit log of a group practice (administrator): newest first, exportable as CSV. */
export function GroupAudit({ api }: { api: PliApi }) {
  const [entries, setEntries] = useState<AuditEntryView[]>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const load = useCallback(() => {
    let alive = true;
    setProblem(undefined);
    api.invoke('audit.list', { limit: 500 }).then(
      (r) => alive && setEntries(r.entries),
      (e: unknown) => alive && setProblem(toProblem(e, t('group.audit.failed'))),
    );
    return () => {
      alive = false;
    };
  }, [api]);
  useEffect(() => load(), [load]);

  const exportCsv = async () => {
    setProblem(undefined);
    try {
      const { csv, fileName } = await api.invoke('audit.exportCsv', {});
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setNotice(t('group.audit.exported', { file: fileName }));
    } catch (e) {
      setProblem(toProblem(e, t('common.error')));
    }
  };

  return (
    <section className="group-audit settings" aria-labelledby="audit-title">
      <div className="settings-head">
        <h2 id="audit-title">{t('group.audit.title')}</h2>
        <button type="button" onClick={() => void exportCsv()}>
          {t('group.audit.export')}
        </button>
      </div>
      <p>{t('group.audit.intro')}</p>
      <ErrorAlert problem={problem} onRetry={load} />
      <Notice text={notice} />
      {!entries && !problem && <p role="status">{t('common.loading')}</p>}
      {entries && entries.length === 0 && <p>{t('group.audit.empty')}</p>}
      {entries && entries.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="audit-title">
          <table className="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('group.audit.date')}</th>
                <th scope="col">{t('group.audit.person')}</th>
                <th scope="col">{t('group.audit.action')}</th>
                <th scope="col">{t('group.audit.target')}</th>
                <th scope="col">{t('group.audit.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e, i) => (
                <tr key={`${e.at}-${i}`} className={e.outcome === 'refused' ? 'refused' : undefined}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{e.actorName}</td>
                  <td>{e.actionLabel}</td>
                  <td>{e.target ?? ''}</td>
                  <td>{t(`group.audit.${e.outcome}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
