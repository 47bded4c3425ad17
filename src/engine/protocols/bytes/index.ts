// Byte-level building blocks shared by every codec in src/engine/protocols.
export { DecodeError, isDecodeError } from './errors.js';
export type { DecodeErrorCode } from './errors.js';
export { ByteReader, DEFAULT_MAX_STRING_BYTES } from './reader.js';
export { ByteWriter, MAX_WRITER_BYTES } from './writer.js';
export { ByteQueue } from './byte-queue.js';
export { StreamReader } from './stream-reader.js';
export { decodeUtf16le, encodeUtf16le, decodeLatin1, encodeLatin1 } from './utf16le.js';
export { FILETIME_UNIX_EPOCH, filetimeToUnixMs, filetimeToDate, filetimeToIso, dateToFiletime } from './filetime.js';
export { toHex, fromHex, hex32 } from './hex.js';
