import { useCallback, useEffect, useRef, useState } from 'react';
import type { PliApi } from '../../shared/api';
import type { LetterSummary, SearchFilters } from '../../shared/domain';
import { t } from '../i18n';
import { toProblem, type Problem } from './errors';

export type ListSource = { kind: 'folder'; folderId: string } | { kind: 'search'; query: string; filters: SearchFilters } | { kind: 'none' };

const PAGE = 100;
const NONE: LetterSummary[] = [];

/** The key of a source, as `shownKey` reports it. */
export const sourceKey = (source: ListSource): string => JSON.stringify(source);

/**
 * Pages of letters from a folder or a search, fetched with the host's cursor as the list scrolls;
 * answers for an older source are dropped so fast typing never shows stale results. At most one
 * request is in flight: a new source asked for meanwhile waits for it, and only the newest waiting one
 * is sent (typing "lefevre" quickly costs two or three searches, not seven).
 */
export function useLetterPages(api: PliApi, source: ListSource) {
  const [items, setItems] = useState<LetterSummary[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [total, setTotal] = useState<number>();
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  /** The source whose letters `items` holds (undefined until its first page arrived). */
  const [shownKey, setShownKey] = useState<string>();
  const generation = useRef(0);
  const busy = useRef(false);
  const inFlight = useRef(false);
  const waiting = useRef<(() => void) | undefined>(undefined);
  const key = sourceKey(source);

  const fetchPage = useCallback(
    (after: string | undefined, replace: boolean) => {
      const src = JSON.parse(key) as ListSource;
      if (src.kind === 'none') return;
      const gen = replace ? ++generation.current : generation.current;
      busy.current = true;
      setLoading(true);
      const send = () => {
        inFlight.current = true;
        const req =
          src.kind === 'folder'
            ? api.invoke('letters.list', { folderId: src.folderId, cursor: after, limit: PAGE })
            : api.invoke('letters.search', { query: src.query, filters: src.filters, cursor: after, limit: PAGE });
        req.then(
          (page) => {
            if (gen !== generation.current) return;
            setItems((prev) => (replace ? page.items : [...prev, ...page.items]));
            setCursor(page.nextCursor);
            setTotal(page.total);
            setShownKey(key);
            setProblem(undefined);
          },
          (e: unknown) => gen === generation.current && setProblem(toProblem(e, t('list.failed'))),
        ).finally(() => {
          inFlight.current = false;
          const next = waiting.current;
          waiting.current = undefined;
          if (next) return next();
          if (gen !== generation.current) return;
          busy.current = false;
          setLoading(false);
        });
      };
      if (inFlight.current) waiting.current = send;
      else send();
    },
    [api, key],
  );

  const reload = useCallback(() => fetchPage(undefined, true), [fetchPage]);
  useEffect(() => {
    setItems([]);
    setCursor(undefined);
    setTotal(undefined);
    reload();
  }, [reload]);

  const loadMore = useCallback(() => {
    if (cursor && !busy.current) fetchPage(cursor, false);
  }, [cursor, fetchPage]);

  /** Local update after an action (read, flag, move) without refetching. */
  const patch = useCallback((ids: string[], change: Partial<LetterSummary> | 'remove') => {
    setItems((prev) => (change === 'remove' ? prev.filter((l) => !ids.includes(l.id)) : prev.map((l) => (ids.includes(l.id) ? { ...l, ...change } : l))));
  }, []);

  // Until the new source's first page arrives, nothing of the previous one is shown (not even for
  // the one frame before the reset above runs): Enter must never open a letter of another folder.
  const current = shownKey === key;
  return {
    items: current ? items : NONE,
    hasMore: current && cursor !== undefined,
    total: current ? total : undefined,
    loading,
    problem,
    shownKey,
    loadMore,
    reload,
    patch,
  };
}
