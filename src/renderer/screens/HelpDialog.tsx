import { Dialog } from '../components/Dialog';
import { t } from '../i18n';
import { LIST_KEYS, SHORTCUTS } from '../lib/shortcuts';

export function HelpDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog id="help" title={t('help.title')} onClose={onClose}>
      <p>{t('help.intro')}</p>
      <table className="shortcuts">
        <caption>{t('help.shortcuts')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('help.key')}</th>
            <th scope="col">{t('help.action')}</th>
          </tr>
        </thead>
        <tbody>
          {[...SHORTCUTS, ...LIST_KEYS.map((k) => ({ keys: t(k.keys), label: k.label }))].map((s) => (
            <tr key={s.keys}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{t(s.label)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
