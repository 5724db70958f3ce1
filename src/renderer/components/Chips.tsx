import { useId, useState, type KeyboardEvent } from 'react';
import { t } from '../i18n';

/** A loose address check: something@domain.tld, no spaces. The host validates for real. */
export function looksLikeAddress(s: string): boolean {
  return /^[^\s@<>(),;:]+@[^\s@<>(),;:]+\.[^\s@<>(),;:]{2,}$/.test(s);
}

/** Recipients as removable chips; Enter, comma or semicolon adds what was typed. */
export function ChipsInput({ label, values, onChange, id }: { label: string; values: string[]; onChange: (v: string[]) => void; id: string }) {
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState<string>();
  const hintId = useId();
  const commit = (raw: string): boolean => {
    const parts = raw.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
    if (!parts.length) return true;
    const bad = parts.find((p) => !looksLikeAddress(p));
    if (bad) {
      setInvalid(bad);
      return false;
    }
    setInvalid(undefined);
    onChange([...values, ...parts.filter((p) => !values.includes(p))]);
    setText('');
    return true;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',' || e.key === ';') {
      e.preventDefault();
      commit(text);
    } else if (e.key === 'Backspace' && text === '' && values.length) {
      onChange(values.slice(0, -1));
    }
  };
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
          onBlur={() => commit(text)}
          aria-describedby={hintId}
          aria-invalid={invalid ? true : undefined}
          autoComplete="off"
        />
      </div>
      <p id={hintId} className={invalid ? 'field-error' : 'hint'}>
        {invalid ? t('compose.invalidAddress', { address: invalid }) : t('compose.recipientsHint')}
      </p>
    </div>
  );
}
