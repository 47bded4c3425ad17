// The reporter's status page at /lapor/status#<token> (docs/incidents.md "The status link"): the token
// stays in the URL fragment (never sent by the browser) and goes to the API in a header. Shows the
// status and the handling stage, the responders' messages, and lets the reporter add a message or photos.
import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { pub, PubError, uploadPhotos } from './api';
import type { ReportStatus } from './api';
import { CardView } from './Card';
import { usePub } from './i18n';
import { PhotoInput, UploadStatus, usePhotoPicker } from './photos';
import type { Upload } from './photos';

export function StatusPage() {
  const { t, bi, fmtDate } = usePub();
  const [token, setToken] = useState(() => location.hash.replace(/^#/, ''));
  useEffect(() => {
    // Another link pasted into the same tab changes only the fragment: follow it.
    const follow = () => setToken(location.hash.replace(/^#/, ''));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const [status, setStatus] = useState<ReportStatus | null>(null);
  const [error, setError] = useState<PubError | null>(null);
  const [text, setText] = useState('');
  const [textProblem, setTextProblem] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<PubError | null>(null);
  const [sentNote, setSentNote] = useState(false);
  const photos = usePhotoPicker();
  const [upload, setUpload] = useState<Upload | null>(null);

  const load = useCallback(() => {
    if (token === '') return;
    pub<ReportStatus>('GET', '/public/report-status', { token }).then((s) => {
      setStatus(s);
      setError(null);
    }, (e: unknown) => setError(e instanceof PubError ? e : new PubError(0, null, null)));
  }, [token]);
  useEffect(() => {
    setStatus(null);
    setError(null);
    load();
  }, [load]);

  const errText = (e: PubError) => (e.status === 0 ? t('lapor.error.network') : e.text !== null ? bi(e.text) : t('lapor.error.generic'));

  if (token === '') return <p className="pub-error" role="alert" data-testid="status-no-token">{t('lapor.status.noToken')}</p>;
  if (error !== null && status === null) {
    return (
      <div className="pub-error" role="alert" data-testid="status-error">
        <span>{errText(error)}</span> <a href="/lapor">{t('lapor.status.newReport')}</a>
      </div>
    );
  }
  if (status === null) return <p className="pub-muted">{t('lapor.loading')}</p>;

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setSentNote(false);
    setSendError(null);
    const v = text.trim();
    setTextProblem(v === '');
    if (v === '') return;
    setSending(true);
    try {
      await pub('POST', '/public/report-status/messages', { json: { text: v }, token });
      setText('');
      setSentNote(true);
      load();
    } catch (err) {
      setSendError(err instanceof PubError ? err : new PubError(0, null, null));
    } finally {
      setSending(false);
    }
  };
  const sendPhotos = async () => {
    const files = photos.files;
    if (files.length === 0) return;
    setUpload({ n: 1, total: files.length, done: false, failed: [] });
    const failed = await uploadPhotos(files, token, (i) => setUpload({ n: i + 1, total: files.length, done: false, failed: [] }));
    setUpload({ n: files.length - failed.length, total: files.length, done: true, failed });
    photos.clear();
    load();
  };

  return (
    <div data-testid="status-page">
      <h1>{t('lapor.status.title')} <span className="pub-ref" data-testid="status-reference">{status.reference}</span></h1>
      <section className="pub-card">
        <dl className="pub-facts">
          <dt>{t('lapor.status.state')}</dt><dd data-testid="status-state" data-status={status.status}>{bi(status.statusLabel)}</dd>
          {status.phaseLabel !== null && <><dt>{t('lapor.status.phase')}</dt><dd data-testid="status-phase" data-phase={status.phase ?? ''}>{bi(status.phaseLabel)}</dd></>}
          {status.reason !== null && <><dt>{t('lapor.status.reason')}</dt><dd>{status.reason}</dd></>}
          <dt>{t('lapor.status.unit')}</dt><dd>{status.unit.name}</dd>
          <dt>{t('lapor.status.submitted')}</dt><dd>{fmtDate(status.submittedAt)}</dd>
        </dl>
        <p className="pub-muted">{t('lapor.status.photos', { n: status.photos })} · {t('lapor.status.expires', { date: fmtDate(status.expiresAt) })}</p>
        <button type="button" onClick={load}>{t('lapor.status.refresh')}</button>
      </section>

      <section className="pub-card" aria-labelledby="msgs">
        <h2 id="msgs">{t('lapor.status.messages')}</h2>
        {status.messages.length === 0 ? <p className="pub-muted">{t('lapor.status.noMessages')}</p> : (
          <ul className="pub-messages" data-testid="status-messages">
            {status.messages.map((m, i) => (
              <li key={i} className={m.from === 'responder' ? 'from-team' : 'from-me'}>
                <small className="pub-muted">{m.from === 'responder' ? t('lapor.status.fromResponder') : t('lapor.status.fromReporter')} · {fmtDate(m.at)}</small>
                <p>{m.text}</p>
              </li>
            ))}
          </ul>
        )}
        <form onSubmit={(e) => void send(e)} noValidate data-testid="status-message-form">
          <div className="pub-field">
            <label>{t('lapor.status.message')}<textarea name="text" rows={3} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={textProblem} /></label>
            {textProblem && <small className="pub-error" role="alert">{t('lapor.need.text')}</small>}
          </div>
          {sendError !== null && <p className="pub-error" role="alert">{errText(sendError)}</p>}
          {sentNote && <p className="pub-muted" role="status">{t('lapor.status.sent')}</p>}
          <button type="submit" className="pub-primary" disabled={sending}>{t('lapor.status.send')}</button>
        </form>
        <PhotoInput name="photos" label={t('lapor.status.addPhoto')} hint={t('lapor.photosHint')} picker={photos} />
        {photos.files.length > 0 && <button type="button" onClick={() => void sendPhotos()}>{t('lapor.status.sendPhotos')}</button>}
<UploadStatus upload={upload} errText={errText} />
      </section>
      <CardView card={status.card} />
    </div>
  );
}
