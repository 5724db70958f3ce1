import { useCallback, useEffect, useState } from 'react';
import type { PliApi } from '../../shared/api';
import type { GroupDashboardView } from '../../shared/domain';
import { ErrorAlert } from '../components/Alert';
import { t } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';
import { formatNumber } from '../lib/format';

/** The secretariat's dashboard: letters waiting to be sorted, per-doctor counts, exports pending, outbox. */
export function GroupDashboard({ api, onOpenFolder }: { api: PliApi; onOpenFolder: (folderId: string) => void }) {
  const [board, setBoard] = useState<GroupDashboardView>();
  const [problem, setProblem] = useState<Problem>();
  const load = useCallback(() => {
    let alive = true;
    setProblem(undefined);
    api.invoke('group.dashboard', {}).then(
      (b) => alive && setBoard(b),
      (e: unknown) => alive && setProblem(toProblem(e, t('group.dashboard.failed'))),
    );
    return () => {
      alive = false;
    };
  }, [api]);
  useEffect(() => {
    const stop = load();
    const off = api.on('letters.changed', () => void load());
    return () => {
      stop();
      off();
    };
  }, [api, load]);

  return (
    <section className="group-dashboard settings" aria-labelledby="dashboard-title">
      <h2 id="dashboard-title">{t('group.dashboard.title')}</h2>
      <ErrorAlert problem={problem} onRetry={load} />
      {!board && !problem && <p role="status">{t('common.loading')}</p>}
      {board && (
        <>
          <dl className="facts dashboard-counts">
            <dt>{t('group.dashboard.aTrier')}</dt>
            <dd data-testid="dashboard-a-trier">
              {formatNumber(board.aTrier.total)}
              {board.aTrier.unread > 0 && ` (${t('group.dashboard.unread')} ${formatNumber(board.aTrier.unread)})`}
            </dd>
            <dt>{t('group.dashboard.exports')}</dt>
            <dd data-testid="dashboard-exports">{formatNumber(board.exportsPending)}</dd>
            <dt>{t('group.dashboard.outbox')}</dt>
            <dd data-testid="dashboard-outbox">{formatNumber(board.outbox)}</dd>
          </dl>
          <button type="button" className="primary" onClick={() => onOpenFolder(board.aTrier.folderId)}>
            {t('group.dashboard.open')}
          </button>
          <table className="dashboard-doctors">
            <caption>{t('group.dashboard.doctors')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('group.dashboard.doctor')}</th>
                <th scope="col">{t('group.dashboard.total')}</th>
                <th scope="col">{t('group.dashboard.unread')}</th>
              </tr>
            </thead>
            <tbody>
              {board.doctors.map((d) => (
                <tr key={d.doctorId}>
                  <th scope="row">
                    <button type="button" className="link-button" onClick={() => onOpenFolder(d.folderId)}>
                      {d.name}
                    </button>
                  </th>
                  <td>{formatNumber(d.total)}</td>
                  <td>{formatNumber(d.unread)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
