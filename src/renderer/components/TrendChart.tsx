import type { LabSeries } from '../../shared/domain';
import { t } from '../i18n';
import { buildChart } from '../lib/chart';
import { formatDate, formatNumber } from '../lib/format';

const BOX = { width: 560, height: 240, top: 16, right: 16, bottom: 36, left: 56 };

/**
 * One analyte over time: the normal range as a band, values joined by a line, abnormal points drawn
 * as diamonds (not only in another colour). A table with the same values follows for screen readers.
 */
export function TrendChart({ series }: { series: LabSeries }) {
  const model = buildChart(series.points, BOX);
  const unit = series.unit ?? series.points.find((p) => p.unit)?.unit ?? '';
  const titleId = `trend-${series.analyte}-title`;
  const sorted = [...series.points].sort((a, b) => a.date.localeCompare(b.date));
  return (
    <figure className="trend" aria-labelledby={titleId}>
      <figcaption id={titleId}>
        {t('lab.trendTitle', { label: series.label })}
        {unit && <span className="unit"> ({unit})</span>}
      </figcaption>
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} className="trend-svg" role="img" aria-label={t('lab.trendAria', { label: series.label, n: series.points.length })}>
        {model.band && (
          <rect className="trend-band" x={model.plot.x0} width={model.plot.x1 - model.plot.x0} y={model.band.y} height={Math.max(1, model.band.height)} />
        )}
        {model.yTicks.map((tk) => (
          <g key={`y${tk.label}`} className="trend-tick">
            <line x1={model.plot.x0} x2={model.plot.x1} y1={tk.y} y2={tk.y} className="trend-grid" />
            <text x={model.plot.x0 - 6} y={tk.y + 4} textAnchor="end">
              {tk.label}
            </text>
          </g>
        ))}
        {model.xTicks.map((tk) => (
          <g key={`x${tk.x}`} className="trend-tick">
            <line x1={tk.x} x2={tk.x} y1={model.plot.y0} y2={model.plot.y0 + 5} className="trend-axis" />
            <text x={tk.x} y={model.plot.y0 + 20} textAnchor="middle">
              {tk.label}
            </text>
          </g>
        ))}
        <line className="trend-axis" x1={model.plot.x0} x2={model.plot.x1} y1={model.plot.y0} y2={model.plot.y0} />
        <line className="trend-axis" x1={model.plot.x0} x2={model.plot.x0} y1={model.plot.y0} y2={model.plot.y1} />
        <path className="trend-line" d={model.path} fill="none" />
        {model.points.map((p) =>
          p.abnormal ? (
            <path key={p.date} className="trend-point abnormal" d={`M${p.x},${p.y - 6} L${p.x + 6},${p.y} L${p.x},${p.y + 6} L${p.x - 6},${p.y} Z`} />
          ) : (
            <circle key={p.date} className="trend-point" cx={p.x} cy={p.y} r={4} />
          ),
        )}
      </svg>
      <p className="trend-legend">
        {model.band && (
          <span>
            <span className="legend-band" aria-hidden="true" /> {t('lab.normalRange', { range: rangeText(model.band.low, model.band.high) })}
          </span>
        )}
        <span>
          <span aria-hidden="true">◆</span> {t('lab.abnormalPoint')}
        </span>
      </p>
      <details className="trend-data">
        <summary>{t('lab.trendTable')}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('lab.date')}</th>
              <th scope="col">{t('lab.value')}</th>
              <th scope="col">{t('lab.flag')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((p) => (
              <tr key={p.date}>
                <td>{formatDate(p.date)}</td>
                <td>
                  {formatNumber(p.value, 3)} {p.unit ?? unit}
                </td>
                <td>{p.abnormal ? t('lab.abnormal') : t('lab.normal')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function rangeText(low: number | string | undefined, high: number | string | undefined): string {
  const f = (v: number | string) => (typeof v === 'number' ? formatNumber(v, 3) : v);
  if (low !== undefined && high !== undefined) return `${f(low)} – ${f(high)}`;
  if (low !== undefined) return `≥ ${f(low)}`;
  if (high !== undefined) return `≤ ${f(high)}`;
  return '';
}
