import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { PliApi } from '../../../shared/api';
import type { KeyImportReport, KeyInfo, KeyMediumCandidate } from '../../../shared/domain';
import { ErrorAlert } from '../../components/Alert';
import { t, tn } from '../../i18n';
import { toProblem, type Problem } from '../../lib/errors';
import { formatBytes, formatDate, formatPercent } from '../../lib/format';

/** Warning level of a key's pad usage: the thresholds the host also uses. */
export function keyLevel(ratio: number): 'ok' | 'warn' | 'critical' {
  return ratio >= 0.95 ? 'critical' : ratio >= 0.8 ? 'warn' : 'ok';
}

/**
 * The key store: imported keys with their usage, the media Pli finds in the usual places, and import by
 * folder path. Shared by Paramètres and the first-launch wizard; `onKeys` reports the list as it changes.
 */
export function KeysSetup({ api, detect = false, onKeys }: { api: PliApi; detect?: boolean; onKeys?: (keys: KeyInfo[]) => void }) {
  const [keys, setKeys] = useState<KeyInfo[]>();
  const [problem, setProblem] = useState<Problem>();
  const [path, setPath] = useState('');
  const [report, setReport] = useState<KeyImportReport>();
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [media, setMedia] = useState<KeyMediumCandidate[]>();
  const load = useCallback(() => {
    api.invoke('keys.list', {}).then(
      (r) => {
        setKeys(r.keys);
        onKeys?.(r.keys);
        setProblem(undefined);
      },
      (e: unknown) => setProblem(toProblem(e, t('keys.failed'))),
    );
  }, [api, onKeys]);
  useEffect(load, [load]);
  useEffect(() => api.on('keys.changed', load), [api, load]);
  const findMedia = useCallback(() => {
    setMedia(undefined);
    api.invoke('keys.detectMedia', {}).then(
      (r) => setMedia(r.candidates),
      () => setMedia([]),
    );
  }, [api]);
  useEffect(() => {
    if (detect) findMedia();
  }, [detect, findMedia]);

  const importFrom = async (from: string) => {
    if (!from.trim() || busy) return;
    setBusy(true);
    setProblem(undefined);
    setReport(undefined);
    setWarnings([]);
    const off = api.on('keys.changed', ({ warnings: w }) => setWarnings(w));
    try {
      setReport(await api.invoke('keys.importMedium', { path: from.trim() }));
      load();
    } catch (err) {
      setProblem(toProblem(err, t('keys.importFailed')));
    } finally {
      off();
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void importFrom(path);
  };
  // Rejections are listed with the report; the other warnings (V2 files, usage) are shown below it.
  const rejected = new Set(report?.rejected.map((r) => r.message_fr));
  const otherWarnings = warnings.filter((w) => !rejected.has(w));

  return (
    <div className="setup keys-setup">
      {keys && keys.length === 0 && <p>{t('keys.none')}</p>}
      {keys && keys.length > 0 && <KeysTable keys={keys} />}
      {detect && (
        <div className="detected" aria-labelledby="keys-detected-title">
          <h4 id="keys-detected-title">{t('keys.detected')}</h4>
          {!media && <p role="status">{t('keys.detecting')}</p>}
          {media && media.length === 0 && <p className="hint">{t('keys.detectedNone')}</p>}
          {media && media.length > 0 && (
            <ul className="choice-list">
              {media.map((m) => (
                <li key={m.path}>
                  <span>
                    <span className="choice-label">{m.label}</span> <span className="muted">{tn('keys.detectedFiles', m.keyFiles)}</span>
                  </span>
                  <button type="button" onClick={() => void importFrom(m.path)} disabled={busy} aria-label={t('keys.importThis', { label: m.label })}>
                    {t('keys.importDetected')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="link-button" onClick={findMedia}>
            {t('keys.detectAgain')}
          </button>
        </div>
      )}
      <form onSubmit={submit} className="inline-form">
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
        <div role="status" className={report.imported.length === 0 && report.rejected.length + report.unsupported.length > 0 ? 'report warn' : 'report'} data-testid="keys-report">
          <p>{tn('keys.reportImported', report.imported.length)}</p>
          {report.alreadyPresent.length > 0 && <p>{tn('keys.reportPresent', report.alreadyPresent.length)}</p>}
          {report.unsupported.length > 0 && <p>{tn('keys.reportUnsupported', report.unsupported.length)}</p>}
          {report.recovered > 0 && <p>{tn('keys.reportRecovered', report.recovered)}</p>}
          {report.rejected.length > 0 && (
            <ul className="refusals">
              {report.rejected.map((r) => (
                <li key={r.file}>
                  {r.file} : {r.message_fr}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {otherWarnings.length > 0 && (
        <ul className="field-warning warnings" aria-label={t('keys.warnings')}>
          {otherWarnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function KeysTable({ keys }: { keys: KeyInfo[] }) {
  return (
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
        {keys.map((k, i) => {
          const level = keyLevel(k.usedRatio);
          return (
            <tr key={`${k.owner}-${k.year}-${k.kind}-${i}`} className={`key-${level}`}>
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
  );
}
