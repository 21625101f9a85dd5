/** Bounds on what one input may cost; a bound that is hit is an {@link InputError}, never a crash. */
type InputLimits = {
  /** Total bytes a gzip input (or an embedded base64+gzip payload) may inflate to: the gzip-bomb guard. */
  readonly maxInflatedBytes: number;
  /** Largest single JSON document (a pretty-printed file, a one-line S3 delivery file) that is held and parsed whole. */
  readonly maxDocumentBytes: number;
  /** Longest NDJSON line after the first; NDJSON is streamed, so only one line is held at a time. */
  readonly maxLineBytes: number;
};

const MiB = 1024 * 1024;

/**
 * Defaults: 4 GiB inflated (streamed NDJSON is not held, so this bounds time, not memory), 512 MiB per document
 * (V8 cannot hold a longer string, so nothing bigger could be parsed as one value anyway), 64 MiB per line (CloudTrail
 * caps a record at 256 KB; a 50 MB record still fits).
 */
const defaultLimits: InputLimits = {
  maxInflatedBytes: 4096 * MiB,
  maxDocumentBytes: 512 * MiB,
  maxLineBytes: 64 * MiB,
};

const resolveLimits = (limits: Partial<InputLimits> | undefined): InputLimits => ({ ...defaultLimits, ...limits });

/** The cap for an embedded payload (awslogs.data, Kinesis data): it is inflated in memory, so the document bound applies too. */
const embeddedCap = (limits: InputLimits): number => Math.min(limits.maxInflatedBytes, limits.maxDocumentBytes);

export { defaultLimits, embeddedCap, type InputLimits, resolveLimits };
