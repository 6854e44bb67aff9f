/**
 * Files the bot uploads to the emulator (sendPhoto), kept in memory so a test or
 * the terminal client can read the exact bytes back, and so a later call may
 * send the same file again by its file_id, as on Telegram.
 */

/** A stored upload. */
export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  bytes: Buffer;
  /** getFile's file_path, e.g. `photos/file_3.png`. */
  file_path: string;
}

/** Width and height read from a PNG (IHDR) or JPEG (SOFn) header; undefined for anything else. */
export function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString("latin1", 12, 16) === "IHDR") {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    for (let at = 2; at + 9 < bytes.length; ) {
      if (bytes[at] !== 0xff) return undefined;
      const marker = bytes[at + 1]!;
      const length = bytes.readUInt16BE(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
      }
      at += 2 + length;
    }
  }
  return undefined;
}

/** The in-memory file store of one emulator. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private serial = 0;

  /** Stores bytes under fresh ids. */
  put(ids: { file_id: string; file_unique_id: string }, bytes: Buffer, extension: string): StoredFile {
    const file: StoredFile = { ...ids, bytes, file_path: `photos/file_${this.serial++}.${extension}` };
    this.byId.set(ids.file_id, file);
    return file;
  }

  /** Registers another id (a smaller PhotoSize) for the same bytes. */
  alias(fileId: string, file: StoredFile): void {
    this.byId.set(fileId, file);
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }
}
