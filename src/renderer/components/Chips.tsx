import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { t } from '../i18n';

/** A loose address check: something@domain.tld, no spaces. The host validates for real. */
export function looksLikeAddress(s: string): boolean {
  return /^[^\s@<>(),;:]+@[^\s@<>(),;:]+\.[^\s@<>(),;:]{2,}$/.test(s);
}

/** One proposal of the autocomplete: the address to add and how to present it. */
export interface AddressSuggestion {
  address: string;
  label: string;
  detail?: string;
}

export type SuggestAddresses = (query: string) => Promise<AddressSuggestion[]>;

/**
 * Recipients as removable chips; Enter, comma or semicolon adds what was typed. With `suggest`, the field
 * is a combobox: proposals from the directory appear under it, arrows move, Enter or a click picks.
 */
export function ChipsInput({
  label,
  values,
  onChange,
  id,
  suggest,
}: {
  label: string;
  values: string[];
  onChange: (v: string[]) => void;
  id: string;
  suggest?: SuggestAddresses;
}) {
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState<string>();
  const [options, setOptions] = useState<AddressSuggestion[]>([]);
  const [active, setActive] = useState(-1);
  const hintId = useId();
  const listId = `${id}-suggestions`;
  const asked = useRef(0);
  const current = useRef('');
  current.current = text;

  useEffect(() => {
    const q = text.trim();
    if (!suggest || q.length < 2 || /[,;]/.test(q)) {
      setOptions([]);
      return;
    }
    const ticket = ++asked.current;
    // A short pause so that fast typing asks once, not once per key.
    const timer = setTimeout(() => {
      suggest(q).then(
        (found) => {
          if (ticket !== asked.current) return;
          setOptions(found.filter((s) => !values.includes(s.address)).slice(0, 8));
          setActive(-1);
        },
        () => ticket === asked.current && setOptions([]),
      );
    }, 120);
    return () => clearTimeout(timer);
  }, [text, suggest, values]);

  const add = (addresses: string[]) => {
    setInvalid(undefined);
    onChange([...values, ...addresses.filter((p) => !values.includes(p))]);
    setText('');
    setOptions([]);
    setActive(-1);
  };
  const commit = (raw: string): boolean => {
    const parts = raw.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
    if (!parts.length) return true;
    const bad = parts.find((p) => !looksLikeAddress(p));
    if (bad) {
      setInvalid(bad);
      return false;
    }
    add(parts);
    return true;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (options.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (a + step + options.length) % options.length);
    } else if (e.key === 'Escape' && options.length) {
      e.preventDefault();
      e.stopPropagation();
      setOptions([]);
    } else if (e.key === 'Enter' && active >= 0 && options[active]) {
      e.preventDefault();
      add([options[active]!.address]);
    } else if (e.key === 'Enter' || e.key === ',' || e.key === ';') {
      e.preventDefault();
      commit(text);
    } else if (e.key === 'Backspace' && text === '' && values.length) {
      onChange(values.slice(0, -1));
    }
  };
  const open = options.length > 0;
  return (
    <div className="field chips-field">
      <label htmlFor={id}>{label}</label>
      <div className="chips">
        <ul className="chip-list">
          {values.map((v) => (
            <li key={v} className="chip">
              <span>{v}</span>
              <button type="button" className="chip-remove" aria-label={t('compose.removeRecipient', { address: v })} onClick={() => onChange(values.filter((x) => x !== v))}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
        <input
          id={id}
          type="email"
          multiple
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          // A click on a proposal blurs the field first: let the click land before committing the text.
          onBlur={() => setTimeout(() => commit(current.current), 150)}
          aria-describedby={hintId}
          aria-invalid={invalid ? true : undefined}
          autoComplete="off"
          {...(suggest
            ? {
                role: 'combobox',
                'aria-autocomplete': 'list' as const,
                'aria-expanded': open,
                'aria-controls': listId,
                ...(open && active >= 0 && active < options.length ? { 'aria-activedescendant': `${listId}-${active}` } : {}),
              }
            : {})}
        />
      </div>
      {suggest && (
        <ul id={listId} role="listbox" className="suggestions" aria-label={t('compose.suggestions')} hidden={!open}>
          {options.map((o, i) => (
            <li
              key={o.address}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => add([o.address])}
            >
              <span className="suggestion-label">{o.label}</span> <span className="muted">{o.address}</span>
              {o.detail && <span className="suggestion-detail muted"> — {o.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      <p id={hintId} className={invalid ? 'field-error' : 'hint'}>
        {invalid ? t('compose.invalidAddress', { address: invalid }) : t('compose.recipientsHint')}
      </p>
    </div>
  );
}
