import { readFile } from 'node:fs/promises';

/** A JSON file's bytes and parsed value. */
export interface JsonFile {
  /** The file's bytes exactly as read. */
  bytes: Uint8Array;
  /** The parsed JSON value. */
  value: unknown;
}

/**
 * Reads and parses a JSON file (UTF-8, a leading byte-order mark is ignored).
 * @throws naming `fn` and the file when it cannot be read or is not valid JSON.
 */
export async function readJsonFile(fn: string, path: string): Promise<JsonFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`${fn}: cannot read ${path}: ${(e as Error).message}`);
  }
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  try {
    return { bytes, value: JSON.parse(text) as unknown };
  } catch (e) {
    // One line: JSON.parse quotes the text near the error, line breaks included.
    throw new SyntaxError(`${fn}: ${path} is not valid JSON: ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
}
