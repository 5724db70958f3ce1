import type { SignatureStatus } from '../../shared/domain';
import { t } from '../i18n';

const SIGN_SYMBOL: Record<SignatureStatus, string> = { valid: '✓', invalid: '✗', unknown_signer: '?', not_signed: '–' };

/** Signature state in words and a symbol; the reason when the signature is invalid. */
export function SignatureBadge({ status, reason, compact }: { status: SignatureStatus; reason?: string; compact?: boolean }) {
  const label = t(`signature.${status}`);
  return (
    <span className={`badge sig-${status}`} title={compact ? label : undefined}>
      <span aria-hidden="true">{SIGN_SYMBOL[status]}</span>
      {compact ? <span className="sr-only">{label}</span> : <span> {label}</span>}
      {!compact && status === 'invalid' && reason && <span className="badge-reason"> ({reason})</span>}
    </span>
  );
}
