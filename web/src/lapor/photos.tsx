// Photo picking on the public pages: the browser's own checks (type by name, 10 MB, 10 photos) for a
// quick answer; the server judges again by content (src/api/photos.ts).
import { useState } from 'react';
import { MAX_PHOTOS, PHOTO_MAX_BYTES, PHOTO_TYPES } from './api';
import type { PubError } from './api';
import { usePub } from './i18n';

export function usePhotoPicker() {
  const { t } = usePub();
  const [files, setFiles] = useState<File[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const pick = (list: FileList | null) => {
    const all = [...(list ?? [])];
    const bad = all.find((f) => f.size > PHOTO_MAX_BYTES) ?? null;
    const wrong = all.find((f) => f.type !== '' && !PHOTO_TYPES.includes(f.type)) ?? null;
    if (bad !== null) setProblem(t('lapor.photoTooBig', { name: bad.name }));
    else if (wrong !== null) setProblem(t('lapor.photoType', { name: wrong.name }));
    else if (all.length > MAX_PHOTOS) setProblem(t('lapor.photoTooMany', { max: MAX_PHOTOS }));
    else setProblem(null);
    setFiles(all.filter((f) => f.size <= PHOTO_MAX_BYTES && (f.type === '' || PHOTO_TYPES.includes(f.type))).slice(0, MAX_PHOTOS));
  };
  return { files, problem, pick, clear: () => setFiles([]) };
}

export function PhotoInput({ label, hint, picker, name }: { label: string; hint?: string; picker: ReturnType<typeof usePhotoPicker>; name: string }) {
  return (
    <div className="pub-field">
      <label>{label}
        <input type="file" name={name} accept={PHOTO_TYPES.join(',')} multiple onChange={(e) => picker.pick(e.target.files)} />
      </label>
      {hint !== undefined && <small className="pub-muted">{hint}</small>}
      {picker.problem !== null && <small className="pub-error" role="alert">{picker.problem}</small>}
    </div>
  );
}

/** Where the photo uploads are: photo n of total, then how many arrived and why any did not. */
export interface Upload { readonly n: number; readonly total: number; readonly done: boolean; readonly failed: readonly { name: string; error: PubError }[] }

export function UploadStatus({ upload, errText }: { upload: Upload | null; errText: (e: PubError) => string }) {
  const { t } = usePub();
  if (upload === null) return null;
  return (
    <div role="status" data-testid="photo-upload">
      {upload.done ? <p>{t('lapor.photosDone', { n: upload.n })}</p> : <p>{t('lapor.photosUploading', { n: upload.n, total: upload.total })}</p>}
      {upload.failed.map((f) => <p key={f.name} className="pub-error">{t('lapor.photoFailed', { name: f.name, reason: errText(f.error) })}</p>)}
    </div>
  );
}
