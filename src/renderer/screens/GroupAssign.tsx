import { useId, useState, type FormEvent } from 'react';
import type { PliApi } from '../../shared/api';
import type { GroupSessionView } from '../../shared/domain';
import { ErrorAlert } from '../components/Alert';
import { t } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';

/**
 * "Attribuer à…": the secretariat (or a doctor) hands a letter of "À trier" to a doctor; with
 * "toujours pour cet expéditeur" the choice becomes a rule for the next letters of that sender.
 */
export function GroupAssign({ api, letterId, doctors, onAssigned }: { api: PliApi; letterId: string; doctors: GroupSessionView['doctors']; onAssigned: (message: string) => void }) {
  const id = useId();
  const [doctorId, setDoctorId] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!doctorId || busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const r = await api.invoke('letters.route', { ids: [letterId], doctorId, remember });
      const doctor = doctors.find((d) => d.id === doctorId)?.name ?? doctorId;
      onAssigned(r.rule ? t('group.assign.doneRule', { doctor }) : t('group.assign.done', { doctor }));
    } catch (err) {
      setProblem(toProblem(err, t('common.error')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="group-assign" aria-labelledby={`${id}-title`} onSubmit={submit}>
      <h3 id={`${id}-title`}>{t('group.assign.title')}</h3>
      <div className="field">
        <label htmlFor={`${id}-doctor`}>{t('group.assign.doctor')}</label>
        <select id={`${id}-doctor`} value={doctorId} onChange={(e) => setDoctorId(e.target.value)} required>
          <option value="">{t('group.assign.choose')}</option>
          {doctors.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field check">
        <input id={`${id}-remember`} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
        <label htmlFor={`${id}-remember`}>{t('group.assign.remember')}</label>
      </div>
      <ErrorAlert problem={problem} />
      <button type="submit" className="primary" disabled={!doctorId || busy}>
        {busy ? t('common.working') : t('group.assign.submit')}
      </button>
    </form>
  );
}
