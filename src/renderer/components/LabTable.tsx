import type { LabResult } from '../../shared/domain';
import { t } from '../i18n';
import { rangeText } from './TrendChart';

/** Direction symbol for an abnormal value: from the lab's flag (H/L, +/-) or from the range. */
export function abnormalSymbol(r: LabResult): string {
  const f = (r.flag ?? '').trim().toUpperCase();
  if (/^(H|HH|\+|\+\+|>)/.test(f)) return '▲';
  if (/^(L|LL|B|-|--|<)/.test(f)) return '▼';
  const v = r.numericValue;
  const hi = r.high !== undefined ? Number(r.high.replace(',', '.')) : NaN;
  const lo = r.low !== undefined ? Number(r.low.replace(',', '.')) : NaN;
  if (v !== undefined && !Number.isNaN(hi) && v > hi) return '▲';
  if (v !== undefined && !Number.isNaN(lo) && v < lo) return '▼';
  return '⚠';
}

/** Lab results; abnormal rows carry a symbol and words, not only a colour. */
export function LabTable({ results, onTrend, trendFor }: { results: LabResult[]; onTrend?: (r: LabResult) => void; trendFor?: string }) {
  return (
    <table className="lab-table">
      <caption>{t('lab.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('lab.analyte')}</th>
          <th scope="col">{t('lab.result')}</th>
          <th scope="col">{t('lab.unit')}</th>
          <th scope="col">{t('lab.range')}</th>
          <th scope="col">{t('lab.flag')}</th>
          {onTrend && <th scope="col">{t('lab.trend')}</th>}
        </tr>
      </thead>
      <tbody>
        {results.map((r, i) => {
          const key = `${r.code ?? r.label}-${i}`;
          return (
            <tr key={key} className={r.abnormal ? 'abnormal' : undefined}>
              <th scope="row">{r.label}</th>
              <td className="num">
                {r.abnormal && (
                  <span className="abnormal-mark" aria-hidden="true">
                    {abnormalSymbol(r)}{' '}
                  </span>
                )}
                {r.value}
              </td>
              <td>{r.unit ?? ''}</td>
              <td>{rangeText(r.low, r.high)}</td>
              <td>
                {r.abnormal ? <span className="abnormal-text">{t('lab.abnormal')}{r.flag ? ` (${r.flag})` : ''}</span> : <span className="sr-only">{t('lab.normal')}</span>}
              </td>
              {onTrend && (
                <td>
                  {r.numericValue !== undefined && (
                    <button type="button" className="link-button" aria-pressed={trendFor === (r.code ?? r.label)} onClick={() => onTrend(r)} aria-label={t('lab.showTrend', { label: r.label })}>
                      {t('lab.trendButton')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
