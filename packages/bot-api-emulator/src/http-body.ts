/**
 * Request parameter decoding for the local Bot API emulator: query string,
 * application/json, application/x-www-form-urlencoded and multipart/form-data
 * (plain fields; file parts are recorded by name and size only).
 *
 * Why it exists: Telegram accepts all four encodings and treats every
 * parameter the same way regardless of how it arrived. grammY sends JSON, and
 * switches to multipart when an InputFile is present, so the emulator must
 * decode both identically.
 */

import type { IncomingMessage } from "node:http";

import { ApiError } from "./api-errors.js";

/** Largest request body accepted (Telegram allows 50 MB uploads). */
const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** A file part of a multipart request, kept as metadata. */
export interface UploadedFile {
  kind: "file";
  filename: string;
  contentType: string;
  size: number;
  /** The file's bytes (methods that store uploads, such as sendPhoto, keep them). */
  data: Buffer;
}

/** Reads the whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, "Request Entity Too Large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Decodes the parameters of a request. JSON values keep their types; form and
 * multipart values are strings, exactly as Telegram receives them.
 */
export function decodeParams(
  contentType: string | undefined,
  body: Buffer,
  query: URLSearchParams,
): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of query) params[key] = value;
  if (body.length === 0) return params;
  const type = (contentType ?? "").toLowerCase();
  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw new ApiError(400, "Bad Request: can't parse JSON object");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ApiError(400, "Bad Request: expected JSON object");
    }
    Object.assign(params, parsed);
  } else if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/iu.exec(contentType ?? "");
    const value = boundary?.[1] ?? boundary?.[2];
    if (value === undefined) throw new ApiError(400, "Bad Request: can't parse multipart/form-data");
    Object.assign(params, parseMultipart(body, value.trim()));
  } else {
    // Telegram treats any other body as urlencoded form data.
    for (const [key, value] of new URLSearchParams(body.toString("utf8"))) params[key] = value;
  }
  return params;
}

/** Minimal multipart/form-data parser: text fields as strings, files as {@link UploadedFile}. */
export function parseMultipart(body: Buffer, boundary: string): Record<string, string | UploadedFile> {
  const result: Record<string, string | UploadedFile> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    let partStart = position + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === "--") break;
    if (body.subarray(partStart, partStart + 2).toString() === "\r\n") partStart += 2;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // The part ends with CRLF before the next delimiter.
    const partEnd = body.subarray(next - 2, next).toString() === "\r\n" ? next - 2 : next;
    const part = body.subarray(partStart, partEnd);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString("utf8");
      const content = part.subarray(headerEnd + 4);
      const disposition = /content-disposition:[^\r\n]*/iu.exec(headers)?.[0] ?? "";
      const name = /\bname="([^"]*)"/iu.exec(disposition)?.[1];
      // grammY writes the file name unquoted (filename=photo.png); browsers quote it.
      const filename = /\bfilename=(?:"([^"]*)"|([^;\r\n]*))/iu
        .exec(disposition)
        ?.slice(1)
        .find((v) => v !== undefined);
      if (name !== undefined) {
        if (filename !== undefined) {
          const contentType = /content-type:\s*([^\r\n]*)/iu.exec(headers)?.[1] ?? "application/octet-stream";
          result[name] = { kind: "file", filename, contentType, size: content.length, data: Buffer.from(content) };
        } else {
          result[name] = content.toString("utf8");
        }
      }
    }
    position = next;
  }
  return result;
}
