import type { MessageKey } from '../i18n/fr';

/** Keyboard shortcuts of the main window: one list for the handler and the help dialog. */
export type ShortcutAction = 'search' | 'compose' | 'sync' | 'help' | 'lock' | 'settings' | 'toggleRead' | 'flag';

export const SHORTCUTS: { key: string; keys: string; action: ShortcutAction; label: MessageKey }[] = [
  { key: '/', keys: '/', action: 'search', label: 'shortcut.search' },
  { key: 'n', keys: 'N', action: 'compose', label: 'shortcut.compose' },
  { key: 'r', keys: 'R', action: 'sync', label: 'shortcut.sync' },
  { key: 'u', keys: 'U', action: 'toggleRead', label: 'shortcut.toggleRead' },
  { key: 's', keys: 'S', action: 'flag', label: 'shortcut.flag' },
  { key: 'p', keys: 'P', action: 'settings', label: 'shortcut.settings' },
  { key: 'v', keys: 'V', action: 'lock', label: 'shortcut.lock' },
  { key: '?', keys: '?', action: 'help', label: 'shortcut.help' },
];

/** List keys, documented with the shortcuts (handled by the list itself). */
export const LIST_KEYS: { keys: MessageKey; label: MessageKey }[] = [
  { keys: 'key.arrows', label: 'shortcut.move' },
  { keys: 'key.homeEnd', label: 'shortcut.ends' },
  { keys: 'key.pages', label: 'shortcut.page' },
  { keys: 'key.enter', label: 'shortcut.open' },
  { keys: 'key.delete', label: 'shortcut.delete' },
  { keys: 'key.escape', label: 'shortcut.close' },
];

/** The shortcut for a key press, unless the user is typing in a field. */
export function shortcutFor(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; target: EventTarget | null }): ShortcutAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  const el = e.target as { tagName?: string; isContentEditable?: boolean } | null;
  const tag = el?.tagName?.toLowerCase();
  if (tag === 'input' || tag === 'textarea' || tag === 'select' || el?.isContentEditable) return undefined;
  return SHORTCUTS.find((s) => s.key === e.key.toLowerCase() || s.key === e.key)?.action;
}
