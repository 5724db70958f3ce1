import type { Folder, FolderKind } from '../../shared/domain';
import { t, tn } from '../i18n';

const ORDER: FolderKind[] = ['reception', 'outbox', 'sent', 'drafts', 'review', 'archive', 'trash', 'blocked', 'doctor', 'user'];
// Symbols every system font has (no emoji: Linux desktops often lack an emoji font).
const ICON: Record<FolderKind, string> = { reception: '↓', outbox: '↑', sent: '✓', drafts: '✎', review: '⚠', archive: '▤', trash: '✗', blocked: '⊘', user: '▸', doctor: '⚕' };

export function folderName(f: Folder): string {
  return f.kind === 'user' || f.kind === 'doctor' ? f.name : t(`folder.${f.kind}`);
}

/** Fixed folders first in Apimail's order, then the practice's own folders by name. */
export function sortFolders(folders: Folder[]): Folder[] {
  return [...folders].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || folderName(a).localeCompare(folderName(b), 'fr'));
}

export function FolderList({ folders, selectedId, onSelect }: { folders: Folder[]; selectedId?: string; onSelect: (id: string) => void }) {
  return (
    <nav className="folders" aria-label={t('folders.label')}>
      <ul>
        {sortFolders(folders).map((f) => {
          const name = folderName(f);
          return (
            <li key={f.id}>
              <button
                type="button"
                className={`folder${f.id === selectedId ? ' current' : ''}${f.kind === 'review' && f.total > 0 ? ' attention' : ''}`}
                aria-current={f.id === selectedId ? 'page' : undefined}
                data-testid={`folder-${f.kind}`}
                onClick={() => onSelect(f.id)}
              >
                <span className="folder-icon" aria-hidden="true">
                  {ICON[f.kind]}
                </span>
                <span className="folder-name">{name}</span>
                {f.unread > 0 && (
                  <span className="count">
                    <span aria-hidden="true">{f.unread}</span>
                    <span className="sr-only">{tn('folders.unread', f.unread)}</span>
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
