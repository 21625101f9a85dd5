import { Buffer } from 'node:buffer';
import { InputError, type InputPlace } from './errors.js';
import { gunzipCapped, isGzip } from './gzip.js';

const maxReason = 160;

/** A JSON.parse failure as a short reason; V8 quotes the input, which can be megabytes long. */
const jsonReason = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > maxReason ? `${message.slice(0, maxReason)}…` : message;
};

/** JSON text held inside a record (an SQS body, a CloudWatch Logs message, LookupEvents' CloudTrailEvent). */
const parseEmbeddedJson = (text: string, at: InputPlace): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`invalid JSON (${jsonReason(error)})`, at, { cause: error });
  }
};

const base64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Base64 text holding JSON, gzip-compressed or not (`awslogs.data`, Kinesis `data`, Pub/Sub `message.data`). */
const decodeEmbeddedPayload = (text: string, cap: number, at: InputPlace): unknown => {
  const compact = text.replace(/\s+/g, '');
  if (!base64.test(compact)) throw new InputError('not base64 text', at);
  const bytes = Buffer.from(compact, 'base64');
  const plain = isGzip(bytes) ? gunzipCapped(bytes, cap, at) : bytes;
  if (plain.length > cap) throw new InputError(`payload larger than ${cap} bytes`, at);
  return parseEmbeddedJson(plain.toString('utf8'), at);
};

export { decodeEmbeddedPayload, jsonReason, parseEmbeddedJson };
