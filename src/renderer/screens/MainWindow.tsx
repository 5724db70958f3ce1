import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PliApi } from '../../shared/api';
import type { AppInfo, EventPayload } from '../../shared/contract';
import type { Folder, GroupSessionView, LetterSummary } from '../../shared/domain';
import type { Settings } from '../../shared/settings';
import { ErrorAlert, Notice } from '../components/Alert';
import { Progress } from '../components/Progress';
import { t, tn } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';
import { shortcutFor } from '../lib/shortcuts';
import { markInboxInteractive, markSearchShown } from '../lib/timing';
import { sourceKey, useLetterPages, type ListSource } from '../lib/useLetterPages';
import { Composer, type ComposerStart } from './Composer';
import { FolderList, folderName } from './FolderList';
import { GroupAudit } from './GroupAudit';
import { GroupDashboard } from './GroupDashboard';
import { HelpDialog } from './HelpDialog';
import { LetterList } from './LetterList';
import { Reader } from './Reader';
import { isSearching, SearchBar, type SearchState } from './SearchBar';
import { SettingsScreen } from './Settings';

type View = 'mail' | 'compose' | 'settings' | 'dashboard' | 'audit';

export interface MainWindowProps {
  api: PliApi;
  info: AppInfo;
  settings: Settings;
  onSettings: (s: Settings) => void;
  onLock: () => void;
}

/** The mailbox: toolbar, folders, the letter list and the reader; composer and settings in place. */
export function MainWindow({ api, info, settings, onSettings, onLock }: MainWindowProps) {
  const [folders, setFolders] = useState<Folder[]>([]);
  const [folderId, setFolderId] = useState<string>();
  const [foldersProblem, setFoldersProblem] = useState<Problem>();
  const [view, setView] = useState<View>('mail');
  const [search, setSearch] = useState<SearchState>({ query: '', filters: {} });
  const [openId, setOpenId] = useState<string>();
  const [announce, setAnnounce] = useState('');
  const [sync, setSync] = useState<EventPayload<'sync.progress'>>();
  const [syncing, setSyncing] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [help, setHelp] = useState(false);
  // Each composition starts afresh (new, reply or forward): the key remounts the composer.
  const [composing, setComposing] = useState<{ key: number; start?: ComposerStart }>({ key: 0 });
  const compose = useCallback((start?: ComposerStart) => {
    setComposing((c) => ({ key: c.key + 1, ...(start ? { start } : {}) }));
    setView('compose');
  }, []);
  const searchInput = useRef<HTMLInputElement>(null);
  // Group practice: who is signed in and what they may do (undefined: individual practice or older host).
  const [group, setGroup] = useState<GroupSessionView>();
  useEffect(() => {
    let alive = true;
    api.invoke('group.me', {}).then((g) => alive && setGroup(g), () => undefined);
    return () => {
      alive = false;
    };
  }, [api]);
  const inGroup = group?.mode === 'group';

  const loadFolders = useCallback(() => {
    api.invoke('folders.list', {}).then(
      ({ folders: fs }) => {
        setFolders(fs);
        setFoldersProblem(undefined);
        setFolderId((cur) => (cur && fs.some((f) => f.id === cur) ? cur : (fs.find((f) => f.kind === 'reception') ?? fs[0])?.id));
      },
      (e: unknown) => setFoldersProblem(toProblem(e, t('folders.failed'))),
    );
  }, [api]);
  useEffect(loadFolders, [loadFolders]);

  const searching = isSearching(search);
  const source = useMemo<ListSource>(
    () => (searching ? { kind: 'search', query: search.query.trim(), filters: search.filters } : folderId ? { kind: 'folder', folderId } : { kind: 'none' }),
    [searching, search, folderId],
  );
  const list = useLetterPages(api, source);
  const current = folders.find((f) => f.id === folderId);
  const listLabel = searching ? t('search.results') : current ? folderName(current) : t('list.label');

  // Timing marks (host `timing` events): the inbox's first page on screen, and each search's results.
  const shown = list.shownKey !== undefined && list.shownKey === sourceKey(source) && !list.loading;
  const markedSearch = useRef<number>(undefined);
  useEffect(() => {
    if (!shown) return;
    if (source.kind === 'folder' && current?.kind === 'reception') markInboxInteractive(api);
    if (source.kind === 'search' && search.typedAt !== undefined && markedSearch.current !== search.typedAt) {
      markedSearch.current = search.typedAt;
      markSearchShown(api, search.typedAt);
    }
  }, [shown, source, current, search.typedAt, api]);

  // Host events: new letters (announced once, politely), sync progress, notices.
  const listRef = useRef(list);
  listRef.current = list;
  const folderRef = useRef(folderId);
  folderRef.current = folderId;
  useEffect(() => {
    const offs = [
      api.on('letters.changed', ({ folderIds, newLetters }) => {
        if (newLetters > 0) setAnnounce(tn('letters.new', newLetters));
        loadFolders();
        if (!folderRef.current || folderIds.includes(folderRef.current)) listRef.current.reload();
      }),
      api.on('sync.progress', (p) => setSync(p)),
      api.on('notice', (n) => (n.level === 'error' ? setProblem({ code: 'notice', message: n.message_fr }) : setNotice(n.message_fr))),
    ];
    return () => offs.forEach((off) => off());
  }, [api, loadFolders]);

  const runSync = useCallback(async () => {
    if (syncing) return;
    setSyncing(true);
    setProblem(undefined);
    setSync(undefined);
    try {
      const r = await api.invoke('mail.sync', {});
      setNotice(`${tn('sync.received', r.received)}, ${tn('sync.sent', r.sent)}`);
      loadFolders();
      list.reload();
    } catch (e) {
      setProblem(toProblem(e, t('sync.failed')));
    } finally {
      setSyncing(false);
      setSync(undefined);
    }
  }, [api, syncing, loadFolders, list]);

  const trash = folders.find((f) => f.kind === 'trash');
  const deleteLetter = useCallback(
    (l: LetterSummary) => {
      if (!trash || l.folderId === trash.id) return;
      api.invoke('letters.move', { ids: [l.id], folderId: trash.id }).then(
        () => {
          list.patch([l.id], 'remove');
          if (openId === l.id) setOpenId(undefined);
          setNotice(t('reader.deleted'));
          loadFolders();
        },
        (e: unknown) => setProblem(toProblem(e, t('common.error'))),
      );
    },
    [api, trash, list, openId, loadFolders],
  );

  const openLetter = list.items.find((l) => l.id === openId);
  const shortcut = useCallback(
    (action: ReturnType<typeof shortcutFor>) => {
      switch (action) {
        case 'search':
          // Focus at once when the search box is on screen, so that keys typed right after "/" land in
          // it; from the composer or settings, once the mail view is back.
          if (searchInput.current) searchInput.current.focus();
          else setTimeout(() => searchInput.current?.focus(), 0);
          setView('mail');
          break;
        case 'compose':
          compose();
          break;
        case 'sync':
          void runSync();
          break;
        case 'help':
          setHelp(true);
          break;
        case 'lock':
          onLock();
          break;
        case 'settings':
          setView('settings');
          break;
        case 'toggleRead':
        case 'flag':
          if (openLetter) {
            const patch = action === 'flag' ? { flagged: !openLetter.flagged } : { read: !openLetter.read };
            api.invoke('letters.setFlags', { ids: [openLetter.id], ...patch }).then(() => {
              list.patch([openLetter.id], patch);
              loadFolders();
            }, (e: unknown) => setProblem(toProblem(e, t('common.error'))));
          }
          break;
      }
    },
    [runSync, onLock, openLetter, api, list, loadFolders],
  );
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (help || document.querySelector('dialog[open]')) return;
      const action = shortcutFor(e);
      if (action) {
        e.preventDefault();
        shortcut(action);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcut, help]);

  return (
    <div className="main-window">
      <header className="topbar">
        <p className="brand">
          <span aria-hidden="true">✉ </span>
          {t('app.title')} <span className="muted version">{info.version}</span>
        </p>
        <nav className="toolbar" aria-label={t('main.toolbar')}>
          <button type="button" className="primary" onClick={() => compose()} aria-keyshortcuts="n">
            {t('main.compose')}
          </button>
          <button type="button" onClick={() => void runSync()} disabled={syncing} aria-keyshortcuts="r">
            {syncing ? t('sync.running') : t('main.sync')}
          </button>
          {inGroup && group.canSort && (
            <button type="button" onClick={() => setView('dashboard')} aria-pressed={view === 'dashboard'}>
              {t('group.dashboard')}
            </button>
          )}
          {group?.canAdminister && (
            <button type="button" onClick={() => setView('audit')} aria-pressed={view === 'audit'}>
              {t('group.audit')}
            </button>
          )}
          <button type="button" onClick={() => setView('settings')} aria-keyshortcuts="p">
            {t('main.settings')}
          </button>
          <button type="button" onClick={() => setHelp(true)} aria-keyshortcuts="?">
            {t('main.help')}
          </button>
          <button type="button" onClick={onLock} aria-keyshortcuts="v">
            {t('main.lock')}
          </button>
        </nav>
      </header>
      <div className="status-bar">
        {inGroup && (
          <p className="signed-in" data-testid="signed-in">
            {group.person ? t('group.signedIn', { name: group.person.name, role: t(`group.role.${group.person.role}`) }) : t('group.signedInProfile')}
          </p>
        )}
        {syncing && sync && <Progress label={t(`sync.phase.${sync.phase}`)} done={sync.done} total={sync.total} />}
        {syncing && !sync && <Progress label={t('sync.running')} done={0} total={0} />}
        <ErrorAlert problem={problem} />
        <Notice text={notice} />
      </div>
      {/* Announced once per change; kept empty otherwise so it does not repeat. */}
      <div className="sr-only" role="status" aria-live="polite" data-testid="live-region">
        {announce}
      </div>
      <div className="panes">
        <aside className="sidebar">
          <FolderList
            folders={folders}
            selectedId={searching ? undefined : folderId}
            onSelect={(id) => {
              setFolderId(id);
              setOpenId(undefined);
              setView('mail');
            }}
          />
          {inGroup && group.canAdminister && folders.length === 0 && <p className="muted">{t('group.adminNoLetters')}</p>}
          <ErrorAlert problem={foldersProblem} onRetry={loadFolders} />
          {current?.kind === 'trash' && current.total > 0 && (
            <button
              type="button"
              className="link-button danger"
              onClick={() =>
                api.invoke('trash.empty', {}).then(
                  (r) => {
                    setNotice(tn('trash.emptied', r.removed));
                    loadFolders();
                    list.reload();
                  },
                  (e: unknown) => setProblem(toProblem(e, t('common.error'))),
                )
              }
            >
              {t('trash.empty')}
            </button>
          )}
        </aside>
        <main className="content" aria-label={t('main.content')}>
          {view === 'compose' && (
            <Composer
              key={composing.key}
              api={api}
              {...(composing.start ? { start: composing.start } : {})}
              {...(group ? { group } : {})}
              onCancel={() => setView('mail')}
              onDone={(msg) => {
                setNotice(msg);
                setView('mail');
                loadFolders();
              }}
            />
          )}
          {view === 'dashboard' && (
            <GroupDashboard
              api={api}
              onOpenFolder={(id) => {
                setFolderId(id);
                setOpenId(undefined);
                setView('mail');
              }}
            />
          )}
          {view === 'audit' && <GroupAudit api={api} />}
          {view === 'settings' && <SettingsScreen api={api} settings={settings} onSettings={onSettings} onClose={() => setView('mail')} />}
          {view === 'mail' && (
            <div className="mail">
              <section
                className="list-pane"
                aria-labelledby="list-title"
                aria-busy={list.loading}
                data-shown-query={shown && source.kind === 'search' ? source.query : undefined}
              >
                <h1 id="list-title" className="list-title">
                  {listLabel}
                </h1>
                <SearchBar api={api} onChange={setSearch} inputRef={searchInput} />
                <ErrorAlert problem={list.problem} onRetry={list.reload} />
                <LetterList
                  label={listLabel}
                  items={list.items}
                  hasMore={list.hasMore}
                  total={list.total}
                  loading={list.loading}
                  selectedId={openId}
                  onLoadMore={list.loadMore}
                  onOpen={(l) => setOpenId(l.id)}
                  onDelete={deleteLetter}
                />
              </section>
              {openId ? (
                <Reader
                  api={api}
                  letterId={openId}
                  folders={folders}
                  monospace={settings.monospaceLetters}
                  onCompose={compose}
                  {...(group ? { group } : {})}
                  onAnnounce={setNotice}
                  onClose={() => {
                    document.querySelector<HTMLElement>(`#letter-${CSS.escape(openId)}`)?.focus();
                    setOpenId(undefined);
                  }}
                  onChanged={(id, change) => {
                    loadFolders();
                    if (change === 'moved') {
                      list.patch([id], 'remove');
                      setOpenId(undefined);
                    } else list.patch([id], change);
                  }}
                />
              ) : (
                <section className="reader empty-reader" aria-label={t('reader.label')}>
                  <p className="muted">{t('reader.none')}</p>
                </section>
              )}
            </div>
          )}
        </main>
      </div>
      {help && <HelpDialog onClose={() => setHelp(false)} />}
    </div>
  );
}
