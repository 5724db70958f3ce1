import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { PliApi } from '../../shared/api';
import type { PersonView, PracticeDoctorView, PracticeProfileView, PracticeSetupView, Role } from '../../shared/domain';
import { ErrorAlert, Notice } from '../components/Alert';
import { t } from '../i18n';
import { toProblem, type Problem } from '../lib/errors';

const EMPTY: PracticeSetupView = { mode: 'individual', doctors: [], staff: [] };

/** An internal id from a name: lower case, no accents, dashes ("Hélène DURAND" -> "helene-durand"). */
export function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/** Settings > "Cabinet de groupe": mode, group key, doctors, staff, and the people who open sessions. */
export function GroupSettingsSection({ api }: { api: PliApi }) {
  const [setup, setSetup] = useState<PracticeSetupView>(EMPTY);
  const [people, setPeople] = useState<PersonView[]>([]);
  const [drops, setDrops] = useState<PracticeProfileView[]>([]);
  const [admin, setAdmin] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();

  const load = useCallback(() => {
    let alive = true;
    api.invoke('practice.group.get', {}).then(
      (r) => {
        if (!alive) return;
        setSetup(r.setup ?? EMPTY);
        setPeople(r.people);
      },
      (e: unknown) => alive && setProblem(toProblem(e, t('group.settings.failed'))),
    );
    api.invoke('practice.list', {}).then((r) => alive && setDrops(r.profiles), () => undefined);
    api.invoke('group.me', {}).then((r) => alive && setAdmin(r.canAdminister), () => undefined);
    return () => {
      alive = false;
    };
  }, [api]);
  useEffect(() => load(), [load]);

  const doctor = (i: number, patch: Partial<PracticeDoctorView>) =>
    setSetup((s) => ({ ...s, doctors: s.doctors.map((d, j) => (j === i ? { ...d, ...patch } : d)) }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    setNotice(undefined);
    const clean: PracticeSetupView = {
      ...setup,
      doctors: setup.doctors.map((d) => ({ ...d, id: d.id || slug(`${d.firstName}-${d.surname}`) })),
      staff: setup.staff.map((m) => ({ ...m, id: m.id || slug(m.name) })),
    };
    try {
      setSetup(await api.invoke('practice.group.save', { setup: clean }));
      setNotice(t('group.settings.saved'));
    } catch (err) {
      setProblem(toProblem(err, t('common.error')));
    }
  };

  return (
    <section id="settings-group" aria-labelledby="group-title" className="settings-section">
      <h3 id="group-title">{t('group.settings')}</h3>
      <p>{t('group.settings.intro')}</p>
      {!admin && <p className="muted">{t('group.settings.adminOnly')}</p>}
      <form onSubmit={save} noValidate>
        <fieldset disabled={!admin}>
          <legend>{t('group.settings.mode')}</legend>
          {(['individual', 'group'] as const).map((m) => (
            <div className="field check" key={m}>
              <input id={`group-mode-${m}`} type="radio" name="group-mode" value={m} checked={setup.mode === m} onChange={() => setSetup((s) => ({ ...s, mode: m }))} />
              <label htmlFor={`group-mode-${m}`}>{t(`group.settings.${m}`)}</label>
            </div>
          ))}
          <div className="field">
            <label htmlFor="group-name">{t('group.settings.name')}</label>
            <input id="group-name" value={setup.name ?? ''} maxLength={80} onChange={(e) => setSetup((s) => ({ ...s, name: e.target.value }))} />
          </div>
          {setup.mode === 'group' && (
            <>
              <div className="field">
                <label htmlFor="group-key">{t('group.settings.key')}</label>
                <input id="group-key" className="mono" placeholder="cabinet.NOM" value={setup.groupKeyOwner ?? ''} maxLength={100} onChange={(e) => setSetup((s) => ({ ...s, groupKeyOwner: e.target.value }))} />
              </div>
              <div className="field">
                <label htmlFor="group-address">{t('group.settings.commonAddress')}</label>
                <input id="group-address" className="mono" type="email" value={setup.commonAddress ?? ''} maxLength={320} onChange={(e) => setSetup((s) => ({ ...s, commonAddress: e.target.value }))} />
              </div>
            </>
          )}
        </fieldset>
        <fieldset disabled={!admin}>
          <legend>{t('group.settings.doctors')}</legend>
          {setup.doctors.map((d, i) => {
            const p = `group-doctor-${i}`;
            return (
              <fieldset key={i} className="group-doctor">
                <legend>{d.surname ? `Dr ${d.firstName} ${d.surname}` : t('group.settings.doctorN', { n: i + 1 })}</legend>
                <div className="field">
                  <label htmlFor={`${p}-first`}>{t('group.settings.firstName')}</label>
                  <input id={`${p}-first`} value={d.firstName} maxLength={60} onChange={(e) => doctor(i, { firstName: e.target.value })} />
                </div>
                <div className="field">
                  <label htmlFor={`${p}-surname`}>{t('group.settings.surname')}</label>
                  <input id={`${p}-surname`} value={d.surname} maxLength={60} onChange={(e) => doctor(i, { surname: e.target.value })} />
                </div>
                <div className="field">
                  <label htmlFor={`${p}-apicrypt`}>{t('group.settings.apicryptId')}</label>
                  <input id={`${p}-apicrypt`} className="mono" placeholder="prenom.NOM" value={d.apicryptId} maxLength={100} onChange={(e) => doctor(i, { apicryptId: e.target.value })} />
                </div>
                <div className="field">
                  <label htmlFor={`${p}-rpps`}>{t('group.settings.rpps')}</label>
                  <input id={`${p}-rpps`} className="mono" inputMode="numeric" value={d.rpps ?? ''} maxLength={11} onChange={(e) => doctor(i, { rpps: e.target.value })} />
                </div>
                <div className="field">
                  <label htmlFor={`${p}-drop`}>{t('group.settings.dropProfile')}</label>
                  <select id={`${p}-drop`} value={d.dropProfileId ?? ''} onChange={(e) => doctor(i, { dropProfileId: e.target.value })}>
                    <option value="">{t('group.settings.noDrop')}</option>
                    {drops.map((x) => (
                      <option key={x.id} value={x.id}>
                        {x.name}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`${p}-codes`}>{t('group.settings.hprimCodes')}</label>
                  <input
                    id={`${p}-codes`}
                    className="mono"
                    aria-describedby={`${p}-codes-hint`}
                    value={(d.hprimCodes ?? []).join(', ')}
                    onChange={(e) => doctor(i, { hprimCodes: e.target.value.split(/[,;\s]+/).filter((c) => c !== '').slice(0, 20) })}
                  />
                  <p id={`${p}-codes-hint`} className="hint">
                    {t('group.settings.hprimCodesHint')}
                  </p>
                </div>
                {setup.doctors.length > 1 && (
                  <fieldset className="group-delegates">
                    <legend>{t('group.settings.delegates')}</legend>
                    {setup.doctors
                      .filter((o, j) => j !== i && o.id !== '')
                      .map((o) => (
                        <div className="field check" key={o.id}>
                          <input
                            id={`${p}-delegate-${o.id}`}
                            type="checkbox"
                            checked={(d.delegates ?? []).includes(o.id)}
                            onChange={(e) =>
                              doctor(i, { delegates: e.target.checked ? [...(d.delegates ?? []), o.id] : (d.delegates ?? []).filter((x) => x !== o.id) })
                            }
                          />
                          <label htmlFor={`${p}-delegate-${o.id}`}>
                            Dr {o.firstName} {o.surname}
                          </label>
                        </div>
                      ))}
                  </fieldset>
                )}
                <button type="button" className="link-button danger" onClick={() => setSetup((s) => ({ ...s, doctors: s.doctors.filter((_, j) => j !== i) }))}>
                  {t('group.settings.removeDoctor')}
                </button>
              </fieldset>
            );
          })}
          <button type="button" onClick={() => setSetup((s) => ({ ...s, doctors: [...s.doctors, { id: '', firstName: '', surname: '', apicryptId: '' }] }))}>
            {t('group.settings.addDoctor')}
          </button>
        </fieldset>
        <fieldset disabled={!admin}>
          <legend>{t('group.settings.staff')}</legend>
          {setup.staff.map((m, i) => (
            <div className="field inline" key={i}>
              <label htmlFor={`group-staff-${i}`}>{t('group.settings.staffName')}</label>
              <input id={`group-staff-${i}`} value={m.name} maxLength={80} onChange={(e) => setSetup((s) => ({ ...s, staff: s.staff.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) }))} />
              <button type="button" className="link-button danger" aria-label={`${t('group.settings.removeStaff')} ${m.name}`} onClick={() => setSetup((s) => ({ ...s, staff: s.staff.filter((_, j) => j !== i) }))}>
                {t('group.settings.removeStaff')}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setSetup((s) => ({ ...s, staff: [...s.staff, { id: '', name: '' }] }))}>
            {t('group.settings.addStaff')}
          </button>
        </fieldset>
        <ErrorAlert problem={problem} />
        <Notice text={notice} />
        {admin && (
          <button type="submit" className="primary">
            {t('group.settings.save')}
          </button>
        )}
      </form>
      <PeopleForm api={api} admin={admin} people={people} doctors={setup.doctors} onChanged={load} />
    </section>
  );
}

function PeopleForm({ api, admin, people, doctors, onChanged }: { api: PliApi; admin: boolean; people: PersonView[]; doctors: PracticeDoctorView[]; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [role, setRole] = useState<Role>('secretary');
  const [doctorId, setDoctorId] = useState('');
  const [password, setPassword] = useState('');
  const [adminPassword, setAdminPassword] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const personId = id || slug(name);
  const ok = name.trim() !== '' && personId !== '' && password !== '' && adminPassword !== '' && (role !== 'doctor' || doctorId !== '');

  const run = async (fn: () => Promise<string>) => {
    setProblem(undefined);
    setNotice(undefined);
    try {
      setNotice(await fn());
      setPassword('');
      setAdminPassword('');
      onChanged();
    } catch (err) {
      setProblem(toProblem(err, t('common.error')));
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!ok) return;
    void run(async () => {
      const p = await api.invoke('people.add', { person: { id: personId, name: name.trim(), role, ...(role === 'doctor' ? { doctorId } : {}) }, password, adminPassword });
      setName('');
      setId('');
      return t('group.people.added', { name: p.name });
    });
  };

  return (
    <form className="group-people" aria-labelledby="group-people-title" onSubmit={add} noValidate>
      <h4 id="group-people-title">{t('group.people')}</h4>
      {people.length === 0 ? (
        <p className="muted">{t('group.people.none')}</p>
      ) : (
        <ul className="people-list">
          {people.map((p) => (
            <li key={p.id}>
              <span>
                {p.name} — {t(`group.role.${p.role}`)} <span className="mono muted">({p.id})</span>
              </span>
              {admin && (
                <button
                  type="button"
                  className="link-button danger"
                  disabled={adminPassword === ''}
                  onClick={() =>
                    void run(async () => {
                      await api.invoke('people.remove', { personId: p.id, adminPassword });
                      return t('group.people.removed');
                    })
                  }
                >
                  {t('group.people.remove', { name: p.name })}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {admin && (
        <fieldset>
          <legend>{t('group.people.add')}</legend>
          <div className="field">
            <label htmlFor="person-name">{t('group.people.name')}</label>
            <input id="person-name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="person-id">{t('group.people.id')}</label>
            <input id="person-id" className="mono" value={personId} maxLength={40} onChange={(e) => setId(slug(e.target.value))} />
          </div>
          <div className="field">
            <label htmlFor="person-role">{t('group.people.role')}</label>
            <select id="person-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {(['secretary', 'doctor', 'administrator'] as const).map((r) => (
                <option key={r} value={r}>
                  {t(`group.role.${r}`)}
                </option>
              ))}
            </select>
          </div>
          {role === 'doctor' && (
            <div className="field">
              <label htmlFor="person-doctor">{t('group.people.doctor')}</label>
              <select id="person-doctor" value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
                <option value="">{t('group.assign.choose')}</option>
                {doctors.map((d) => (
                  <option key={d.id} value={d.id}>
                    Dr {d.firstName} {d.surname}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor="person-password">{t('group.people.password')}</label>
            <input id="person-password" type="password" autoComplete="new-password" value={password} maxLength={512} onChange={(e) => setPassword(e.target.value)} />
          </div>
        </fieldset>
      )}
      {admin && (
        <div className="field">
          <label htmlFor="person-admin-password">{t('group.people.adminPassword')}</label>
          <input id="person-admin-password" type="password" autoComplete="current-password" value={adminPassword} maxLength={512} onChange={(e) => setAdminPassword(e.target.value)} />
        </div>
      )}
      <ErrorAlert problem={problem} />
      <Notice text={notice} />
      {admin && (
        <button type="submit" className="primary" disabled={!ok}>
          {t('group.people.add')}
        </button>
      )}
    </form>
  );
}
