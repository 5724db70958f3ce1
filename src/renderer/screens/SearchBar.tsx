import { useEffect, useRef, useState } from 'react';
import type { PliApi } from '../../shared/api';
import type { PatientSummary, SearchFilters } from '../../shared/domain';
import { t } from '../i18n';
import { formatDate } from '../lib/format';

export interface SearchState {
  query: string;
  filters: SearchFilters;
  /** When the query was last typed (performance.now() clock), for the "results shown" timing mark. */
  typedAt?: number;
}

export function isSearching(s: SearchState): boolean {
  return s.query.trim() !== '' || Object.values(s.filters).some((v) => v !== undefined && v !== false && v !== '');
}

const DEBOUNCE_MS = 250;

function patientLabel(p: PatientSummary): string {
  return `${p.surname.toUpperCase()} ${p.firstName}${p.birthDate ? ` (${formatDate(p.birthDate)})` : ''}`;
}

/**
 * Search as you type with filters: patient, sender, date range, abnormal results only. Each keystroke
 * asks at once (the list keeps one request in flight and sends only the newest waiting one).
 */
export function SearchBar({ api, onChange, inputRef }: { api: PliApi; onChange: (s: SearchState) => void; inputRef?: React.RefObject<HTMLInputElement | null> }) {
  const [query, setQuery] = useState('');
  const [typedAt, setTypedAt] = useState<number>();
  const [open, setOpen] = useState(false);
  const [patientText, setPatientText] = useState('');
  const [patients, setPatients] = useState<PatientSummary[]>([]);
  const [filters, setFilters] = useState<SearchFilters>({});
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    onChangeRef.current({ query, filters, ...(typedAt !== undefined ? { typedAt } : {}) });
  }, [query, filters, typedAt]);

  // Patient suggestions from the host's patient index.
  useEffect(() => {
    const q = patientText.trim();
    const match = patients.find((p) => patientLabel(p) === patientText);
    setFilters((f) => ({ ...f, patientId: match?.id }));
    if (q.length < 2 || match) return;
    let alive = true;
    const id = setTimeout(() => {
      api.invoke('patients.search', { query: q, limit: 20 }).then((r) => alive && setPatients(r.patients), () => alive && setPatients([]));
    }, DEBOUNCE_MS);
    return () => {
      alive = false;
      clearTimeout(id);
    };
  }, [api, patientText]);

  const set = (patch: Partial<SearchFilters>) => setFilters((f) => ({ ...f, ...patch }));
  const reset = () => {
    setQuery('');
    setTypedAt(undefined);
    setPatientText('');
    setFilters({});
  };

  return (
    <div role="search" className="search" aria-label={t('search.label')}>
      <div className="search-row">
        <label htmlFor="search-input" className="sr-only">
          {t('search.label')}
        </label>
        <input
          ref={inputRef}
          id="search-input"
          type="search"
          placeholder={t('search.placeholder')}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setTypedAt(e.timeStamp > 0 ? e.timeStamp : performance.now());
          }}
          autoComplete="off"
        />
        <button type="button" aria-expanded={open} aria-controls="search-filters" onClick={() => setOpen((o) => !o)}>
          {t('search.filters')}
        </button>
        {isSearching({ query, filters }) && (
          <button type="button" className="link-button" onClick={reset}>
            {t('search.clear')}
          </button>
        )}
      </div>
      <div id="search-filters" className="search-filters" hidden={!open}>
        <div className="field">
          <label htmlFor="filter-patient">{t('search.patient')}</label>
          <input id="filter-patient" list="filter-patient-list" value={patientText} onChange={(e) => setPatientText(e.target.value)} autoComplete="off" />
          <datalist id="filter-patient-list">
            {patients.map((p) => (
              <option key={p.id} value={patientLabel(p)} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="filter-sender">{t('search.sender')}</label>
          <input id="filter-sender" value={filters.sender ?? ''} onChange={(e) => set({ sender: e.target.value || undefined })} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="filter-from">{t('search.from')}</label>
          <input id="filter-from" type="date" value={filters.from ?? ''} onChange={(e) => set({ from: e.target.value || undefined })} />
        </div>
        <div className="field">
          <label htmlFor="filter-to">{t('search.to')}</label>
          <input id="filter-to" type="date" value={filters.to ?? ''} onChange={(e) => set({ to: e.target.value || undefined })} />
        </div>
        <div className="field check">
          <input id="filter-abnormal" type="checkbox" checked={filters.abnormalOnly ?? false} onChange={(e) => set({ abnormalOnly: e.target.checked || undefined })} />
          <label htmlFor="filter-abnormal">{t('search.abnormal')}</label>
        </div>
      </div>
    </div>
  );
}
