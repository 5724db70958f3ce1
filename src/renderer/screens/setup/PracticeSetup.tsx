import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { PliApi } from '../../../shared/api';
import type { PracticeProfileView } from '../../../shared/domain';
import { ErrorAlert, Notice } from '../../components/Alert';
import { t } from '../../i18n';
import { toProblem, type Problem } from '../../lib/errors';

/**
 * The practice software's drop folder: pick a profile (how files are named and encoded), give the folder
 * the software watches, and turn the drop on. Shared by Paramètres and the wizard.
 */
export function PracticeSetup({ api, onSaved }: { api: PliApi; onSaved?: (p: PracticeProfileView) => void }) {
  const [profiles, setProfiles] = useState<PracticeProfileView[]>();
  const [id, setId] = useState('');
  const [folder, setFolder] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const pick = useCallback((list: PracticeProfileView[], wanted?: string) => {
    const p = list.find((x) => x.id === wanted) ?? list.find((x) => x.enabled) ?? list[0];
    setId(p?.id ?? '');
    setFolder(p?.folder ?? '');
    setEnabled(p ? p.enabled || !p.folder : true);
  }, []);
  const load = useCallback(() => {
    api.invoke('practice.list', {}).then(
      (r) => {
        setProfiles(r.profiles);
        pick(r.profiles);
        const on = r.profiles.find((x) => x.enabled && x.folder);
        if (on) onSaved?.(on);
      },
      (e: unknown) => setProblem(toProblem(e, t('practice.failed'))),
    );
  }, [api, pick, onSaved]);
  useEffect(load, [load]);
  const current = profiles?.find((p) => p.id === id);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!current || busy) return;
    setBusy(true);
    setProblem(undefined);
    setNotice(undefined);
    try {
      const saved = await api.invoke('practice.save', { profile: { ...current, folder: folder.trim(), enabled: enabled && folder.trim() !== '' } });
      setProfiles((list) => (list ?? []).map((p) => (p.id === saved.id ? saved : p)));
      setNotice(saved.enabled ? t('practice.saved', { folder: saved.folder }) : t('practice.savedOff'));
      if (saved.enabled) onSaved?.(saved);
    } catch (err) {
      setProblem(toProblem(err, t('practice.saveFailed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="setup practice-setup">
      {profiles && (
        <form onSubmit={save} noValidate>
          <div className="field">
            <label htmlFor="practice-profile">{t('practice.profile')}</label>
            <select id="practice-profile" value={id} onChange={(e) => pick(profiles, e.target.value)} aria-describedby="practice-profile-hint">
              {profiles.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            {current && (
              <p id="practice-profile-hint" className="hint">
                {t('practice.profileHint', { pattern: `${current.fileNamePattern}.${current.extension}`, charset: current.charset })}
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor="practice-folder">{t('practice.folder')}</label>
            <input id="practice-folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder={t('practice.folderPlaceholder')} aria-describedby="practice-folder-hint" spellCheck={false} />
            <p id="practice-folder-hint" className="hint">
              {t('practice.folderHint')}
            </p>
          </div>
          <div className="field check">
            <input id="practice-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            <label htmlFor="practice-enabled">{t('practice.enabled')}</label>
          </div>
          <button type="submit" disabled={busy || !current}>
            {busy ? t('common.working') : t('practice.save')}
          </button>
        </form>
      )}
      <ErrorAlert problem={problem} onRetry={profiles ? undefined : load} />
      <Notice text={notice} />
    </div>
  );
}
