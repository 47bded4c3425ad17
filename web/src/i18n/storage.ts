/** Where the UI's language choice is kept (shared by the office UI and the public report pages). */
export const LANG_STORAGE_KEY = 'perisai.lang';
