import type { id } from './id';

/** Every message of the UI; the Indonesian dictionary is the reference. */
export type MessageKey = keyof typeof id;
export type Lang = 'id' | 'en';
export const LANGS: readonly Lang[] = ['id', 'en'];
