import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { LabResult, LetterSummary } from '../../shared/domain';
import { LetterList } from '../screens/LetterList';
import { FolderList, sortFolders } from '../screens/FolderList';
import { SignatureBadge } from './Badges';
import { abnormalSymbol, LabTable } from './LabTable';
import { TrendChart } from './TrendChart';

const lab: LabResult[] = [
  { label: 'Glycémie', code: 'GLY', value: '7,8', numericValue: 7.8, unit: 'mmol/L', low: '4,1', high: '5,9', flag: 'H', abnormal: true },
  { label: 'Potassium', code: 'K', value: '3,1', numericValue: 3.1, unit: 'mmol/L', low: '3,5', high: '5', abnormal: true },
  { label: 'Créatinine', code: 'CREA', value: '72', numericValue: 72, unit: 'µmol/L', low: '45', high: '90', abnormal: false },
];

describe('lab table', () => {
  it('marks abnormal rows with a symbol and words, not only a colour', () => {
    const html = renderToStaticMarkup(createElement(LabTable, { results: lab }));
    const rows = html.split('<tr').slice(2);
    expect(rows[0]).toContain('class="abnormal"');
    expect(rows[0]).toContain('▲');
    expect(rows[0]).toContain('Anormal (H)');
    expect(rows[1]).toContain('▼');
    expect(rows[2]).not.toContain('abnormal');
    expect(rows[2]).toContain('Normal');
    expect(html).toContain('4,1 – 5,9');
  });
  it('derives the direction from the range when the lab gives no flag', () => {
    expect(abnormalSymbol(lab[1]!)).toBe('▼');
    expect(abnormalSymbol({ ...lab[0]!, flag: undefined })).toBe('▲');
    expect(abnormalSymbol({ label: 'x', value: 'positif', abnormal: true })).toBe('⚠');
  });
});

describe('trend chart', () => {
  it('draws the band, the abnormal points as diamonds and an accessible name', () => {
    const html = renderToStaticMarkup(
      createElement(TrendChart, {
        series: {
          analyte: 'GLY',
          label: 'Glycémie',
          unit: 'mmol/L',
          points: [
            { date: '2024-01-10', value: 5, low: 4.1, high: 5.9, abnormal: false },
            { date: '2024-06-10', value: 7.8, low: 4.1, high: 5.9, abnormal: true },
          ],
        },
      }),
    );
    expect(html).toContain('class="trend-band"');
    expect(html.match(/trend-point abnormal/g)).toHaveLength(1);
    expect(html.match(/<circle/g)).toHaveLength(1);
    expect(html).toContain('role="img"');
    expect(html).toContain('Courbe d’évolution de Glycémie, 2 mesures');
    expect(html).toContain('Zone normale : 4,1 – 5,9');
    expect(html).toContain('7,8 mmol/L');
  });
});

describe('letter list', () => {
  const letters: LetterSummary[] = Array.from({ length: 5000 }, (_, i) => ({
    id: `L${i}`,
    folderId: 'in',
    subject: `Objet ${i}`,
    sender: 'labo@medical01.apicrypt.org',
    recipients: [],
    date: '2025-01-01T10:00:00.000Z',
    read: i % 2 === 0,
    flagged: false,
    hasLab: false,
    abnormal: i === 0,
    attachments: 0,
    signature: 'valid',
    export: 'none',
  }));
  it('renders only the rows of the first screen, one of them in the tab order', () => {
    const html = renderToStaticMarkup(
      createElement(LetterList, { label: 'Réception', items: letters, hasMore: true, loading: false, onLoadMore: () => {}, onOpen: () => {}, onDelete: () => {}, initialHeight: 680 }),
    );
    const rows = html.match(/role="option"/g) ?? [];
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.length).toBeLessThan(20);
    expect(html.match(/tabindex="0"/g)).toHaveLength(1);
    expect(html).toContain('aria-setsize="-1"');
    expect(html).toContain('Résultats anormaux');
    expect(html).toContain('Charger plus');
  });
});

describe('folders and badges', () => {
  it('orders folders as Apimail did and says unread counts in words', () => {
    const folders = [
      { id: 't', kind: 'trash' as const, name: 'Corbeille', unread: 0, total: 0 },
      { id: 'u', kind: 'user' as const, name: 'Cardiologie', unread: 0, total: 0 },
      { id: 'r', kind: 'reception' as const, name: 'Réception', unread: 3, total: 10 },
    ];
    expect(sortFolders(folders).map((f) => f.id)).toEqual(['r', 't', 'u']);
    const html = renderToStaticMarkup(createElement(FolderList, { folders, selectedId: 'r', onSelect: () => {} }));
    expect(html).toContain('3 non lus');
    expect(html).toContain('aria-current="page"');
    expect(html).toContain('Cardiologie');
  });
  it('gives the signature state and reason in words', () => {
    expect(renderToStaticMarkup(createElement(SignatureBadge, { status: 'invalid', reason: 'texte modifié' }))).toContain('Signature invalide');
    expect(renderToStaticMarkup(createElement(SignatureBadge, { status: 'invalid', reason: 'texte modifié' }))).toContain('(texte modifié)');
    expect(renderToStaticMarkup(createElement(SignatureBadge, { status: 'unknown_signer', compact: true }))).toContain('Signataire inconnu');
  });
});
