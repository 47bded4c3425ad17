// Download links for one agency's data (agency detail page): findings and assets of the agency and its
// units, as CSV or XLSX, from the API's per-agency exports (same scope check as every other read), with
// the header row in the UI's language (`?lang=`).
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';

const FILES: readonly { readonly file: string; readonly label: MessageKey }[] = [
  { file: 'findings.xlsx', label: 'export.findingsXlsx' },
  { file: 'findings.csv', label: 'export.findingsCsv' },
  { file: 'assets.xlsx', label: 'export.assetsXlsx' },
  { file: 'assets.csv', label: 'export.assetsCsv' },
];

export function ExportLinks({ agencyId }: { agencyId: string }) {
  const { t, lang } = useI18n();
  const base = `/api/v1/agencies/${encodeURIComponent(agencyId)}`;
  return (
    <section className="card exports" aria-labelledby="exports-title">
      <h2 id="exports-title">{t('export.title')}</h2>
      <ul className="export-links">
        {FILES.map((f) => (
          <li key={f.file}><a href={`${base}/${f.file}?lang=${lang}`} download data-export={f.file}>{t(f.label)}</a></li>
        ))}
      </ul>
      <p className="muted">{t('export.hint')}</p>
    </section>
  );
}
