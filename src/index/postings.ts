/**
 * An inverted index in typed arrays: for each term, the documents that contain it and how often.
 * Built once at ingest from the segmented chunks and saved in the index build, so a start reads
 * it instead of segmenting every chunk again. Compact: at 135k chunks a `Map` of `{doc, tf}`
 * objects took most of the heap; these arrays take 6 bytes a posting.
 */

/** Postings in compressed-row form: term t's documents are `docs[offsets[t]..offsets[t+1]]`, ascending. */
export interface Postings {
  /** The vocabulary; a term's position is its id. */
  terms: string[];
  /** terms.length + 1 entries. */
  offsets: Uint32Array;
  docs: Uint32Array;
  /** Occurrences of the term in the document (capped at 65,535). */
  tfs: Uint16Array;
  /** Tokens per document. */
  lengths: Uint32Array;
}

/** How many documents use each term. */
export function documentFrequencies(postings: Postings): Map<string, number> {
  return new Map(postings.terms.map((term, t) => [term, postings.offsets[t + 1]! - postings.offsets[t]!]));
}

/** Builds postings from documents given as token lists (strings). */
export function buildPostings(documents: readonly (readonly string[])[]): Postings {
  const ids = new Map<string, number>();
  const terms: string[] = [];
  const docsAsIds = documents.map((tokens) => {
    const out = new Uint32Array(tokens.length);
    tokens.forEach((t, i) => {
      let id = ids.get(t);
      if (id === undefined) ids.set(t, (id = terms.push(t) - 1));
      out[i] = id;
    });
    return out;
  });
  return buildPostingsFromIds(docsAsIds, terms);
}

/**
 * Builds postings from documents given as ids into `names` (the ingest pass segments each chunk once
 * into ids and builds several indexes from them). Terms that no document uses are left out.
 */
export function buildPostingsFromIds(documents: readonly Uint32Array[], names: readonly string[]): Postings {
  const n = documents.length;
  const lengths = new Uint32Array(n);
  // Pass 1: document frequency per name, counting each (document, name) once.
  const df = new Uint32Array(names.length);
  const seen = new Uint32Array(names.length);
  documents.forEach((doc, d) => {
    lengths[d] = doc.length;
    for (const id of doc) {
      if (seen[id] !== d + 1) {
        seen[id] = d + 1;
        df[id]!++;
      }
    }
  });
  // Compact term ids: only names that occur, in order of first id.
  const termOf = new Int32Array(names.length).fill(-1);
  const terms: string[] = [];
  for (let id = 0; id < names.length; id++) if (df[id]) termOf[id] = terms.push(names[id]!) - 1;
  const offsets = new Uint32Array(terms.length + 1);
  for (let id = 0; id < names.length; id++) if (termOf[id]! >= 0) offsets[termOf[id]! + 1] = df[id]!;
  for (let t = 0; t < terms.length; t++) offsets[t + 1]! += offsets[t]!;
  const total = offsets[terms.length]!;
  const docs = new Uint32Array(total);
  const tfs = new Uint16Array(total);
  const fill = offsets.slice(0, terms.length);
  // Pass 2: documents in ascending order, so each term's list comes out sorted.
  const count = new Uint32Array(names.length);
  seen.fill(0);
  documents.forEach((doc, d) => {
    for (const id of doc) {
      if (seen[id] !== d + 1) {
        seen[id] = d + 1;
        count[id] = 0;
      }
      count[id]!++;
    }
    for (const id of doc) {
      if (count[id] === 0) continue;
      const t = termOf[id]!;
      const at = fill[t]!++;
      docs[at] = d;
      tfs[at] = Math.min(count[id]!, 0xffff);
      count[id] = 0;
    }
  });
  return { terms, offsets, docs, tfs, lengths };
}

/**
 * Serialises postings: a 4-byte header length, a JSON header (the vocabulary and array sizes), then the
 * arrays, each 4-byte aligned so they can be viewed in place on load.
 */
export function encodePostings(p: Postings): Buffer {
  const header = Buffer.from(
    JSON.stringify({ terms: p.terms, docs: p.lengths.length, postings: p.docs.length }),
    "utf8",
  );
  const pad = (x: number) => (4 - (x % 4)) % 4;
  const headerBytes = 4 + header.length + pad(4 + header.length);
  const parts = [p.offsets, p.docs, p.lengths, p.tfs].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const out = Buffer.alloc(headerBytes + parts.reduce((s, b) => s + b.length + pad(b.length), 0));
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  let at = headerBytes;
  for (const part of parts) {
    part.copy(out, at);
    at += part.length + pad(part.length);
  }
  return out;
}

/** Reads what `encodePostings` wrote. @throws Error when the data is truncated or malformed. */
export function decodePostings(data: Buffer): Postings {
  const headerLength = data.readUInt32LE(0);
  const header = JSON.parse(data.subarray(4, 4 + headerLength).toString("utf8")) as {
    terms: string[];
    docs: number;
    postings: number;
  };
  const pad = (x: number) => (4 - (x % 4)) % 4;
  // A fresh copy gives aligned, independent arrays (the file buffer can be collected).
  const bytes = new Uint8Array(data.length);
  bytes.set(data);
  let at = 4 + headerLength + pad(4 + headerLength);
  const take = <T>(
    make: (buffer: ArrayBuffer, offset: number, length: number) => T,
    count: number,
    size: number,
  ): T => {
    if (at + count * size > bytes.length) throw new Error("postings file is truncated");
    const view = make(bytes.buffer, at, count);
    at += count * size + pad(count * size);
    return view;
  };
  const offsets = take((b, o, l) => new Uint32Array(b, o, l), header.terms.length + 1, 4);
  const docs = take((b, o, l) => new Uint32Array(b, o, l), header.postings, 4);
  const lengths = take((b, o, l) => new Uint32Array(b, o, l), header.docs, 4);
  const tfs = take((b, o, l) => new Uint16Array(b, o, l), header.postings, 2);
  if (offsets[header.terms.length] !== header.postings) throw new Error("postings file is inconsistent");
  return { terms: header.terms, offsets, docs, tfs, lengths };
}
