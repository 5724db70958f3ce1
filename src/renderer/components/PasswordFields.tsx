import { useId } from 'react';
import { t } from '../i18n';
import { isAcceptable, passwordStrength, strengthScore } from '../lib/password';

/** New password + confirmation, with the strength hint; the parent decides what to do on submit. */
export function NewPasswordFields({
  password,
  confirmation,
  onPassword,
  onConfirmation,
  idPrefix,
  label,
}: {
  password: string;
  confirmation: string;
  onPassword: (v: string) => void;
  onConfirmation: (v: string) => void;
  idPrefix: string;
  label?: string;
}) {
  const hintId = useId();
  const mismatchId = useId();
  const strength = passwordStrength(password);
  const mismatch = confirmation.length > 0 && confirmation !== password;
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-password`}>{label ?? t('password.new')}</label>
        <input
          id={`${idPrefix}-password`}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => onPassword(e.target.value)}
          aria-describedby={hintId}
          maxLength={512}
          required
        />
        <div className="strength" id={hintId}>
          <meter min={0} max={4} low={2.5} high={3.5} optimum={4} value={strengthScore(strength)} aria-label={t('password.strengthLabel')} />
          <span className={`strength-text strength-${strength}`}>{strength === 'empty' ? t('password.rule') : t(`password.strength.${strength}`)}</span>
          {strength !== 'empty' && !isAcceptable(password) && <span className="hint"> {t('password.rule')}</span>}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-confirmation`}>{t('password.confirmation')}</label>
        <input
          id={`${idPrefix}-confirmation`}
          type="password"
          autoComplete="new-password"
          value={confirmation}
          onChange={(e) => onConfirmation(e.target.value)}
          aria-invalid={mismatch ? true : undefined}
          aria-describedby={mismatch ? mismatchId : undefined}
          maxLength={512}
          required
        />
        {mismatch && (
          <p className="field-error" id={mismatchId}>
            {t('password.mismatch')}
          </p>
        )}
      </div>
    </>
  );
}

export function canSubmitNewPassword(password: string, confirmation: string): boolean {
  return isAcceptable(password) && password === confirmation;
}
