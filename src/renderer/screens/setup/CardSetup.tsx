import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { PliApi } from '../../../shared/api';
import type { CardStatus } from '../../../shared/domain';
import { ErrorAlert, Notice } from '../../components/Alert';
import { t } from '../../i18n';
import { toProblem, type Problem } from '../../lib/errors';

/**
 * The CPS card: detection, holder identity, and a PIN try. The PIN lives only in its input, is sent once
 * to the host (which hands it to the card) and the field is emptied at once, whatever the answer.
 */
export function CardSetup({ api, onStatus }: { api: PliApi; onStatus?: (s: CardStatus) => void }) {
  const [card, setCard] = useState<CardStatus>();
  const [problem, setProblem] = useState<Problem>();
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string>();
  const show = useCallback(
    (s: CardStatus) => {
      setCard(s);
      onStatus?.(s);
    },
    [onStatus],
  );
  const refresh = useCallback(() => api.invoke('card.status', {}).then(show), [api, show]);
  const load = useCallback(() => {
    setProblem(undefined);
    refresh().catch((e: unknown) => setProblem(toProblem(e, t('card.failed'))));
  }, [refresh]);
  useEffect(load, [load]);
  useEffect(() => api.on('card.changed', show), [api, show]);

  const login = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || pin.length < 4) return;
    const value = pin;
    setPin('');
    setBusy(true);
    setProblem(undefined);
    setNotice(undefined);
    try {
      const s = await api.invoke('card.login', { pin: value });
      show(s);
      if (s.loggedIn) setNotice(t('card.pinAccepted'));
    } catch (err) {
      setProblem(toProblem(err, t('card.failed')));
      // The refusal changed the tries left: show the card as it is now, keeping the refusal in view.
      refresh().catch(() => undefined);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="setup card-setup">
      {!card && !problem && <p role="status">{t('card.detecting')}</p>}
      {card && (
        <dl className="facts" data-testid="card-status">
          <dt>{t('card.state')}</dt>
          <dd>{!card.present ? t('card.absent') : card.loggedIn ? t('card.loggedIn') : t('card.present')}</dd>
          {card.holder && (
            <>
              <dt>{t('card.holder')}</dt>
              <dd>{card.holder}</dd>
            </>
          )}
          {card.profession && (
            <>
              <dt>{t('card.profession')}</dt>
              <dd>{card.profession}</dd>
            </>
          )}
          {card.rpps && (
            <>
              <dt>{t('card.rpps')}</dt>
              <dd>{card.rpps}</dd>
            </>
          )}
          {card.triesLeft !== undefined && (
            <>
              <dt>{t('card.tries')}</dt>
              <dd data-testid="card-tries">{card.triesLeft}</dd>
            </>
          )}
        </dl>
      )}
      {card && !card.present && <p className="hint">{t('card.insert')}</p>}
      {card?.newCard && <p className="field-warning">{t('card.newCard')}</p>}
      {card?.present && !card.loggedIn && (
        <form onSubmit={login} className="inline-form pin-form">
          <div className="field">
            <label htmlFor="card-pin">{t('card.pinTry')}</label>
            <input
              id="card-pin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              value={pin}
              onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 16))}
              minLength={4}
              maxLength={16}
              aria-describedby="card-pin-hint"
            />
            <p id="card-pin-hint" className="hint">
              {t('card.pinHint')}
            </p>
          </div>
          <button type="submit" disabled={busy || pin.length < 4}>
            {busy ? t('common.working') : t('card.pinCheck')}
          </button>
        </form>
      )}
      <ErrorAlert problem={problem} />
      <Notice text={notice} />
      <button type="button" onClick={load}>
        {t('card.refresh')}
      </button>
    </div>
  );
}
