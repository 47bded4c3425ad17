// Facts a scan may not have learned (SMBv1, SMB signing, dialects, OS): a yes/no badge when the scans know,
// a neutral "Tidak diketahui"/"Unknown" badge when they do not — never a "no" for a question nobody
// answered (the API sends null; docs/api.md "Three-valued facts"). The reason the engine gave, from its
// machine form (reason codes and notes, src/engine/checks/notes.ts FactReason) in the reader's language,
// is the badge's title (hover) and shows as text when the badge is tapped (phones have no hover), with the
// engine's English sentence folded under it as raw data. A reason stored before the machine form existed
// says so, with the English sentence marked as the engine's raw note.
// Also what a scan comparison could not tell: the ports, checks and hosts only one of two scans looked at.
import { useState } from 'react';
import type { AssetSmb, FactReason, NotCompared } from './api';
import { factReasonsText } from './format';
import { isMessageKey, translate, useI18n } from './i18n';
import type { MessageKey } from './i18n';

/**
 * The neutral badge for an unknown fact; tapping it shows (or hides) why: `codes` translated, else "reason
 * not recorded" when only the English `reason` is there, else `fallback` (the engine gave no reason).
 */
export function UnknownFact({ reason, codes, fallback = 'fact.noReason' }: { reason?: string | undefined; codes?: readonly FactReason[] | undefined; fallback?: MessageKey }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const translated = factReasonsText(codes, (k) => (isMessageKey(k) ? translate(lang, k) : undefined));
  const why = translated ?? t(reason !== undefined ? 'fact.reasonNotRecorded' : fallback);
  return (
    <span className="fact-unknown">
      <button type="button" className="badge sev-unknown" title={why} aria-expanded={open} data-fact="unknown" data-reason-codes={translated !== undefined ? 'yes' : 'no'} onClick={() => setOpen(!open)}>
        {t('fact.unknown')}
      </button>
      {open && (
        <span className="fact-reason muted" role="note">
          <span className="fact-why">{why}</span>
          {reason !== undefined && (
            <details className="raw-note">
              <summary>{t('fact.engineText')}</summary>
              <code className="raw raw-text" lang="en" data-raw="engine">{reason}</code>
            </details>
          )}
        </span>
      )}
    </span>
  );
}

/** SMBv1 offered: yes (a risk) / no / unknown. */
export function Smbv1Fact({ smb }: { smb: AssetSmb | null }) {
  const { t } = useI18n();
  if (smb === null) return <UnknownFact fallback="fact.smbNotExamined" />;
  if (smb.smbv1 === null) return <UnknownFact reason={smb.smbv1Reason} codes={smb.smbv1ReasonCodes} />;
  return smb.smbv1
    ? <span className="badge sev-critical" data-fact="yes">{t('common.yes')}</span>
    : <span className="badge sev-low" data-fact="no">{t('common.no')}</span>;
}

const SIGNING: Readonly<Record<string, { key: MessageKey; cls: string }>> = {
  required: { key: 'fact.signing.required', cls: 'sev-low' },
  enabled: { key: 'fact.signing.enabled', cls: 'sev-medium' },
  disabled: { key: 'fact.signing.disabled', cls: 'sev-high' },
};

/** SMB signing: required / offered but not required / off / unknown. */
export function SigningFact({ smb }: { smb: AssetSmb | null }) {
  const { t } = useI18n();
  if (smb === null) return <UnknownFact fallback="fact.smbNotExamined" />;
  const s = smb.signing === null ? undefined : SIGNING[smb.signing];
  if (s === undefined) return <UnknownFact reason={smb.signingReason} codes={smb.signingReasonCodes} />;
  return <span className={`badge ${s.cls}`} data-fact={smb.signing}>{t(s.key)}</span>;
}

/** The SMB dialects seen; a list that may miss some says so. */
export function DialectsFact({ smb }: { smb: AssetSmb | null }) {
  const { t } = useI18n();
  if (smb === null || smb.dialects === null) return <UnknownFact fallback={smb === null ? 'fact.smbNotExamined' : 'fact.noReason'} />;
  return (
    <span data-fact="dialects">
      {smb.dialects.join(', ') || t('common.none')}
      {!smb.dialectsComplete && <span className="muted"> {t('fact.dialectsIncomplete')}</span>}
    </span>
  );
}

/** The OS name, or unknown when no scan identified it. */
export function OsFact({ os }: { os: { name: string } | null }) {
  return os === null ? <UnknownFact fallback="fact.osNotIdentified" /> : <span data-fact="os">{os.name}</span>;
}

/** Under a scan's changes: what could not be compared because only one of the two scans looked there. */
export function NotComparedNote({ value }: { value: NotCompared }) {
  const { t } = useI18n();
  const parts = [
    ...(value.ports.length > 0 ? [t('scan.notCompared.ports', { ports: value.ports.join(', ') })] : []),
    ...(value.checks.length > 0 ? [t('scan.notCompared.checks', { checks: value.checks.join(', ') })] : []),
    ...(value.hosts > 0 ? [t('scan.notCompared.hosts', { n: value.hosts })] : []),
  ];
  if (parts.length === 0) return null;
  return <p className="muted not-compared" data-testid="scan-not-compared">{t('scan.notCompared')} {parts.join('; ')}</p>;
}
