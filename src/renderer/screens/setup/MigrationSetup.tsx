import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { PliApi } from '../../../shared/api';
import type { EventPayload } from '../../../shared/contract';
import type { LegacySourceView, MigrationReportView } from '../../../shared/domain';
import { ErrorAlert } from '../../components/Alert';
import { t, tn } from '../../i18n';
import { toProblem, type Problem } from '../../lib/errors';
import { formatBytes } from '../../lib/format';

type Progress = EventPayload<'migration.progress'>;

/**
 * Bringing the old (V1) mailbox along: what Pli found in the usual places and in folders the user names,
 * the import with its progress and a cancel button, then the French report. The import is resumable:
 * cancelling keeps what was imported and running it again adds no duplicate.
 */
export function MigrationSetup({ api, onReport, onRunning }: { api: PliApi; onReport?: (r: MigrationReportView) => void; onRunning?: (running: boolean) => void }) {
  const [roots, setRoots] = useState<string[]>([]);
  const [sources, setSources] = useState<LegacySourceView[]>();
  const [searched, setSearched] = useState<string[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [path, setPath] = useState('');
  const [detecting, setDetecting] = useState(false);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress>();
  const [report, setReport] = useState<MigrationReportView>();
  const [problem, setProblem] = useState<Problem>();

  const detect = useCallback(
    async (paths: string[]) => {
      setDetecting(true);
      setProblem(undefined);
      try {
        const r = await api.invoke('migration.detect', { paths });
        setSources(r.sources);
        setSearched(r.searched);
        setChosen(new Set(r.sources.map((s) => s.path)));
      } catch (err) {
        setProblem(toProblem(err, t('migration.detectFailed')));
      } finally {
        setDetecting(false);
      }
    },
    [api],
  );
  useEffect(() => {
    void detect([]);
  }, [detect]);
  useEffect(() => api.on('migration.progress', setProgress), [api]);
  useEffect(() => onRunning?.(running), [running, onRunning]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (!p) return;
    const next = roots.includes(p) ? roots : [...roots, p];
    setRoots(next);
    void detect(next);
  };
  const start = async () => {
    const paths = (sources ?? []).filter((s) => chosen.has(s.path)).map((s) => s.path);
    if (paths.length === 0 || running) return;
    setRunning(true);
    setProgress(undefined);
    setReport(undefined);
    setProblem(undefined);
    try {
      const r = await api.invoke('migration.start', { paths, dryRun: false });
      setReport(r);
      onReport?.(r);
    } catch (err) {
      setProblem(toProblem(err, t('migration.failed')));
    } finally {
      setRunning(false);
    }
  };
  const cancel = () => {
    api.invoke('migration.cancel', {}).catch((e: unknown) => setProblem(toProblem(e, t('migration.failed'))));
  };
  const toggle = (p: string, on: boolean) =>
    setChosen((c) => {
      const n = new Set(c);
      if (on) n.add(p);
      else n.delete(p);
      return n;
    });

  return (
    <div className="setup migration-setup">
      {detecting && <p role="status">{t('migration.detecting')}</p>}
      {sources && !detecting && sources.length === 0 && <p>{t('migration.none')}</p>}
      {sources && sources.length > 0 && (
        <fieldset disabled={running}>
          <legend>{t('migration.found')}</legend>
          <ul className="choice-list sources" data-testid="migration-sources">
            {sources.map((s, i) => (
              <li key={s.path}>
                <span className="field check">
                  <input id={`legacy-${i}`} type="checkbox" checked={chosen.has(s.path)} onChange={(e) => toggle(s.path, e.target.checked)} />
                  <label htmlFor={`legacy-${i}`}>
                    <span className="choice-label">{t(`migration.kind.${s.kind}`)}</span> <span className="mono path">{s.path}</span>{' '}
                    <span className="muted">
                      ({s.files !== undefined ? `${tn('migration.files', s.files)}, ` : ''}
                      {formatBytes(s.bytes)})
                    </span>
                  </label>
                </span>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {searched.length > 0 && (
        <details className="searched">
          <summary>{t('migration.searched')}</summary>
          <ul>
            {searched.map((s) => (
              <li key={s} className="mono">
                {s}
              </li>
            ))}
          </ul>
        </details>
      )}
      <form onSubmit={search} className="inline-form">
        <div className="field">
          <label htmlFor="legacy-path">{t('migration.path')}</label>
          <input id="legacy-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder={t('migration.pathPlaceholder')} aria-describedby="legacy-path-hint" spellCheck={false} disabled={running} />
          <p id="legacy-path-hint" className="hint">
            {t('migration.pathHint')}
          </p>
        </div>
        <button type="submit" disabled={running || detecting || !path.trim()}>
          {t('migration.search')}
        </button>
      </form>
      <div className="actions">
        <button type="button" onClick={() => void start()} disabled={running || detecting || chosen.size === 0}>
          {running ? t('migration.running') : t('migration.start')}
        </button>
        {running && (
          <button type="button" className="danger" onClick={cancel}>
            {t('migration.cancel')}
          </button>
        )}
      </div>
      {(running || progress) && (
        <div className="progress" data-testid="migration-progress">
          {/* The last figures stay once the import is over. */}
          <progress
            max={progress && progress.bytesTotal > 0 ? progress.bytesTotal : undefined}
            value={progress && progress.bytesTotal > 0 ? (report && !report.cancelled ? progress.bytesTotal : Math.min(progress.bytesDone, progress.bytesTotal)) : undefined}
            aria-label={t('migration.progressLabel')}
          />
          <span role="status">{progress ? t('migration.progress', { letters: progress.letters, imported: progress.imported }) : t('migration.starting')}</span>
        </div>
      )}
      <ErrorAlert problem={problem} />
      {report && (
        <div className="migration-report" data-testid="migration-report">
          <p role="status" className={report.cancelled ? 'field-warning' : 'notice'}>
            {report.cancelled ? t('migration.cancelled') : t('migration.done')}
          </p>
          <dl className="facts">
            <dt>{t('migration.imported')}</dt>
            <dd data-testid="migration-imported">{report.imported}</dd>
            <dt>{t('migration.alreadyPresent')}</dt>
            <dd>{report.alreadyPresent}</dd>
            <dt>{t('migration.notDecryptable')}</dt>
            <dd>{report.notDecryptable}</dd>
            <dt>{t('migration.notReadable')}</dt>
            <dd>{report.notReadable}</dd>
            {report.recovered > 0 && (
              <>
                <dt>{t('migration.recovered')}</dt>
                <dd>{report.recovered}</dd>
              </>
            )}
          </dl>
          <details>
            <summary>{t('migration.fullReport')}</summary>
            <pre className="report-text" tabIndex={0} aria-label={t('migration.fullReport')}>
              {report.text}
            </pre>
          </details>
        </div>
      )}
    </div>
  );
}
