import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { LetterSummary } from '../../shared/domain';
import { SignatureBadge } from '../components/Badges';
import { t, tn } from '../i18n';
import { formatDate, formatListDate } from '../lib/format';
import { navigate, scrollToReveal, shouldLoadMore, visibleRange } from '../lib/windowing';

export const ROW_HEIGHT = 68;

export interface LetterListProps {
  label: string;
  items: LetterSummary[];
  hasMore: boolean;
  total?: number;
  loading: boolean;
  selectedId?: string;
  onLoadMore: () => void;
  onOpen: (letter: LetterSummary) => void;
  onDelete: (letter: LetterSummary) => void;
  /** Initial viewport height before the first measure (server rendering and tests). */
  initialHeight?: number;
}

/**
 * The letter list: only the visible rows are in the DOM (100 000 letters scroll like 100), one tab stop
 * with the arrow keys moving the focus (roving tabindex), more pages fetched as the end comes near.
 */
export function LetterList({ label, items, hasMore, total, loading, selectedId, onLoadMore, onOpen, onDelete, initialHeight = 600 }: LetterListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(initialHeight);
  const [active, setActive] = useState(0);
  // Mirrors `active` synchronously: key repeats can arrive before React re-renders.
  const activeRef = useRef(0);
  const focusWanted = useRef(false);
  // A letter deleted from the keyboard: once it has left the list, its successor takes the focus.
  const refocusAfter = useRef<string>(undefined);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || initialHeight);
    measure();
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(measure) : undefined;
    ro?.observe(el);
    return () => ro?.disconnect();
  }, [initialHeight]);

  // A new list (folder change, search) starts at the top.
  const firstId = items[0]?.id;
  useEffect(() => {
    setActive(0);
    activeRef.current = 0;
    setScrollTop(0);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [firstId]);

  const activeIndex = Math.min(active, Math.max(0, items.length - 1));
  const range = visibleRange({ scrollTop, viewportHeight: height, rowHeight: ROW_HEIGHT, count: items.length });

  useEffect(() => {
    if (!loading && shouldLoadMore(range, items.length, hasMore)) onLoadMore();
  }, [range.end, items.length, hasMore, loading, onLoadMore]);

  // After a keyboard move, the new active row is rendered: give it the focus.
  useEffect(() => {
    if (refocusAfter.current !== undefined && !items.some((l) => l.id === refocusAfter.current)) {
      refocusAfter.current = undefined;
      focusWanted.current = true;
    }
    if (!focusWanted.current) return;
    focusWanted.current = false;
    scroller.current?.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`)?.focus();
  });

  const moveTo = useCallback(
    (index: number) => {
      setActive(index);
      activeRef.current = index;
      focusWanted.current = true;
      const el = scroller.current;
      const next = scrollToReveal(index, el?.scrollTop ?? scrollTop, height, ROW_HEIGHT);
      if (el && next !== el.scrollTop) el.scrollTop = next;
      setScrollTop(next);
    },
    [height, scrollTop],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const pageRows = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const current = Math.min(activeRef.current, Math.max(0, items.length - 1));
    const next = navigate(e.key, current, items.length, pageRows);
    if (next !== undefined) {
      e.preventDefault();
      moveTo(next);
      return;
    }
    const letter = items[current];
    if (!letter) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(letter);
    } else if (e.key === 'Delete') {
      e.preventDefault();
      refocusAfter.current = letter.id;
      onDelete(letter);
    }
  };

  const rows = items.slice(range.start, range.end);
  const count = total ?? items.length;
  return (
    <div className="letter-list">
      <div className="list-scroller" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <div className="list-sizer" style={{ height: range.totalHeight }}>
          <ul role="listbox" aria-label={label} className="list-window" style={{ transform: `translateY(${range.offset}px)` }} onKeyDown={onKeyDown}>
            {rows.map((l, i) => {
              const index = range.start + i;
              return (
                <LetterRow
                  key={l.id}
                  letter={l}
                  index={index}
                  setSize={total ?? (hasMore ? -1 : items.length)}
                  active={index === activeIndex}
                  selected={l.id === selectedId}
                  onClick={() => {
                    setActive(index);
                    activeRef.current = index;
                    onOpen(l);
                  }}
                />
              );
            })}
          </ul>
        </div>
        {items.length === 0 && !loading && <p className="empty">{t('list.empty')}</p>}
      </div>
      <div className="list-foot">
        <span role="status">{loading ? t('common.loading') : total === undefined && hasMore ? tn('letters.loaded', items.length) : tn('letters.count', count)}</span>
        {hasMore && (
          <button type="button" className="link-button" onClick={onLoadMore} disabled={loading}>
            {t('list.loadMore')}
          </button>
        )}
      </div>
    </div>
  );
}

function LetterRow({ letter: l, index, setSize, active, selected, onClick }: { letter: LetterSummary; index: number; setSize: number; active: boolean; selected: boolean; onClick: () => void }) {
  const patient = l.patient ? [l.patient.surname.toUpperCase(), l.patient.firstName].filter(Boolean).join(' ') : '';
  return (
    <li
      role="option"
      data-index={index}
      data-testid="letter-row"
      id={`letter-${l.id}`}
      tabIndex={active ? 0 : -1}
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={`letter-row${l.read ? '' : ' unread'}${selected ? ' selected' : ''}`}
      onClick={onClick}
    >
      <span className="row-line">
        {!l.read && <span className="sr-only">{t('letter.unread')}, </span>}
        <span className="row-sender">{l.sender}</span>
        <span className="row-date">{formatListDate(l.date)}</span>
      </span>
      <span className="row-line">
        <span className="row-subject">
          {patient && <span className="row-patient">{patient}</span>}
          {patient && l.patient?.birthDate && <span className="sr-only"> {t('letter.bornOn', { date: formatDate(l.patient.birthDate) })}</span>}
          {patient && ' — '}
          {l.subject || t('letter.noSubject')}
        </span>
        <span className="row-badges">
          {l.flagged && (
            <span className="badge flag" title={t('letter.flagged')}>
              <span aria-hidden="true">★</span>
              <span className="sr-only">{t('letter.flagged')}</span>
            </span>
          )}
          {l.abnormal && (
            <span className="badge abnormal" title={t('letter.abnormal')}>
              <span aria-hidden="true">⚠</span>
              <span className="sr-only">{t('letter.abnormal')}</span>
            </span>
          )}
          {l.attachments > 0 && (
            <span className="badge" title={tn('letter.attachments', l.attachments)}>
              <span aria-hidden="true">PJ</span>
              <span className="sr-only">{tn('letter.attachments', l.attachments)}</span>
            </span>
          )}
          {l.export === 'done' && (
            <span className="badge exported" title={t('export.done')}>
              <span aria-hidden="true">⇪</span>
              <span className="sr-only">{t('export.done')}</span>
            </span>
          )}
          <SignatureBadge status={l.signature} compact />
        </span>
      </span>
    </li>
  );
}
